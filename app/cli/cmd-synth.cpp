// edge-rt synth: writes a GGUF with the exact shape of a known model and random weights, for
// planning a deployment ("how does a 7B Q4_0 behave under 1 GB here?") before downloading it.
#include "cli-common.h"
#include "commands.h"

#include "edgert/error.h"
#include "edgert/quantize.h"
#include "edgert/synth.h"
#include "edgert/units.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <chrono>
#include <cstdio>
#include <optional>

namespace edgert::cli {

int synthCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write a GGUF model with a known model's shape and random weights (its text is meaningless)."));
    addHelpOption(parser);
    QString archNames, shapes;
    for (const Architecture a : supportedArchitectures()) {
        archNames += (archNames.isEmpty() ? "" : ", ") + QString::fromLatin1(architectureName(a));
        QString names;
        for (const auto& n : knownSynthShapeNames(a))
            names += (names.isEmpty() ? "" : ", ") + QString::fromStdString(n);
        if (!names.isEmpty())
            shapes += (shapes.isEmpty() ? "" : "; ") + QString::fromLatin1(architectureName(a)) + ": " + names;
    }
    addOptionsShowingDefaults(
        parser,
        {
            {QStringLiteral("arch"),
             QStringLiteral("Architecture: %1 (default: the shape's, else llama).").arg(archNames),
             QStringLiteral("name")},
            {QStringLiteral("shape"), QStringLiteral("Known shape (%1), or 'custom' with --dim etc.").arg(shapes),
             QStringLiteral("name")},
            {QStringLiteral("type"),
             QStringLiteral("Matrix type: one for every matrix (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl, "
                            "q2_k, q3_k, q4_k, q5_k, q6_k, iq4_xs), or a mixture chosen per tensor as llama-quantize "
                            "does (q3_k_s, q3_k_m, q4_k_s, q4_k_m, q5_k_s, q5_k_m)."),
             QStringLiteral("type"), QStringLiteral("q8_0")},
            {QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Output file."),
             QStringLiteral("file.gguf")},
            {QStringLiteral("vocab"),
             QStringLiteral(
                 "GGUF to copy the tokenizer from (default: the shape's vocab in ../shared/models/vocab/, e.g. "
                 "ggml-vocab-llama-spm.gguf)."),
             QStringLiteral("path")},
            {QStringLiteral("dim"), QStringLiteral("Embedding length (custom or override)."), QStringLiteral("N")},
            {QStringLiteral("ffn"), QStringLiteral("Feed-forward length."), QStringLiteral("N")},
            {QStringLiteral("layers"), QStringLiteral("Transformer blocks."), QStringLiteral("N")},
            {QStringLiteral("heads"), QStringLiteral("Attention heads."), QStringLiteral("N")},
            {QStringLiteral("kv-heads"), QStringLiteral("Key/value heads."), QStringLiteral("N")},
            {QStringLiteral("head-dim"), QStringLiteral("Head size (default dim / heads)."), QStringLiteral("N")},
            {QStringLiteral("context"), QStringLiteral("Context length."), QStringLiteral("N")},
            {QStringLiteral("tied"), QStringLiteral("Tie the LM head to token_embd (no output.weight).")},
            {QStringLiteral("seed"), QStringLiteral("Random seed."), QStringLiteral("S"), QStringLiteral("1")},
        });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    if (!parser.isSet(QStringLiteral("output"))) throw UsageError("missing -o FILE.gguf");
    if (!parser.isSet(QStringLiteral("shape")))
        throw UsageError("missing --shape (" + shapes.toStdString() + "; or custom)");

