// edge-rt quantize IN OUT --type T: rewrites a GGUF or a HF SafeTensors model as a GGUF with its
// matrices in type T, using
// llama-quantize's per-tensor rules (edgert/quantize.h); a progress bar on stderr (plain lines
// when stderr is not a terminal); OUT is written atomically.
#include "cli-common.h"
#include "commands.h"

#include "edgert/error.h"
#include "edgert/quantize.h"
#include "edgert/units.h"

#include <QCommandLineParser>

#include <unistd.h>

#include <cstdio>
#include <map>

namespace edgert::cli {

int quantizeCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Quantize IN (a GGUF with F32, F16 or BF16 matrices, or a HF model: a directory with config.json, "
        "model.safetensors and tokenizer.json, of LlamaForCausalLM, Qwen2ForCausalLM or GPT2LMHeadModel) to the GGUF "
        "OUT with its matrices in --type T: Q8_0, Q4_0, Q4_1, "
        "Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K_S, Q3_K_M, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K, IQ4_XS, F16 or BF16. "
        "Per-tensor types follow llama-quantize: the output matrix Q6_K (Q8_0 when its rows are not a multiple "
        "of 256), the _S/_M mixtures give attn_v/ffn_down/attn_output of chosen layers a higher type, and rows "
        "not divisible by 256 fall back (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, Q2_K/Q3_K/IQ4_XS -> IQ4_NL). "
        "Norms and biases are copied; metadata and tokenizer are carried over (for a HF model: config.json -> "
        "<arch>.* keys, tokenizer.json -> tokenizer.ggml.*, tokenizer_config.json's chat template), "
        "general.file_type set. "
        "Progress on stderr. OUT appears whole or not at all."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("IN"),
                                 QStringLiteral("Input GGUF (F32/F16/BF16 matrices) or HF model directory."));
    parser.addPositionalArgument(QStringLiteral("OUT"), QStringLiteral("Output GGUF."));
    parser.addOptions({
        {QStringLiteral("type"), QStringLiteral("Target file type."), QStringLiteral("T")},
        {QStringLiteral("threads"), QStringLiteral("Quantisation threads (default: physical cores)."),
         QStringLiteral("N")},
        {QStringLiteral("allow-requantize"),
         QStringLiteral("Accept quantised matrices (dequantised first; adds their error).")},
        {QStringLiteral("dry-run"), QStringLiteral("Print the per-tensor types and write nothing.")},
    });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    const auto positional = parser.positionalArguments();
    const qsizetype needed = parser.isSet(QStringLiteral("dry-run")) ? 1 : 2;
    if (positional.size() != needed)
        throw UsageError(std::string(needed == 1 ? "expected IN" : "expected IN OUT") + " (got " +
                         std::to_string(positional.size()) + " paths)");
    if (!parser.isSet(QStringLiteral("type"))) throw UsageError("--type T is missing (e.g. --type Q4_K_M)");
    const auto type = quantFileType(parser.value(QStringLiteral("type")).toStdString());
    const std::string in = positional[0].toStdString();

    if (parser.isSet(QStringLiteral("dry-run"))) {
        for (const auto& c : planQuantization(in, type, parser.isSet(QStringLiteral("allow-requantize"))))
            std::printf("%-32s %-8s -> %-8s %s\n", c.name.c_str(), tensorTypeName(c.from).c_str(),
                        tensorTypeName(c.to).c_str(), c.reason.c_str());
        return 0;
    }
    const std::string out = positional[1].toStdString();
    QuantizeOptions options;
    options.threads = parser.isSet(QStringLiteral("threads"))
                          ? static_cast<int>(parseUnsigned(parser, QStringLiteral("threads"), 1, 256))
                          : defaultThreads();
    options.allowRequantize = parser.isSet(QStringLiteral("allow-requantize"));
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    options.onTensor = [tty](std::size_t i, std::size_t n, const TensorQuantChoice& c, std::uint64_t bytes) {
        if (tty) {
            constexpr int kWidth = 30;
            const int filled = static_cast<int>((i + 1) * kWidth / n);
            std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu %-28.28s %s", filled, "##############################",
                         kWidth - filled, "", i + 1, n, c.name.c_str(), formatBytes(bytes).c_str());
            if (i + 1 == n) std::fputc('\n', stderr);
        } else {
            std::fprintf(stderr, "[%zu/%zu] %s %s -> %s (%s)\n", i + 1, n, c.name.c_str(),
                         tensorTypeName(c.from).c_str(), tensorTypeName(c.to).c_str(), c.reason.c_str());
        }
        std::fflush(stderr);
    };
    const auto result = quantizeModel(in, out, type, options);
    std::map<std::string, int> counts;
    for (const auto& c : result.tensors) ++counts[tensorTypeName(c.to)];
    std::string mix;
    for (const auto& [name, k] : counts) mix += (mix.empty() ? "" : ", ") + name + "×" + std::to_string(k);
    std::printf("%s -> %s (%s): %s -> %s; tensors %s\n", in.c_str(), out.c_str(), type.name.c_str(),
                formatBytes(result.inputBytes).c_str(), formatBytes(result.outputBytes).c_str(), mix.c_str());
    return 0;
}

}  // namespace edgert::cli
