// Q4_0 weights repacked at load into groups of 8 rows (the "Q4_0x8" layout), so a decode kernel
// reads one stream per 8 rows instead of 8 streams, loads each activation quad once for the 8
// rows and scales the 8 rows' block dots with one conversion, one multiply and one fused
// multiply-add.
//
// Layout: rows 8g .. 8g+7 of a (rows, cols) Q4_0 matrix become nBlocks = cols / 32 BlockQ4_0x8
// in block order, occupying exactly the bytes the 8 file rows did (8 * 18 = 144 bytes per block
// column): a matrix is repacked in place, its size, its address, the pool's plan and every row
// range starting at a multiple of 8 are unchanged. Within a block column b:
//   d[r]        = row r's fp16 scale of block b (file: row r, block b, field d)
//   qs[c][r][i] = row r's quant byte 4c + i of block b (file: qs[4c + i]), i.e. the low nibble
//                 is element 4c + i and the high nibble element 16 + 4c + i, both biased by 8.
// So one 32-byte qs[c] holds 4 consecutive quants of each of the 8 rows twice (low nibbles:
// elements 4c..4c+3, high: 16+4c..16+4c+3): a broadcast of 4 activation bytes feeds 8 rows.
//
// Result per row (every table's q4_0x8 and q4_0x8Gemm, scalar twin in arch/generic):
//   acc = 0; for each block b in order: acc = fma(fp16(d_b) * dx_b, float(idot_b), acc)
// with the exact integer dot idot_b = sum (q - 8) * xq: the definition the panel GEMM already
// follows (kernels/gemm-panels.h), so for Q4_0 decode and prefill give the same bits, and the
// result of a row depends neither on the thread nor on the row split (splits at multiples of 8).
//
// Which matrices are repacked (interleavesRows): every Q4_0 matrix whose row count is a multiple
// of 8, whatever the kernel table (the generic table computes the same layout), and whether its
// layer group is resident or streamed (runtime/weight-repack.h: the loader repacks as its reads
// progress), so the strategy and the budget never change a result.
#pragma once

#include "edgert/tensor-type.h"
#include "tensor/quant-blocks.h"

#include <cstddef>
#include <cstdint>

namespace edgert::kernels {

inline constexpr std::size_t kInterleavedRows = 8;

/// Block column b of 8 interleaved Q4_0 rows (see the file comment). 144 bytes, 2-byte aligned.
struct BlockQ4_0x8 {
    Fp16Bits d[kInterleavedRows];             ///< the 8 rows' block scales, fp16
    std::uint8_t qs[4][kInterleavedRows][4];  ///< qs[c][r][i] = file byte 4c + i of row r
};
static_assert(sizeof(BlockQ4_0x8) == kInterleavedRows * sizeof(BlockQ4_0), "Q4_0x8 must take 8 rows' bytes");

/// How a matrix's rows are stored in its buffer.
enum class RowLayout : std::uint8_t {
    File,    ///< as in the model file: row r at r * rowBytes
    Q4_0x8,  ///< Q4_0 in groups of 8 interleaved rows (this file)
    Q4_Kx8,  ///< Q4_K in groups of 8 interleaved rows (kernels/q4_k-interleaved.h)
};

/// The layout the loader gives a (rows, cols) matrix of `type`: Q4_0x8 for Q4_0 with rows % 8 == 0
/// and cols % 32 == 0, Q4_Kx8 for Q4_K with rows % 8 == 0 and cols % 256 == 0, else File.
inline RowLayout interleavedLayoutOf(TensorType type, std::size_t rows, std::size_t cols)
{
    if (rows == 0 || rows % kInterleavedRows != 0) return RowLayout::File;
    if (type == TensorType::Q4_0 && cols % kQK4_0 == 0) return RowLayout::Q4_0x8;
    if (type == TensorType::Q4_K && cols % kQK_K == 0) return RowLayout::Q4_Kx8;
    return RowLayout::File;
}

/// The scalar reference of the load-time repack of one 8-row group (KernelTable::interleaveQ4_0x8,
/// whose SIMD entries give its bytes): fileRows = 8 file rows of nBlocks BlockQ4_0, row after
/// row; out = nBlocks BlockQ4_0x8; the ranges must not overlap.
void interleaveQ4_0x8Reference(const BlockQ4_0* fileRows, std::size_t nBlocks, BlockQ4_0x8* out);

/// Bytes of one 8-row group of a Q4_0 matrix of `cols` columns (8 * cols / 32 * 18).
inline std::size_t q4_0x8GroupBytes(std::size_t cols)
{
    return kInterleavedRows * (cols / kQK4_0) * sizeof(BlockQ4_0);
}

/// Repacks nGroups consecutive 8-row groups of a Q4_0 matrix of `cols` columns (cols % 32 == 0)
/// from file layout at `fileGroups` into Q4_0x8 at `out` (nGroups * q4_0x8GroupBytes(cols) bytes
/// each; the ranges must not overlap) with the active kernel table's interleaveQ4_0x8. No
/// allocation: the group loader reads groups into a small staging buffer and repacks them from
/// there into the group buffer (runtime/weight-repack.h).
void interleaveQ4_0Groups(const std::byte* fileGroups, std::size_t nGroups, std::size_t cols, std::byte* out);

/// Repacks a whole (rows, cols) Q4_0 matrix in file layout at `data` into Q4_0x8 in place
/// (rows % 8 == 0, cols % 32 == 0; UsageError otherwise): each group copied to a one-group scratch
/// on the heap, then repacked back from it.
void interleaveQ4_0(std::byte* data, std::size_t rows, std::size_t cols);

/// Row r of a Q4_0x8 matrix of `cols` columns at `data`, back in file layout: cols / 32 blocks
/// into `out` (the reference products and tests read rows this way).
void deinterleaveQ4_0Row(const std::byte* data, std::size_t cols, std::size_t r, BlockQ4_0* out);

/// The 8-row group holding row r (r % 8 == 0 for a kernel's first row) of a Q4_0x8 matrix whose
/// file rows are rowBytes long.
inline const BlockQ4_0x8* q4_0x8Group(const void* w, std::size_t rowBytes, std::size_t r)
{
    return reinterpret_cast<const BlockQ4_0x8*>(static_cast<const std::byte*>(w) +
                                                r / kInterleavedRows * kInterleavedRows * rowBytes);
}

}  // namespace edgert::kernels
