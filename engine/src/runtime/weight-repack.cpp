#include "runtime/weight-repack.h"

#include "kernels/q4_k-interleaved.h"

#include <algorithm>

namespace edgert {

void repackRowGroups(kernels::RowLayout layout, std::byte* matrix, std::size_t cols, std::size_t group0,
                     std::size_t group1, std::byte* scratch)
{
    switch (layout) {
        case kernels::RowLayout::File: return;
        case kernels::RowLayout::Q4_0x8: kernels::interleaveQ4_0Groups(matrix, cols, group0, group1, scratch); return;
        case kernels::RowLayout::Q4_Kx8: kernels::interleaveQ4_KGroups(matrix, cols, group0, group1, scratch); return;
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
        if (whole <= m.done) continue;
        repackRowGroups(m.layout, unit + m.offset, m.cols, m.done, whole, scratch);
        m.done = whole;
    }
}

}  // namespace edgert
