#include "runtime/group-loader.h"

#include "edgert/error.h"
#include "graph/tensor-transform.h"
#include "runtime/run-layout.h"
#include "runtime/unit-layout.h"
#include "runtime/weight-repack.h"

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
    // Outside the pool, kept by each loading thread between loads (runtime/weight-repack.h).
    thread_local std::vector<std::byte> scratch;  // one 8-row group of the widest repacked matrix
    thread_local std::vector<std::byte> staging;  // whole groups, up to kRepackStagingBytes
    for (auto u = g.firstUnit; u <= g.lastUnit; ++u) {
        UnitView view;
        view.layer = plan.units[u].layer;
        const UnitLayout layout = unitLayout(graph, view.layer);
        if (at + layout.bytes > capacityBytes)
            throw BudgetError("group " + std::to_string(groupIndex) + " (" + plan.units[u].name + ") needs " +
                              std::to_string(at + layout.bytes) + " bytes but its buffer holds " +
                              std::to_string(capacityBytes));
        std::byte* base = destination + at;
        UnitRepacker repacker(layout);
        if (repacker.scratchBytes() > scratch.size()) scratch.resize(repacker.scratchBytes());
        if (repacker.stagingBytes() > staging.size()) staging.resize(repacker.stagingBytes());
        for (const auto& span : layout.spans) {
            const io::DirectReader& reader = readers.forFile(span.file);
            if (!repacker.empty() && reader.mode() == io::DirectReader::Mode::Buffered) {
                repacker.readSpanStaged(span, reader, base, staging);  // repacked from L2 (weight-repack.h)
            } else {
                reader.read(span.fileOffset, base + span.offset, static_cast<std::size_t>(span.length));
                repacker.repackUpTo(base, span.offset + span.length, scratch.data());
            }
        }
        for (std::size_t i : layout.transformed)
            readTensor(*layout.tensors[i].ref, base + layout.tensors[i].offset);  // pread + in-place transform
        repacker.repackUpTo(base, layout.bytes, scratch.data());
        for (const auto& t : layout.tensors) view.data[static_cast<std::size_t>(t.role)] = base + t.offset;
        out.bytesRead += layout.tensorFileBytes;
        out.units.push_back(view);
        at += layout.bytes;
    }
    return out;
}

}  // namespace edgert
