#include "edgert/perplexity.h"

#include "edgert/error.h"
#include "edgert/logit-stats.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace edgert::eval {

MeanAndError meanAndError(double sum, double sumSquares, std::uint64_t count)
{
    if (count < 1) return {};
    const double n = static_cast<double>(count);
    const double mean = sum / n;
    const double variance = sumSquares / n - mean * mean;
    return {mean, variance > 0 && count > 10 ? std::sqrt(variance / (n - 1)) : 0.0};
}

double KlTotals::basePerplexity() const
{
    return std::exp(meanAndError(sumNllBase, sumNllBase2, count).mean);
}

double KlTotals::topAgreementError() const
{
    if (count < 2) return 0.0;
    const double p = topAgreement();
    return std::sqrt(p * (1 - p) / static_cast<double>(count - 1));
}

double PerplexityTotals::perplexity() const
{
    return count ? std::exp(sumNll / static_cast<double>(count)) : 0.0;
}

double PerplexityTotals::perplexityError() const
{
    if (count < 2) return 0.0;
    const double n = static_cast<double>(count);
    const double mean = sumNll / n;
    const double variance = sumNll2 / n - mean * mean;
    return variance > 0 ? perplexity() * std::sqrt(variance / (n - 1)) : 0.0;
}

namespace {

// KL(base ‖ model) over the base's tokens above e^-16, the base's NLL of `target`, and whether
// the argmaxes agree (first maximum of each, as llama-perplexity).
void accumulateKl(std::span<const float> logits, std::span<const float> baseLogProbs, TokenId target, KlTotals& kl)
{
    const auto maxIt = std::max_element(logits.begin(), logits.end());
    const float maxLogit = *maxIt;
    double sumExp = 0.0;
    for (const float l : logits) sumExp += std::exp(l - maxLogit);
    const float logNorm = maxLogit + static_cast<float>(std::log(sumExp));  // log p_i = logit_i − logNorm

    const double nllBase = -static_cast<double>(baseLogProbs[static_cast<std::size_t>(target)]);
    kl.sumNllBase += nllBase;
    kl.sumNllBase2 += nllBase * nllBase;

    double kld = 0.0;
    std::size_t baseTop = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const float logBase = baseLogProbs[i];
        if (logBase > baseLogProbs[baseTop]) baseTop = i;
        if (logBase > -16.0f) kld += std::exp(logBase) * (logBase - (logits[i] - logNorm));
    }
    kl.sumKld += kld;
    kl.sumKld2 += kld * kld;
    kl.sameTop += static_cast<std::size_t>(maxIt - logits.begin()) == baseTop ? 1 : 0;
    ++kl.count;
}

}  // namespace

std::optional<PerplexityTotals> scorePerplexity(ReadyEngine& engine, std::span<const TokenId> tokens,
                                                const PerplexityRun& run)
{
    const std::uint32_t nCtx = run.nCtx;
    const std::size_t vocab = engine.graph().hparams().vocabSize;
    if (nCtx < 4) throw UsageError("perplexity needs a context of at least 4 tokens, got " + std::to_string(nCtx));
    if (engine.shape().nCtx < nCtx || !engine.shape().allLogits)
        throw UsageError("perplexity needs an engine planned for " + std::to_string(nCtx) +
                         "-token chunks with logits at every position");
    if (tokens.size() < 2ull * nCtx)
        throw UsageError("perplexity with a context of " + std::to_string(nCtx) + " needs at least " +
                         std::to_string(2ull * nCtx) + " tokens; the text has " + std::to_string(tokens.size()));
    const std::size_t nChunks = run.maxChunks ? std::min(run.maxChunks, tokens.size() / nCtx) : tokens.size() / nCtx;
    if (run.compare) {
        if (static_cast<std::size_t>(run.compare->nVocab()) != vocab)
            throw UsageError("the base log-probabilities have a vocabulary of " +
                             std::to_string(run.compare->nVocab()) + ", the model " + std::to_string(vocab));
        if (run.compare->nCtx() != nCtx)
            throw UsageError("the base log-probabilities were computed with -c " + std::to_string(run.compare->nCtx()) +
                             ", this run uses -c " + std::to_string(nCtx));
    }
    const std::uint32_t first = nCtx / 2;
    const std::size_t nBatch = engine.shape().nBatch;

    PerplexityTotals totals;
    if (run.compare) totals.kl.emplace();
    std::vector<TokenId> batch;
    std::vector<float> baseRow(run.compare ? vocab : 0);
    std::uint64_t scoredRow = 0;
    for (std::size_t c = 0; c < nChunks; ++c) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto chunk = tokens.subspan(c * nCtx, nCtx);
        engine.resetContext();
        for (std::size_t at = 0; at < nCtx; at += nBatch) {
            const std::size_t n = std::min<std::size_t>(nBatch, nCtx - at);
            batch.assign(chunk.begin() + static_cast<std::ptrdiff_t>(at),
                         chunk.begin() + static_cast<std::ptrdiff_t>(at + n));
            if (at == 0 && run.bos) batch[0] = *run.bos;
            const auto logits = engine.evaluateAll(batch, run.observer);
            if (logits.empty()) return std::nullopt;  // cancelled
            for (std::size_t t = 0; t < n; ++t) {
                const std::size_t pos = at + t;
                if (pos < first || pos + 1 >= nCtx) continue;
                const auto row = logits.subspan(t * vocab, vocab);
                const TokenId target = chunk[pos + 1];
                const double nll = negativeLogLikelihood(row, target);
                totals.sumNll += nll;
                totals.sumNll2 += nll * nll;
                ++totals.count;
                if (run.save) run.save->addRow(row);
                if (run.compare) {
                    run.compare->readRow(scoredRow, baseRow);
                    accumulateKl(row, baseRow, target, *totals.kl);
                }
                ++scoredRow;
            }
        }
        if (run.onChunk) {
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            run.onChunk({c + 1, nChunks, ms, &totals});
        }
    }
    return totals;
}

}  // namespace edgert::eval
