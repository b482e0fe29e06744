#include "quant/quantize-row.h"

#include "edgert/error.h"
#include "kernels/fp16.h"
#include "quant/scale-search.h"
#include "tensor/quant-blocks.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

namespace edgert::quant {

namespace {

Fp16Bits half(float v)
{
    return kernels::fp32ToFp16(v);
}

// Nibble packing shared by the block-32 layouts: byte j holds element j (low) and j + 16 (high).
void packNibbles(const std::uint8_t* q, std::uint8_t* qs)
{
    for (int j = 0; j < 16; ++j) qs[j] = static_cast<std::uint8_t>((q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
}

// 5th bits of 32 five-bit values: bit j of the little-endian uint32.
void packFifthBits(const std::uint8_t* q, std::uint8_t* qh)
{
    std::uint32_t bits = 0;
    for (int j = 0; j < 32; ++j) bits |= static_cast<std::uint32_t>((q[j] >> 4) & 1u) << j;
    for (int b = 0; b < 4; ++b) qh[b] = static_cast<std::uint8_t>(bits >> (8 * b));
}

void quantiseQ8_0(const float* x, BlockQ8_0& b)
{
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = half(d);
    for (int j = 0; j < 32; ++j) b.qs[j] = static_cast<std::int8_t>(std::lround(x[j] * id));
}

// Single-scale symmetric block of 32: the fitted scale, then the fp16-rounded d re-searched.
float symmetricBlock32(const float* x, const LevelSet& levels, std::uint8_t* q)
{
    const float s = fitScale(x, 32, levels, q);
    int one = 1;
    return codeSymmetricSuperBlock(x, 1, 32, &s, 1, 1, levels, &one, q);
}

template <typename Block>
void quantiseSymmetric(const float* x, Block& b, int bits)
{
    const int half_ = 1 << (bits - 1);
    std::uint8_t q[32];  // index into −half..half−1, i.e. the stored unsigned quant
    b.d = half(symmetricBlock32(x, LevelSet::uniform(-half_, half_ - 1), q));
    if constexpr (requires { b.qh; }) packFifthBits(q, b.qh);
    packNibbles(q, b.qs);
}

// Q4_1 / Q5_1: least-squares (d, m), then re-rounded under the fp16 d and m.
template <typename Block>
void quantiseAffine(const float* x, Block& b, int bits)
{
    const int nmax = (1 << bits) - 1;
    std::uint8_t q[32];
    const AffineFit fit = fitAffine(x, 32, nmax, false, q);
    const float d = fp16Rounded(fit.scale);
    float m = fp16Rounded(fit.min);
    const float id = d > 0 ? 1.0f / d : 0.0f;
    const auto round = [&] {
        for (int j = 0; j < 32; ++j)
            q[j] = static_cast<std::uint8_t>(std::clamp(static_cast<int>(std::lround((x[j] - m) * id)), 0, nmax));
    };
    const auto error = [&](float offset) {
        double e2 = 0;
        for (int j = 0; j < 32; ++j) e2 += (x[j] - (d * q[j] + offset)) * double(x[j] - (d * q[j] + offset));
        return e2;
    };
    round();
    // The offset re-fitted to the fp16 step and quants (the step may even have underflowed to 0).
    double residual = 0;
    for (int j = 0; j < 32; ++j) residual += x[j] - d * q[j];
    const float refit = fp16Rounded(static_cast<float>(residual / 32));
    if (error(refit) < error(m)) {
        m = refit;
        round();
    }
    b.d = half(d);
    b.m = half(m);
    if constexpr (requires { b.qh; }) packFifthBits(q, b.qh);
    packNibbles(q, b.qs);
}

const LevelSet& iq4Levels()
{
    static const LevelSet levels = LevelSet::table(kIq4NlValues, 16);
    return levels;
}

void quantiseIq4Nl(const float* x, BlockIQ4_NL& b)
{
    std::uint8_t q[32];
    b.d = half(symmetricBlock32(x, iq4Levels(), q));
    packNibbles(q, b.qs);
}

// ---- K-quants -------------------------------------------------------------------------------

// Low 2 bits of 256 values in the Q2_K / Q3_K order: bits 2k of qs[32h + l] = element 128h + 32k + l.
void packTwoBitPlanes(const std::uint8_t* L, std::uint8_t* qs)
{
    for (int h = 0; h < 2; ++h)
        for (int l = 0; l < 32; ++l) {
            std::uint8_t v = 0;
            for (int k = 0; k < 4; ++k) v = static_cast<std::uint8_t>(v | ((L[128 * h + 32 * k + l] & 3) << (2 * k)));
            qs[32 * h + l] = v;
        }
}

void quantiseQ2_K(const float* x, BlockQ2_K& b)
{
    AffineFit fits[16];
    std::uint8_t L[256];
    for (int i = 0; i < 16; ++i) fits[i] = fitAffine(x + 16 * i, 16, 3, true, L + 16 * i);
    int sc[16], m[16];
    const auto s = codeAffineSuperBlock(x, 16, 16, fits, 15, 3, sc, m, L);
    for (int i = 0; i < 16; ++i) b.scales[i] = static_cast<std::uint8_t>(sc[i] | (m[i] << 4));
    packTwoBitPlanes(L, b.qs);
    b.d = half(s.d);
    b.dmin = half(s.dmin);
}

void quantiseQ3_K(const float* x, BlockQ3_K& b)
{
    const LevelSet levels = LevelSet::uniform(-4, 3);
    float subScale[16];
    std::uint8_t L[256];  // value + 4, 0..7
    for (int i = 0; i < 16; ++i) subScale[i] = fitScale(x + 16 * i, 16, levels, L + 16 * i);
    int S[16];
    b.d = half(codeSymmetricSuperBlock(x, 16, 16, subScale, -32, 31, levels, S, L));
    packTwoBitPlanes(L, b.qs);
    std::memset(b.hmask, 0, sizeof b.hmask);
    for (int h = 0; h < 2; ++h)
        for (int k = 0; k < 4; ++k)
            for (int l = 0; l < 32; ++l)
                if (L[128 * h + 32 * k + l] & 4)
                    b.hmask[l] = static_cast<std::uint8_t>(b.hmask[l] | (1u << (4 * h + k)));
    std::memset(b.scales, 0, sizeof b.scales);
    for (int i = 0; i < 16; ++i) {
        const int u = S[i] + 32;  // 0..63
        if (i < 8)
            b.scales[i] = static_cast<std::uint8_t>(b.scales[i] | (u & 15));
        else
            b.scales[i - 8] = static_cast<std::uint8_t>(b.scales[i - 8] | ((u & 15) << 4));
        b.scales[8 + i % 4] = static_cast<std::uint8_t>(b.scales[8 + i % 4] | ((u >> 4) << (2 * (i / 4))));
    }
}

// The 12-byte 6-bit scale/min packing of Q4_K and Q5_K (inverse of quant-blocks.h's formulas).
void packScaleMin(const int* sc, const int* m, std::uint8_t* s)
{
    for (int j = 0; j < 4; ++j) {
        s[j] = static_cast<std::uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
        s[j + 4] = static_cast<std::uint8_t>(m[j] | ((m[j + 4] >> 4) << 6));
        s[j + 8] = static_cast<std::uint8_t>((sc[j + 4] & 15) | ((m[j + 4] & 15) << 4));
    }
}

template <typename Block>
void quantiseQ45_K(const float* x, Block& b, int nmax)
{
    AffineFit fits[8];
    std::uint8_t L[256];
    for (int i = 0; i < 8; ++i) fits[i] = fitAffine(x + 32 * i, 32, nmax, true, L + 32 * i);
    int sc[8], m[8];
    const auto s = codeAffineSuperBlock(x, 8, 32, fits, 63, nmax, sc, m, L);
    packScaleMin(sc, m, b.scales);
    for (int c = 0; c < 4; ++c)
        for (int l = 0; l < 32; ++l)
            b.qs[32 * c + l] = static_cast<std::uint8_t>((L[64 * c + l] & 15) | ((L[64 * c + 32 + l] & 15) << 4));
    if constexpr (requires { b.qh; }) {
        std::memset(b.qh, 0, sizeof b.qh);
        for (int c = 0; c < 4; ++c)
            for (int l = 0; l < 32; ++l)
                b.qh[l] = static_cast<std::uint8_t>(b.qh[l] | (((L[64 * c + l] >> 4) & 1) << (2 * c)) |
                                                    (((L[64 * c + 32 + l] >> 4) & 1) << (2 * c + 1)));
    }
    b.d = half(s.d);
    b.dmin = half(s.dmin);
}

void quantiseQ6_K(const float* x, BlockQ6_K& b)
{
    const LevelSet levels = LevelSet::uniform(-32, 31);
    float subScale[16];
    std::uint8_t L[256];  // value + 32, 0..63
    for (int i = 0; i < 16; ++i) subScale[i] = fitScale(x + 16 * i, 16, levels, L + 16 * i);
    int S[16];
    b.d = half(codeSymmetricSuperBlock(x, 16, 16, subScale, -128, 127, levels, S, L));
    for (int i = 0; i < 16; ++i) b.scales[i] = static_cast<std::int8_t>(S[i]);
    for (int h = 0; h < 2; ++h) {
        const std::uint8_t* Lh = L + 128 * h;
        std::uint8_t* ql = b.ql + 64 * h;
        std::uint8_t* qh = b.qh + 32 * h;
        for (int l = 0; l < 32; ++l) {
            const int q1 = Lh[l], q2 = Lh[l + 32], q3 = Lh[l + 64], q4 = Lh[l + 96];
            ql[l] = static_cast<std::uint8_t>((q1 & 15) | ((q3 & 15) << 4));
            ql[l + 32] = static_cast<std::uint8_t>((q2 & 15) | ((q4 & 15) << 4));
            qh[l] = static_cast<std::uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
        }
    }
}

void quantiseIq4Xs(const float* x, BlockIQ4_XS& b)
{
    float subScale[8];
    std::uint8_t q[256];
    for (int i = 0; i < 8; ++i) subScale[i] = fitScale(x + 32 * i, 32, iq4Levels(), q + 32 * i);
    int S[8];
    b.d = half(codeSymmetricSuperBlock(x, 8, 32, subScale, -32, 31, iq4Levels(), S, q));
    b.scales_h = 0;
    std::memset(b.scales_l, 0, sizeof b.scales_l);
    for (int i = 0; i < 8; ++i) {
        const int u = S[i] + 32;
        b.scales_l[i / 2] = static_cast<std::uint8_t>(b.scales_l[i / 2] | ((u & 15) << (4 * (i % 2))));
        b.scales_h = static_cast<std::uint16_t>(b.scales_h | ((u >> 4) << (2 * i)));
        packNibbles(q + 32 * i, b.qs + 16 * i);
    }
}

template <typename Block, typename F>
void eachBlock(const float* x, std::size_t nBlocks, std::byte* out, std::uint32_t elements, F&& f)
{
    for (std::size_t i = 0; i < nBlocks; ++i) {
        Block b{};
        f(x + i * elements, b);
        std::memcpy(out + i * sizeof(Block), &b, sizeof(Block));
    }
}

}  // namespace

std::uint16_t fp32ToBf16(float f)
{
    const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 64);  // quiet NaN
    return static_cast<std::uint16_t>((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

bool canQuantise(TensorType type)
{
    switch (type) {
        case TensorType::F32:
        case TensorType::F16:
        case TensorType::BF16:
        case TensorType::Q8_0:
        case TensorType::Q4_0:
        case TensorType::Q4_1:
        case TensorType::Q5_0:
        case TensorType::Q5_1:
        case TensorType::IQ4_NL:
        case TensorType::Q2_K:
        case TensorType::Q3_K:
        case TensorType::Q4_K:
        case TensorType::Q5_K:
        case TensorType::Q6_K:
        case TensorType::IQ4_XS: return true;
        default: return false;
    }
}

const char* quantisableTypeNames()
{
    return "F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS, BF16";
}

void quantiseRow(TensorType type, const float* x, std::size_t n, std::byte* out)
{
    if (!canQuantise(type))
        throw UsageError("edge-rt cannot quantise to " + tensorTypeName(type) + " (it quantises to " +
                         quantisableTypeNames() + ")");
    const std::uint32_t block = traitsOf(type).blockElements;
    if (n % block != 0)
        throw UsageError("a row of " + std::to_string(n) + " values is not a multiple of " + tensorTypeName(type) +
                         "'s block of " + std::to_string(block));
    const std::size_t nb = n / block;
    switch (type) {
        case TensorType::F32: std::memcpy(out, x, n * sizeof(float)); return;
        case TensorType::F16:
            for (std::size_t i = 0; i < n; ++i) {
                const std::uint16_t h = half(x[i]);
                std::memcpy(out + 2 * i, &h, 2);
            }
            return;
        case TensorType::BF16:
            for (std::size_t i = 0; i < n; ++i) {
                const std::uint16_t h = fp32ToBf16(x[i]);
                std::memcpy(out + 2 * i, &h, 2);
            }
            return;
        case TensorType::Q8_0: eachBlock<BlockQ8_0>(x, nb, out, block, quantiseQ8_0); return;
        case TensorType::Q4_0:
            eachBlock<BlockQ4_0>(x, nb, out, block, [](const float* v, BlockQ4_0& b) { quantiseSymmetric(v, b, 4); });
            return;
        case TensorType::Q5_0:
            eachBlock<BlockQ5_0>(x, nb, out, block, [](const float* v, BlockQ5_0& b) { quantiseSymmetric(v, b, 5); });
            return;
        case TensorType::Q4_1:
            eachBlock<BlockQ4_1>(x, nb, out, block, [](const float* v, BlockQ4_1& b) { quantiseAffine(v, b, 4); });
            return;
        case TensorType::Q5_1:
            eachBlock<BlockQ5_1>(x, nb, out, block, [](const float* v, BlockQ5_1& b) { quantiseAffine(v, b, 5); });
            return;
        case TensorType::IQ4_NL: eachBlock<BlockIQ4_NL>(x, nb, out, block, quantiseIq4Nl); return;
        case TensorType::Q2_K: eachBlock<BlockQ2_K>(x, nb, out, block, quantiseQ2_K); return;
        case TensorType::Q3_K: eachBlock<BlockQ3_K>(x, nb, out, block, quantiseQ3_K); return;
        case TensorType::Q4_K:
            eachBlock<BlockQ4_K>(x, nb, out, block, [](const float* v, BlockQ4_K& b) { quantiseQ45_K(v, b, 15); });
            return;
        case TensorType::Q5_K:
            eachBlock<BlockQ5_K>(x, nb, out, block, [](const float* v, BlockQ5_K& b) { quantiseQ45_K(v, b, 31); });
            return;
        case TensorType::Q6_K: eachBlock<BlockQ6_K>(x, nb, out, block, quantiseQ6_K); return;
        case TensorType::IQ4_XS: eachBlock<BlockIQ4_XS>(x, nb, out, block, quantiseIq4Xs); return;
        default: return;
    }
}

}  // namespace edgert::quant
