#include "kernels/quantize.h"

#include "edgert/error.h"
#include "kernels/fp16.h"
#include "kernels/quant-decode.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace edgert::kernels {

void quantizeRowQ8_0(const float* x, BlockQ8_0* y, std::size_t n)
{
    for (std::size_t b = 0; b < n / kQK8_0; ++b) {
        const float* xb = x + b * kQK8_0;
        float amax = 0.0f;
        for (std::uint32_t i = 0; i < kQK8_0; ++i) amax = std::max(amax, std::fabs(xb[i]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = fp32ToFp16(d);
        for (std::uint32_t i = 0; i < kQK8_0; ++i) y[b].qs[i] = static_cast<std::int8_t>(std::lround(xb[i] * id));
    }
}

void quantizeRowQ4_0(const float* x, BlockQ4_0* y, std::size_t n)
{
    for (std::size_t b = 0; b < n / kQK4_0; ++b) {
        const float* xb = x + b * kQK4_0;
        float amax = 0.0f, max = 0.0f;
        for (std::uint32_t i = 0; i < kQK4_0; ++i) {
            if (std::fabs(xb[i]) > amax) {
                amax = std::fabs(xb[i]);
                max = xb[i];
            }
        }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = fp32ToFp16(d);
        for (std::uint32_t j = 0; j < kQK4_0 / 2; ++j) {
            const auto q0 = std::min<std::uint8_t>(15, static_cast<std::uint8_t>(xb[j] * id + 8.5f));
            const auto q1 = std::min<std::uint8_t>(15, static_cast<std::uint8_t>(xb[j + kQK4_0 / 2] * id + 8.5f));
            y[b].qs[j] = static_cast<std::uint8_t>(q0 | (q1 << 4));
        }
    }
}

namespace {

template <typename Block>
void dequantizeBlocks32(const void* src, float* y, std::size_t n)
{
    const auto* blocks = static_cast<const Block*>(src);
    Block32Ints ints;
    for (std::size_t b = 0; b < n / 32; ++b) {
        decode(blocks[b], ints);
        for (std::size_t j = 0; j < 32; ++j) y[b * 32 + j] = ints.d * static_cast<float>(ints.q[j]) + ints.m;
    }
}

template <typename Block>
void dequantizeSuperBlocks(const void* src, float* y, std::size_t n)
{
    const auto* blocks = static_cast<const Block*>(src);
    SuperBlockInts ints;
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        decode(blocks[b], ints);
        for (std::size_t e = 0; e < kQK_K; ++e) {
            const std::size_t s = e / ints.sub;
            y[b * kQK_K + e] = ints.d * static_cast<float>(ints.scale[s]) * static_cast<float>(ints.q[e]) -
                               ints.dmin * static_cast<float>(ints.min[s]);
        }
    }
}

}  // namespace

void dequantizeRow(TensorType type, const void* src, float* y, std::size_t n)
{
    switch (type) {
        case TensorType::F32: std::memcpy(y, src, n * sizeof(float)); return;
        case TensorType::F16: {
            const auto* h = static_cast<const std::uint16_t*>(src);
            for (std::size_t i = 0; i < n; ++i) y[i] = fp16ToFp32(h[i]);
            return;
        }
        case TensorType::BF16: {
            const auto* h = static_cast<const std::uint16_t*>(src);
            for (std::size_t i = 0; i < n; ++i) y[i] = bf16ToFp32(h[i]);
            return;
        }
        case TensorType::Q8_0: {
            const auto* blocks = static_cast<const BlockQ8_0*>(src);
            for (std::size_t b = 0; b < n / kQK8_0; ++b) {
                const float d = fp16ToFp32(blocks[b].d);
                for (std::uint32_t i = 0; i < kQK8_0; ++i) y[b * kQK8_0 + i] = d * static_cast<float>(blocks[b].qs[i]);
            }
            return;
        }
        case TensorType::Q4_0: {
            const auto* blocks = static_cast<const BlockQ4_0*>(src);
            for (std::size_t b = 0; b < n / kQK4_0; ++b) {
                const float d = fp16ToFp32(blocks[b].d);
                for (std::uint32_t j = 0; j < kQK4_0 / 2; ++j) {
                    y[b * kQK4_0 + j] = d * static_cast<float>((blocks[b].qs[j] & 0x0f) - 8);
                    y[b * kQK4_0 + j + kQK4_0 / 2] = d * static_cast<float>((blocks[b].qs[j] >> 4) - 8);
                }
            }
            return;
        }
        case TensorType::Q4_1: dequantizeBlocks32<BlockQ4_1>(src, y, n); return;
        case TensorType::Q5_0: dequantizeBlocks32<BlockQ5_0>(src, y, n); return;
        case TensorType::Q5_1: dequantizeBlocks32<BlockQ5_1>(src, y, n); return;
        case TensorType::IQ4_NL: dequantizeBlocks32<BlockIQ4_NL>(src, y, n); return;
        case TensorType::Q2_K: dequantizeSuperBlocks<BlockQ2_K>(src, y, n); return;
        case TensorType::Q3_K: dequantizeSuperBlocks<BlockQ3_K>(src, y, n); return;
        case TensorType::Q4_K: dequantizeSuperBlocks<BlockQ4_K>(src, y, n); return;
        case TensorType::Q5_K: dequantizeSuperBlocks<BlockQ5_K>(src, y, n); return;
        case TensorType::Q6_K: dequantizeSuperBlocks<BlockQ6_K>(src, y, n); return;
        case TensorType::IQ4_XS: dequantizeSuperBlocks<BlockIQ4_XS>(src, y, n); return;
        default: throw FormatError("cannot dequantise tensor type " + tensorTypeName(type));
    }
}

void quantizeRow(TensorType type, const float* x, void* dst, std::size_t n)
{
    switch (type) {
        case TensorType::F32: std::memcpy(dst, x, n * sizeof(float)); return;
        case TensorType::F16: {
            auto* h = static_cast<std::uint16_t*>(dst);
            for (std::size_t i = 0; i < n; ++i) h[i] = fp32ToFp16(x[i]);
            return;
        }
        case TensorType::Q8_0: quantizeRowQ8_0(x, static_cast<BlockQ8_0*>(dst), n); return;
        case TensorType::Q4_0: quantizeRowQ4_0(x, static_cast<BlockQ4_0*>(dst), n); return;
        default: throw UsageError("cannot quantise to tensor type " + tensorTypeName(type));
    }
}

}  // namespace edgert::kernels
