// Perplexity and KL divergence of a model over a token stream, scored as llama-perplexity scores
// (llama.cpp tools/perplexity, its default mode):
//   - the tokens (the whole text, tokenised with BOS when the vocabulary adds one) are cut into
//     nChunks = ⌊nTokens / nCtx⌋ chunks of nCtx tokens; the rest is dropped;
//   - each chunk is evaluated from an empty KV cache, its first token replaced by BOS when the
//     vocabulary adds one, in batches of the engine's nBatch with logits at every position;
//   - only the second half is scored: positions p = nCtx/2 .. nCtx−2 predict token p+1, so
//     nCtx − 1 − nCtx/2 scored tokens per chunk;
//   - PPL = exp(mean NLL); its standard error = PPL · sqrt((mean NLL² − mean NLL²) / (count − 1)).
// KL mode: `save` writes the scored rows' log-probabilities (eval/log-prob-file.h); `compare`
// reads a base file's rows and accumulates KL(base ‖ this) over the base's tokens above e^−16, the
// agreement of the top-1 ids and the base's own perplexity.
#pragma once

#include "edgert/inference-engine.h"
#include "edgert/log-prob-file.h"

#include <functional>
#include <optional>
#include <span>

namespace edgert::eval {

/// Mean and standard error of the mean of a sum of `count` samples (llama-perplexity's
/// mean_and_uncertainty: 0 uncertainty for 10 or fewer samples).
struct MeanAndError {
    double mean = 0.0;
    double error = 0.0;
};
MeanAndError meanAndError(double sum, double sumSquares, std::uint64_t count);

struct KlTotals {
    double sumNllBase = 0.0, sumNllBase2 = 0.0;
    double sumKld = 0.0, sumKld2 = 0.0;
    std::uint64_t sameTop = 0;
    std::uint64_t count = 0;
    MeanAndError kld() const { return meanAndError(sumKld, sumKld2, count); }
    double basePerplexity() const;
    /// Fraction of scored positions where both models' argmax agree, in [0, 1].
    double topAgreement() const { return count ? static_cast<double>(sameTop) / static_cast<double>(count) : 0.0; }
    /// Binomial standard error of topAgreement().
    double topAgreementError() const;
};

struct PerplexityTotals {
    double sumNll = 0.0, sumNll2 = 0.0;
    std::uint64_t count = 0;  ///< scored tokens
    double perplexity() const;
    /// Standard error of perplexity() (delta method: PPL · standard error of the mean NLL).
    double perplexityError() const;
    std::optional<KlTotals> kl;  ///< with a base file
};

struct ChunkProgress {
    std::size_t chunk = 0;  ///< 1-based, of nChunks
    std::size_t nChunks = 0;
    double chunkMs = 0.0;
    const PerplexityTotals* totals = nullptr;  ///< running totals after this chunk
};

struct PerplexityRun {
    std::uint32_t nCtx = 128;          ///< tokens per chunk; the engine's context must hold them
    std::size_t maxChunks = 0;         ///< score at most this many chunks (0: all; llama's --chunks)
    std::optional<TokenId> bos;        ///< replaces each chunk's first token when set
    LogProbWriter* save = nullptr;     ///< --kl-divergence-base: write the scored rows here
    LogProbReader* compare = nullptr;  ///< --kl-divergence: compare with these rows
    std::function<void(const ChunkProgress&)> onChunk;
    RunObserver* observer = nullptr;  ///< cancellation (between groups)
};

/// Scores `tokens` with `engine` (planned with RunShape::allLogits, nCtx ≥ run.nCtx). Throws
/// UsageError when there are fewer than 2·nCtx tokens (as llama-perplexity refuses), when the
/// base file's vocabulary or context differ from the model's / run's. Returns std::nullopt when
/// the observer cancelled.
std::optional<PerplexityTotals> scorePerplexity(ReadyEngine& engine, std::span<const TokenId> tokens,
                                                const PerplexityRun& run);

}  // namespace edgert::eval
