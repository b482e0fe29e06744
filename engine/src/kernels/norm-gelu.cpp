#include "kernels/norm-gelu.h"

#include <cmath>

namespace edgert::kernels {

void layerNorm(const float* x, const float* weight, const float* bias, float* y, std::size_t n, float eps)
{
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += x[i];
    const double mean = sum / static_cast<double>(n);
    double squares = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = x[i] - mean;
        squares += d * d;
    }
    const double inv = 1.0 / std::sqrt(squares / static_cast<double>(n) + static_cast<double>(eps));
    const auto m = static_cast<float>(mean);
    const auto s = static_cast<float>(inv);
    for (std::size_t i = 0; i < n; ++i) y[i] = (x[i] - m) * s * weight[i] + bias[i];
}

void geluTanh(float* x, std::size_t n)
{
    constexpr float kSqrt2OverPi = 0.7978845608028654f;  // sqrt(2/π)
    constexpr float kCubic = 0.044715f;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + kCubic * v * v * v)));
    }
}

void addBias(float* y, const float* bias, std::size_t nTokens, std::size_t n)
{
    for (std::size_t t = 0; t < nTokens; ++t)
        for (std::size_t i = 0; i < n; ++i) y[t * n + i] += bias[i];
}

}  // namespace edgert::kernels
