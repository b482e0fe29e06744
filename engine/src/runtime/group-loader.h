// Loads a layer group's tensors from the model file into one pool buffer: units in order, each
// laid out by unitLayout() (runtime/unit-layout.h: file spans at page-congruent offsets, so the
// readers can use O_DIRECT), the layout unitWeightBytes() sums; each unit's matrices are repacked
// into their kernel layout as the reads progress (runtime/weight-repack.h). On the thread that
// calls it: the prefetch worker for prefetched streamed groups (runtime/group-prefetcher.h), the
// compute thread for the others and for pinned groups at prepare().
#pragma once

#include "edgert/memory-pool.h"
#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "runtime/model-readers.h"

#include <array>
#include <cstddef>
#include <vector>

namespace edgert {

/// Pointers to one unit's tensors inside a loaded group buffer, indexed by TensorRole (a block's
/// roles; for the head, layer -1: OutputNorm, Output, OutputNormBias); absent roles are null.
/// Forward passes read them through their architecture's named views (models/<arch>/*-weights.h).
struct UnitView {
    int layer = -1;
    std::array<const std::byte*, kTensorRoleCount> data{};
};

struct LoadedGroup {
    std::size_t groupIndex = 0;
    PoolBuffer buffer;  ///< owned buffer (pinned groups); empty when loaded into a stream slot
    std::vector<UnitView> units;
    std::uint64_t bytesRead = 0;
};

/// Leases the group's footprint from `pool` (BudgetError if it does not fit) and reads every
/// tensor of the group into it with `readers` (IoError naming file and offset on a failed or
/// short read). Thread-safe for distinct groups.
LoadedGroup loadGroup(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                      MemoryPool& pool, const ModelReaders& readers);

/// Reads the group's tensors into `destination` (a stream slot of `capacityBytes`, already
/// leased, page-aligned for O_DIRECT; BudgetError when the group does not fit). The result's
/// views point into it.
LoadedGroup loadGroupInto(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                          std::byte* destination, std::size_t capacityBytes, const ModelReaders& readers);

}  // namespace edgert