    std::optional<Architecture> arch;
    if (parser.isSet(QStringLiteral("arch"))) {
        arch = architectureFromName(parser.value(QStringLiteral("arch")).toStdString());
        if (!arch)
            throw UsageError("--arch expects one of " + archNames.toStdString() + ", got '" +
                             parser.value(QStringLiteral("arch")).toStdString() + "'");
    }
    SynthOptions o;
    const std::string shapeName = parser.value(QStringLiteral("shape")).toStdString();
    if (shapeName == "custom") {
        o.shape.name = "custom";
        o.shape.arch = arch.value_or(Architecture::Llama);
        if (o.shape.arch == Architecture::Gpt2) {
            o.shape.contextLength = 1024;
            o.shape.tiedEmbeddings = true;
            o.shape.vocabFile = "ggml-vocab-gpt-2.gguf";
        }
        for (const char* required : {"dim", "ffn", "layers", "heads"})
            if (!parser.isSet(QLatin1String(required)))
                throw UsageError(std::string("--shape custom needs --") + required);
    } else if (auto known = knownSynthShape(shapeName)) {
        o.shape = *known;
        if (arch && *arch != known->arch)
            throw UsageError("shape '" + shapeName + "' is a " + architectureName(known->arch) + " model, not " +
                             architectureName(*arch));
    } else {
        throw UsageError("unknown shape '" + shapeName + "' (known: " + shapes.toStdString() + "; or custom)");
    }
    const auto u32 = [&](const char* name) {
        return static_cast<std::uint32_t>(parseUnsigned(parser, QLatin1String(name), 1, 1u << 20));
    };
    if (parser.isSet(QStringLiteral("dim"))) o.shape.dim = u32("dim");
    if (parser.isSet(QStringLiteral("ffn"))) o.shape.ffnDim = u32("ffn");
    if (parser.isSet(QStringLiteral("layers"))) o.shape.nLayers = u32("layers");
    if (parser.isSet(QStringLiteral("heads"))) o.shape.nHeads = u32("heads");
    if (parser.isSet(QStringLiteral("kv-heads"))) o.shape.nKvHeads = u32("kv-heads");
    if (parser.isSet(QStringLiteral("head-dim"))) o.shape.headDim = u32("head-dim");
    if (parser.isSet(QStringLiteral("context"))) o.shape.contextLength = u32("context");
    if (parser.isSet(QStringLiteral("tied"))) o.shape.tiedEmbeddings = true;
    o.seed = parseUnsigned(parser, QStringLiteral("seed"), 0, ~0ull);

    // A tensor type name writes every matrix in it (llama-quantize --pure); a mixture name
    // (Q4_K_M, ...) chooses per tensor as llama-quantize does.
    const std::string type = parser.value(QStringLiteral("type")).toUpper().toStdString();
    const auto pureType = quantisableTypeNamed(type);
    const bool pure = pureType.has_value();
    if (pure) o.type = *pureType;
    if (!pure) {
        try {
            o.mixture = quantFileType(type).name;
        } catch (const UsageError&) {
            std::string names;
            for (const TensorType t : quantisableTypes()) names += (names.empty() ? "" : ", ") + tensorTypeName(t);
            throw UsageError("--type expects a tensor type (" + names +
                             ") or a llama-quantize mixture (Q3_K_S, Q3_K_M, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M), got '" +
                             type + "'");
        }
    }

    if (parser.isSet(QStringLiteral("vocab"))) {
        o.vocabPath = parser.value(QStringLiteral("vocab")).toStdString();
    } else {
        const QString fallback =
            QDir(QStringLiteral(EDGERT_SOURCE_DIR))
                .filePath(QStringLiteral("../shared/models/vocab/") + QString::fromStdString(o.shape.vocabFile));
        if (!QFileInfo::exists(fallback))
            throw UsageError("the default vocab '" + QDir::cleanPath(fallback).toStdString() +
                             "' was not found; pass --vocab PATH.gguf (a GGUF with a tokenizer)");
        o.vocabPath = QDir::cleanPath(fallback).toStdString();
    }
    const std::string out = parser.value(QStringLiteral("output")).toStdString();
    const auto start = std::chrono::steady_clock::now();
    const auto bytes = writeSynthetic(o, out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& sh = o.shape;
    std::printf(
        "wrote %s: %s %s shape (dim %u, FFN %u, %s, %u heads, %u KV heads, head size %u, context %u%s), "
        "%s matrices, %s in %.1f s\n"
        "note: the weights are random — generated text is meaningless; use it for speed and memory runs.\n",
        out.c_str(), architectureName(sh.arch), sh.name.c_str(), sh.dim, sh.ffnDim,
        countOf(sh.nLayers, "layer", "layers").c_str(), sh.nHeads, sh.kvHeads(), sh.headSize(), sh.contextLength,
        sh.tiedEmbeddings ? ", tied embeddings" : "", (o.mixture.empty() ? type : o.mixture).c_str(),
        formatBytes(bytes).c_str(), seconds);
    return 0;
}

}  // namespace edgert::cli
