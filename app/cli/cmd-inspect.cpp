// edge-rt inspect: a model's metadata, hyper-parameters, tensor table and the plan each
// partition strategy makes for a budget.
#include "budget-option.h"
#include "cli-common.h"
#include "commands.h"

#include "edgert/error.h"
#include "edgert/model-graph.h"
#include "edgert/units.h"

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace edgert::cli {

namespace {

void printMetadata(const ModelGraph& g)
{
    std::printf("file       %s\n", g.path().c_str());
    std::printf("format     %s\n", g.formatDescription().c_str());
    // Tensor types with their counts, most frequent first (a Q4_K_M file is a mixture).
    std::vector<std::pair<std::string, int>> types;
    for (const auto& t : g.sourceTensors()) {
        auto it = std::find_if(types.begin(), types.end(), [&](const auto& e) { return e.first == t.type; });
        if (it == types.end())
            types.emplace_back(t.type, 1);
        else
            ++it->second;
    }
    std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string typeList;
    for (const auto& [name, count] : types)
        typeList += (typeList.empty() ? "" : ", ") + name + "\u00d7" + std::to_string(count);
    std::printf("types      %s\n", typeList.c_str());
    std::printf("\nmetadata\n");
    for (const auto& [key, value] : g.metadata()) std::printf("  %-44s %s\n", key.c_str(), value.c_str());
}

void printHyperParams(const ValidatedModelGraph& g)
{
    const auto& hp = g.hparams();
    std::printf("\nmodel      %s — %s, %s of weights\n", g.displayName().c_str(), architectureName(hp.arch),
                formatBytes(g.weightBytes()).c_str());
    if (hp.arch == Architecture::Gpt2) {
        std::printf("  layers %u, dim %u, FFN %u, heads %u, head dim %u, learned positions %u\n", hp.nLayers, hp.dim,
                    hp.ffnDim, hp.nHeads, hp.headDim, hp.contextLength);
        std::printf("  LayerNorm eps %g, GELU (tanh), vocab %u, embeddings %s\n", static_cast<double>(hp.normEps),
                    hp.vocabSize, hp.tiedEmbeddings ? "tied (LM head = token embedding)" : "separate");
        return;
    }
    std::printf(
        "  layers %u, dim %u, FFN %u, heads %u, KV heads %u (GQA %u:1), head dim %u, RoPE dims %u, "
        "RoPE base %g\n",
        hp.nLayers, hp.dim, hp.ffnDim, hp.nHeads, hp.nKvHeads, hp.nHeads / hp.nKvHeads, hp.headDim, hp.ropeDim,
        static_cast<double>(hp.ropeFreqBase));
    std::printf("  RMSNorm eps %g, context %u, vocab %u, embeddings %s\n", static_cast<double>(hp.normEps),
                hp.contextLength, hp.vocabSize, hp.tiedEmbeddings ? "tied (LM head = token embedding)" : "separate");
}

void printTensors(const ModelGraph& g)
{
    std::printf("\n%-48s %-6s %-18s %12s %12s\n", "tensor", "type", "shape", "bytes", "offset");
    for (const auto& t : g.sourceTensors())
        std::printf("%-48s %-6s %-18s %12llu %12llu\n", t.name.c_str(), t.type.c_str(), t.shape.c_str(),
                    static_cast<unsigned long long>(t.sizeBytes), static_cast<unsigned long long>(t.fileOffset));
}

}  // namespace

int inspectCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show a model's metadata, tensors and partition plans."));
    addHelpOption(parser);
    addOptionsShowingDefaults(
        parser,
        {
            {QStringLiteral("model"),
             QStringLiteral(
                 "GGUF file or HF SafeTensors model directory (default: $EDGERT_MODEL or the default model)."),
             QStringLiteral("path")},
            {QStringLiteral("tensors"), QStringLiteral("List every tensor (name, type, shape, bytes, offset).")},
            {QStringLiteral("memory-budget"),
             QStringLiteral("Plan for this budget (default: each strategy's minimum)."), QStringLiteral("size")},
            {QStringLiteral("ctx"),
             QStringLiteral("KV-cache context in tokens for planning (default: the model's, at most 512)."),
             QStringLiteral("N")},
            {QStringLiteral("batch"), QStringLiteral("Prefill batch for planning (default 32)."), QStringLiteral("N"),
             QStringLiteral("32")},
        });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    std::optional<std::uint64_t> budget;
    if (parser.isSet(QStringLiteral("memory-budget")))
        budget = parseBudget(parser.value(QStringLiteral("memory-budget")).toStdString());
    const std::string path = resolveModelPath(parser.value(QStringLiteral("model")));

    auto loaded = ModelGraph::open(path);
    printMetadata(loaded);
    if (parser.isSet(QStringLiteral("tensors"))) printTensors(loaded);
    const ValidatedModelGraph graph = std::move(loaded).validate();
    printHyperParams(graph);

    const auto& hp = graph.hparams();
    RunShape shape;
    shape.nCtx = parser.isSet(QStringLiteral("ctx"))
                     ? static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("ctx"), 1, hp.contextLength))
                     : std::min<std::uint32_t>(hp.contextLength, 512);
    shape.nBatch = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("batch"), 1, 4096));
    const PlanInput input = makePlanInput(graph, shape);
    std::printf("\nplanning for a %u-token context, prefill batch %u: KV cache %s, scratch %s\n", shape.nCtx,
                shape.nBatch, formatBytes(input.kvBytes).c_str(), formatBytes(input.scratchBytes).c_str());
    if (const auto note = weightsOutsideGroupsNote(graph.weightBytes(), input.units); !note.empty())
        std::printf("  %s\n", note.c_str());
    for (const auto& name : strategyNames()) {
        const auto strategy = makeStrategy(name);
        const auto minimum = strategy->minimumBudget(input);
        const auto full = fullBudget(*strategy, input);
        std::printf("\n%s — %s\n  minimum budget %s (%llu bytes); all weights resident from %s (%llu bytes)\n",
                    name.c_str(), strategy->description().c_str(), formatBytes(minimum).c_str(),
                    static_cast<unsigned long long>(minimum), formatBytes(full).c_str(),
                    static_cast<unsigned long long>(full));
        try {
            std::fputs(("  " + describePlan(strategy->plan(input, budget.value_or(minimum)))).c_str(), stdout);
        } catch (const BudgetError& e) {
            std::printf("  cannot plan: %s\n", e.what());
        }
    }
    return 0;
}

}  // namespace edgert::cli
