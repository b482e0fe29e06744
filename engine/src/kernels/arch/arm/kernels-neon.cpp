// aarch64 kernels: NEON (Advanced SIMD is mandatory on ARMv8-A, so always available), and a
// variant using the dotprod extension (SDOT) when the CPU has it. The Raspberry Pi 4's
// Cortex-A72 has no dotprod: its path widens int8 products with SMULL/SMLAL and pairwise adds.
#include "kernels/kernel-table.h"

#if defined(__aarch64__)

#include "kernels/fp16.h"
#include "kernels/gemm-panels.h"
#include "kernels/q4_k-interleaved.h"
#include "kernels/quant-decode.h"
#include "kernels/vector-math.h"
#include "tensor/quant-blocks.h"

#include <arm_neon.h>
#include <sys/auxv.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>

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

// Dot of 16 int8 pairs as int32x4 partial sums: baseline (SMULL/SMLAL2 to int16, |2 products| <=
// 2 * 127 * 127 fits, then pairwise widening) and SDOT.
inline int32x4_t dot16(int8x16_t a, int8x16_t b)
{
    return vpaddlq_s16(vmlal_high_s8(vmull_s8(vget_low_s8(a), vget_low_s8(b)), a, b));
}
EDGERT_DOTPROD inline int32x4_t dot16Sdot(int8x16_t a, int8x16_t b)
{
    return vdotq_s32(vdupq_n_s32(0), a, b);
}

// Super-block decoders into signed quants + scales (kernels/quant-decode.h's SuperBlockInts),
// NEON versions of its scalar decode() for the types of Q4_K_M / Q5_K_M / Q6_K / IQ4_XS files.
inline void storeQ(std::int8_t* q, uint8x16_t v)
{
    vst1q_s8(q, vreinterpretq_s8_u8(v));
}

inline void kScalesMinsOf(const std::uint8_t* scales, SuperBlockInts& o)
{
    for (int i = 0; i < 8; ++i) {
        int sc = 0, m = 0;
        kScaleMin(scales, i, sc, m);
        o.scale[i] = static_cast<std::int16_t>(sc);
        o.min[i] = static_cast<std::int16_t>(m);
    }
}

inline void decodeSuper(const BlockQ4_K& b, SuperBlockInts& o)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f);
    for (int c = 0; c < 4; ++c)
        for (int i = 0; i < 2; ++i) {
            const uint8x16_t p = vld1q_u8(b.qs + 32 * c + 16 * i);
            storeQ(o.q + 64 * c + 16 * i, vandq_u8(p, low4));
            storeQ(o.q + 64 * c + 32 + 16 * i, vshrq_n_u8(p, 4));
        }
    kScalesMinsOf(b.scales, o);
    o.d = fp16ToFp32(b.d);
    o.dmin = fp16ToFp32(b.dmin);
    o.sub = 32;
}

inline void decodeSuper(const BlockQ5_K& b, SuperBlockInts& o)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f), fifth = vdupq_n_u8(0x10);
    for (int i = 0; i < 2; ++i) {
        const uint8x16_t h = vld1q_u8(b.qh + 16 * i);
        for (int c = 0; c < 4; ++c) {
            const uint8x16_t p = vld1q_u8(b.qs + 32 * c + 16 * i);
            const uint8x16_t bitLo = vandq_u8(vtstq_u8(h, vdupq_n_u8(static_cast<std::uint8_t>(1u << (2 * c)))), fifth);
            const uint8x16_t bitHi = vandq_u8(vtstq_u8(h, vdupq_n_u8(static_cast<std::uint8_t>(2u << (2 * c)))), fifth);
            storeQ(o.q + 64 * c + 16 * i, vorrq_u8(vandq_u8(p, low4), bitLo));
            storeQ(o.q + 64 * c + 32 + 16 * i, vorrq_u8(vshrq_n_u8(p, 4), bitHi));
        }
    }
    kScalesMinsOf(b.scales, o);
    o.d = fp16ToFp32(b.d);
    o.dmin = fp16ToFp32(b.dmin);
    o.sub = 32;
}

