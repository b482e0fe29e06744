// The GPT-2 operators the Llama set (ops.h) lacks: LayerNorm with bias, the tanh approximation of
// GELU, and a bias added to every row. f32, scalar reference code.
#pragma once

#include <cstddef>

namespace edgert::kernels {

/// LayerNorm (Ba et al. 2016): y = (x - mean(x)) / sqrt(var(x) + eps) * weight + bias, with the
/// biased variance (mean of squared deviations) as torch.nn.LayerNorm. x, y, weight, bias (n,);
/// y may alias x. Mean and variance accumulate in double.
void layerNorm(const float* x, const float* weight, const float* bias, float* y, std::size_t n, float eps);

/// GELU (Hendrycks & Gimpel 2016) in its tanh approximation, as GPT-2 ("gelu_new") uses, in place:
/// x = 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))). x (n,).
void geluTanh(float* x, std::size_t n);

/// y[t][i] += bias[i] for t < nTokens, i < n: a linear layer's bias on (nTokens, n) outputs.
void addBias(float* y, const float* bias, std::size_t nTokens, std::size_t n);

}  // namespace edgert::kernels
