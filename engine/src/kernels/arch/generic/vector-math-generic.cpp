// Scalar references of e^x, softmax and SwiGLU (kernels/vector-math.h), the generic table's
// entries and the definitions the AVX2 and NEON twins reproduce bit for bit. Built with
// -ffp-contract=off (engine/CMakeLists.txt) on top of the explicit fmas: nothing here may fuse.
#include "kernels/vector-math.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace edgert::kernels {

float expReference(float x)
{
    using namespace expconst;
    if (std::isnan(x)) return x;
    if (x < kExpMinArg) return 0.0f;
    if (x > kExpMaxArg) return std::numeric_limits<float>::infinity();
    const float n = std::nearbyint(x * kLog2e);
    float r = std::fma(-n, kLn2Hi, x);
    r = std::fma(-n, kLn2Lo, r);
    float p = kC7;
    p = std::fma(p, r, kC6);
    p = std::fma(p, r, kC5);
    p = std::fma(p, r, kC4);
    p = std::fma(p, r, kC3);
    p = std::fma(p, r, kC2);
    p = std::fma(p, r, 1.0f);
    p = std::fma(p, r, 1.0f);
    // p * 2^n: n added to the exponent field (unsigned arithmetic wraps as the SIMD integer adds do).
    const auto exponent = static_cast<std::uint32_t>(static_cast<std::int32_t>(n)) << 23;
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(p) + exponent);
}

void softmaxReference(float* x, std::size_t n)
{
    if (n == 0) return;
    float max = x[0];
    for (std::size_t i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
    float lane[8] = {};
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = expReference(x[i] - max);
        lane[i % 8] += x[i];
    }
    const float sum = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
    const float inv = 1.0f / sum;
    for (std::size_t i = 0; i < n; ++i) x[i] *= inv;
}

void swigluReference(float* gate, const float* up, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = g / (1.0f + expReference(-g)) * up[i];
    }
}

}  // namespace edgert::kernels
