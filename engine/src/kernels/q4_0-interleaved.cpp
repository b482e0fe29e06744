#include "kernels/q4_0-interleaved.h"

#include "edgert/error.h"
#include "kernels/kernel-table.h"

#include <cstring>
#include <string>
#include <vector>

namespace edgert::kernels {

void interleaveQ4_0x8Reference(const BlockQ4_0* fileRows, std::size_t nBlocks, BlockQ4_0x8* out)
{
    for (std::size_t b = 0; b < nBlocks; ++b)
        for (std::size_t r = 0; r < kInterleavedRows; ++r) {
            // Row r's 16 quant bytes as 4 words: word c goes to qs[c][r].
            const BlockQ4_0& src = fileRows[r * nBlocks + b];
            out[b].d[r] = src.d;
            for (std::size_t c = 0; c < 4; ++c) std::memcpy(out[b].qs[c][r], src.qs + 4 * c, 4);
        }
}

void interleaveQ4_0Groups(const std::byte* fileGroups, std::size_t nGroups, std::size_t cols, std::byte* out)
{
    const std::size_t nBlocks = cols / kQK4_0;
    const std::size_t groupBytes = q4_0x8GroupBytes(cols);
    const InterleaveQ4_0Kernel kernel = activeKernels().interleaveQ4_0x8;
    for (std::size_t g = 0; g < nGroups; ++g)
        kernel(reinterpret_cast<const BlockQ4_0*>(fileGroups + g * groupBytes), nBlocks,
               reinterpret_cast<BlockQ4_0x8*>(out + g * groupBytes));
}

void interleaveQ4_0(std::byte* data, std::size_t rows, std::size_t cols)
{
    if (interleavedLayoutOf(TensorType::Q4_0, rows, cols) != RowLayout::Q4_0x8)
        throw UsageError("Q4_0x8 repack: a (" + std::to_string(rows) + ", " + std::to_string(cols) +
                         ") matrix needs rows % 8 == 0 and cols % 32 == 0");
    const std::size_t groupBytes = q4_0x8GroupBytes(cols);
    std::vector<std::byte> scratch(groupBytes);
    for (std::size_t g = 0; g < rows / kInterleavedRows; ++g) {
        std::memcpy(scratch.data(), data + g * groupBytes, groupBytes);
        interleaveQ4_0Groups(scratch.data(), 1, cols, data + g * groupBytes);
    }
}

void deinterleaveQ4_0Row(const std::byte* data, std::size_t cols, std::size_t r, BlockQ4_0* out)
{
    const std::size_t nBlocks = cols / kQK4_0;
    const BlockQ4_0x8* group = q4_0x8Group(data, nBlocks * sizeof(BlockQ4_0), r);
    const std::size_t k = r % kInterleavedRows;
    for (std::size_t b = 0; b < nBlocks; ++b) {
        out[b].d = group[b].d[k];
        for (std::size_t c = 0; c < 4; ++c) std::memcpy(out[b].qs + 4 * c, group[b].qs[c][k], 4);
    }
}

}  // namespace edgert::kernels
