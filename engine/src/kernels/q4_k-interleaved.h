// Q4_K weights repacked at load into groups of 8 rows (the "Q4_Kx8" layout), so a decode kernel
// reads one stream per 8 rows instead of 8, loads each activation quad once for the 8 rows,
// unpacks the 8 rows' 6-bit sub-block scales and mins with a few vector operations per
// super-block instead of a scalar decode per row, and scales the 8 rows' super-block dots with
// one fp16 conversion and two fused multiply-adds.
//
// Layout: rows 8g .. 8g+7 of a (rows, cols) Q4_K matrix become nBlocks = cols / 256 BlockQ4_Kx8
// in super-block order, occupying exactly the bytes the 8 file rows did (8 * 144 = 1152 bytes per
// super-block column): a matrix is repacked in place, its size, address, the pool's plan and
// every row range starting at a multiple of 8 are unchanged. Within a super-block column:
//   d[r], dmin[r]   = row r's fp16 super-block scales (file: row r, fields d and dmin)
//   qs[c][s][r][i]  = row r's quant byte 32c + 4s + i (file: qs[32c + 4s + i]): its low nibble is
//                     element 64c + 4s + i (sub-block 2c), its high nibble element 64c + 32 + 4s + i
//                     (sub-block 2c + 1), both unsigned 0..15.
//   scaleLo, scaleHi = the 16 6-bit values (scale sc and min m of the 8 sub-blocks) of the 8 rows,
//                     128 values in 96 bytes as in the file, only arranged for vector unpacking:
//                     sub-block j of row r sits at position p(j, r) = 32 * (j / 4) + 16 * (r / 4) +
//                     4 * (j % 4) + r % 4 (so a 32-byte vector of positions holds sub-blocks 0..3 or
//                     4..7, rows 0..3 in its low 16 bytes and rows 4..7 in its high 16: one in-lane
//                     byte shuffle selects a sub-block's 8 rows);
//                     scaleLo[p] = (sc & 15) | (m & 15) << 4 for p < 64, and for q < 32
//                     scaleHi[q] = (sc[q] >> 4) | (sc[32 + q] >> 4) << 2 | (m[q] >> 4) << 4 |
//                     (m[32 + q] >> 4) << 6 (sc[p], m[p]: the values at position p).
// The file's 12-byte scale encoding is a bijection of the 16 values, so a row reads back exactly.
//
// Result per row (every table's q4_kx8 and q4_kx8Gemm; scalar twin q4_kx8RowsReference):
//   acc = 0; per super-block b in order:
//     acc = fma(fp16(d) * dx, float(sum_j sc_j * idot_j), acc)
//     acc = fma(-(fp16(dmin) * dx), float(sum_j m_j * (bsums[2j] + bsums[2j + 1])), acc)
// with the exact integer sub-block dots idot_j of the nibbles and the Q8_K quants: the definition
// the Q4_K panel GEMM already follows (kernels/gemm-panels.h), so decode and prefill give the same
// bits, and a row's result depends neither on the thread nor on the row split (splits at
// multiples of 8). The file-layout Q4_K rows kernels sum differently (within float rounding).
#pragma once

#include "kernels/activation-quant.h"
#include "kernels/gemm-panels.h"
#include "kernels/q4_0-interleaved.h"
#include "tensor/quant-blocks.h"

#include <cstddef>
#include <cstdint>

