// Token sampling from logits: greedy (argmax), or temperature + top-k + top-p (nucleus,
// Holtzman et al. 2019) with a seeded RNG so runs are reproducible.
#pragma once

#include <cstdint>
#include <random>
#include <span>

namespace edgert {

using TokenId = std::int32_t;

struct SamplerParams {
    float temperature = 0.0f;  ///< <= 0: greedy argmax
    std::uint32_t topK = 40;   ///< 0: no top-k cut
    float topP = 0.95f;        ///< 1: no nucleus cut; range (0, 1]
    std::uint64_t seed = 0;
};

/// One candidate in the sampler's workspace (the workspace is leased from the memory pool).
struct TokenCandidate {
    TokenId id;
    float logit;
    float probability;
};

class Sampler {
public:
    /// Throws UsageError when temperature is negative/NaN or topP is outside (0, 1].
    explicit Sampler(const SamplerParams& params);

    /// Picks a token from `logits` (n_vocab,). `workspace` must hold n_vocab candidates.
    /// Greedy returns the lowest id among equal maxima.
    TokenId sample(std::span<const float> logits, std::span<TokenCandidate> workspace);

    const SamplerParams& params() const { return m_params; }

    /// Argmax with lowest-id tie-break.
    static TokenId argmax(std::span<const float> logits);

private:
    SamplerParams m_params;
    std::mt19937_64 m_rng;
};

}  // namespace edgert
