#include "kernels/q4_k-interleaved.h"

#include "edgert/error.h"
#include "kernels/kernel-table.h"

#include <cstring>
#include <string>
#include <vector>

namespace edgert::kernels {

void interleaveQ4_Kx8Reference(const BlockQ4_K* fileRows, std::size_t nBlocks, BlockQ4_Kx8* out)
{
    for (std::size_t b = 0; b < nBlocks; ++b) {
        BlockQ4_Kx8& o = out[b];
        for (std::size_t r = 0; r < kInterleavedRows; ++r) {
            const BlockQ4_K& src = fileRows[r * nBlocks + b];
            o.d[r] = src.d;
            o.dmin[r] = src.dmin;
            const Q4_KScaleWords w = q4_kx8ScaleWords(src.scales);
            for (std::size_t k = 0; k < 4; ++k) {
                const std::size_t p = q4_kx8ScalePosition(k, r);
                o.scaleLo[p] = static_cast<std::uint8_t>(w.lo[0] >> (8 * k));
                o.scaleLo[32 + p] = static_cast<std::uint8_t>(w.lo[1] >> (8 * k));
                o.scaleHi[p] = static_cast<std::uint8_t>(w.hi >> (8 * k));
            }
        }
        for (std::size_t c = 0; c < 4; ++c)
            for (std::size_t s = 0; s < 8; ++s)
                for (std::size_t r = 0; r < kInterleavedRows; ++r)
                    std::memcpy(o.qs[c][s][r], fileRows[r * nBlocks + b].qs + 32 * c + 4 * s, 4);
    }
}

void interleaveQ4_KGroups(const std::byte* fileGroups, std::size_t nGroups, std::size_t cols, std::byte* out)
{
    const std::size_t nBlocks = cols / kQK_K;
    const std::size_t groupBytes = q4_kx8GroupBytes(cols);
    const InterleaveQ4_KKernel kernel = activeKernels().interleaveQ4_Kx8;
    for (std::size_t g = 0; g < nGroups; ++g)
        kernel(reinterpret_cast<const BlockQ4_K*>(fileGroups + g * groupBytes), nBlocks,
               reinterpret_cast<BlockQ4_Kx8*>(out + g * groupBytes));
}

void interleaveQ4_K(std::byte* data, std::size_t rows, std::size_t cols)
{
    if (interleavedLayoutOf(TensorType::Q4_K, rows, cols) != RowLayout::Q4_Kx8)
        throw UsageError("Q4_Kx8 repack: a (" + std::to_string(rows) + ", " + std::to_string(cols) +
                         ") matrix needs rows % 8 == 0 and cols % 256 == 0");
    const std::size_t groupBytes = q4_kx8GroupBytes(cols);
    std::vector<std::byte> scratch(groupBytes);
    for (std::size_t g = 0; g < rows / kInterleavedRows; ++g) {
        std::memcpy(scratch.data(), data + g * groupBytes, groupBytes);
        interleaveQ4_KGroups(scratch.data(), 1, cols, data + g * groupBytes);
    }
}

void deinterleaveQ4_KRow(const std::byte* data, std::size_t cols, std::size_t r, BlockQ4_K* out)
{
    const std::size_t nBlocks = cols / kQK_K;
    const BlockQ4_Kx8* group = q4_kx8Group(data, nBlocks * sizeof(BlockQ4_K), r);
    const std::size_t k = r % kInterleavedRows;
    for (std::size_t b = 0; b < nBlocks; ++b) {
        const BlockQ4_Kx8& g = group[b];
        BlockQ4_K& o = out[b];
        o.d = g.d[k];
        o.dmin = g.dmin[k];
        int sc[8], m[8];
        for (std::size_t j = 0; j < 8; ++j) q4_kx8ScaleMin(g, j, k, sc[j], m[j]);
        // The file's encoding, the inverse of kScaleMin (kernels/quant-decode.h).
        for (std::size_t i = 0; i < 4; ++i) {
            o.scales[i] = static_cast<std::uint8_t>(sc[i] | (sc[i + 4] >> 4) << 6);
            o.scales[i + 4] = static_cast<std::uint8_t>(m[i] | (m[i + 4] >> 4) << 6);
            o.scales[i + 8] = static_cast<std::uint8_t>((sc[i + 4] & 0x0f) | (m[i + 4] & 0x0f) << 4);
        }
        for (std::size_t c = 0; c < 4; ++c)
            for (std::size_t s = 0; s < 8; ++s) std::memcpy(o.qs + 32 * c + 4 * s, g.qs[c][s][k], 4);
    }
}

}  // namespace edgert::kernels
