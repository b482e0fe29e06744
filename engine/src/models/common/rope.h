// Rotary position embedding (Su et al. 2021, "RoFormer") in the two pairings GGUF models use,
// with Llama 3's per-frequency scaling factors. Shared by every RoPE architecture.
#pragma once

#include "edgert/model-graph.h"

#include <cstddef>
#include <vector>

namespace edgert {

/// How one model rotates q and k (from its HyperParams).
struct RopeParams {
    RopeStyle style = RopeStyle::Interleaved;
    std::size_t headDim = 0;
    std::size_t ropeDim = 0;  ///< rotated dimensions per head (the rest pass through)
    float freqBase = 10000.0f;
    const float* freqFactors = nullptr;  ///< ropeDim/2 divisors of θ_i (Llama 3 scaling), or null
    /// freqBase^(-2i/ropeDim) for i < ropeDim/2, computed once by of() (empty: computed per call).
    std::vector<float> inverseFrequencies;

    static RopeParams of(const HyperParams& hp);
};

/// Rotates each of the nHeads heads (headDim floats each, contiguous) of `vec` for position `pos`:
/// pair i (i < ropeDim/2) turns by θ_i = pos · freqBase^(-2i/ropeDim) / freqFactors[i], where
/// pair i is (2i, 2i+1) for Interleaved and (i, i + ropeDim/2) for NeoX.
void applyRope(float* vec, std::size_t nHeads, const RopeParams& rope, std::size_t pos);

/// The same rotation of one token's queries q (nQHeads heads) and keys k (nKHeads heads), each
/// angle's cosine and sine computed once for both: the same bits as two applyRope calls.
void applyRope(float* q, std::size_t nQHeads, float* k, std::size_t nKHeads, const RopeParams& rope, std::size_t pos);

/// Llama 3's RoPE scaling (HF rope_scaling {rope_type: "llama3"}) as ropeDim/2 divisors of θ_i,
/// computed as convert_hf_to_gguf.py writes them into rope_freqs.weight: with ω_i =
/// base^(-2i/ropeDim) and wavelength λ_i = 2π/ω_i, f_i = 1 when λ_i < original/highFreqFactor,
/// `factor` when λ_i > original/lowFreqFactor, else 1 / ((1-s)/factor + s) with
/// s = (original/λ_i - lowFreqFactor) / (highFreqFactor - lowFreqFactor).
std::vector<float> llama3RopeFactors(std::size_t ropeDim, float freqBase, float factor, float lowFreqFactor,
                                     float highFreqFactor, float originalContext);

}  // namespace edgert
