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

// ARMv8.2-A + dotprod for the functions that carry it (arm_neon.h guards vdotq_s32 with that
// arch; "+dotprod" on the -mcpu=cortex-a72 baseline is not enough). They run only after
// armNeonDotprodKernels() has seen HWCAP_ASIMDDP.
#define EDGERT_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))

namespace edgert::kernels {

namespace {

// Sum of products of two 32-element int8 vectors (w = w0|w1, x = x0|x1) as int32x4 partial
// sums, without dotprod: SMULL/SMLAL widen to int16 (|two products| <= 2*127*128 fits), then
// pairwise adds widen to int32. Reference: the inner loop of q8_0Rows (arch/generic).
inline int32x4_t dotI8(int8x16_t w0, int8x16_t w1, int8x16_t x0, int8x16_t x1)
{
    int16x8_t p0 = vmull_s8(vget_low_s8(w0), vget_low_s8(x0));
    p0 = vmlal_s8(p0, vget_high_s8(w0), vget_high_s8(x0));
    int16x8_t p1 = vmull_s8(vget_low_s8(w1), vget_low_s8(x1));
    p1 = vmlal_s8(p1, vget_high_s8(w1), vget_high_s8(x1));
    return vpaddq_s32(vpaddlq_s16(p0), vpaddlq_s16(p1));
}

// The same with SDOT (ARMv8.2-A dotprod): four int8 products summed per int32 lane.
EDGERT_DOTPROD inline int32x4_t dotI8Sdot(int8x16_t w0, int8x16_t w1, int8x16_t x0, int8x16_t x1)
{
    return vdotq_s32(vdotq_s32(vdupq_n_s32(0), w0, x0), w1, x1);
}

// Quantised row kernels for baseline NEON (Cortex-A72) ...
namespace baseline {
#define EDGERT_TARGET
#define EDGERT_DOT_I8 dotI8
#include "kernels/arch/arm/quant-rows-neon.inc"
#undef EDGERT_TARGET
#undef EDGERT_DOT_I8
}  // namespace baseline

// ... and compiled whole for dotprod, so dotI8Sdot inlines into the loops.
namespace dotprod {
#define EDGERT_TARGET EDGERT_DOTPROD
#define EDGERT_DOT_I8 dotI8Sdot
#include "kernels/arch/arm/quant-rows-neon.inc"
#undef EDGERT_TARGET
#undef EDGERT_DOT_I8
}  // namespace dotprod

// Quantised rows: W (r0..r1 rows of Q8_0/Q4_0 blocks) @ x (nTokens, nBlocks activation blocks).
// References: q8_0Rows / q4_0Rows in arch/generic/kernels-generic.cpp.
void q8_0RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::quantRows<BlockQ8_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}
void q4_0RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::quantRows<BlockQ4_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q8_0RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockQ8_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q4_0RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockQ4_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}

// W (F32 rows) @ x (nTokens, n) f32. Reference: f32Rows (arch/generic).
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

// W (F16 rows) @ x f32: FCVTL widens 8 halves per step (base ARMv8-A; no FP16 arithmetic
// needed). Reference: f16Rows (arch/generic).
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

// x (n,) f32 -> n/32 activation blocks, d = max|x|/127. Reference: quantizeActivationsReference.
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
        y[b].s = d * static_cast<float>(vaddlvq_s8(vld1q_s8(y[b].qs)) + vaddlvq_s8(vld1q_s8(y[b].qs + 16)));
    }
}

}  // namespace

// BF16 rows use the scalar reference: no released BF16 model targets the Pi, and the Cortex-A72
// has no BF16 instructions.
const KernelTable* armNeonKernels()
{
    static const KernelTable table = withGenericFallbacks({
        .name = "neon",
        .q8_0 = q8_0RowsNeon,
        .q4_0 = q4_0RowsNeon,
        .f32 = f32RowsNeon,
        .f16 = f16RowsNeon,
        .quantizeActivations = quantizeActivationsNeon,
    });
    return &table;
}

const KernelTable* armNeonDotprodKernels()
{
    static const KernelTable table = withGenericFallbacks({
        .name = "neon-dotprod",
        .q8_0 = q8_0RowsSdot,
        .q4_0 = q4_0RowsSdot,
        .f32 = f32RowsNeon,
        .f16 = f16RowsNeon,
        .quantizeActivations = quantizeActivationsNeon,
    });
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) ? &table : nullptr;
}

}  // namespace edgert::kernels

#else

namespace edgert::kernels {
const KernelTable* armNeonKernels()
{
    return nullptr;
}
const KernelTable* armNeonDotprodKernels()
{
    return nullptr;
}
}  // namespace edgert::kernels

#endif
