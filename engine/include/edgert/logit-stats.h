// Summaries of one row of logits (vocab,) f32: the log-sum-exp, the top-K ids and the
// log-likelihood of one id. These are what `edge-rt logits` prints per position (the shape of
// llama.cpp's `forced_positions`, ../shared/reference/README.md) and what perplexity scores.
#pragma once

#include "edgert/tokenizer.h"

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace edgert::eval {

/// ln Σ_i exp(logits[i]) in double, computed around the maximum (no overflow). Natural log.
double logSumExp(std::span<const float> logits);

/// The `k` largest logits as (id, logit), sorted by logit descending, ties lowest id first
/// (k is clamped to the vocabulary). The first entry is the argmax (lowest id on a tie).
std::vector<std::pair<TokenId, float>> topK(std::span<const float> logits, std::size_t k);

/// Negative log-likelihood −ln softmax(logits)[target], as llama-perplexity computes it: the max
/// and logits in f32, Σ exp(logit − max) accumulated in double. UsageError for a target outside
/// the vocabulary.
double negativeLogLikelihood(std::span<const float> logits, TokenId target);

/// One teacher-forced position: the token fed at `pos` and what the model predicts after it.
struct PositionSummary {
    std::size_t pos = 0;
    TokenId inputId = 0;
    TokenId argmax = 0;
    double logSumExp = 0.0;                      ///< natural log over the whole vocab
    std::vector<std::pair<TokenId, float>> top;  ///< top-K (id, logit), see topK()
};

PositionSummary summarisePosition(std::span<const float> logits, std::size_t pos, TokenId inputId, std::size_t k);

}  // namespace edgert::eval
