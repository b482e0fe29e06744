// aarch64 kernels: NEON (Advanced SIMD is mandatory on ARMv8-A, so always available), and a
// variant using the dotprod extension (SDOT) when the CPU has it. The Raspberry Pi 4's
// Cortex-A72 has no dotprod: its path widens int8 products with SMULL/SMLAL and pairwise adds.
#include "kernels/kernel-table.h"

#if defined(__aarch64__)

#include "kernels/fp16.h"
#include "tensor/quant-blocks.h"

#include <arm_neon.h>
#include <sys/auxv.h>

#include <cmath>

#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

#define EDGERT_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))

namespace edgert::kernels {

namespace {

// Sum of products of two 32-element int8 vectors (lo/hi halves) as int32x4 lanes, no dotprod.
inline int32x4_t dotI8(int8x16_t w0, int8x16_t w1, int8x16_t x0, int8x16_t x1)
{
    int16x8_t p0 = vmull_s8(vget_low_s8(w0), vget_low_s8(x0));
    p0 = vmlal_s8(p0, vget_high_s8(w0), vget_high_s8(x0));  // |sum| <= 2*128*127 fits int16
    int16x8_t p1 = vmull_s8(vget_low_s8(w1), vget_low_s8(x1));
    p1 = vmlal_s8(p1, vget_high_s8(w1), vget_high_s8(x1));
    return vpaddq_s32(vpaddlq_s16(p0), vpaddlq_s16(p1));
}

EDGERT_DOTPROD inline int32x4_t dotI8Sdot(int8x16_t w0, int8x16_t w1, int8x16_t x0, int8x16_t x1)
{
    return vdotq_s32(vdotq_s32(vdupq_n_s32(0), w0, x0), w1, x1);
}

struct Q8Pair {
    int8x16_t lo, hi;
};
inline Q8Pair unpack(const BlockQ8_0& b) { return {vld1q_s8(b.qs), vld1q_s8(b.qs + 16)}; }
inline Q8Pair unpack(const BlockQ4_0& b)
{
    const uint8x16_t packed = vld1q_u8(b.qs);
    const int8x16_t eight = vdupq_n_s8(8);
    const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(packed, vdupq_n_u8(0x0f))), eight);
    const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(packed, 4)), eight);
    return {lo, hi};
}

template <typename Block, int32x4_t (*Dot)(int8x16_t, int8x16_t, int8x16_t, int8x16_t)>
inline void quantRows(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                      std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const Block*>(static_cast<const std::byte*>(w) + r * rowBytes);
        std::size_t t = 0;
        for (; t + 2 <= nTokens; t += 2) {
            const ActivationBlock* x0 = x + t * nBlocks;
            const ActivationBlock* x1 = x0 + nBlocks;
            float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
            for (std::size_t b = 0; b < nBlocks; ++b) {
                const Q8Pair wq = unpack(row[b]);
                const float dw = fp16ToFp32(row[b].d);
                const int32x4_t d0 = Dot(wq.lo, wq.hi, vld1q_s8(x0[b].qs), vld1q_s8(x0[b].qs + 16));
                const int32x4_t d1 = Dot(wq.lo, wq.hi, vld1q_s8(x1[b].qs), vld1q_s8(x1[b].qs + 16));
                a0 = vmlaq_n_f32(a0, vcvtq_f32_s32(d0), dw * x0[b].d);
                a1 = vmlaq_n_f32(a1, vcvtq_f32_s32(d1), dw * x1[b].d);
            }
            y[t * yStride + r] = vaddvq_f32(a0);
            y[(t + 1) * yStride + r] = vaddvq_f32(a1);
        }
        for (; t < nTokens; ++t) {
            const ActivationBlock* xt = x + t * nBlocks;
            float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
            std::size_t b = 0;
            for (; b + 2 <= nBlocks; b += 2) {
                const Q8Pair w0 = unpack(row[b]), w1 = unpack(row[b + 1]);
                const int32x4_t d0 = Dot(w0.lo, w0.hi, vld1q_s8(xt[b].qs), vld1q_s8(xt[b].qs + 16));
                const int32x4_t d1 = Dot(w1.lo, w1.hi, vld1q_s8(xt[b + 1].qs), vld1q_s8(xt[b + 1].qs + 16));
                a0 = vmlaq_n_f32(a0, vcvtq_f32_s32(d0), fp16ToFp32(row[b].d) * xt[b].d);
                a1 = vmlaq_n_f32(a1, vcvtq_f32_s32(d1), fp16ToFp32(row[b + 1].d) * xt[b + 1].d);
            }
            for (; b < nBlocks; ++b) {
                const Q8Pair wb = unpack(row[b]);
                const int32x4_t d = Dot(wb.lo, wb.hi, vld1q_s8(xt[b].qs), vld1q_s8(xt[b].qs + 16));
                a0 = vmlaq_n_f32(a0, vcvtq_f32_s32(d), fp16ToFp32(row[b].d) * xt[b].d);
            }
            y[t * yStride + r] = vaddvq_f32(vaddq_f32(a0, a1));
        }
    }
}

