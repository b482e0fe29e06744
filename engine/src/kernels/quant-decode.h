// Scalar decoding of every quantised block layout (tensor/quant-blocks.h) into plain integers
// plus scales: the single definition of what the bits of a block mean. The reference
// dequantiser (kernels/quantize.cpp) and the reference dot products (arch/generic) are written
// on top of these; every SIMD kernel is tested against those references.
//
// Block-32 types decode to 32 int8 quants q with x[j] = d * q[j] + m (m = 0 for the symmetric
// types). Super-block types decode to 256 int8 quants with per-sub-block integer scales and mins:
// x[e] = d * scale[e / sub] * q[e] - dmin * min[e / sub] (min = 0 for the types without mins).
#pragma once

#include "kernels/fp16.h"
#include "tensor/quant-blocks.h"

#include <cstdint>
#include <cstring>

namespace edgert::kernels {

/// One block-32 block as integers: x[j] = d * q[j] + m.
struct Block32Ints {
    std::int8_t q[32];
    float d;
    float m;
};

/// One 256-value super-block as integers: x[e] = d * scale[e / sub] * q[e] - dmin * min[e / sub].
struct SuperBlockInts {
    std::int8_t q[kQK_K];
    std::int16_t scale[16];  ///< per sub-block; entries past 256 / sub are unused
    std::int16_t min[16];    ///< per sub-block (all 0 for Q3_K, Q6_K, IQ4_XS)
    float d;
    float dmin;         ///< 0 for the types without mins
    std::uint32_t sub;  ///< sub-block size: 16 (Q2_K, Q3_K, Q6_K) or 32 (Q4_K, Q5_K, IQ4_XS)
};

// ---- block-32 -------------------------------------------------------------------------------

/// Low/high nibble split shared by Q4_0, Q4_1, Q5_*, IQ4_NL: byte j holds elements j and j + 16.
inline void splitNibbles(const std::uint8_t* qs, std::uint8_t out[32])
{
    for (int j = 0; j < 16; ++j) {
        out[j] = qs[j] & 0x0f;
        out[j + 16] = qs[j] >> 4;
    }
}

inline std::uint32_t loadLe32(const std::uint8_t* p)
{
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

inline void decode(const BlockQ8_0& b, Block32Ints& o)
{
    std::memcpy(o.q, b.qs, 32);
    o.d = fp16ToFp32(b.d);
    o.m = 0.0f;
}

inline void decode(const BlockQ4_0& b, Block32Ints& o)
{
    std::uint8_t n[32];
    splitNibbles(b.qs, n);
    for (int j = 0; j < 32; ++j) o.q[j] = static_cast<std::int8_t>(n[j] - 8);
    o.d = fp16ToFp32(b.d);
    o.m = 0.0f;
}

inline void decode(const BlockQ4_1& b, Block32Ints& o)
{
    std::uint8_t n[32];
    splitNibbles(b.qs, n);
    for (int j = 0; j < 32; ++j) o.q[j] = static_cast<std::int8_t>(n[j]);
    o.d = fp16ToFp32(b.d);
    o.m = fp16ToFp32(b.m);
}

/// Q5_0/Q5_1 5-bit values: nibble | (bit j of qh << 4).
inline void fiveBit(const std::uint8_t* qs, const std::uint8_t* qhBytes, std::uint8_t out[32])
{
    splitNibbles(qs, out);
    const std::uint32_t qh = loadLe32(qhBytes);
    for (int j = 0; j < 32; ++j) out[j] = static_cast<std::uint8_t>(out[j] | ((qh >> j) & 1u) << 4);
}

inline void decode(const BlockQ5_0& b, Block32Ints& o)
{
    std::uint8_t v[32];
    fiveBit(b.qs, b.qh, v);
    for (int j = 0; j < 32; ++j) o.q[j] = static_cast<std::int8_t>(v[j] - 16);
    o.d = fp16ToFp32(b.d);
    o.m = 0.0f;
}

inline void decode(const BlockQ5_1& b, Block32Ints& o)
{
    std::uint8_t v[32];
    fiveBit(b.qs, b.qh, v);
    for (int j = 0; j < 32; ++j) o.q[j] = static_cast<std::int8_t>(v[j]);
    o.d = fp16ToFp32(b.d);
    o.m = fp16ToFp32(b.m);
}

inline void decode(const BlockIQ4_NL& b, Block32Ints& o)
{
    std::uint8_t n[32];
    splitNibbles(b.qs, n);
    for (int j = 0; j < 32; ++j) o.q[j] = kIq4NlValues[n[j]];
    o.d = fp16ToFp32(b.d);
    o.m = 0.0f;
}

// ---- super-blocks ---------------------------------------------------------------------------

/// The 6-bit (scale, min) pair of sub-block i (< 8) of Q4_K / Q5_K.
inline void kScaleMin(const std::uint8_t* s, int i, int& scale, int& min)
{
    if (i < 4) {
        scale = s[i] & 63;
        min = s[i + 4] & 63;
    } else {
        scale = (s[i + 4] & 0x0f) | ((s[i - 4] >> 6) << 4);
        min = (s[i + 4] >> 4) | ((s[i] >> 6) << 4);
    }
}

inline void clearMins(SuperBlockInts& o)
{
    for (auto& m : o.min) m = 0;
    o.dmin = 0.0f;
}

inline void decode(const BlockQ2_K& b, SuperBlockInts& o)
{
    for (int h = 0; h < 2; ++h)
        for (int k = 0; k < 4; ++k)
            for (int l = 0; l < 32; ++l)
                o.q[128 * h + 32 * k + l] = static_cast<std::int8_t>((b.qs[32 * h + l] >> (2 * k)) & 3);
    for (int i = 0; i < 16; ++i) {
        o.scale[i] = static_cast<std::int16_t>(b.scales[i] & 0x0f);
        o.min[i] = static_cast<std::int16_t>(b.scales[i] >> 4);
    }
    o.d = fp16ToFp32(b.d);
    o.dmin = fp16ToFp32(b.dmin);
    o.sub = 16;
}

/// Signed 6-bit scale of sub-block i (< 16) of Q3_K (already minus 32).
inline int q3kScale(const std::uint8_t* s, int i)
{
    const int low = i < 8 ? (s[i] & 0x0f) : (s[i - 8] >> 4);
    const int high = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
    return (low | high << 4) - 32;
}

inline void decode(const BlockQ3_K& b, SuperBlockInts& o)
{
    for (int h = 0; h < 2; ++h)
        for (int k = 0; k < 4; ++k)
            for (int l = 0; l < 32; ++l) {
                const int low = (b.qs[32 * h + l] >> (2 * k)) & 3;
                const int high = (b.hmask[l] >> (4 * h + k)) & 1;
                o.q[128 * h + 32 * k + l] = static_cast<std::int8_t>(low - (high ? 0 : 4));
            }
    for (int i = 0; i < 16; ++i) o.scale[i] = static_cast<std::int16_t>(q3kScale(b.scales, i));
    clearMins(o);
    o.d = fp16ToFp32(b.d);
    o.sub = 16;
}

inline void decode(const BlockQ4_K& b, SuperBlockInts& o)
{
    for (int c = 0; c < 4; ++c)
        for (int l = 0; l < 32; ++l) {
            o.q[64 * c + l] = static_cast<std::int8_t>(b.qs[32 * c + l] & 0x0f);
            o.q[64 * c + 32 + l] = static_cast<std::int8_t>(b.qs[32 * c + l] >> 4);
        }
    for (int i = 0; i < 8; ++i) {
        int sc = 0, m = 0;
        kScaleMin(b.scales, i, sc, m);
        o.scale[i] = static_cast<std::int16_t>(sc);
        o.min[i] = static_cast<std::int16_t>(m);
    }
    o.d = fp16ToFp32(b.d);
    o.dmin = fp16ToFp32(b.dmin);
    o.sub = 32;
}

inline void decode(const BlockQ5_K& b, SuperBlockInts& o)
{
    for (int c = 0; c < 4; ++c)
        for (int l = 0; l < 32; ++l) {
            const int lo = (b.qs[32 * c + l] & 0x0f) | ((b.qh[l] >> (2 * c)) & 1) << 4;
            const int hi = (b.qs[32 * c + l] >> 4) | ((b.qh[l] >> (2 * c + 1)) & 1) << 4;
            o.q[64 * c + l] = static_cast<std::int8_t>(lo);
            o.q[64 * c + 32 + l] = static_cast<std::int8_t>(hi);
        }
    for (int i = 0; i < 8; ++i) {
        int sc = 0, m = 0;
        kScaleMin(b.scales, i, sc, m);
        o.scale[i] = static_cast<std::int16_t>(sc);
        o.min[i] = static_cast<std::int16_t>(m);
    }
    o.d = fp16ToFp32(b.d);
    o.dmin = fp16ToFp32(b.dmin);
    o.sub = 32;
}

inline void decode(const BlockQ6_K& b, SuperBlockInts& o)
{
    for (int h = 0; h < 2; ++h) {
        const std::uint8_t* ql = b.ql + 64 * h;
        const std::uint8_t* qh = b.qh + 32 * h;
        std::int8_t* q = o.q + 128 * h;
        for (int l = 0; l < 32; ++l) {
            q[l] = static_cast<std::int8_t>(((ql[l] & 0x0f) | ((qh[l] >> 0) & 3) << 4) - 32);
            q[l + 32] = static_cast<std::int8_t>(((ql[l + 32] & 0x0f) | ((qh[l] >> 2) & 3) << 4) - 32);
            q[l + 64] = static_cast<std::int8_t>(((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32);
            q[l + 96] = static_cast<std::int8_t>(((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32);
        }
    }
    for (int i = 0; i < 16; ++i) o.scale[i] = b.scales[i];
    clearMins(o);
    o.d = fp16ToFp32(b.d);
    o.sub = 16;
}

/// 6-bit scale of sub-block i (< 8) of IQ4_XS, already minus 32.
inline int iq4xsScale(const BlockIQ4_XS& b, int i)
{
    const int low = (b.scales_l[i / 2] >> (4 * (i % 2))) & 0x0f;
    const int high = (b.scales_h >> (2 * i)) & 3;
    return (low | high << 4) - 32;
}

inline void decode(const BlockIQ4_XS& b, SuperBlockInts& o)
{
    for (int i = 0; i < 8; ++i) {
        for (int l = 0; l < 16; ++l) {
            o.q[32 * i + l] = kIq4NlValues[b.qs[16 * i + l] & 0x0f];
            o.q[32 * i + 16 + l] = kIq4NlValues[b.qs[16 * i + l] >> 4];
        }
        o.scale[i] = static_cast<std::int16_t>(iq4xsScale(b, i));
    }
    clearMins(o);
    o.d = fp16ToFp32(b.d);
    o.sub = 32;
}

}  // namespace edgert::kernels
