#include "models/gpt2/gpt2-forward.h"

#include "models/gpt2/gpt2.h"
#include "edgert/error.h"
#include "kernels/matmul.h"
#include "kernels/norm-gelu.h"
#include "kernels/ops.h"
#include "models/common/attention.h"
#include "models/common/decoder-ops.h"
#include "models/gpt2/gpt2-weights.h"

#include <algorithm>

namespace edgert {

std::unique_ptr<ModelForward> makeGpt2Forward(const ValidatedModelGraph& graph, const Activations& act,
                                              const KvCacheView& kv)
{
    return std::make_unique<Gpt2Forward>(graph, act, kv);
}

void Gpt2Forward::embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t pos0)
{
    const std::size_t dim = m_hp.dim;
    const TensorRef& positions = *m_graph.positionEmbedding();
    // The position row is staged in xb2 (≥ dim floats, so ≥ any row's bytes) and widened into xb.
    auto* positionStaging = reinterpret_cast<std::byte*>(m_act.xb2);
    for (std::size_t t = 0; t < nTokens; ++t) {
        const auto id = tokens[t];
        if (id < 0 || static_cast<std::uint32_t>(id) >= m_hp.vocabSize)
            throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary (" +
                             std::to_string(m_hp.vocabSize) + " tokens)");
        const std::uint64_t pos = std::uint64_t{pos0} + t;
        if (pos >= m_hp.contextLength)
            throw UsageError("position " + std::to_string(pos) + " is past GPT-2's " +
                             std::to_string(m_hp.contextLength) + " learned positions");
        float* x = m_act.x + t * dim;
        readEmbeddingRow(m_graph.tokenEmbedding(), static_cast<std::uint64_t>(id), dim, m_act.embedRow, x);
        readEmbeddingRow(positions, pos, dim, positionStaging, m_act.xb);
        kernels::addInPlace(x, m_act.xb, dim);
    }
}

void Gpt2Forward::block(const UnitView& unit, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto w = Gpt2BlockWeights::bind(unit, m_graph.layers()[static_cast<std::size_t>(unit.layer)]);
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), ffn = hp.ffnDim;
    const LayerCache cache = layerCache(m_kv, unit.layer, kvDim);

    // --- attention: a = LN_1(x); q, k, v = W_qkv·a + b_qkv ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::layerNorm(m_act.x + t * dim, w.ln1, w.ln1Bias, m_act.xb + t * dim, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob jobs[] = {{rowRange(w.wqkv, 0, qDim), m_act.q},
                                       {rowRange(w.wqkv, qDim, kvDim), m_act.k},
                                       {rowRange(w.wqkv, qDim + kvDim, kvDim), m_act.v}};
    kernels::matmulFused(jobs, normed, threads);
    kernels::addBias(m_act.q, w.bqkv, nTokens, qDim);
    kernels::addBias(m_act.k, w.bqkv + qDim, nTokens, kvDim);
    kernels::addBias(m_act.v, w.bqkv + qDim + kvDim, nTokens, kvDim);
    for (std::size_t t = 0; t < nTokens; ++t) {
        const std::size_t pos = pos0 + t;
        std::copy_n(m_act.k + t * kvDim, kvDim, cache.keys + pos * kvDim);
        std::copy_n(m_act.v + t * kvDim, kvDim, cache.values + pos * kvDim);
    }
    causalAttention(m_act.q, cache.keys, cache.values, m_act.xb2, m_act.att,
                    {hp.nHeads, hp.nKvHeads, hp.headDim, m_kv.nCtx}, nTokens, pos0, threads);

    // x = x + W_o·attn + b_o
    kernels::matmul(w.wo, kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq), m_act.xb, threads);
    kernels::addBias(m_act.xb, w.bo, nTokens, dim);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- MLP: x = x + W_down·GELU(W_up·LN_2(x) + b_up) + b_down ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::layerNorm(m_act.x + t * dim, w.ln2, w.ln2Bias, m_act.xb + t * dim, dim, hp.normEps);
    kernels::matmul(w.wUp, kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq), m_act.hb, threads);
    kernels::addBias(m_act.hb, w.bUp, nTokens, ffn);
    kernels::geluTanh(m_act.hb, nTokens * ffn);
    kernels::matmul(w.wDown, kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq), m_act.xb, threads);
    kernels::addBias(m_act.xb, w.bDown, nTokens, dim);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void Gpt2Forward::head(const UnitView& unit, std::size_t nTokens, std::size_t nOut, int threads)
{
    const auto w = HeadWeights::bind(unit, m_graph);
    const std::size_t dim = m_hp.dim;
    const float* first = m_act.x + (nTokens - nOut) * dim;
    for (std::size_t t = 0; t < nOut; ++t)
        kernels::layerNorm(first + t * dim, w.outputNorm, w.outputNormBias, m_act.xb + t * dim, dim, m_hp.normEps);
    kernels::matmul(w.output, kernels::prepareInput(m_act.xb, nOut, dim, m_act.xq), m_act.logits, threads);
}

}  // namespace edgert
