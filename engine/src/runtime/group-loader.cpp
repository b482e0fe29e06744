#include "runtime/group-loader.h"

#include "edgert/error.h"
#include "graph/tensor-transform.h"
#include "runtime/run-layout.h"

namespace edgert {

LoadedGroup loadGroup(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                      MemoryPool& pool)
{
    const auto& g = plan.groups.at(groupIndex);
    PoolBuffer buffer = pool.allocate(
        g.weightBytes, "group " + std::to_string(groupIndex) + " weights (" + plan.units[g.firstUnit].name +
                           (g.firstUnit == g.lastUnit ? "" : " .. " + plan.units[g.lastUnit].name) + ")");
    LoadedGroup out = loadGroupInto(graph, plan, groupIndex, buffer.data(), buffer.sizeBytes());
    out.buffer = std::move(buffer);
    return out;
}

LoadedGroup loadGroupInto(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                          std::byte* destination, std::size_t capacityBytes)
{
    const auto& g = plan.groups.at(groupIndex);
    if (g.weightBytes > capacityBytes)
        throw BudgetError("group " + std::to_string(groupIndex) + " needs " + std::to_string(g.weightBytes) +
                          " bytes but its stream slot holds " + std::to_string(capacityBytes));
    LoadedGroup out;
    out.groupIndex = groupIndex;
    out.units.reserve(g.unitCount());
    std::uint64_t at = 0;
    for (auto u = g.firstUnit; u <= g.lastUnit; ++u) {
        UnitView view;
        view.layer = plan.units[u].layer;
        for (const auto& [role, ref] : unitTensorsByRole(graph, view.layer)) {
            std::byte* dst = destination + at;
            out.bytesRead += readTensor(*ref, dst);  // pread + in-place load transform (HF layouts)
            view.data[static_cast<std::size_t>(role)] = dst;
            at += alignUp(ref->sizeBytes);
        }
        out.units.push_back(view);
    }
    return out;
}

}  // namespace edgert
