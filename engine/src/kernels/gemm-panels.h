// Packed weight panels of the prefill GEMM kernels (Q8_0, Q4_0, Q4_K x 8-bit activations).
//
// A prompt batch multiplies every weight row with many tokens, so the kernels repack a panel of
// 8 rows x up to 2048 values into a small stack buffer (L1/L2 resident) and run every token of
// the batch through it: the quants of the 8 rows are interleaved 4 values at a time, so one SIMD
// register holds 4 consecutive values of each of the 8 rows (AVX2: 8 int32 lanes = 8 rows; NEON:
// two registers of 4 rows), one broadcast of 4 activation bytes feeds all 8 rows, and each lane
// accumulates one row's integer dot. The register tile is 8 rows x up to 4 tokens: the weights
// are reused across the tokens of the tile, the activation bytes across the 8 rows.
//
// Result per (row, token), for every table (scalar twin: gemm-reference.cpp):
//   acc = 0; for each 32-value block b in order: acc = fma(dw_b * dx_b, float(idot_b), acc)
// (Q4_K: per super-block acc = fma(d * dx, float(sum_s scale_s * idot_s), acc), then
//  acc = fma(-(dmin * dx), float(sum_s min_s * xsum_s), acc)), with exact integer dots, so a
// row's result depends neither on the panel, chunk or token tile it falls in nor on the thread
// running it: SIMD tables match the scalar twin bit for bit, and results are bit-identical for
// any split of the rows across threads.
#pragma once

#include "kernels/activation-quant.h"
#include "kernels/fp16.h"
#include "kernels/q4_0-interleaved.h"
#include "kernels/quant-decode.h"
#include "tensor/quant-blocks.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace edgert::kernels {

inline constexpr std::size_t kPanelRows = 8;
static_assert(kPanelRows == kInterleavedRows, "a Q4_0x8 group packs into one panel");
/// Values per packed chunk: 64 blocks of 32 (18 KiB of Q8_0/Q4_0 panel), 8 super-blocks (21 KiB).
inline constexpr std::size_t kPanelChunkBlocks32 = 64;
inline constexpr std::size_t kPanelChunkSuper = 8;
/// The GEMM kernels run from this many tokens on (fewer: the rows kernels; packing a panel costs
/// about as much as 2 tokens of its products).
inline constexpr std::size_t kGemmMinTokens = 4;

/// One 32-value block of 8 rows: q[s][r][i] = quant 4s + i of row r (signed: Q8_0 as stored,
/// Q4_0 as nibble - 8), d[r] = the row's block scale. Rows past the matrix are zero.
struct alignas(32) PanelBlock32 {
    std::int8_t q[8][kPanelRows][4];
    float d[kPanelRows];
};
static_assert(sizeof(PanelBlock32) == 288);

/// One Q4_K super-block of 8 rows: q[j][s][r][i] = quant 32j + 4s + i of row r (0..15);
/// scale[j][r][0..1] and min[j][r][0..1] = sub-block j's 6-bit scale and min, twice (an int16
/// pair per row, the operand layout of pmaddwd); d, dmin per row.
struct alignas(32) PanelQ4K {
    std::int8_t q[8][8][kPanelRows][4];
    std::int16_t scale[8][kPanelRows][2];
    std::int16_t min[8][kPanelRows][2];
    float d[kPanelRows];
    float dmin[kPanelRows];
};
static_assert(sizeof(PanelQ4K) == 2624);

