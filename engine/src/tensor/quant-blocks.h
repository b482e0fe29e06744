// Quantisation block layouts, byte for byte as ggml stores them in GGUF files (ggml-common.h
// `block_*`, llama.cpp commit c392e50; the GGUF spec refers to the same structs). A block
// covers `kQK*` consecutive values of one row; a row is a whole number of blocks. Every struct
// is standard-layout with only 1- and 2-byte members (except Q8_K's f32 scale), so a row of
// blocks read from a GGUF is reinterpreted in place; sizes are static_assert'ed against ggml's.
//
// Value formulas below use j for the element index inside the block; "nibble" means 4 bits.
// The integer kernels (kernels/arch/*) and the reference dequantisers (kernels/quantize.cpp)
// decode these layouts; tests/tst_kernels.cpp checks both against each other.
#pragma once

#include <cstdint>

namespace edgert {

/// IEEE 754 binary16 bits (ggml_fp16_t).
using Fp16Bits = std::uint16_t;

inline constexpr std::uint32_t kQK8_0 = 32;
inline constexpr std::uint32_t kQK4_0 = 32;
inline constexpr std::uint32_t kQK4_1 = 32;
inline constexpr std::uint32_t kQK5_0 = 32;
inline constexpr std::uint32_t kQK5_1 = 32;
inline constexpr std::uint32_t kQK8_1 = 32;
inline constexpr std::uint32_t kQK4_NL = 32;
/// Super-block size of the K-quants and IQ4_XS (ggml QK_K).
inline constexpr std::uint32_t kQK_K = 256;
/// Bytes of the packed 6-bit scale/min array of Q4_K and Q5_K (ggml K_SCALE_SIZE).
inline constexpr std::uint32_t kKScaleSize = 12;

// ---- block-32 types ---------------------------------------------------------------------------

/// Q8_0: x[j] = d * qs[j], d = max|x| / 127.  34 bytes for 32 values (8.5 bits/value).
struct BlockQ8_0 {
    Fp16Bits d;              ///< scale, fp16
    std::int8_t qs[kQK8_0];  ///< quants, element j in qs[j]
};
static_assert(sizeof(BlockQ8_0) == 2 + kQK8_0, "block_q8_0 must be 34 bytes");

/// Q4_0: x[j] = d * (q[j] - 8), d = max-by-magnitude / -8. 18 bytes for 32 values (4.5 bits/value).
/// Nibble layout: qs[j] low nibble holds value j, high nibble holds value j + 16.
struct BlockQ4_0 {
    Fp16Bits d;                   ///< scale, fp16
    std::uint8_t qs[kQK4_0 / 2];  ///< nibbles: low = element j, high = element j + 16
};
static_assert(sizeof(BlockQ4_0) == 2 + kQK4_0 / 2, "block_q4_0 must be 18 bytes");

/// Q4_1: x[j] = d * q[j] + m, q in [0, 15], d = (max - min) / 15, m = min. 20 bytes for 32 values
/// (5 bits/value). Nibble layout as Q4_0.
struct BlockQ4_1 {
    Fp16Bits d;                   ///< scale (step), fp16
    Fp16Bits m;                   ///< offset: the block minimum, fp16
    std::uint8_t qs[kQK4_1 / 2];  ///< nibbles: low = element j, high = element j + 16
};
static_assert(sizeof(BlockQ4_1) == 4 + kQK4_1 / 2, "block_q4_1 must be 20 bytes");

/// Q5_0: x[j] = d * (q[j] - 16), q in [0, 31] = nibble | (high bit << 4), d = max-by-magnitude / -16.
/// 22 bytes for 32 values (5.5 bits/value).
struct BlockQ5_0 {
    Fp16Bits d;                   ///< scale, fp16
    std::uint8_t qh[4];           ///< 5th bits: bit j of the little-endian uint32 = element j's
    std::uint8_t qs[kQK5_0 / 2];  ///< low 4 bits: low nibble = element j, high nibble = element j + 16
};
static_assert(sizeof(BlockQ5_0) == 2 + 4 + kQK5_0 / 2, "block_q5_0 must be 22 bytes");

/// Q5_1: x[j] = d * q[j] + m, q in [0, 31] (bits as Q5_0), d = (max - min) / 31, m = min.
/// 24 bytes for 32 values (6 bits/value).
struct BlockQ5_1 {
    Fp16Bits d;                   ///< scale (step), fp16
    Fp16Bits m;                   ///< offset: the block minimum, fp16
    std::uint8_t qh[4];           ///< 5th bits: bit j of the little-endian uint32 = element j's
    std::uint8_t qs[kQK5_1 / 2];  ///< low 4 bits, nibble layout as Q4_0
};
static_assert(sizeof(BlockQ5_1) == 4 + 4 + kQK5_1 / 2, "block_q5_1 must be 24 bytes");

/// Q8_1 (ggml's activation type for Q4_1/Q5_1; not a weight type edge-rt computes): x[j] = d * qs[j].
/// 36 bytes for 32 values.
struct BlockQ8_1 {
    Fp16Bits d;              ///< scale, fp16
    Fp16Bits s;              ///< d * sum(qs), fp16 (so the Q4_1/Q5_1 offset term is one multiply)
    std::int8_t qs[kQK8_1];  ///< quants, element j in qs[j]
};
static_assert(sizeof(BlockQ8_1) == 4 + kQK8_1, "block_q8_1 must be 36 bytes");

/// The 16 non-uniform levels of IQ4_NL and IQ4_XS (ggml kvalues_iq4nl): a nibble q stands for
/// kIq4NlValues[q], a signed value in [-127, 113] that is then multiplied by the scale.
inline constexpr std::int8_t kIq4NlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                                 1,    13,   25,  38,  53,  69,  89,  113};