inline void decodeSuper(const BlockQ6_K& b, SuperBlockInts& o)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f), three = vdupq_n_u8(3);
    const int8x16_t offset = vdupq_n_s8(32);
    const auto put = [&](std::int8_t* q, uint8x16_t v) { vst1q_s8(q, vsubq_s8(vreinterpretq_s8_u8(v), offset)); };
    for (int h = 0; h < 2; ++h)
        for (int i = 0; i < 2; ++i) {
            const uint8x16_t la = vld1q_u8(b.ql + 64 * h + 16 * i), lb = vld1q_u8(b.ql + 64 * h + 32 + 16 * i);
            const uint8x16_t hh = vld1q_u8(b.qh + 32 * h + 16 * i);
            std::int8_t* q = o.q + 128 * h + 16 * i;
            put(q, vorrq_u8(vandq_u8(la, low4), vshlq_n_u8(vandq_u8(hh, three), 4)));
            put(q + 32, vorrq_u8(vandq_u8(lb, low4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hh, 2), three), 4)));
            put(q + 64, vorrq_u8(vshrq_n_u8(la, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hh, 4), three), 4)));
            put(q + 96, vorrq_u8(vshrq_n_u8(lb, 4), vshlq_n_u8(vshrq_n_u8(hh, 6), 4)));
        }
    for (int i = 0; i < 16; ++i) o.scale[i] = b.scales[i];
    clearMins(o);
    o.d = fp16ToFp32(b.d);
    o.sub = 16;
}

inline void decodeSuper(const BlockIQ4_XS& b, SuperBlockInts& o)
{
    const int8x16_t table = vld1q_s8(kIq4NlValues);
    for (int i = 0; i < 8; ++i) {
        const uint8x16_t p = vld1q_u8(b.qs + 16 * i);
        vst1q_s8(o.q + 32 * i, vqtbl1q_s8(table, vandq_u8(p, vdupq_n_u8(0x0f))));
        vst1q_s8(o.q + 32 * i + 16, vqtbl1q_s8(table, vshrq_n_u8(p, 4)));
        o.scale[i] = static_cast<std::int16_t>(iq4xsScale(b, i));
    }
    clearMins(o);
    o.d = fp16ToFp32(b.d);
    o.sub = 32;
}

// Q2_K and Q3_K: the scalar decode (their 2-bit fields are rarer in downloaded files).
inline void decodeSuper(const BlockQ2_K& b, SuperBlockInts& o)
{
    decode(b, o);
}
inline void decodeSuper(const BlockQ3_K& b, SuperBlockInts& o)
{
    decode(b, o);
}

// The 8 rows' int32 dots of one packed step sequence (8 steps of 4 quants, kernels/gemm-panels.h)
// with 32 activation bytes xq: lo = rows 0..3, hi = rows 4..7. Baseline: SMULL/SMLAL into int16,
// kWiden steps summed there before the pairwise widening add (2 for Q8_0: 2 * 128 * 127 fits;
// 8 for |w| <= 15: 8 * 15 * 127 fits), then one pairwise add per register pair.
inline std::int32_t word4(const std::int8_t* p)
{
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// One step of the baseline (no SDOT) 8-row dots: the int16 products of the 8 rows' 4 weights in
// w0 (rows 0..3) and w1 (rows 4..7) with the same 4 activations xs, into p[0..3] (low/high halves
// of w0, then of w1). SMULL starts a run of steps (first), SMLAL adds to it.
inline void mulAcc8Rows(int16x8_t (&p)[4], int8x16_t w0, int8x16_t w1, int8x8_t xs, bool first)
{
    if (first) {
        p[0] = vmull_s8(vget_low_s8(w0), xs);
        p[1] = vmull_s8(vget_high_s8(w0), xs);
        p[2] = vmull_s8(vget_low_s8(w1), xs);
        p[3] = vmull_s8(vget_high_s8(w1), xs);
    } else {
        p[0] = vmlal_s8(p[0], vget_low_s8(w0), xs);
        p[1] = vmlal_s8(p[1], vget_high_s8(w0), xs);
        p[2] = vmlal_s8(p[2], vget_low_s8(w1), xs);
        p[3] = vmlal_s8(p[3], vget_high_s8(w1), xs);
    }
}

template <int kWiden>
inline void rowDots8(const std::int8_t (*q)[kPanelRows][4], const std::int8_t* xq, int32x4_t& lo, int32x4_t& hi)
{
    int32x4_t a[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
    int16x8_t p[4];
    for (int s = 0; s < 8; ++s) {
        const int8x16_t w0 = vld1q_s8(q[s][0]), w1 = vld1q_s8(q[s][4]);
        const int8x8_t xs = vreinterpret_s8_s32(vdup_n_s32(word4(xq + 4 * s)));
        mulAcc8Rows(p, w0, w1, xs, s % kWiden == 0);
        if (s % kWiden == kWiden - 1)
            for (int k = 0; k < 4; ++k) a[k] = vpadalq_s16(a[k], p[k]);
    }
    // a[0] = (row 0, row 0, row 1, row 1) partial sums, ...: pairwise to one lane per row.
    lo = vpaddq_s32(a[0], a[1]);
    hi = vpaddq_s32(a[2], a[3]);
}

// The same with SDOT: four products per int32 lane, one lane per row (kWiden unused).
template <int kWiden>
EDGERT_DOTPROD inline void rowDots8Sdot(const std::int8_t (*q)[kPanelRows][4], const std::int8_t* xq, int32x4_t& lo,
                                        int32x4_t& hi)
{
    lo = hi = vdupq_n_s32(0);
    for (int s = 0; s < 8; ++s) {
        const int8x16_t xs = vreinterpretq_s8_s32(vdupq_n_s32(word4(xq + 4 * s)));
        lo = vdotq_s32(lo, vld1q_s8(q[s][0]), xs);
        hi = vdotq_s32(hi, vld1q_s8(q[s][4]), xs);
    }
}

// The 8 rows' int32 dots of one Q4_0x8 block column (kernels/q4_0-interleaved.h) with 32
// activation bytes xq, the quants taken as unsigned nibbles 0..15 (the caller subtracts the
// 8 * sum(xq) bias): lo = rows 0..3, hi = rows 4..7. Baseline: SMULL/SMLAL into int16 lanes
// (row, element) over the 8 steps (|sum| <= 8 * 15 * 128), a pairwise add to (row, pair)
// (<= 30720) and a widening pairwise add to one lane per row.
inline void q4_0x8Dots(const std::uint8_t (*qs)[kInterleavedRows][4], const std::int8_t* xq, int32x4_t& lo,
                       int32x4_t& hi)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f);
    int16x8_t p[4];
    for (int s = 0; s < 8; ++s) {
        const int c = s % 4;
        const uint8x16_t v0 = vld1q_u8(qs[c][0]), v1 = vld1q_u8(qs[c][4]);
        const int8x16_t w0 = vreinterpretq_s8_u8(s < 4 ? vandq_u8(v0, low4) : vshrq_n_u8(v0, 4));
        const int8x16_t w1 = vreinterpretq_s8_u8(s < 4 ? vandq_u8(v1, low4) : vshrq_n_u8(v1, 4));
        const int8x8_t xs = vreinterpret_s8_s32(vdup_n_s32(word4(xq + (s < 4 ? 4 * c : 16 + 4 * c))));
        mulAcc8Rows(p, w0, w1, xs, s == 0);
    }
    // p[0] = (row 0 elements 0..3, row 1 elements 0..3), ...
    lo = vpaddlq_s16(vpaddq_s16(p[0], p[1]));
    hi = vpaddlq_s16(vpaddq_s16(p[2], p[3]));
}

