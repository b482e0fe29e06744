#include "edgert/logit-stats.h"

#include "edgert/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace edgert::eval {

double logSumExp(std::span<const float> logits)
{
    if (logits.empty()) throw UsageError("log-sum-exp of an empty logits row");
    const float maxLogit = *std::max_element(logits.begin(), logits.end());
    double sum = 0.0;
    for (const float l : logits) sum += std::exp(static_cast<double>(l) - maxLogit);
    return maxLogit + std::log(sum);
}

std::vector<std::pair<TokenId, float>> topK(std::span<const float> logits, std::size_t k)
{
    k = std::min(k, logits.size());
    std::vector<TokenId> ids(logits.size());
    std::iota(ids.begin(), ids.end(), TokenId{0});
    const auto before = [&](TokenId a, TokenId b) {
        const float la = logits[static_cast<std::size_t>(a)], lb = logits[static_cast<std::size_t>(b)];
        return la > lb || (la == lb && a < b);
    };
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(), before);
    std::vector<std::pair<TokenId, float>> out;
    out.reserve(k);
    for (std::size_t i = 0; i < k; ++i) out.emplace_back(ids[i], logits[static_cast<std::size_t>(ids[i])]);
    return out;
}

double negativeLogLikelihood(std::span<const float> logits, TokenId target)
{
    if (target < 0 || static_cast<std::size_t>(target) >= logits.size())
        throw UsageError("token id " + std::to_string(target) + " is outside the vocabulary of " +
                         std::to_string(logits.size()));
    const float maxLogit = *std::max_element(logits.begin(), logits.end());
    double sum = 0.0;
    for (const float l : logits) sum += std::exp(l - maxLogit);
    return -(static_cast<double>(logits[static_cast<std::size_t>(target)] - maxLogit) - std::log(sum));
}

PositionSummary summarisePosition(std::span<const float> logits, std::size_t pos, TokenId inputId, std::size_t k)
{
    PositionSummary s;
    s.pos = pos;
    s.inputId = inputId;
    s.logSumExp = logSumExp(logits);
    s.top = topK(logits, std::max<std::size_t>(k, 1));
    s.argmax = s.top.front().first;
    if (k == 0) s.top.clear();
    return s;
}

}  // namespace edgert::eval