namespace edgert::kernels {

/// Super-block column b of 8 interleaved Q4_K rows (see the file comment). 1152 bytes, 2-byte aligned.
struct BlockQ4_Kx8 {
    Fp16Bits d[kInterleavedRows];                ///< the 8 rows' super-block scales, fp16
    Fp16Bits dmin[kInterleavedRows];             ///< the 8 rows' super-block min scales, fp16
    std::uint8_t scaleLo[64];                    ///< low 4 bits of scale | low 4 bits of min << 4
    std::uint8_t scaleHi[32];                    ///< the 2 high bits of 4 values per byte
    std::uint8_t qs[4][8][kInterleavedRows][4];  ///< qs[c][s][r][i] = file byte 32c + 4s + i of row r
};
static_assert(sizeof(BlockQ4_Kx8) == kInterleavedRows * sizeof(BlockQ4_K), "Q4_Kx8 must take 8 rows' bytes");

/// Position of sub-block j's (scale, min) of row r in scaleLo / the unpacked vectors.
inline constexpr std::size_t q4_kx8ScalePosition(std::size_t j, std::size_t r)
{
    return 32 * (j / 4) + 16 * (r / 4) + 4 * (j % 4) + r % 4;
}

/// Sub-block j's 6-bit scale and min of row r (< 8) of one super-block column.
inline void q4_kx8ScaleMin(const BlockQ4_Kx8& b, std::size_t j, std::size_t r, int& scale, int& min)
{
    const std::size_t p = q4_kx8ScalePosition(j, r);
    const int hi = b.scaleHi[p % 32] >> (2 * (p / 32));
    scale = (b.scaleLo[p] & 0x0f) | (hi & 3) << 4;
    min = (b.scaleLo[p] >> 4) | ((hi >> 4) & 3) << 4;
}

/// One file row's 12 scale bytes as the Q4_Kx8 bytes of its 16 values, 4 sub-blocks per word
/// (byte k of each word is sub-block k's or k + 4's): lo[0] byte k = (sc_k & 15) | (m_k & 15) << 4,
/// lo[1] the same for sub-block k + 4, hi byte k = (sc_k >> 4) | (sc_{k+4} >> 4) << 2 |
/// (m_k >> 4) << 4 | (m_{k+4} >> 4) << 6. Row r's byte k goes to position 16 * (r / 4) + 4k + r % 4
/// of scaleLo (lo[0]), scaleLo + 32 (lo[1]) and scaleHi (hi).
struct Q4_KScaleWords {
    std::uint32_t lo[2];
    std::uint32_t hi;
};
inline Q4_KScaleWords q4_kx8ScaleWords(const std::uint8_t* scales)
{
    const std::uint32_t a = loadWord(scales), b = loadWord(scales + 4), c = loadWord(scales + 8);
    // 6-bit values, one per byte, as kScaleMin decodes them: scales 0..3, 4..7, mins 0..3, 4..7.
    const std::uint32_t sc0 = a & 0x3f3f3f3fu, sc1 = (c & 0x0f0f0f0fu) | ((a >> 2) & 0x30303030u);
    const std::uint32_t m0 = b & 0x3f3f3f3fu, m1 = ((c >> 4) & 0x0f0f0f0fu) | ((b >> 2) & 0x30303030u);
    const std::uint32_t nib = 0x0f0f0f0fu, two = 0x03030303u;
    return {{(sc0 & nib) | (m0 & nib) << 4, (sc1 & nib) | (m1 & nib) << 4},
            ((sc0 >> 4) & two) | ((sc1 >> 4) & two) << 2 | ((m0 >> 4) & two) << 4 | ((m1 >> 4) & two) << 6};
}

/// The load-time repack of one 8-row group (KernelTable::interleaveQ4_Kx8, whose SIMD entries
/// give its bytes): fileRows = 8 file rows of nBlocks BlockQ4_K, row after row; out = nBlocks
/// BlockQ4_Kx8; the ranges must not overlap.
void interleaveQ4_Kx8Reference(const BlockQ4_K* fileRows, std::size_t nBlocks, BlockQ4_Kx8* out);

/// Bytes of one 8-row group of a Q4_K matrix of `cols` columns (8 * cols / 256 * 144): the
/// stride of interleaveQ4_KGroups.
inline std::size_t q4_kx8GroupBytes(std::size_t cols)
{
    return kInterleavedRows * (cols / kQK_K) * sizeof(BlockQ4_K);
}

/// Repacks nGroups consecutive 8-row groups of a Q4_K matrix of `cols` columns (cols % 256 == 0)
/// from file layout at `fileGroups` into Q4_Kx8 at `out` (nGroups * q4_kx8GroupBytes(cols) bytes
/// each; the ranges must not overlap) with the active kernel table's interleaveQ4_Kx8. No
/// allocation: the group loader reads groups into a small staging buffer and repacks them from
/// there into the group buffer (runtime/weight-repack.h). The twin of interleaveQ4_0Groups.
void interleaveQ4_KGroups(const std::byte* fileGroups, std::size_t nGroups, std::size_t cols, std::byte* out);

/// Repacks a whole (rows, cols) Q4_K matrix in file layout at `data` into Q4_Kx8 in place
/// (rows % 8 == 0, cols % 256 == 0; UsageError otherwise). Scratch: one group's bytes on the heap.
void interleaveQ4_K(std::byte* data, std::size_t rows, std::size_t cols);

/// Row r of a Q4_Kx8 matrix of `cols` columns at `data`, back in file layout: cols / 256
/// super-blocks into `out`, byte for byte what the file held.
void deinterleaveQ4_KRow(const std::byte* data, std::size_t cols, std::size_t r, BlockQ4_K* out);

/// The 8-row group holding row r (r % 8 == 0 for a kernel's first row) of a Q4_Kx8 matrix whose
/// file rows are rowBytes long.
inline const BlockQ4_Kx8* q4_kx8Group(const void* w, std::size_t rowBytes, std::size_t r)
{
    return reinterpret_cast<const BlockQ4_Kx8*>(static_cast<const std::byte*>(w) +
                                                r / kInterleavedRows * kInterleavedRows * rowBytes);
}

/// Super-blocks [k0, k0 + kn) of the 8-row group at row r0 (r0 % 8 == 0) of Q4_Kx8 weights into
/// panel[0..kn): the same panel packPanelQ4K makes of those rows in file layout.
inline void packPanelQ4_Kx8(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t k0, std::size_t kn,
                            PanelQ4K* panel)
{
    const BlockQ4_Kx8* group = q4_kx8Group(w, rowBytes, r0) + k0;
    for (std::size_t b = 0; b < kn; ++b) {
        const BlockQ4_Kx8& g = group[b];
        PanelQ4K& p = panel[b];
        for (std::size_t r = 0; r < kPanelRows; ++r) {
            p.d[r] = fp16ToFp32(g.d[r]);
            p.dmin[r] = fp16ToFp32(g.dmin[r]);
            for (std::size_t j = 0; j < 8; ++j) {
                int sc = 0, m = 0;
                q4_kx8ScaleMin(g, j, r, sc, m);
                p.scale[j][r][0] = p.scale[j][r][1] = static_cast<std::int16_t>(sc);
                p.min[j][r][0] = p.min[j][r][1] = static_cast<std::int16_t>(m);
            }
        }
        // qs[c][s] is [row][4 bytes] as the panel's q[..][s]: low nibbles sub-block 2c, high 2c + 1.
        for (std::size_t c = 0; c < 4; ++c)
            for (std::size_t s = 0; s < 8; ++s)
                for (std::size_t r = 0; r < kPanelRows; ++r) {
                    const std::uint32_t word = loadWord(g.qs[c][s][r]);
                    const std::uint32_t lo = word & 0x0f0f0f0fu, hi = (word >> 4) & 0x0f0f0f0fu;
                    std::memcpy(p.q[2 * c][s][r], &lo, 4);
                    std::memcpy(p.q[2 * c + 1][s][r], &hi, 4);
                }
    }
}

/// The scalar reference of the Q4_Kx8 rows kernel (the generic table's q4_kx8): rows [r0, r1) at
/// multiples of 8 of Q4_Kx8 weights (rowBytes: the file row's) × nTokens rows of nBlocks Q8_K
/// blocks, y[t * yStride + r]; the result the file comment defines.
void q4_kx8RowsReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const BlockQ8_K* x,
                         std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride);

}  // namespace edgert::kernels
