#include "runtime/group-loader.h"

#include "model/tensor-transform.h"
#include "edgert/error.h"
#include "runtime/run-layout.h"

namespace edgert {

LoadedGroup loadGroup(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                      MemoryPool& pool)
{
    const auto& g = plan.groups.at(groupIndex);
    PoolBuffer buffer = pool.allocate(g.weightBytes, "group " + std::to_string(groupIndex) + " weights (" +
                                                         plan.units[g.firstUnit].name +
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
        const auto tensors = unitTensors(graph, view.layer);
        std::size_t slot = 0;
        for (std::size_t r = 0; r < tensors.size(); ++r) {
            const TensorRef& t = *tensors[r];
            std::byte* dst = destination + at;
            out.bytesRead += readTensor(t, dst);  // pread + in-place load transform (HF layouts)
            if (view.layer >= 0) {
                // unitTensors lists present roles in role order; find this tensor's role slot.
                while (!graph.layers()[static_cast<std::size_t>(view.layer)].byRole[slot]) ++slot;
                view.data[slot++] = dst;
            } else {
                view.data[r] = dst;
            }
            at += alignUp(t.sizeBytes);
        }
        out.units.push_back(view);
    }
    return out;
}

}  // namespace edgert
