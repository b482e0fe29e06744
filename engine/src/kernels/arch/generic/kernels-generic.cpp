// Scalar reference kernels: the definition of every operation's result. SIMD tables must agree
// with these within the tolerances in tests/tst_kernels.cpp.
#include "kernels/fp16.h"
#include "kernels/kernel-table.h"
#include "tensor/quant-blocks.h"

#include <algorithm>
#include <cmath>

namespace edgert::kernels {

void quantizeActivationsReference(const float* x, ActivationBlock* y, std::size_t n)
{
    for (std::size_t b = 0; b < n / kActBlock; ++b) {
        const float* xb = x + b * kActBlock;
        float amax = 0.0f;
        for (std::size_t i = 0; i < kActBlock; ++i) amax = std::max(amax, std::fabs(xb[i]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = d;
        for (std::size_t i = 0; i < kActBlock; ++i) y[b].qs[i] = static_cast<std::int8_t>(std::nearbyint(xb[i] * id));
    }
}

namespace {

// W (Q8_0 row) · x (activation blocks): sum_b dw_b * dx_b * sum_i qw_bi * qx_bi
void q8_0Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
              std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const BlockQ8_0*>(static_cast<const std::byte*>(w) + r * rowBytes);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const ActivationBlock* xt = x + t * nBlocks;
            float sum = 0.0f;
            for (std::size_t b = 0; b < nBlocks; ++b) {
                std::int32_t dot = 0;
                for (std::size_t i = 0; i < kQK8_0; ++i) dot += row[b].qs[i] * xt[b].qs[i];
                sum += fp16ToFp32(row[b].d) * xt[b].d * static_cast<float>(dot);
            }
            y[t * yStride + r] = sum;
        }
    }
}

// W (Q4_0 row) · x: values are (nibble - 8); low nibbles hold elements 0..15, high 16..31.
void q4_0Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
              std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const BlockQ4_0*>(static_cast<const std::byte*>(w) + r * rowBytes);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const ActivationBlock* xt = x + t * nBlocks;
            float sum = 0.0f;
            for (std::size_t b = 0; b < nBlocks; ++b) {
                std::int32_t dot = 0;
                for (std::size_t j = 0; j < kQK4_0 / 2; ++j) {
                    dot += ((row[b].qs[j] & 0x0f) - 8) * xt[b].qs[j];
                    dot += ((row[b].qs[j] >> 4) - 8) * xt[b].qs[j + kQK4_0 / 2];
                }
                sum += fp16ToFp32(row[b].d) * xt[b].d * static_cast<float>(dot);
            }
            y[t * yStride + r] = sum;
        }
    }
}

template <typename Load>
void floatRows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x,
               std::size_t nTokens, std::size_t n, float* y, std::size_t yStride, Load load)
{
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = static_cast<const std::byte*>(w) + r * rowBytes;
        for (std::size_t t = 0; t < nTokens; ++t) {
            const float* xt = x + t * n;
            float sum = 0.0f;
            for (std::size_t i = 0; i < n; ++i) sum += load(row, i) * xt[i];
            y[t * yStride + r] = sum;
        }
    }
}

void f32Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x, std::size_t nTokens,
             std::size_t n, float* y, std::size_t yStride)
{
    floatRows(w, rowBytes, r0, r1, x, nTokens, n, y, yStride,
              [](const std::byte* row, std::size_t i) { return reinterpret_cast<const float*>(row)[i]; });
}

void f16Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x, std::size_t nTokens,
             std::size_t n, float* y, std::size_t yStride)
{
    floatRows(w, rowBytes, r0, r1, x, nTokens, n, y, yStride, [](const std::byte* row, std::size_t i) {
        return fp16ToFp32(reinterpret_cast<const std::uint16_t*>(row)[i]);
    });
}

void bf16Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x, std::size_t nTokens,
              std::size_t n, float* y, std::size_t yStride)
{
    floatRows(w, rowBytes, r0, r1, x, nTokens, n, y, yStride, [](const std::byte* row, std::size_t i) {
        return bf16ToFp32(reinterpret_cast<const std::uint16_t*>(row)[i]);
    });
}

}  // namespace

const KernelTable& genericKernels()
{
    static const KernelTable table{"generic", q8_0Rows, q4_0Rows, f32Rows, f16Rows, bf16Rows,
                                   quantizeActivationsReference};
    return table;
}

}  // namespace edgert::kernels
