// Scale search for the quantisers (quantize-row.cpp): the least-squares choice of the scales of
// a block given the integer levels its quants can take. Every fit minimises the plain squared
// error Σ (x − x̂)² of the block (no importance matrix): a scan of candidate inverse scales
// (one tenth of a level step apart, around the scale that maps the block's extreme onto an end
// level), each followed by the closed-form least-squares scale (and offset) for its rounding,
// then alternating refinement (re-round with the fitted scale, re-fit) while the error drops.
// The super-block coders then quantise the per-sub-block scales to the type's few bits with
// the same idea one level up: a least-squares super-scale, ±1 neighbours of every rounded
// sub-block scale, re-rounding of the quants under the quantised scales. Approach after ggml's
// make_qx_quants / make_qkx2_quants (k-quants PR #1684) and the Lloyd–Max alternation; the
// code is edge-rt's own.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

namespace edgert::quant {

/// v rounded half to even to an int without a libm call: adding 1.5·2^23 leaves the rounded
/// integer in the low mantissa bits (|v| is clamped to 4e6 first, where that holds).
inline int roundToInt(float v)
{
    // std::clamp without its reference-returning branches, so loops over it vectorise.
    float c = v < -4.0e6f ? -4.0e6f : v;
    c = 4.0e6f < c ? 4.0e6f : c;
    return std::bit_cast<std::int32_t>(c + 12582912.0f) - 0x4B400000;
}

/// std::clamp(v, lo, hi) for ints, branch-free (vectorisable).
inline int clampInt(int v, int lo, int hi)
{
    const int c = v < lo ? lo : v;
    return hi < c ? hi : c;
}

/// The values a quant index stands for, in ascending order: a uniform range lo..hi (Q4_0: −8..7)
/// or a table (IQ4_NL's 16 non-linear levels).
class LevelSet {
public:
    static LevelSet uniform(int lo, int hi);
    /// `values` (at most 16) must be ascending and outlive the LevelSet.
    static LevelSet table(const std::int8_t* values, int count);

    int count() const { return m_count; }
    bool isTable() const { return m_table != nullptr; }
    /// A uniform set's lowest level (lo).
    int lowest() const { return m_lo; }
    /// A table's midpoint between levels i and i + 1.
    float midpoint(int i) const { return m_midpoints[i]; }
    float value(int index) const
    {
        return m_table ? static_cast<float>(m_table[index]) : static_cast<float>(m_lo + index);
    }
    /// Index of the level nearest v (the lower one on a tie); ends clamp. Inline: the
    /// quantisers call it once per value and candidate scale.
    int nearest(float v) const
    {
        if (!m_table) {
            if (!(v == v)) return 0;  // NaN: callers reject non-finite input first; stay in range regardless
            return std::clamp(roundToInt(v), m_lo, m_lo + m_count - 1) - m_lo;
        }
        // The number of midpoints below v (a tie goes to the lower level); branch-free.
        int index = 0;
        for (int i = 0; i + 1 < m_count; ++i) index += v > m_midpoints[i] ? 1 : 0;
        return index;
    }

private:
    const std::int8_t* m_table = nullptr;
    float m_midpoints[15] = {};  ///< table: halfway between consecutive levels (nearest() counts those below v)
    int m_lo = 0;
    int m_count = 0;
};

/// Symmetric fit of n values: x ≈ s · levels.value(index[j]). Returns s (0 for an all-zero
/// block; it may be negative: the extreme value may map onto either end level); index filled.
float fitScale(const float* x, int n, const LevelSet& levels, std::uint8_t* index);

/// Affine fit of n values: x ≈ scale · L[j] + min, L in 0..nmax. With nonPositiveMin the offset
/// is kept ≤ 0 (the K-quants store −min as an unsigned 6- or 4-bit count of dmin).
struct AffineFit {
    float scale = 0.0f;
    float min = 0.0f;
};
AffineFit fitAffine(const float* x, int n, int nmax, bool nonPositiveMin, std::uint8_t* L);

/// A super-block of nSub sub-blocks of subSize values, x[e] ≈ d · S[e / subSize] · level(index[e])
/// with integer S in sMin..sMax and d an fp16 value (returned, already rounded to fp16).
/// subScale: each sub-block's own fitted scale (fitScale). Q3_K, Q6_K, IQ4_XS; with one
/// sub-block and sMin = sMax = 1 also the single-scale block-32 types (Q4_0, Q5_0, IQ4_NL).
float codeSymmetricSuperBlock(const float* x, int nSub, int subSize, const float* subScale, int sMin, int sMax,
                              const LevelSet& levels, int* S, std::uint8_t* index);

/// A super-block x[e] ≈ d · sc[i] · L[e] − dmin · m[i] (i = e / subSize), sc and m in 0..sMax,
/// L in 0..nmax, d and dmin fp16 values (returned rounded to fp16). fits: each sub-block's
/// fitAffine with nonPositiveMin. Q2_K (sMax 15), Q4_K and Q5_K (sMax 63).
struct AffineSuperScales {
    float d = 0.0f;
    float dmin = 0.0f;
};
AffineSuperScales codeAffineSuperBlock(const float* x, int nSub, int subSize, const AffineFit* fits, int sMax, int nmax,
                                       int* sc, int* m, std::uint8_t* L);

/// v rounded to the nearest fp16 value (as the block stores it), back in f32.
float fp16Rounded(float v);

}  // namespace edgert::quant
