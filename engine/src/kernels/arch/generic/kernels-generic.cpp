// Scalar reference kernels: the definition of every operation's result. SIMD tables must agree
// with these within the tolerances in tests/tst_kernels.cpp. The quantised dot products follow
// ggml's scheme: integer sums of weight quants times activation quants per (sub-)block, then
// the float scales; the layouts are decoded by kernels/quant-decode.h.
#include "kernels/fp16.h"
#include "kernels/kernel-table.h"
#include "kernels/ops.h"
#include "kernels/q4_0-interleaved.h"
#include "kernels/q4_k-interleaved.h"
#include "kernels/quant-decode.h"
#include "kernels/vector-math.h"
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
        int sum = 0;
        for (std::size_t i = 0; i < kActBlock; ++i) {
            y[b].qs[i] = static_cast<std::int8_t>(std::nearbyint(xb[i] * id));
            sum += y[b].qs[i];
        }
        y[b].s = d * static_cast<float>(sum);
    }
}

void quantizeActivationsQ8KReference(const float* x, BlockQ8_K* y, std::size_t n)
{
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        const float* xb = x + b * kQK_K;
        float amax = 0.0f, max = 0.0f;
        for (std::size_t i = 0; i < kQK_K; ++i) {
            if (std::fabs(xb[i]) > amax) {
                amax = std::fabs(xb[i]);
                max = xb[i];
            }
        }
        // -127 (not -128): every quant stays in [-127, 127], so SIMD kernels can take |q| as u8
        // (sign moves to the other operand) without the -128 overflow; ggml's reference does the same.
        const float iscale = -127.0f / max;
        // An all-zero block, and one whose -127 / max overflows (|max| < 127 / FLT_MAX ~ 3.7e-37:
        // every subnormal and the smallest normals), is a zero block. The overflowed scale would
        // turn x * iscale into +-inf or NaN and the conversion to int8 undefined; ggml's
        // quantize_row_q8_K_ref gives zero quants and sums (d = -0 or +0) for such a block too.
        if (amax == 0.0f || !std::isfinite(iscale)) {
            y[b] = BlockQ8_K{};
            continue;
        }
        for (std::size_t i = 0; i < kQK_K; ++i)
            y[b].qs[i] = static_cast<std::int8_t>(std::min(127.0f, std::nearbyint(iscale * xb[i])));
        for (std::size_t g = 0; g < kQK_K / 16; ++g) {
            int sum = 0;
            for (std::size_t i = 0; i < 16; ++i) sum += y[b].qs[16 * g + i];
            y[b].bsums[g] = static_cast<std::int16_t>(sum);
        }
        y[b].d = 1.0f / iscale;
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

// W (Q4_0x8: 8 interleaved rows per group, kernels/q4_0-interleaved.h) · x, rows [r0, r1) with
// r0 % 8 == 0 and r1 % 8 == 0: per row acc = fma(dw_b * dx_b, float(idot_b), acc) over the blocks
// in order, the exact integer dot of (nibble - 8) and the activation quants. The definition the
// AVX2 and NEON twins reproduce bit for bit (and q4_0GemmReference's, on the file layout).
void q4_0x8Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    for (std::size_t g = r0; g < r1; g += kInterleavedRows) {
        const BlockQ4_0x8* group = q4_0x8Group(w, rowBytes, g);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const ActivationBlock* xt = x + t * nBlocks;
            for (std::size_t k = 0; k < kInterleavedRows; ++k) {
                float acc = 0.0f;
                for (std::size_t b = 0; b < nBlocks; ++b) {
                    std::int32_t dot = 0;
                    for (std::size_t c = 0; c < 4; ++c)
                        for (std::size_t i = 0; i < 4; ++i) {
                            const int q = group[b].qs[c][k][i];
                            dot += ((q & 0x0f) - 8) * xt[b].qs[4 * c + i];
                            dot += ((q >> 4) - 8) * xt[b].qs[16 + 4 * c + i];
                        }
                    acc = std::fma(fp16ToFp32(group[b].d[k]) * xt[b].d, static_cast<float>(dot), acc);
                }
                y[t * yStride + g + k] = acc;
            }
        }
    }
}

