// Partition planning: split the model's units (transformer blocks, then the LM head) into
// layer groups of consecutive units and decide which stay resident ("pinned") and which are
// streamed from disk on every forward pass, so that everything the run holds fits the budget.
//
// All byte figures are pool footprints (page-rounded, MemoryPool::footprintBytes), the same
// bytes the runtime leases, so a plan that fits is a run that fits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

class ValidatedModelGraph;

/// The shape of a run that decides KV-cache and scratch sizes.
struct RunShape {
    std::uint32_t nCtx = 512;   ///< tokens the KV cache holds (prompt + generated)
    std::uint32_t nBatch = 32;  ///< prompt tokens processed per forward pass during prefill
    /// Teacher-forced scoring (ReadyEngine::evaluateAll): the head computes logits for every row
    /// of a batch, so the logits scratch holds (nBatch, vocab) f32 instead of (vocab,).
    bool allLogits = false;
};

/// One schedulable unit: a transformer block or the LM head.
struct PlanUnit {
    std::string name;                      ///< "layer 3", "output head"
    int layer = -1;                        ///< block index, -1 for the head
    std::uint64_t weightBytes = 0;         ///< bytes its tensors occupy in a group buffer (64-aligned each)
    std::vector<std::string> tensorNames;  ///< for display
};

/// Everything a strategy needs to know; pure data, so planners are testable without files.
struct PlanInput {
    std::vector<PlanUnit> units;     ///< in execution order
    std::uint64_t kvBytes = 0;       ///< KV-cache footprint
    std::uint64_t scratchBytes = 0;  ///< activations, logits and sampler workspace footprint
};

/// A group of consecutive units [firstUnit, lastUnit] loaded as one buffer.
struct LayerGroup {
    std::uint32_t firstUnit = 0;
    std::uint32_t lastUnit = 0;
    std::uint64_t weightBytes = 0;     ///< sum of the units' weightBytes
    std::uint64_t footprintBytes = 0;  ///< pool footprint of the group's buffer
    bool pinned = false;               ///< resident for the whole run, else streamed per pass
    std::uint32_t unitCount() const { return lastUnit - firstUnit + 1; }
};

struct PartitionPlan {
    std::string strategy;
    std::uint64_t budgetBytes = 0;
    std::vector<PlanUnit> units;
    std::vector<LayerGroup> groups;
    std::uint64_t kvBytes = 0;
    std::uint64_t scratchBytes = 0;
    std::uint64_t pinnedBytes = 0;           ///< footprint of all pinned groups
    std::uint64_t streamedBytesPerPass = 0;  ///< footprint read from disk on every forward pass
    std::uint64_t streamSlotBytes = 0;       ///< one stream slot: the largest streamed group's footprint
    std::uint64_t streamReserveBytes = 0;    ///< all stream slots (1, or 2 with prefetch)
    bool prefetch = false;                   ///< next streamed group loads while the current computes
    std::size_t streamSlots() const { return streamSlotBytes == 0 ? 0 : (prefetch ? 2 : 1); }
    /// kv + scratch + pinned + stream reserve: the most the run leases at once.
    std::uint64_t plannedPeakBytes() const { return kvBytes + scratchBytes + pinnedBytes + streamReserveBytes; }
    bool allPinned() const { return streamedBytesPerPass == 0; }
    std::size_t streamedGroupCount() const;
};

/// A partition strategy. Implementations are stateless.
class PartitionStrategy {
public:
    virtual ~PartitionStrategy() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    /// The smallest budget this strategy can plan for `input`.
    virtual std::uint64_t minimumBudget(const PlanInput& input) const = 0;
    /// Plans `input` within `budgetBytes`. Throws BudgetError saying the minimum budget when the
    /// budget cannot hold KV cache, scratch and the stream slots for the largest unit (two slots
    /// for prefetch).
    virtual PartitionPlan plan(const PlanInput& input, std::uint64_t budgetBytes) const = 0;
};

/// "sequential", "greedy-grouping", "speculative-prefetch".
std::vector<std::string> strategyNames();
/// Throws UsageError listing the known names when `name` is not one.
std::unique_ptr<PartitionStrategy> makeStrategy(std::string_view name);

/// Builds the planner's input for a model and run shape: unit weight bytes from the graph,
/// KV and scratch footprints from the runtime's layouts.
PlanInput makePlanInput(const ValidatedModelGraph& graph, const RunShape& shape);

/// Human-readable multi-line table of a plan (used by `inspect` and `run`).
std::string describePlan(const PartitionPlan& plan);

}  // namespace edgert
