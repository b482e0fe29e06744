#include "runtime/weight-repack.h"

#include "kernels/q4_k-interleaved.h"

#include <algorithm>
#include <cstring>

namespace edgert {

void repackRowGroups(kernels::RowLayout layout, const std::byte* fileGroups, std::size_t nGroups, std::size_t cols,
                     std::size_t groupBytes, std::byte* out)
{
    switch (layout) {
        case kernels::RowLayout::File: std::memcpy(out, fileGroups, nGroups * groupBytes); return;
        case kernels::RowLayout::Q4_0x8: kernels::interleaveQ4_0Groups(fileGroups, nGroups, cols, out); return;
        case kernels::RowLayout::Q4_Kx8: kernels::interleaveQ4_KGroups(fileGroups, nGroups, cols, out); return;
    }
}

UnitRepacker::UnitRepacker(const UnitLayout& layout)
{
    for (const auto& t : layout.tensors) {
        const auto rows = static_cast<std::size_t>(t.ref->rows()), cols = static_cast<std::size_t>(t.ref->cols());
        const kernels::RowLayout rowLayout = kernels::interleavedLayoutOf(t.ref->type, rows, cols);
        if (rowLayout == kernels::RowLayout::File) continue;
        const auto groupBytes = static_cast<std::size_t>(t.ref->sizeBytes / rows * kernels::kInterleavedRows);
        m_matrices.push_back({rowLayout, t.offset, cols, groupBytes, rows / kernels::kInterleavedRows});
        m_scratchBytes = std::max(m_scratchBytes, groupBytes);
        m_stagingBytes =
            std::max(m_stagingBytes, std::max<std::size_t>(1, kRepackStagingBytes / groupBytes) * groupBytes);
    }
    std::sort(m_matrices.begin(), m_matrices.end(),
              [](const Matrix& a, const Matrix& b) { return a.offset < b.offset; });
}

void UnitRepacker::repackUpTo(std::byte* unit, std::uint64_t readEnd, std::byte* scratch)
{
    for (auto& m : m_matrices) {
        if (m.offset >= readEnd) break;
        const auto whole =
            static_cast<std::size_t>(std::min<std::uint64_t>(m.groups, (readEnd - m.offset) / m.groupBytes));
        for (; m.done < whole; ++m.done) {
            std::byte* group = unit + m.offset + m.done * m.groupBytes;
            std::memcpy(scratch, group, m.groupBytes);
            repackRowGroups(m.layout, scratch, 1, m.cols, m.groupBytes, group);
        }
    }
}

void UnitRepacker::readSpanStaged(const FileSpan& span, const io::DirectReader& reader, std::byte* unit,
                                  std::span<std::byte> staging)
{
    // Unit offset `at` is file offset span.fileOffset + (at - span.offset).
    const auto fileOffsetOf = [&](std::uint64_t at) { return span.fileOffset + (at - span.offset); };
    const auto readPlain = [&](std::uint64_t from, std::uint64_t to) {
        if (to > from) reader.read(fileOffsetOf(from), unit + from, static_cast<std::size_t>(to - from));
    };
    const std::uint64_t end = span.offset + span.length;
    std::uint64_t at = span.offset;
    for (auto& m : m_matrices) {
        const std::uint64_t matrixEnd = m.offset + m.groups * m.groupBytes;
        if (m.offset < span.offset || matrixEnd > end) continue;  // another span's
        readPlain(at, m.offset);
        const std::size_t perRead = std::max<std::size_t>(1, staging.size() / m.groupBytes);
        for (; m.done < m.groups;) {
            const std::size_t n = std::min(perRead, m.groups - m.done);
            const std::uint64_t from = m.offset + m.done * m.groupBytes;
            reader.read(fileOffsetOf(from), staging.data(), n * m.groupBytes);
            repackRowGroups(m.layout, staging.data(), n, m.cols, m.groupBytes, unit + from);
            m.done += n;
        }
        at = matrixEnd;
    }
    readPlain(at, end);
}

}  // namespace edgert
