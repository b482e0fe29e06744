#include "kernels/ops.h"

#include "kernels/kernel-table.h"

#include <algorithm>
#include <cmath>

namespace edgert::kernels {

void rmsNorm(const float* x, const float* weight, float* y, std::size_t n, float eps)
{
    double ss = 0.0;
    for (std::size_t i = 0; i < n; ++i) ss += static_cast<double>(x[i]) * x[i];
    const float scale = 1.0f / std::sqrt(static_cast<float>(ss / static_cast<double>(n)) + eps);
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] * scale * weight[i];
}

float dotF32(const float* a, const float* b, std::size_t n)
{
    float lane[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (std::size_t j = 0; j < 8; ++j) lane[j] += a[i + j] * b[i + j];
    for (std::size_t j = 0; i < n; ++i, ++j) lane[j] += a[i] * b[i];
    for (std::size_t j = 0; j < 4; ++j) lane[j] += lane[j + 4];
    return (lane[0] + lane[2]) + (lane[1] + lane[3]);
}

void softmax(float* x, std::size_t n)
{
    activeKernels().softmax(x, n);
}

void swiglu(float* gate, const float* up, std::size_t n)
{
    activeKernels().swiglu(gate, up, n);
}

void addInPlace(float* x, const float* y, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) x[i] += y[i];
}

void ropeInterleaved(float* vec, std::size_t nHeads, std::size_t headDim, std::size_t ropeDim, std::size_t pos,
                     float freqBase)
{
    for (std::size_t i = 0; i < ropeDim; i += 2) {
        const float theta =
            static_cast<float>(pos) * std::pow(freqBase, -static_cast<float>(i) / static_cast<float>(ropeDim));
        const float c = std::cos(theta), s = std::sin(theta);
        for (std::size_t h = 0; h < nHeads; ++h) {
            float* v = vec + h * headDim + i;
            const float v0 = v[0], v1 = v[1];
            v[0] = v0 * c - v1 * s;
            v[1] = v0 * s + v1 * c;
        }
    }
}

}  // namespace edgert::kernels
