// Scalar reference quantisers: f32 rows -> every GGUF block format edge-rt writes. The block
// layouts are tensor/quant-blocks.h's (the bit-exact ggml structs); the scales come from the
// least-squares search in quant/scale-search.h (plain squared error, no importance matrix).
//   F32, F16, BF16   one value per element (F16/BF16 round to nearest even, NaN stays NaN)
//   Q8_0             d = max|x| / 127, q = round(x / d) — ggml's formula, so F32 -> Q8_0 files
//                    are byte-identical to llama-quantize's (the search gains nothing at 8 bits)
//   Q4_0, Q5_0       x ≈ d·q, q in −8..7 / −16..15, searched d
//   Q4_1, Q5_1       x ≈ d·q + m, q in 0..15 / 0..31, least-squares (d, m)
//   IQ4_NL           x ≈ d·kIq4NlValues[q], searched d
//   Q2_K             16 × 16 values, x ≈ d·sc·q − dmin·m, q 0..3, sc/m 4-bit
//   Q3_K             16 × 16 values, x ≈ d·sc·q, q −4..3, sc 6-bit signed
//   Q4_K, Q5_K       8 × 32 values, x ≈ d·sc·q − dmin·m, q 0..15 / 0..31, sc/m 6-bit
//   Q6_K             16 × 16 values, x ≈ d·sc·q, q −32..31, sc int8
//   IQ4_XS           8 × 32 values, x ≈ d·sc·kIq4NlValues[q], sc 6-bit signed
#pragma once

#include "edgert/tensor-type.h"

#include <cstddef>
#include <cstdint>

namespace edgert::quant {

/// Whether quantiseRow() can produce `type`.
bool canQuantise(TensorType type);

/// The types quantiseRow() produces, in id order ("F32, F16, Q4_0, ...").
const char* quantisableTypeNames();

/// out (rowBytes(type, n) bytes) <- x (n,) f32 quantised to `type`. n must be a multiple of the
/// type's block size; UsageError otherwise or for a type canQuantise() refuses. x must be finite
/// (callers check: model-quantizer names the tensor and element of a NaN/Inf).
void quantiseRow(TensorType type, const float* x, std::size_t n, std::byte* out);

/// f32 -> bfloat16, round to nearest even (NaN kept quiet).
std::uint16_t fp32ToBf16(float f);

}  // namespace edgert::quant
