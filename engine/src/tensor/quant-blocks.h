// Quantisation block layouts, byte for byte as ggml stores them in GGUF files
// (ggml-common.h: block_q8_0, block_q4_0). A block covers 32 consecutive values of one row.
#pragma once

#include <cstdint>

namespace edgert {

/// IEEE 754 binary16 bits (ggml_fp16_t).
using Fp16Bits = std::uint16_t;

inline constexpr std::uint32_t kQK8_0 = 32;
inline constexpr std::uint32_t kQK4_0 = 32;

/// Q8_0: x[i] = d * qs[i], d = max|x| / 127.  34 bytes for 32 values (8.5 bits/value).
struct BlockQ8_0 {
    Fp16Bits d;           ///< scale, fp16
    std::int8_t qs[kQK8_0];  ///< quants
};
static_assert(sizeof(BlockQ8_0) == 2 + kQK8_0, "block_q8_0 must be 34 bytes");

/// Q4_0: x[i] = d * (q[i] - 8), d = max-by-magnitude / -8. 18 bytes for 32 values (4.5 bits/value).
/// Nibble layout: qs[j] low nibble holds value j, high nibble holds value j + 16.
struct BlockQ4_0 {
    Fp16Bits d;                   ///< scale, fp16
    std::uint8_t qs[kQK4_0 / 2];  ///< nibbles
};
static_assert(sizeof(BlockQ4_0) == 2 + kQK4_0 / 2, "block_q4_0 must be 18 bytes");

}  // namespace edgert