// Any block-32 weight (x = d * q + m) · x: sum_b (dw * dx * sum_i q_i * qx_i + m * dx * sum_i qx_i);
// the second term is m * s of the activation block (ggml's Q8_1 scheme for Q4_1/Q5_1).
template <typename Block>
void block32Rows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                 std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    Block32Ints ints;
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const Block*>(static_cast<const std::byte*>(w) + r * rowBytes);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const ActivationBlock* xt = x + t * nBlocks;
            float sum = 0.0f;
            for (std::size_t b = 0; b < nBlocks; ++b) {
                decode(row[b], ints);
                std::int32_t dot = 0;
                for (std::size_t i = 0; i < 32; ++i) dot += ints.q[i] * xt[b].qs[i];
                sum += ints.d * xt[b].d * static_cast<float>(dot) + ints.m * xt[b].s;
            }
            y[t * yStride + r] = sum;
        }
    }
}

// Any super-block weight · Q8_K activations, per super-block:
//   dx * (d * sum_s scale_s * sum_{e in s} q_e * qx_e  -  dmin * sum_s min_s * sum_{e in s} qx_e),
// where the activation sums per sub-block come from Q8_K's bsums (16 values each).
template <typename Block>
void superRows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const BlockQ8_K* x,
               std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    SuperBlockInts ints;
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const Block*>(static_cast<const std::byte*>(w) + r * rowBytes);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const BlockQ8_K* xt = x + t * nBlocks;
            float sum = 0.0f;
            for (std::size_t b = 0; b < nBlocks; ++b) {
                decode(row[b], ints);
                std::int32_t dot = 0, mins = 0;
                for (std::uint32_t s = 0; s < kQK_K / ints.sub; ++s) {
                    std::int32_t sub = 0;
                    for (std::uint32_t i = s * ints.sub; i < (s + 1) * ints.sub; ++i) sub += ints.q[i] * xt[b].qs[i];
                    dot += ints.scale[s] * sub;
                    std::int32_t xsum = 0;
                    for (std::uint32_t g = s * ints.sub / 16; g < (s + 1) * ints.sub / 16; ++g) xsum += xt[b].bsums[g];
                    mins += ints.min[s] * xsum;
                }
                sum += xt[b].d * (ints.d * static_cast<float>(dot) - ints.dmin * static_cast<float>(mins));
            }
            y[t * yStride + r] = sum;
        }
    }
}

template <typename Load>
void floatRows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x, std::size_t nTokens,
               std::size_t n, float* y, std::size_t yStride, Load load)
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

// Attention per head: the definitions the SIMD tables reproduce bit for bit.
void attentionScores(const float* q, const float* k, std::size_t kStride, std::size_t nPos, std::size_t headDim,
                     float scale, float* s)
{
    for (std::size_t p = 0; p < nPos; ++p) s[p] = dotF32(q, k + p * kStride, headDim) * scale;
}

void attentionValues(const float* a, const float* v, std::size_t vStride, std::size_t nPos, std::size_t headDim,
                     float* o)
{
    std::fill_n(o, headDim, 0.0f);
    for (std::size_t p = 0; p < nPos; ++p) {
        const float* vp = v + p * vStride;
        const float w = a[p];
        for (std::size_t i = 0; i < headDim; ++i) o[i] += w * vp[i];
    }
}

}  // namespace

const KernelTable& genericKernels()
{
    static const KernelTable table{
        .name = "generic",
        .q8_0 = q8_0Rows,
        .q4_0 = q4_0Rows,
        .q4_1 = block32Rows<BlockQ4_1>,
        .q5_0 = block32Rows<BlockQ5_0>,
        .q5_1 = block32Rows<BlockQ5_1>,
        .iq4_nl = block32Rows<BlockIQ4_NL>,
        .q2_k = superRows<BlockQ2_K>,
        .q3_k = superRows<BlockQ3_K>,
        .q4_k = superRows<BlockQ4_K>,
        .q5_k = superRows<BlockQ5_K>,
        .q6_k = superRows<BlockQ6_K>,
        .iq4_xs = superRows<BlockIQ4_XS>,
        .f32 = f32Rows,
        .f16 = f16Rows,
        .bf16 = bf16Rows,
        .quantizeActivations = quantizeActivationsReference,
        .quantizeActivationsQ8K = quantizeActivationsQ8KReference,
        .attentionScores = attentionScores,
        .attentionValues = attentionValues,
        .q4_0x8 = q4_0x8Rows,
        .interleaveQ4_0x8 = interleaveQ4_0x8Reference,
        .q4_kx8 = q4_kx8RowsReference,
        .interleaveQ4_Kx8 = interleaveQ4_Kx8Reference,
        .softmax = softmaxReference,
        .swiglu = swigluReference,
    };
    return table;
}

}  // namespace edgert::kernels