void q8_0RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    quantRows<BlockQ8_0, dotI8>(w, rb, r0, r1, x, nt, nb, y, ys);
}
void q4_0RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    quantRows<BlockQ4_0, dotI8>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q8_0RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    quantRows<BlockQ8_0, dotI8Sdot>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q4_0RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    quantRows<BlockQ4_0, dotI8Sdot>(w, rb, r0, r1, x, nt, nb, y, ys);
}

void f32RowsNeon(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x,
                 std::size_t nTokens, std::size_t n, float* y, std::size_t yStride)
{
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const float*>(static_cast<const std::byte*>(w) + r * rowBytes);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const float* xt = x + t * n;
            float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
            std::size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                a0 = vfmaq_f32(a0, vld1q_f32(row + i), vld1q_f32(xt + i));
                a1 = vfmaq_f32(a1, vld1q_f32(row + i + 4), vld1q_f32(xt + i + 4));
            }
            float sum = vaddvq_f32(vaddq_f32(a0, a1));
            for (; i < n; ++i) sum += row[i] * xt[i];
            y[t * yStride + r] = sum;
        }
    }
}

void f16RowsNeon(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x,
                 std::size_t nTokens, std::size_t n, float* y, std::size_t yStride)
{
    for (std::size_t r = r0; r < r1; ++r) {
        const auto* row = reinterpret_cast<const float16_t*>(static_cast<const std::byte*>(w) + r * rowBytes);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const float* xt = x + t * n;
            float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
            std::size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                const float16x8_t h = vld1q_f16(row + i);
                a0 = vfmaq_f32(a0, vcvt_f32_f16(vget_low_f16(h)), vld1q_f32(xt + i));
                a1 = vfmaq_f32(a1, vcvt_high_f32_f16(h), vld1q_f32(xt + i + 4));
            }
            float sum = vaddvq_f32(vaddq_f32(a0, a1));
            const auto* bits = reinterpret_cast<const std::uint16_t*>(row);
            for (; i < n; ++i) sum += fp16ToFp32(bits[i]) * xt[i];
            y[t * yStride + r] = sum;
        }
    }
}

void quantizeActivationsNeon(const float* x, ActivationBlock* y, std::size_t n)
{
    for (std::size_t b = 0; b < n / kActBlock; ++b) {
        const float* xb = x + b * kActBlock;
        float32x4_t v[8];
        float32x4_t amax = vdupq_n_f32(0.0f);
        for (int k = 0; k < 8; ++k) {
            v[k] = vld1q_f32(xb + 4 * k);
            amax = vmaxq_f32(amax, vabsq_f32(v[k]));
        }
        const float d = vmaxvq_f32(amax) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = d;
        for (int k = 0; k < 8; k += 2) {
            // vcvtnq: round to nearest, ties to even (as nearbyint in the reference).
            const int32x4_t i0 = vcvtnq_s32_f32(vmulq_n_f32(v[k], id));
            const int32x4_t i1 = vcvtnq_s32_f32(vmulq_n_f32(v[k + 1], id));
            const int16x8_t i16 = vcombine_s16(vqmovn_s32(i0), vqmovn_s32(i1));
            vst1_s8(y[b].qs + 4 * k, vqmovn_s16(i16));
        }
    }
}

}  // namespace

const KernelTable* armNeonKernels()
{
    static const KernelTable table{"neon", q8_0RowsNeon, q4_0RowsNeon, f32RowsNeon, f16RowsNeon,
                                   genericKernels().bf16, quantizeActivationsNeon};
    return &table;
}

const KernelTable* armNeonDotprodKernels()
{
    static const KernelTable table{"neon-dotprod", q8_0RowsSdot, q4_0RowsSdot, f32RowsNeon, f16RowsNeon,
                                   genericKernels().bf16, quantizeActivationsNeon};
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) ? &table : nullptr;
}

}  // namespace edgert::kernels

#else

namespace edgert::kernels {
const KernelTable* armNeonKernels() { return nullptr; }
const KernelTable* armNeonDotprodKernels() { return nullptr; }
}  // namespace edgert::kernels

#endif