// The same with SDOT: four products per int32 lane, one lane per row.
EDGERT_DOTPROD inline void q4_0x8DotsSdot(const std::uint8_t (*qs)[kInterleavedRows][4], const std::int8_t* xq,
                                          int32x4_t& lo, int32x4_t& hi)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f);
    lo = hi = vdupq_n_s32(0);
    for (int c = 0; c < 4; ++c) {
        const uint8x16_t v0 = vld1q_u8(qs[c][0]), v1 = vld1q_u8(qs[c][4]);
        const int8x16_t xl = vreinterpretq_s8_s32(vdupq_n_s32(word4(xq + 4 * c)));
        const int8x16_t xh = vreinterpretq_s8_s32(vdupq_n_s32(word4(xq + 16 + 4 * c)));
        lo = vdotq_s32(lo, vreinterpretq_s8_u8(vandq_u8(v0, low4)), xl);
        hi = vdotq_s32(hi, vreinterpretq_s8_u8(vandq_u8(v1, low4)), xl);
        lo = vdotq_s32(lo, vreinterpretq_s8_u8(vshrq_n_u8(v0, 4)), xh);
        hi = vdotq_s32(hi, vreinterpretq_s8_u8(vshrq_n_u8(v1, 4)), xh);
    }
}

// The 8 rows' int32 dots of the two sub-blocks of one Q4_Kx8 chunk (kernels/q4_k-interleaved.h;
// qs = qs[c]: [step][row][4 bytes]) with their activation bytes: low nibbles (sub-block 2c)
// against xl, high nibbles (2c + 1) against xh. out = {2c rows 0..3, 2c rows 4..7, 2c + 1 rows
// 0..3, 2c + 1 rows 4..7}. Baseline: SMULL/SMLAL into int16 lanes (row, element) over the 8 steps
// (|sum| <= 8 * 15 * 127), a pairwise add to (row, pair) and a widening pairwise add to one lane
// per row, as q4_0x8Dots.
inline void q4_kx8Dots(const std::uint8_t (*qs)[kInterleavedRows][4], const std::int8_t* xl, const std::int8_t* xh,
                       int32x4_t (&out)[4])
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f);
    int16x8_t pl[4], ph[4];
    for (int s = 0; s < 8; ++s) {
        const uint8x16_t v0 = vld1q_u8(qs[s][0]), v1 = vld1q_u8(qs[s][4]);
        const int8x8_t xsl = vreinterpret_s8_s32(vdup_n_s32(word4(xl + 4 * s)));
        const int8x8_t xsh = vreinterpret_s8_s32(vdup_n_s32(word4(xh + 4 * s)));
        mulAcc8Rows(pl, vreinterpretq_s8_u8(vandq_u8(v0, low4)), vreinterpretq_s8_u8(vandq_u8(v1, low4)), xsl, s == 0);
        mulAcc8Rows(ph, vreinterpretq_s8_u8(vshrq_n_u8(v0, 4)), vreinterpretq_s8_u8(vshrq_n_u8(v1, 4)), xsh, s == 0);
    }
    out[0] = vpaddlq_s16(vpaddq_s16(pl[0], pl[1]));
    out[1] = vpaddlq_s16(vpaddq_s16(pl[2], pl[3]));
    out[2] = vpaddlq_s16(vpaddq_s16(ph[0], ph[1]));
    out[3] = vpaddlq_s16(vpaddq_s16(ph[2], ph[3]));
}

