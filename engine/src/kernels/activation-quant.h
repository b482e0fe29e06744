// Activations quantised on the fly for the integer dot products of quantised weights — the
// scheme llama.cpp uses (each weight type's vec_dot_type):
// - block-32 weights (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL) pair with 32-value 8-bit blocks
//   (ggml Q8_0 / Q8_1), here with an f32 scale so the kernels need no fp16 conversion for the
//   activation side, and with the scaled block sum that the offset term of Q4_1/Q5_1 needs;
// - the K-quants and IQ4_XS pair with Q8_K (256-value blocks, f32 scale, int16 sums of 16).
#pragma once

#include "tensor/quant-blocks.h"

#include <cstddef>
#include <cstdint>

namespace edgert::kernels {

inline constexpr std::size_t kActBlock = 32;

/// One block of 32 activations: x[i] ≈ d * qs[i], d = max|x| / 127; s = d * sum(qs) (the
/// activation side of the m * sum(x) term of Q4_1/Q5_1, ggml block_q8_1's s).  40 bytes.
struct ActivationBlock {
    float d;
    float s;
    std::int8_t qs[kActBlock];
};
static_assert(sizeof(ActivationBlock) == 40, "ActivationBlock must be 40 bytes");

/// x (n,) f32 -> y (n/32 blocks). n % 32 == 0. Scalar reference.
void quantizeActivationsReference(const float* x, ActivationBlock* y, std::size_t n);

/// x (n,) f32 -> y (n/256 Q8_K blocks): d = max-by-magnitude / -127, q = min(127, round(x / d)),
/// bsums = sums of 16 quants (ggml quantize_row_q8_K_ref). n % 256 == 0. Scalar reference.
/// Edge cases, which every SIMD twin reproduces byte for byte: the max is the first element of
/// the largest |x| (a +a/-a tie takes the first one's sign); a block with max 0 or with
/// |max| < 127 / FLT_MAX (-127 / max overflows: subnormals) is all zero (d = 0); a NaN is
/// skipped by the max scan and quantises to 127; an infinite max gives iscale = -0/+0, so d is
/// -inf/+inf, the finite elements quantise to 0 and the infinite ones to 127.
void quantizeActivationsQ8KReference(const float* x, BlockQ8_K* y, std::size_t n);

}  // namespace edgert::kernels
