#include "scoring-engine.h"

#include "cli-common.h"

#include "edgert/error.h"
#include "edgert/units.h"

namespace edgert::cli {

QList<QCommandLineOption> scoringEngineOptions()
{
    return {
        {QStringLiteral("model"),
         QStringLiteral("GGUF file or HF SafeTensors model directory (default: $EDGERT_MODEL or "
                        "../shared/models/tinystories-656k-q8_0.gguf)."),
         QStringLiteral("path")},
        {QStringLiteral("memory-budget"),
         QStringLiteral("Memory budget: bytes or 512K, 64M, 1G (default: enough to keep every weight resident)."),
         QStringLiteral("size")},
        {QStringLiteral("strategy"),
         QStringLiteral("Partition strategy: sequential, greedy-grouping, speculative-prefetch."),
         QStringLiteral("name"), QStringLiteral("greedy-grouping")},
        {QStringLiteral("threads"), QStringLiteral("Compute threads (default: physical cores)."), QStringLiteral("N")},
    };
}

ScoringModel openScoringModel(const QCommandLineParser& parser)
{
    ScoringModel m;
    m.strategy = makeStrategy(parser.value(QStringLiteral("strategy")).toStdString());
    m.threads = parser.isSet(QStringLiteral("threads"))
                    ? static_cast<int>(parseUnsigned(parser, QStringLiteral("threads"), 1, 256))
                    : defaultThreads();
    if (parser.isSet(QStringLiteral("memory-budget")))
        m.budgetBytes = parseByteSize(parser.value(QStringLiteral("memory-budget")).toStdString());
    m.path = resolveModelPath(parser.value(QStringLiteral("model")));
    m.graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(m.path).validate());
    return m;
}

ScoringEngine prepareScoringEngine(const ScoringModel& model, std::uint32_t nCtx, std::uint32_t nBatch)
{
    RunShape shape;
    shape.nCtx = nCtx;
    shape.nBatch = std::min(nBatch, nCtx);
    shape.allLogits = true;
    ScoringEngine s;
    s.budgetBytes =
        model.budgetBytes ? model.budgetBytes : fullBudget(*model.strategy, makePlanInput(*model.graph, shape));
    auto planned = IdleEngine(model.graph, EngineOptions{model.threads}).plan(*model.strategy, s.budgetBytes, shape);
    s.pool = std::make_unique<MemoryPool>(s.budgetBytes);
    s.engine.emplace(std::move(planned).prepare(*s.pool));
    return s;
}

}  // namespace edgert::cli
