// Element-wise and normalisation operators of the Llama forward pass, f32: scalar, except softmax
// and SwiGLU, which run the active kernel table's e^x (kernels/vector-math.h, the same bits in
// every table).
#pragma once

#include <cstddef>

namespace edgert::kernels {

/// RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x²) + eps) * weight. x, y, weight (n,).
/// y may alias x.
void rmsNorm(const float* x, const float* weight, float* y, std::size_t n, float eps);

/// Softmax in place over x (n,), numerically stable (subtracts the max); softmaxReference
/// (kernels/vector-math.h) defines its bits.
void softmax(float* x, std::size_t n);

/// SwiGLU gate (Shazeer 2020): gate[i] = silu(gate[i]) * up[i], silu(v) = v / (1 + e^-v);
/// swigluReference (kernels/vector-math.h) defines its bits.
void swiglu(float* gate, const float* up, std::size_t n);

/// Dot product of a and b (n,), f32, summed in 8 interleaved partial sums (lane j takes
/// elements i with i % 8 == j, then the lanes are added pairwise: (0+4, 1+5, 2+6, 3+7) -> (0+2,
/// 1+3) -> 0+1): a fixed order, so the result is the same on every CPU and thread, and the
/// compiler keeps the 8 lanes in SIMD registers (an attention score at head size 64 is 8 vector
/// multiply-adds instead of 64 dependent scalar adds).
float dotF32(const float* a, const float* b, std::size_t n);

/// x[i] += y[i]
void addInPlace(float* x, const float* y, std::size_t n);

/// Rotary position embedding (Su et al. 2021, RoFormer) in GGUF/ggml's "normal" layout: within
/// each head of `headDim`, the pairs (v[2i], v[2i+1]) for 2i < ropeDim are rotated by
/// pos * freqBase^(-2i/ropeDim). vec holds nHeads heads contiguously.
void ropeInterleaved(float* vec, std::size_t nHeads, std::size_t headDim, std::size_t ropeDim, std::size_t pos,
                     float freqBase);

}  // namespace edgert::kernels