// The same with SDOT: step s's 4 activation bytes are lane s % 4 of a 16-byte load, one int32
// lane per row.
template <int L>
EDGERT_DOTPROD inline void q4_kx8SdotStep(const std::uint8_t (*qs)[kInterleavedRows][4], int s, int8x16_t xl,
                                          int8x16_t xh, int32x4_t (&out)[4])
{
    const uint8x16_t low4 = vdupq_n_u8(0x0f);
    const uint8x16_t v0 = vld1q_u8(qs[s][0]), v1 = vld1q_u8(qs[s][4]);
    out[0] = vdotq_laneq_s32(out[0], vreinterpretq_s8_u8(vandq_u8(v0, low4)), xl, L);
    out[1] = vdotq_laneq_s32(out[1], vreinterpretq_s8_u8(vandq_u8(v1, low4)), xl, L);
    out[2] = vdotq_laneq_s32(out[2], vreinterpretq_s8_u8(vshrq_n_u8(v0, 4)), xh, L);
    out[3] = vdotq_laneq_s32(out[3], vreinterpretq_s8_u8(vshrq_n_u8(v1, 4)), xh, L);
}

EDGERT_DOTPROD inline void q4_kx8DotsSdot(const std::uint8_t (*qs)[kInterleavedRows][4], const std::int8_t* xl,
                                          const std::int8_t* xh, int32x4_t (&out)[4])
{
    for (auto& o : out) o = vdupq_n_s32(0);
    for (int h = 0; h < 2; ++h) {
        const int8x16_t xlv = vld1q_s8(xl + 16 * h), xhv = vld1q_s8(xh + 16 * h);
        q4_kx8SdotStep<0>(qs, 4 * h, xlv, xhv, out);
        q4_kx8SdotStep<1>(qs, 4 * h + 1, xlv, xhv, out);
        q4_kx8SdotStep<2>(qs, 4 * h + 2, xlv, xhv, out);
        q4_kx8SdotStep<3>(qs, 4 * h + 3, xlv, xhv, out);
    }
}

// Quantised row kernels for baseline NEON (Cortex-A72) ...
namespace baseline {
#define EDGERT_TARGET
#define EDGERT_DOT_I8 dotI8
#define EDGERT_DOT16 dot16
#include "kernels/arch/arm/quant-rows-neon.inc"
#include "kernels/arch/arm/super-rows-neon.inc"
#define EDGERT_ROW_DOTS8 rowDots8
#include "kernels/arch/arm/gemm-neon.inc"
#undef EDGERT_ROW_DOTS8
#define EDGERT_Q4_0X8_DOTS q4_0x8Dots
#include "kernels/arch/arm/q4_0x8-neon.inc"
#undef EDGERT_Q4_0X8_DOTS
#define EDGERT_Q4_KX8_DOTS q4_kx8Dots
#include "kernels/arch/arm/q4_kx8-neon.inc"
#undef EDGERT_Q4_KX8_DOTS
#undef EDGERT_DOT16
#undef EDGERT_TARGET
#undef EDGERT_DOT_I8
}  // namespace baseline

// ... and compiled whole for dotprod, so dotI8Sdot inlines into the loops.
namespace dotprod {
#define EDGERT_TARGET EDGERT_DOTPROD
#define EDGERT_DOT_I8 dotI8Sdot
#define EDGERT_DOT16 dot16Sdot
#include "kernels/arch/arm/quant-rows-neon.inc"
#include "kernels/arch/arm/super-rows-neon.inc"
#define EDGERT_ROW_DOTS8 rowDots8Sdot
#include "kernels/arch/arm/gemm-neon.inc"
#undef EDGERT_ROW_DOTS8
#define EDGERT_Q4_0X8_DOTS q4_0x8DotsSdot
#include "kernels/arch/arm/q4_0x8-neon.inc"
#undef EDGERT_Q4_0X8_DOTS
#define EDGERT_Q4_KX8_DOTS q4_kx8DotsSdot
#include "kernels/arch/arm/q4_kx8-neon.inc"
#undef EDGERT_Q4_KX8_DOTS
#undef EDGERT_DOT16
#undef EDGERT_TARGET
#undef EDGERT_DOT_I8
}  // namespace dotprod

