#include "edgert/sampler.h"

#include "edgert/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace edgert {

Sampler::Sampler(const SamplerParams& params) : m_params(params), m_rng(params.seed)
{
    if (!(params.temperature >= 0.0f) || !std::isfinite(params.temperature))
        throw UsageError("temperature must be a finite number >= 0, got " + std::to_string(params.temperature));
    if (!(params.topP > 0.0f && params.topP <= 1.0f))
        throw UsageError("top-p must be in (0, 1], got " + std::to_string(params.topP));
}

TokenId Sampler::argmax(std::span<const float> logits)
{
    // The one-pass scan `if (logits[i] > logits[best]) best = i` from best = 0 (NaNs never win,
    // a NaN at 0 is never beaten), in two passes over 8 independent lanes that the compiler
    // vectorises: the largest value the scan can reach, then the first index holding it.
    // A vocabulary of 49152 is ~0.8 M instructions one at a time, on the token loop's one thread.
    const std::size_t n = logits.size();
    if (n == 0 || std::isnan(logits[0])) return 0;
    const float* x = logits.data();
    constexpr std::size_t kLanes = 8;
    float lane[kLanes];
    std::fill_n(lane, kLanes, x[0]);
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j) lane[j] = x[i + j] > lane[j] ? x[i + j] : lane[j];
    float max = x[0];
    for (; i < n; ++i) max = x[i] > max ? x[i] : max;
    for (const float v : lane) max = v > max ? v : max;
    for (i = 0; i + kLanes <= n; i += kLanes) {
        bool hit = false;
        for (std::size_t j = 0; j < kLanes; ++j) hit |= x[i + j] == max;
        if (hit) break;
    }
    while (x[i] != max) ++i;  // max is one of the values
    return static_cast<TokenId>(i);
}

TokenId Sampler::sample(std::span<const float> logits, std::span<TokenCandidate> workspace)
{
    if (m_params.temperature <= 0.0f) return argmax(logits);
    const std::size_t n = logits.size();
    if (workspace.size() < n) throw UsageError("sampler workspace is smaller than the vocabulary");
    auto cands = workspace.first(n);
    for (std::size_t i = 0; i < n; ++i) cands[i] = {static_cast<TokenId>(i), logits[i] / m_params.temperature, 0.0f};

    // Top-k: keep the k highest logits (sorted descending).
    std::size_t keep = n;
    if (m_params.topK > 0 && m_params.topK < n) keep = m_params.topK;
    const auto byLogit = [](const TokenCandidate& a, const TokenCandidate& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    };
    std::partial_sort(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(keep), cands.end(), byLogit);

    // Softmax over the kept candidates.
    const float max = cands[0].logit;
    double sum = 0.0;
    for (std::size_t i = 0; i < keep; ++i) {
        cands[i].probability = std::exp(cands[i].logit - max);
        sum += cands[i].probability;
    }
    for (std::size_t i = 0; i < keep; ++i) cands[i].probability = static_cast<float>(cands[i].probability / sum);

    // Top-p: smallest prefix whose probability reaches topP.
    if (m_params.topP < 1.0f) {
        double cumulative = 0.0;
        std::size_t cut = keep;
        for (std::size_t i = 0; i < keep; ++i) {
            cumulative += cands[i].probability;
            if (cumulative >= m_params.topP) {
                cut = i + 1;
                break;
            }
        }
        keep = cut;
    }

    double total = 0.0;
    for (std::size_t i = 0; i < keep; ++i) total += cands[i].probability;
    std::uniform_real_distribution<double> uniform(0.0, total);
    const double r = uniform(m_rng);
    double acc = 0.0;
    for (std::size_t i = 0; i < keep; ++i) {
        acc += cands[i].probability;
        if (r < acc) return cands[i].id;
    }
    return cands[keep - 1].id;
}

}  // namespace edgert
