// Activations quantised on the fly to 8-bit blocks for the integer dot products of Q8_0 and
// Q4_0 weights — the scheme llama.cpp uses (its vec_dot_type Q8_0), with an f32 scale so the
// kernels need no fp16 conversion for the activation side.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgert::kernels {

inline constexpr std::size_t kActBlock = 32;

/// One block of 32 activations: x[i] ≈ d * qs[i], d = max|x| / 127.  36 bytes.
struct ActivationBlock {
    float d;
    std::int8_t qs[kActBlock];
};
static_assert(sizeof(ActivationBlock) == 36, "ActivationBlock must be 36 bytes");

/// x (n,) f32 -> y (n/32 blocks). n % 32 == 0. Scalar reference.
void quantizeActivationsReference(const float* x, ActivationBlock* y, std::size_t n);

}  // namespace edgert::kernels