inline std::uint32_t loadWord(const void* p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

/// The 4 quants of step s of a block as one 32-bit word (byte i = quant 4s + i, two's complement).
inline std::uint32_t stepWord(const BlockQ8_0& b, std::size_t s)
{
    return loadWord(b.qs + 4 * s);
}
inline std::uint32_t stepWord(const BlockQ4_0& b, std::size_t s)
{
    // Elements 0..15 are the low nibbles of bytes 0..15, 16..31 the high nibbles; nibble - 8 per
    // byte without borrows: (n + 120) ^ 128 = n - 8 (mod 256) for n in 0..15.
    const std::uint32_t word = loadWord(b.qs + 4 * (s % 4));
    const std::uint32_t n = (s < 4 ? word : word >> 4) & 0x0f0f0f0fu;
    return (n + 0x78787878u) ^ 0x80808080u;
}

/// Blocks [k0, k0 + kn) of rows [r0, r0 + nRows) (nRows <= 8) of Q8_0 or Q4_0 weights into
/// panel[0..kn).
template <typename Block>
inline void packPanelBlock32(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t nRows, std::size_t k0,
                             std::size_t kn, PanelBlock32* panel)
{
    if (nRows < kPanelRows) std::memset(static_cast<void*>(panel), 0, kn * sizeof(PanelBlock32));
    for (std::size_t r = 0; r < nRows; ++r) {
        const auto* row = reinterpret_cast<const Block*>(static_cast<const std::byte*>(w) + (r0 + r) * rowBytes) + k0;
        for (std::size_t b = 0; b < kn; ++b) {
            panel[b].d[r] = fp16ToFp32(row[b].d);
            for (std::size_t s = 0; s < 8; ++s) {
                const std::uint32_t word = stepWord(row[b], s);
                std::memcpy(panel[b].q[s][r], &word, 4);
            }
        }
    }
}

/// Blocks [k0, k0 + kn) of the 8-row group at row r0 (r0 % 8 == 0) of Q4_0x8 weights
/// (kernels/q4_0-interleaved.h; rowBytes: the file row's) into panel[0..kn): the same panel
/// packPanelBlock32<BlockQ4_0> makes of those rows in file layout, 32 bytes at a time.
inline void packPanelQ4_0x8(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t k0, std::size_t kn,
                            PanelBlock32* panel)
{
    const BlockQ4_0x8* group = q4_0x8Group(w, rowBytes, r0) + k0;
    for (std::size_t b = 0; b < kn; ++b) {
        for (std::size_t r = 0; r < kPanelRows; ++r) panel[b].d[r] = fp16ToFp32(group[b].d[r]);
        for (std::size_t c = 0; c < 4; ++c)
            for (std::size_t r = 0; r < kPanelRows; ++r) {
                // Nibble - 8 per byte without borrows, as stepWord: (n + 120) ^ 128 = n - 8 (mod 256).
                const std::uint32_t word = loadWord(group[b].qs[c][r]);
                const std::uint32_t lo = ((word & 0x0f0f0f0fu) + 0x78787878u) ^ 0x80808080u;
                const std::uint32_t hi = (((word >> 4) & 0x0f0f0f0fu) + 0x78787878u) ^ 0x80808080u;
                std::memcpy(panel[b].q[c][r], &lo, 4);
                std::memcpy(panel[b].q[c + 4][r], &hi, 4);
            }
    }
}

/// Super-blocks [k0, k0 + kn) of rows [r0, r0 + nRows) of Q4_K weights into panel[0..kn).
inline void packPanelQ4K(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t nRows, std::size_t k0,
                         std::size_t kn, PanelQ4K* panel)
{
    if (nRows < kPanelRows) std::memset(static_cast<void*>(panel), 0, kn * sizeof(PanelQ4K));
    for (std::size_t r = 0; r < nRows; ++r) {
        const auto* row =
            reinterpret_cast<const BlockQ4_K*>(static_cast<const std::byte*>(w) + (r0 + r) * rowBytes) + k0;
        for (std::size_t b = 0; b < kn; ++b) {
            PanelQ4K& p = panel[b];
            p.d[r] = fp16ToFp32(row[b].d);
            p.dmin[r] = fp16ToFp32(row[b].dmin);
            for (int j = 0; j < 8; ++j) {
                int sc = 0, m = 0;
                kScaleMin(row[b].scales, j, sc, m);
                p.scale[j][r][0] = p.scale[j][r][1] = static_cast<std::int16_t>(sc);
                p.min[j][r][0] = p.min[j][r][1] = static_cast<std::int16_t>(m);
            }
            // 64-value chunk c = bytes 32c..32c+31: low nibbles are sub-block 2c, high 2c + 1.
            for (int c = 0; c < 4; ++c)
                for (int s = 0; s < 8; ++s) {
                    const std::uint32_t word = loadWord(row[b].qs + 32 * c + 4 * s);
                    const std::uint32_t lo = word & 0x0f0f0f0fu, hi = (word >> 4) & 0x0f0f0f0fu;
                    std::memcpy(p.q[2 * c][s][r], &lo, 4);
                    std::memcpy(p.q[2 * c + 1][s][r], &hi, 4);
                }
        }
    }
}

/// Drives a GEMM over rows [r0, r1): per 8-row panel and chunk of blocks, packs and calls
/// `micro(panel, kn, x + k0, y + p0, nRows, first)` which runs every token through the panel
/// (first: the accumulators start at 0, else they continue from y).
template <typename Panel, std::size_t kChunk, typename Pack, typename Micro>
inline void gemmPanels(std::size_t r0, std::size_t r1, std::size_t nBlocks, Pack pack, Micro micro)
{
    Panel panel[kChunk];
    for (std::size_t p0 = r0; p0 < r1; p0 += kPanelRows) {
        const std::size_t nRows = std::min(kPanelRows, r1 - p0);
        for (std::size_t k0 = 0; k0 < nBlocks; k0 += kChunk) {
            const std::size_t kn = std::min(kChunk, nBlocks - k0);
            pack(p0, nRows, k0, kn, panel);
            micro(panel, kn, k0, p0, nRows, k0 == 0);
        }
    }
}

/// Scalar twins of the SIMD GEMM kernels (QuantRowsKernel / SuperRowsKernel signatures), the
/// definition of their bit-exact results; tests compare every table's GEMM against them.
void q8_0GemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                       std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride);
void q4_0GemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                       std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride);
void q4_kGemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const BlockQ8_K* x,
                       std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride);

}  // namespace edgert::kernels
