// The engine setup `edge-rt logits` and `edge-rt perplexity` share: --model, --memory-budget,
// --strategy, --threads parsed as `run` parses them, and a ReadyEngine planned for teacher-forced
// scoring (RunShape::allLogits: the (batch, vocab) logits scratch is leased from the pool and
// counted in the plan), so the budget holds and streamed strategies work as in `run`.
#pragma once

#include "edgert/inference-engine.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <memory>
#include <optional>
#include <string>

namespace edgert::cli {

/// --model, --memory-budget, --strategy, --threads.
QList<QCommandLineOption> scoringEngineOptions();

/// A loaded model and the engine settings from the command line, before the run shape is known.
struct ScoringModel {
    std::shared_ptr<const ValidatedModelGraph> graph;
    std::unique_ptr<PartitionStrategy> strategy;
    std::uint64_t budgetBytes = 0;  ///< 0: enough to keep every weight resident
    int threads = 1;
    std::string path;
};
ScoringModel openScoringModel(const QCommandLineParser& parser);

/// A prepared engine with its pool (the pool outlives the engine: declared first).
struct ScoringEngine {
    std::unique_ptr<MemoryPool> pool;
    std::optional<ReadyEngine> engine;
    std::uint64_t budgetBytes = 0;
};

/// Plans `model` for chunks of nCtx tokens scored in batches of nBatch with logits at every
/// position and prepares it. BudgetError when the budget is below the strategy's minimum.
ScoringEngine prepareScoringEngine(const ScoringModel& model, std::uint32_t nCtx, std::uint32_t nBatch);

}  // namespace edgert::cli