// Prefill GEMMs over packed panels (kernels/gemm-panels.h); scalar twins q8_0GemmReference,
// q4_0GemmReference, q4_kGemmReference (arch/generic/gemm-reference.cpp).
template <typename Block, typename Panel>
void block32Gemm(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                 std::size_t nt, std::size_t nb, float* y, std::size_t ys, Panel panelFn)
{
    gemmPanels<PanelBlock32, kPanelChunkBlocks32>(
        r0, r1, nb,
        [&](std::size_t p0, std::size_t nRows, std::size_t k0, std::size_t kn, PanelBlock32* panel) {
            packPanelBlock32<Block>(w, rb, p0, nRows, k0, kn, panel);
        },
        [&](const PanelBlock32* panel, std::size_t kn, std::size_t k0, std::size_t p0, std::size_t nRows, bool first) {
            panelFn(panel, kn, x + k0, nb, nt, y + p0, ys, nRows, first);
        });
}

template <typename Panel>
void q4kGemm(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
             std::size_t nb, float* y, std::size_t ys, Panel panelFn)
{
    gemmPanels<PanelQ4K, kPanelChunkSuper>(
        r0, r1, nb,
        [&](std::size_t p0, std::size_t nRows, std::size_t k0, std::size_t kn, PanelQ4K* panel) {
            packPanelQ4K(w, rb, p0, nRows, k0, kn, panel);
        },
        [&](const PanelQ4K* panel, std::size_t kn, std::size_t k0, std::size_t p0, std::size_t nRows, bool first) {
            panelFn(panel, kn, x + k0, nb, nt, y + p0, ys, nRows, first);
        });
}

void q8_0GemmNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    block32Gemm<BlockQ8_0>(w, rb, r0, r1, x, nt, nb, y, ys, baseline::block32PanelNeon<2>);
}
void q4_0GemmNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    block32Gemm<BlockQ4_0>(w, rb, r0, r1, x, nt, nb, y, ys, baseline::block32PanelNeon<8>);
}
void q4_kGemmNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
                  std::size_t nb, float* y, std::size_t ys)
{
    q4kGemm(w, rb, r0, r1, x, nt, nb, y, ys, baseline::q4kPanelNeon);
}
void q8_0GemmSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    block32Gemm<BlockQ8_0>(w, rb, r0, r1, x, nt, nb, y, ys, dotprod::block32PanelNeon<8>);
}
void q4_0GemmSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    block32Gemm<BlockQ4_0>(w, rb, r0, r1, x, nt, nb, y, ys, dotprod::block32PanelNeon<8>);
}
void q4_kGemmSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
                  std::size_t nb, float* y, std::size_t ys)
{
    q4kGemm(w, rb, r0, r1, x, nt, nb, y, ys, dotprod::q4kPanelNeon);
}

// Q4_0x8 (kernels/q4_0-interleaved.h): rows kernels and the GEMM over panels packed from the
// groups; scalar twin q4_0x8Rows (arch/generic).
template <typename Panel>
void q4_0x8Gemm(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x, std::size_t nt,
                std::size_t nb, float* y, std::size_t ys, Panel panelFn)
{
    gemmPanels<PanelBlock32, kPanelChunkBlocks32>(
        r0, r1, nb,
        [&](std::size_t p0, std::size_t, std::size_t k0, std::size_t kn, PanelBlock32* panel) {
            packPanelQ4_0x8(w, rb, p0, k0, kn, panel);
        },
        [&](const PanelBlock32* panel, std::size_t kn, std::size_t k0, std::size_t p0, std::size_t nRows, bool first) {
            panelFn(panel, kn, x + k0, nb, nt, y + p0, ys, nRows, first);
        });
}
void q4_0x8RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                    std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::q4_0x8Rows(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q4_0x8RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                   const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::q4_0x8Rows(w, rb, r0, r1, x, nt, nb, y, ys);
}
void q4_0x8GemmNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                    std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    q4_0x8Gemm(w, rb, r0, r1, x, nt, nb, y, ys, baseline::block32PanelNeon<8>);
}
void q4_0x8GemmSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                    std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    q4_0x8Gemm(w, rb, r0, r1, x, nt, nb, y, ys, dotprod::block32PanelNeon<8>);
}

