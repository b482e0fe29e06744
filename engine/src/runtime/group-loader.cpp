#include "runtime/group-loader.h"

#include "edgert/error.h"
#include "graph/tensor-transform.h"
#include "kernels/q4_0-interleaved.h"
#include "runtime/run-layout.h"
#include "runtime/unit-layout.h"

namespace edgert {

LoadedGroup loadGroup(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                      MemoryPool& pool, const ModelReaders& readers)
{
    const auto& g = plan.groups.at(groupIndex);
    PoolBuffer buffer = pool.allocate(
        g.weightBytes, "group " + std::to_string(groupIndex) + " weights (" + plan.units[g.firstUnit].name +
                           (g.firstUnit == g.lastUnit ? "" : " .. " + plan.units[g.lastUnit].name) + ")");
    LoadedGroup out = loadGroupInto(graph, plan, groupIndex, buffer.data(), buffer.sizeBytes(), readers);
    out.buffer = std::move(buffer);
    return out;
}

LoadedGroup loadGroupInto(const ValidatedModelGraph& graph, const PartitionPlan& plan, std::size_t groupIndex,
                          std::byte* destination, std::size_t capacityBytes, const ModelReaders& readers)
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
        const UnitLayout layout = unitLayout(graph, view.layer);
        if (at + layout.bytes > capacityBytes)
            throw BudgetError("group " + std::to_string(groupIndex) + " (" + plan.units[u].name + ") needs " +
                              std::to_string(at + layout.bytes) + " bytes but its buffer holds " +
                              std::to_string(capacityBytes));
        std::byte* base = destination + at;
        for (const auto& span : layout.spans)
            readers.forFile(span.file).read(span.fileOffset, base + span.offset, static_cast<std::size_t>(span.length));
        for (std::size_t i : layout.transformed)
            readTensor(*layout.tensors[i].ref, base + layout.tensors[i].offset);  // pread + in-place transform
        // Q4_0 matrices into 8-row groups, in place, resident and streamed groups alike
        // (kernels/q4_0-interleaved.h); models/common/unit-weights.h views them so.
        for (const auto& t : layout.tensors) {
            const auto rows = static_cast<std::size_t>(t.ref->rows()), cols = static_cast<std::size_t>(t.ref->cols());
            if (kernels::interleavedLayoutOf(t.ref->type, rows, cols) == kernels::RowLayout::Q4_0x8)
                kernels::interleaveQ4_0(base + t.offset, rows, cols);
        }
        for (const auto& t : layout.tensors) view.data[static_cast<std::size_t>(t.role)] = base + t.offset;
        out.bytesRead += layout.tensorFileBytes;
        out.units.push_back(view);
        at += layout.bytes;
    }
    return out;
}

}  // namespace edgert
