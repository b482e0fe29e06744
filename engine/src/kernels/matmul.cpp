#include "kernels/matmul.h"

#include "edgert/error.h"
#include "kernels/fp16.h"
#include "tensor/quant-blocks.h"

#include <cstdint>

namespace edgert::kernels {

namespace {

constexpr std::size_t kMinParallelMacs = 1u << 17;  // multiply-adds below which one thread is faster

float dotF32(const float* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += w[i] * x[i];
    return sum;
}

float dotF16(const std::uint16_t* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += fp16ToFp32(w[i]) * x[i];
    return sum;
}

float dotBF16(const std::uint16_t* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += bf16ToFp32(w[i]) * x[i];
    return sum;
}

// sum_b d_b * sum_i q_bi * x_bi
float dotQ8_0(const BlockQ8_0* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t b = 0; b < n / kQK8_0; ++b) {
        float block = 0.0f;
        for (std::uint32_t i = 0; i < kQK8_0; ++i) block += static_cast<float>(w[b].qs[i]) * x[b * kQK8_0 + i];
        sum += fp16ToFp32(w[b].d) * block;
    }
    return sum;
}

// sum_b d_b * sum_i (q_bi - 8) * x_bi; nibble j holds value j (low) and j + 16 (high).
float dotQ4_0(const BlockQ4_0* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t b = 0; b < n / kQK4_0; ++b) {
        const float* xb = x + b * kQK4_0;
        float block = 0.0f;
        for (std::uint32_t j = 0; j < kQK4_0 / 2; ++j) {
            block += static_cast<float>((w[b].qs[j] & 0x0f) - 8) * xb[j];
            block += static_cast<float>((w[b].qs[j] >> 4) - 8) * xb[j + kQK4_0 / 2];
        }
        sum += fp16ToFp32(w[b].d) * block;
    }
    return sum;
}

}  // namespace

float dotRowReference(TensorType type, const void* row, const float* x, std::size_t n)
{
    switch (type) {
    case TensorType::F32: return dotF32(static_cast<const float*>(row), x, n);
    case TensorType::F16: return dotF16(static_cast<const std::uint16_t*>(row), x, n);
    case TensorType::BF16: return dotBF16(static_cast<const std::uint16_t*>(row), x, n);
    case TensorType::Q8_0: return dotQ8_0(static_cast<const BlockQ8_0*>(row), x, n);
    case TensorType::Q4_0: return dotQ4_0(static_cast<const BlockQ4_0*>(row), x, n);
    default: throw FormatError("no matmul kernel for tensor type " + tensorTypeName(type));
    }
}

void matmul(const WeightView& w, const float* x, std::size_t nTokens, float* y, int threads)
{
    const std::size_t stride = rowBytes(w.type, w.cols);
    const auto* base = static_cast<const std::byte*>(w.data);
    const auto rows = static_cast<std::ptrdiff_t>(w.rows);
    // Thin products are cheaper than waking a thread team; split only enough work.
    const bool split = threads > 1 && w.rows * w.cols * nTokens >= kMinParallelMacs;
#pragma omp parallel for num_threads(threads) schedule(static) if (split)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
        const void* row = base + static_cast<std::size_t>(r) * stride;
        for (std::size_t t = 0; t < nTokens; ++t)
            y[t * w.rows + static_cast<std::size_t>(r)] = dotRowReference(w.type, row, x + t * w.cols, w.cols);
    }
}

}  // namespace edgert::kernels
