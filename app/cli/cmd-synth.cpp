// edge-rt synth: writes a GGUF with the exact shape of a known model and random weights, for
// planning a deployment ("how does a 7B Q4_0 behave under 1 GB here?") before downloading it.
#include "cli-common.h"
#include "commands.h"

#include "edgert/error.h"
#include "edgert/synth.h"
#include "edgert/units.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <chrono>
#include <cstdio>

namespace edgert::cli {

int synthCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write a GGUF model with a known model's shape and random weights (its text is meaningless)."));
    parser.addHelpOption();
    QString shapes, gpt2Shapes;
    for (const auto& n : knownSynthShapeNames()) shapes += (shapes.isEmpty() ? "" : ", ") + QString::fromStdString(n);
    for (const auto& n : knownGpt2SynthShapeNames())
        gpt2Shapes += (gpt2Shapes.isEmpty() ? "" : ", ") + QString::fromStdString(n);
    parser.addOptions({
        {QStringLiteral("arch"), QStringLiteral("Architecture: llama or gpt2."), QStringLiteral("name"), QStringLiteral("llama")},
        {QStringLiteral("shape"), QStringLiteral("Known shape: llama: %1; gpt2: %2; or 'custom' with --dim etc.").arg(shapes, gpt2Shapes), QStringLiteral("name")},
        {QStringLiteral("type"), QStringLiteral("Matrix type: q8_0, q4_0, f16, f32."), QStringLiteral("type"), QStringLiteral("q8_0")},
        {QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Output file."), QStringLiteral("file.gguf")},
        {QStringLiteral("vocab"), QStringLiteral("GGUF to copy the tokenizer from (default: ../shared/models/vocab/ggml-vocab-llama-spm.gguf, or ggml-vocab-gpt-2.gguf for gpt2)."), QStringLiteral("path")},
        {QStringLiteral("dim"), QStringLiteral("Embedding length (custom or override)."), QStringLiteral("N")},
        {QStringLiteral("ffn"), QStringLiteral("Feed-forward length."), QStringLiteral("N")},
        {QStringLiteral("layers"), QStringLiteral("Transformer blocks."), QStringLiteral("N")},
        {QStringLiteral("heads"), QStringLiteral("Attention heads."), QStringLiteral("N")},
        {QStringLiteral("kv-heads"), QStringLiteral("Key/value heads."), QStringLiteral("N")},
        {QStringLiteral("context"), QStringLiteral("Context length."), QStringLiteral("N")},
        {QStringLiteral("tied"), QStringLiteral("Tie the LM head to token_embd (no output.weight).")},
        {QStringLiteral("seed"), QStringLiteral("Random seed."), QStringLiteral("S"), QStringLiteral("1")},
    });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    rejectPositional(parser);
    if (!parser.isSet(QStringLiteral("output"))) throw UsageError("missing -o FILE.gguf");
    if (!parser.isSet(QStringLiteral("shape"))) throw UsageError("missing --shape (" + shapes.toStdString() + " or custom)");

    const QString arch = parser.value(QStringLiteral("arch"));
    if (arch != QLatin1String("llama") && arch != QLatin1String("gpt2"))
        throw UsageError("--arch expects llama or gpt2, got '" + arch.toStdString() + "'");
    const bool gpt2 = arch == QLatin1String("gpt2");
    SynthOptions o;
    Gpt2SynthOptions g;
    const std::string shapeName = parser.value(QStringLiteral("shape")).toStdString();
    if (gpt2 && shapeName != "custom") {
        const auto known = knownGpt2SynthShape(shapeName);
        if (!known) throw UsageError("unknown gpt2 shape '" + shapeName + "' (known: " + gpt2Shapes.toStdString() + ", custom)");
        g.shape = *known;
    } else if (shapeName == "custom") {
        o.shape.name = "custom";
        g.shape.name = "custom";
        for (const char* required : {"dim", "ffn", "layers", "heads"})
            if (!parser.isSet(QLatin1String(required)))
                throw UsageError(std::string("--shape custom needs --") + required);
    } else if (auto known = knownSynthShape(shapeName)) {
        o.shape = *known;
    } else {
        throw UsageError("unknown shape '" + shapeName + "' (known: " + shapes.toStdString() + ", custom)");
    }
    const auto u32 = [&](const char* name) {
        return static_cast<std::uint32_t>(parseUnsigned(parser, QLatin1String(name), 1, 1u << 20));
    };
    if (parser.isSet(QStringLiteral("dim"))) o.shape.dim = g.shape.dim = u32("dim");
    if (parser.isSet(QStringLiteral("ffn"))) o.shape.ffnDim = g.shape.ffnDim = u32("ffn");
    if (parser.isSet(QStringLiteral("layers"))) o.shape.nLayers = g.shape.nLayers = u32("layers");
    if (parser.isSet(QStringLiteral("heads"))) o.shape.nHeads = g.shape.nHeads = u32("heads");
    if (gpt2 && parser.isSet(QStringLiteral("context"))) g.shape.contextLength = u32("context");
    o.shape.nKvHeads = parser.isSet(QStringLiteral("kv-heads")) ? u32("kv-heads")
                                                               : (o.shape.nKvHeads ? o.shape.nKvHeads : o.shape.nHeads);
    if (parser.isSet(QStringLiteral("context"))) o.shape.contextLength = u32("context");
    if (parser.isSet(QStringLiteral("tied"))) o.shape.tiedEmbeddings = true;
    o.seed = parseUnsigned(parser, QStringLiteral("seed"), 0, ~0ull);

    const QString type = parser.value(QStringLiteral("type")).toLower();
    if (type == QLatin1String("q8_0")) o.type = TensorType::Q8_0;
    else if (type == QLatin1String("q4_0")) o.type = TensorType::Q4_0;
    else if (type == QLatin1String("f16")) o.type = TensorType::F16;
    else if (type == QLatin1String("f32")) o.type = TensorType::F32;
    else throw UsageError("--type expects q8_0, q4_0, f16 or f32, got '" + type.toStdString() + "'");

    if (parser.isSet(QStringLiteral("vocab"))) {
        o.vocabPath = parser.value(QStringLiteral("vocab")).toStdString();
    } else {
        const QString name = gpt2 ? QStringLiteral("ggml-vocab-gpt-2.gguf") : QStringLiteral("ggml-vocab-llama-spm.gguf");
        const QString fallback = QDir(QStringLiteral(EDGERT_SOURCE_DIR)).filePath(QStringLiteral("../shared/models/vocab/") + name);
        if (!QFileInfo::exists(fallback))
            throw UsageError("the default vocab '" + QDir::cleanPath(fallback).toStdString() + "' was not found; pass --vocab PATH.gguf (a GGUF with a " +
                             (gpt2 ? "gpt2" : "llama") + " tokenizer)");
        o.vocabPath = QDir::cleanPath(fallback).toStdString();
    }
    g.vocabPath = o.vocabPath;
    g.type = o.type;
    g.seed = o.seed;
    const std::string out = parser.value(QStringLiteral("output")).toStdString();
    const auto start = std::chrono::steady_clock::now();
    const auto bytes = gpt2 ? writeSyntheticGpt2(g, out) : writeSyntheticLlama(o, out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (gpt2) {
        std::printf("wrote %s: GPT-2 %s shape (dim %u, FFN %u, %u layers, %u heads, context %u), %s matrices, %s in %.1f s\n"
                    "note: the weights are random — generated text is meaningless; use it for speed and memory runs.\n",
                    out.c_str(), g.shape.name.c_str(), g.shape.dim, g.shape.ffnDim, g.shape.nLayers, g.shape.nHeads,
                    g.shape.contextLength, type.toUpper().toStdString().c_str(), formatBytes(bytes).c_str(), seconds);
        return 0;
    }
    std::printf("wrote %s: %s shape (dim %u, FFN %u, %u layers, %u heads, %u KV heads%s), %s matrices, %s in %.1f s\n"
                "note: the weights are random — generated text is meaningless; use it for speed and memory runs.\n",
                out.c_str(), o.shape.name.c_str(), o.shape.dim, o.shape.ffnDim, o.shape.nLayers, o.shape.nHeads,
                o.shape.nKvHeads, o.shape.tiedEmbeddings ? ", tied embeddings" : "", type.toUpper().toStdString().c_str(),
                formatBytes(bytes).c_str(), seconds);
    return 0;
}

}  // namespace edgert::cli