// The load-time repack of one 8-row group into Q4_0x8 (KernelTable::interleaveQ4_0x8; scalar
// twin interleaveQ4_0x8Reference, whose bytes it gives). Per block column and per 4 rows: the
// rows' 16 quant bytes are 4 x 4 words, transposed with TRN1/TRN2 on 32-bit then 64-bit lanes,
// so register c holds word c of the 4 rows: qs[c][4h..4h+3], one 16-byte store. The 8 fp16
// scales are gathered into one register with LD1 (lane). No dotprod variant: byte moves only.
void interleaveQ4_0x8Neon(const BlockQ4_0* fileRows, std::size_t nBlocks, BlockQ4_0x8* out)
{
    const std::size_t rowBytes = nBlocks * sizeof(BlockQ4_0);
    const auto* base = reinterpret_cast<const std::uint8_t*>(fileRows);
    for (std::size_t b = 0; b < nBlocks; ++b) {
        const std::uint8_t* column = base + b * sizeof(BlockQ4_0);
        const auto quants = [&](std::size_t r) {
            return vreinterpretq_u32_u8(vld1q_u8(column + r * rowBytes + offsetof(BlockQ4_0, qs)));
        };
        for (std::size_t h = 0; h < kInterleavedRows; h += 4) {
            const uint32x4_t r0 = quants(h), r1 = quants(h + 1), r2 = quants(h + 2), r3 = quants(h + 3);
            const uint64x2_t t0 = vreinterpretq_u64_u32(vtrn1q_u32(r0, r1));  // r0w0 r1w0 r0w2 r1w2
            const uint64x2_t t1 = vreinterpretq_u64_u32(vtrn2q_u32(r0, r1));  // r0w1 r1w1 r0w3 r1w3
            const uint64x2_t t2 = vreinterpretq_u64_u32(vtrn1q_u32(r2, r3));  // r2w0 r3w0 r2w2 r3w2
            const uint64x2_t t3 = vreinterpretq_u64_u32(vtrn2q_u32(r2, r3));  // r2w1 r3w1 r2w3 r3w3
            vst1q_u8(out[b].qs[0][h], vreinterpretq_u8_u64(vtrn1q_u64(t0, t2)));
            vst1q_u8(out[b].qs[1][h], vreinterpretq_u8_u64(vtrn1q_u64(t1, t3)));
            vst1q_u8(out[b].qs[2][h], vreinterpretq_u8_u64(vtrn2q_u64(t0, t2)));
            vst1q_u8(out[b].qs[3][h], vreinterpretq_u8_u64(vtrn2q_u64(t1, t3)));
        }
        uint16x8_t d = vdupq_n_u16(0);
        const auto scale = [&](std::size_t r) { return reinterpret_cast<const std::uint16_t*>(column + r * rowBytes); };
        d = vld1q_lane_u16(scale(0), d, 0);
        d = vld1q_lane_u16(scale(1), d, 1);
        d = vld1q_lane_u16(scale(2), d, 2);
        d = vld1q_lane_u16(scale(3), d, 3);
        d = vld1q_lane_u16(scale(4), d, 4);
        d = vld1q_lane_u16(scale(5), d, 5);
        d = vld1q_lane_u16(scale(6), d, 6);
        d = vld1q_lane_u16(scale(7), d, 7);
        vst1q_u16(reinterpret_cast<std::uint16_t*>(out[b].d), d);
    }
}

// Q4_Kx8 (kernels/q4_k-interleaved.h): rows kernels and the Q4_K panel GEMM over panels packed
// from the groups; scalar twin q4_kx8RowsReference (arch/generic).
template <typename Panel>
void q4_kx8Gemm(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
                std::size_t nb, float* y, std::size_t ys, Panel panelFn)
{
    gemmPanels<PanelQ4K, kPanelChunkSuper>(
        r0, r1, nb,
        [&](std::size_t p0, std::size_t, std::size_t k0, std::size_t kn, PanelQ4K* panel) {
            packPanelQ4_Kx8(w, rb, p0, k0, kn, panel);
        },
        [&](const PanelQ4K* panel, std::size_t kn, std::size_t k0, std::size_t p0, std::size_t nRows, bool first) {
            panelFn(panel, kn, x + k0, nb, nt, y + p0, ys, nRows, first);
        });
}
void q4_kx8RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
                    std::size_t nb, float* y, std::size_t ys)
{
    baseline::q4_kx8Rows(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q4_kx8RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x,
                                   std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::q4_kx8Rows(w, rb, r0, r1, x, nt, nb, y, ys);
}
void q4_kx8GemmNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
                    std::size_t nb, float* y, std::size_t ys)
{
    q4_kx8Gemm(w, rb, r0, r1, x, nt, nb, y, ys, baseline::q4kPanelNeon);
}
void q4_kx8GemmSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt,
                    std::size_t nb, float* y, std::size_t ys)
{
    q4_kx8Gemm(w, rb, r0, r1, x, nt, nb, y, ys, dotprod::q4kPanelNeon);
}

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
void q4_1RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::quantRows<BlockQ4_1>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q4_1RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockQ4_1>(w, rb, r0, r1, x, nt, nb, y, ys);
}
void q5_0RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::quantRows<BlockQ5_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q5_0RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockQ5_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}
void q5_1RowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                  std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::quantRows<BlockQ5_1>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q5_1RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockQ5_1>(w, rb, r0, r1, x, nt, nb, y, ys);
}
void iq4_nlRowsNeon(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                    std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    baseline::quantRows<BlockIQ4_NL>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void iq4_nlRowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                   const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockIQ4_NL>(w, rb, r0, r1, x, nt, nb, y, ys);
}
EDGERT_DOTPROD void q4_0RowsSdot(const void* w, std::size_t rb, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nt, std::size_t nb, float* y, std::size_t ys)
{
    dotprod::quantRows<BlockQ4_0>(w, rb, r0, r1, x, nt, nb, y, ys);
}