/// IQ4_NL: x[j] = d * kIq4NlValues[q[j]], q a nibble. 18 bytes for 32 values (4.5 bits/value).
struct BlockIQ4_NL {
    Fp16Bits d;                    ///< scale, fp16
    std::uint8_t qs[kQK4_NL / 2];  ///< nibbles (level indices): low = element j, high = element j + 16
};
static_assert(sizeof(BlockIQ4_NL) == 2 + kQK4_NL / 2, "block_iq4_nl must be 18 bytes");

// ---- K-quants: 256-value super-blocks of 16- or 32-value sub-blocks -----------------------------

/// Q2_K: 16 sub-blocks of 16 values; x = d * sc * q - dmin * m, q in [0, 3], sc/m 4-bit per sub-block.
/// 84 bytes for 256 values (2.625 bits/value).
/// Element order: the 256 values are two halves of 128; in half h, the 2-bit field at shift 2k of
/// qs[32h + l] (l < 32) is element 128h + 32k + l, whose sub-block is 8h + 2k + l / 16.
struct BlockQ2_K {
    std::uint8_t scales[kQK_K / 16];  ///< per sub-block: low nibble = scale sc, high nibble = min m
    std::uint8_t qs[kQK_K / 4];       ///< 2-bit quants, four per byte (order above)
    Fp16Bits d;                       ///< super-block scale of the sub-block scales, fp16
    Fp16Bits dmin;                    ///< super-block scale of the sub-block mins, fp16
};
static_assert(sizeof(BlockQ2_K) == 2 * 2 + kQK_K / 16 + kQK_K / 4, "block_q2_K must be 84 bytes");

/// Q3_K: 16 sub-blocks of 16 values; x = d * (sc - 32) * (q - 4), q in [0, 7] = 2 low bits from qs
/// plus the high bit from hmask (a CLEAR high bit means q - 4 is negative: q = low - 4 + 4 * bit).
/// 110 bytes for 256 values (3.4375 bits/value). Low bits ordered as Q2_K; element e = 128h + 32k
/// + l has its high bit at bit (4h + k) of hmask[l].
/// scales: 16 6-bit values, sub-block i: low 4 bits = scales[i] & 15 (i < 8) or scales[i - 8] >> 4,
/// high 2 bits = (scales[8 + i % 4] >> (2 * (i / 4))) & 3; the signed scale is that minus 32.
struct BlockQ3_K {
    std::uint8_t hmask[kQK_K / 8];  ///< high (3rd) bit of each quant (order above)
    std::uint8_t qs[kQK_K / 4];     ///< low 2 bits, four per byte, ordered as Q2_K
    std::uint8_t scales[12];        ///< 16 sub-block scales, 6 bits each, packed as described
    Fp16Bits d;                     ///< super-block scale, fp16
};
static_assert(sizeof(BlockQ3_K) == 2 + kQK_K / 8 + kQK_K / 4 + 12, "block_q3_K must be 110 bytes");

/// Q4_K: 8 sub-blocks of 32 values; x = d * sc * q - dmin * m, q in [0, 15], sc/m 6-bit.
/// 144 bytes for 256 values (4.5 bits/value). Element order: in chunk c (64 values, c < 4),
/// qs[32c + l] low nibble = element 64c + l (sub-block 2c), high nibble = element 64c + 32 + l
/// (sub-block 2c + 1).
/// scales (12 bytes, 8 scales + 8 mins of 6 bits): for sub-block i < 4: sc = scales[i] & 63,
/// m = scales[i + 4] & 63; for i >= 4: sc = (scales[i + 4] & 15) | ((scales[i - 4] >> 6) << 4),
/// m = (scales[i + 4] >> 4) | ((scales[i] >> 6) << 4).
struct BlockQ4_K {
    Fp16Bits d;                        ///< super-block scale of the sub-block scales, fp16
    Fp16Bits dmin;                     ///< super-block scale of the sub-block mins, fp16
    std::uint8_t scales[kKScaleSize];  ///< 6-bit scales and mins, packed as described
    std::uint8_t qs[kQK_K / 2];        ///< nibbles (order above)
};
static_assert(sizeof(BlockQ4_K) == 2 * 2 + kKScaleSize + kQK_K / 2, "block_q4_K must be 144 bytes");

