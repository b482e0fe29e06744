// Scalar reference quantisation and dequantisation of rows, formulas as in ggml-quants.c
// (quantize_row_q8_0_ref, quantize_row_q4_0_ref, dequantize_row_*). A "row" of n values must
// have n % 32 == 0 for the block types.
#pragma once

#include "edgert/tensor-type.h"
#include "tensor/quant-blocks.h"

#include <cstddef>
#include <cstdint>

namespace edgert::kernels {

/// x (n,) f32 -> y (n/32 blocks) Q8_0: d = max|x|/127, q = round(x/d).
void quantizeRowQ8_0(const float* x, BlockQ8_0* y, std::size_t n);
/// x (n,) f32 -> y (n/32 blocks) Q4_0: d = max-by-magnitude / -8, q = min(15, (int)(x/d + 8.5)).
void quantizeRowQ4_0(const float* x, BlockQ4_0* y, std::size_t n);

/// Dequantises one row of n values of `type` stored at `src` into y: F32, F16, BF16 and every
/// type with kernels (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K..Q6_K, IQ4_XS; n a multiple of
/// the block size). Formulas as ggml's dequantize_row_* (kernels/quant-decode.h). FormatError otherwise.
void dequantizeRow(TensorType type, const void* src, float* y, std::size_t n);

/// Quantises one row of n f32 values into `type` (F32, F16, Q8_0, Q4_0) at `dst`.
void quantizeRow(TensorType type, const float* x, void* dst, std::size_t n);

}  // namespace edgert::kernels
