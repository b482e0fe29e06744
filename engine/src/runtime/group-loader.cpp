#include "runtime/group-loader.h"

#include "edgert/error.h"
#include "graph/tensor-transform.h"
#include "runtime/run-layout.h"
#include "runtime/unit-layout.h"
#include "runtime/weight-repack.h"

#include <algorithm>

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
    std::vector<std::byte> scratch;  // one 8-row group of the widest repacked matrix
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
        for (const auto& span : layout.spans) {
            const io::DirectReader& reader = readers.forFile(span.file);
            // Through the page cache, in chunks that the repack finds in L2 (runtime/weight-repack.h).
            const bool chunked = !repacker.empty() && reader.mode() == io::DirectReader::Mode::Buffered;
            for (std::uint64_t done = 0; done < span.length;) {
                const std::uint64_t end =
                    chunked ? std::min(span.length, (span.offset + done) / kRepackChunkBytes * kRepackChunkBytes +
                                                        kRepackChunkBytes - span.offset)
                            : span.length;
                reader.read(span.fileOffset + done, base + span.offset + done, static_cast<std::size_t>(end - done));
                done = end;
                repacker.repackUpTo(base, span.offset + done, scratch.data());
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