/// Q5_K: Q4_K plus a 5th bit: q in [0, 31] = nibble | (bit << 4); the bit of element 64c + l is
/// bit 2c of qh[l], of element 64c + 32 + l bit 2c + 1 of qh[l]. 176 bytes for 256 values (5.5 bits/value).
struct BlockQ5_K {
    Fp16Bits d;                        ///< super-block scale of the sub-block scales, fp16
    Fp16Bits dmin;                     ///< super-block scale of the sub-block mins, fp16
    std::uint8_t scales[kKScaleSize];  ///< 6-bit scales and mins, packed as in Q4_K
    std::uint8_t qh[kQK_K / 8];        ///< 5th bits (order above)
    std::uint8_t qs[kQK_K / 2];        ///< low 4 bits, nibble order as Q4_K
};
static_assert(sizeof(BlockQ5_K) == 2 * 2 + kKScaleSize + kQK_K / 8 + kQK_K / 2, "block_q5_K must be 176 bytes");

/// Q6_K: 16 sub-blocks of 16 values; x = d * sc * (q - 32), q in [0, 63], sc a signed 8-bit scale.
/// 210 bytes for 256 values (6.5625 bits/value). Element order: in half h (128 values) and l < 32,
/// with L = ql + 64h and H = qh + 32h:
///   element 128h + l      = (L[l] & 15)      | ((H[l] >> 0) & 3) << 4
///   element 128h + 32 + l = (L[l + 32] & 15) | ((H[l] >> 2) & 3) << 4
///   element 128h + 64 + l = (L[l] >> 4)      | ((H[l] >> 4) & 3) << 4
///   element 128h + 96 + l = (L[l + 32] >> 4) | ((H[l] >> 6) & 3) << 4
/// and element e uses scales[e / 16].
struct BlockQ6_K {
    std::uint8_t ql[kQK_K / 2];      ///< low 4 bits (order above)
    std::uint8_t qh[kQK_K / 4];      ///< high 2 bits, four per byte (order above)
    std::int8_t scales[kQK_K / 16];  ///< signed sub-block scales
    Fp16Bits d;                      ///< super-block scale, fp16
};
static_assert(sizeof(BlockQ6_K) == 2 + kQK_K / 2 + kQK_K / 4 + kQK_K / 16, "block_q6_K must be 210 bytes");

/// Q8_K: the activation type of the K-quant and IQ4_XS dot products (ggml never stores weights in
/// it): x[j] = d * qs[j], d = max-by-magnitude / -127 (f32), q in [-127, 127]. 292 bytes for 256 values.
struct BlockQ8_K {
    float d;                         ///< scale, f32
    std::int8_t qs[kQK_K];           ///< quants, element j in qs[j]
    std::int16_t bsums[kQK_K / 16];  ///< sum of qs[16i .. 16i + 15]: the min terms need only these
};
static_assert(sizeof(BlockQ8_K) == 4 + kQK_K + 2 * (kQK_K / 16), "block_q8_K must be 292 bytes");

/// IQ4_XS: 8 sub-blocks of 32 values; x = d * (ls - 32) * kIq4NlValues[q], q a nibble, ls 6 bits.
/// 136 bytes for 256 values (4.25 bits/value). Sub-block i's ls = ((scales_l[i / 2] >> (4 * (i % 2)))
/// & 15) | (((scales_h >> (2 * i)) & 3) << 4). Within sub-block i, qs[16i + l] low nibble = element
/// 32i + l, high nibble = element 32i + 16 + l (the IQ4_NL block layout, eight times).
struct BlockIQ4_XS {
    Fp16Bits d;                         ///< super-block scale, fp16
    std::uint16_t scales_h;             ///< high 2 bits of the 8 sub-block scales (bits 2i, 2i + 1)
    std::uint8_t scales_l[kQK_K / 64];  ///< low 4 bits of the sub-block scales, two per byte
    std::uint8_t qs[kQK_K / 2];         ///< nibbles (level indices; order above)
};
static_assert(sizeof(BlockIQ4_XS) == 2 + 2 + kQK_K / 64 + kQK_K / 2, "block_iq4_xs must be 136 bytes");

}  // namespace edgert