// Super-block rows (K-quants, IQ4_XS) @ Q8_K activations. Reference: superRows (arch/generic).
#define EDGERT_NEON_SUPER_ROWS(NAME, NS, ATTR, BLOCK)                                                                 \
    ATTR void NAME(const void* w, std::size_t rb, std::size_t r0, std::size_t r1, const BlockQ8_K* x, std::size_t nt, \
                   std::size_t nb, float* y, std::size_t ys)                                                          \
    {                                                                                                                 \
        NS::superRows<BLOCK>(w, rb, r0, r1, x, nt, nb, y, ys);                                                        \
    }
EDGERT_NEON_SUPER_ROWS(q2_kRowsNeon, baseline, , BlockQ2_K)
EDGERT_NEON_SUPER_ROWS(q3_kRowsNeon, baseline, , BlockQ3_K)
EDGERT_NEON_SUPER_ROWS(q4_kRowsNeon, baseline, , BlockQ4_K)
EDGERT_NEON_SUPER_ROWS(q5_kRowsNeon, baseline, , BlockQ5_K)
EDGERT_NEON_SUPER_ROWS(q6_kRowsNeon, baseline, , BlockQ6_K)
EDGERT_NEON_SUPER_ROWS(iq4_xsRowsNeon, baseline, , BlockIQ4_XS)
EDGERT_NEON_SUPER_ROWS(q2_kRowsSdot, dotprod, EDGERT_DOTPROD, BlockQ2_K)
EDGERT_NEON_SUPER_ROWS(q3_kRowsSdot, dotprod, EDGERT_DOTPROD, BlockQ3_K)
EDGERT_NEON_SUPER_ROWS(q4_kRowsSdot, dotprod, EDGERT_DOTPROD, BlockQ4_K)
EDGERT_NEON_SUPER_ROWS(q5_kRowsSdot, dotprod, EDGERT_DOTPROD, BlockQ5_K)
EDGERT_NEON_SUPER_ROWS(q6_kRowsSdot, dotprod, EDGERT_DOTPROD, BlockQ6_K)
EDGERT_NEON_SUPER_ROWS(iq4_xsRowsSdot, dotprod, EDGERT_DOTPROD, BlockIQ4_XS)
#undef EDGERT_NEON_SUPER_ROWS

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

// x (n,) f32 -> n/256 Q8_K blocks, bit-identical to quantizeActivationsQ8KReference
// (arch/generic): d = max-by-magnitude / -127, q = min(127, round-to-even(iscale * x)) with the
// same float product (vcvtnq rounds as nearbyint does), bsums = sums of 16 quants. The reference's
// max-by-magnitude element is its first one with the largest |x|; from a max and a min scan that
// is the unique extreme, except when +a and -a tie (the first one sets the sign), the block is all
// zero, it holds a NaN or an infinity (FMAX/FMIN propagate NaN), or -127 / max overflows (a
// subnormal max): those blocks take the reference.
void quantizeActivationsQ8KNeon(const float* x, BlockQ8_K* y, std::size_t n)
{
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        const float* xb = x + b * kQK_K;
        float32x4_t hi[2] = {vld1q_f32(xb), vld1q_f32(xb + 4)}, lo[2] = {hi[0], hi[1]};
        for (std::size_t i = 8; i < kQK_K; i += 8)
            for (int k = 0; k < 2; ++k) {
                const float32x4_t v = vld1q_f32(xb + i + 4 * k);
                hi[k] = vmaxq_f32(hi[k], v);
                lo[k] = vminq_f32(lo[k], v);
            }
        const float maxV = vmaxvq_f32(vmaxq_f32(hi[0], hi[1])), minV = vminvq_f32(vminq_f32(lo[0], lo[1]));
        const float iscale = -127.0f / (maxV > -minV ? maxV : minV);
        if (!std::isfinite(maxV) || !std::isfinite(minV) || maxV == -minV || !std::isfinite(iscale)) {
            quantizeActivationsQ8KReference(xb, y + b, kQK_K);
            continue;
        }
        const int32x4_t limit = vdupq_n_s32(127);
        for (std::size_t g = 0; g < kQK_K / 16; ++g) {
            int32x4_t q[4];
            for (int k = 0; k < 4; ++k)
                q[k] = vminq_s32(vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(xb + 16 * g + 4 * k), iscale)), limit);
            // |q| <= 127: the narrowing moves are exact.
            const int8x16_t q8 = vcombine_s8(vmovn_s16(vcombine_s16(vmovn_s32(q[0]), vmovn_s32(q[1]))),
                                             vmovn_s16(vcombine_s16(vmovn_s32(q[2]), vmovn_s32(q[3]))));
            vst1q_s8(y[b].qs + 16 * g, q8);
            y[b].bsums[g] = vaddlvq_s8(q8);
        }
        y[b].d = 1.0f / iscale;
    }
}

#include "kernels/arch/arm/vector-math-neon.inc"

}  // namespace

// BF16 rows use the scalar reference: no released BF16 model targets the Pi, and the Cortex-A72
// has no BF16 instructions.
const KernelTable* armNeonKernels()
{
    static const KernelTable table = withGenericFallbacks({
        .name = "neon",
        .q8_0 = q8_0RowsNeon,
        .q4_0 = q4_0RowsNeon,
        .q4_1 = q4_1RowsNeon,
        .q5_0 = q5_0RowsNeon,
        .q5_1 = q5_1RowsNeon,
        .iq4_nl = iq4_nlRowsNeon,
        .q2_k = q2_kRowsNeon,
        .q3_k = q3_kRowsNeon,
        .q4_k = q4_kRowsNeon,
        .q5_k = q5_kRowsNeon,
        .q6_k = q6_kRowsNeon,
        .iq4_xs = iq4_xsRowsNeon,
        .f32 = f32RowsNeon,
        .f16 = f16RowsNeon,
        .quantizeActivations = quantizeActivationsNeon,
        .quantizeActivationsQ8K = quantizeActivationsQ8KNeon,
        .q8_0Gemm = q8_0GemmNeon,
        .q4_0Gemm = q4_0GemmNeon,
        .q4_kGemm = q4_kGemmNeon,
        .q4_0x8 = q4_0x8RowsNeon,
        .q4_0x8Gemm = q4_0x8GemmNeon,
        .interleaveQ4_0x8 = interleaveQ4_0x8Neon,
        .q4_kx8 = q4_kx8RowsNeon,
        .q4_kx8Gemm = q4_kx8GemmNeon,
        .softmax = softmaxNeon,
        .swiglu = swigluNeon,
    });
    return &table;
}

const KernelTable* armNeonDotprodKernels()
{
    static const KernelTable table = withGenericFallbacks({
        .name = "neon-dotprod",
        .q8_0 = q8_0RowsSdot,
        .q4_0 = q4_0RowsSdot,
        .q4_1 = q4_1RowsSdot,
        .q5_0 = q5_0RowsSdot,
        .q5_1 = q5_1RowsSdot,
        .iq4_nl = iq4_nlRowsSdot,
        .q2_k = q2_kRowsSdot,
        .q3_k = q3_kRowsSdot,
        .q4_k = q4_kRowsSdot,
        .q5_k = q5_kRowsSdot,
        .q6_k = q6_kRowsSdot,
        .iq4_xs = iq4_xsRowsSdot,
        .f32 = f32RowsNeon,
        .f16 = f16RowsNeon,
        .quantizeActivations = quantizeActivationsNeon,
        .quantizeActivationsQ8K = quantizeActivationsQ8KNeon,
        .q8_0Gemm = q8_0GemmSdot,
        .q4_0Gemm = q4_0GemmSdot,
        .q4_kGemm = q4_kGemmSdot,
        .q4_0x8 = q4_0x8RowsSdot,
        .q4_0x8Gemm = q4_0x8GemmSdot,
        .interleaveQ4_0x8 = interleaveQ4_0x8Neon,
        .q4_kx8 = q4_kx8RowsSdot,
        .q4_kx8Gemm = q4_kx8GemmSdot,
        .softmax = softmaxNeon,
        .swiglu = swigluNeon,
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
