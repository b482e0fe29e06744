#include "models/gpt2-forward.h"

#include "edgert/error.h"
#include "kernels/matmul.h"
#include "kernels/norm-gelu.h"
#include "kernels/ops.h"

#include <algorithm>

namespace edgert {

namespace {

const float* vec(const UnitView& w, TensorRole role)
{
    return reinterpret_cast<const float*>(w.data[static_cast<std::size_t>(role)]);
}

kernels::WeightView weight(const UnitView& w, const LayerTensors& tensors, TensorRole role)
{
    const auto& t = tensors[role];
    return {t.type, w.data[static_cast<std::size_t>(role)], static_cast<std::size_t>(t.rows()),
            static_cast<std::size_t>(t.cols())};
}

/// Rows [first, first + count) of a weight matrix, itself a weight matrix.
kernels::WeightView rowRange(const kernels::WeightView& w, std::size_t first, std::size_t count)
{
    const auto* base = static_cast<const std::byte*>(w.data);
    return {w.type, base + first * rowBytes(w.type, w.cols), count, w.cols};
}

}  // namespace

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

void Gpt2Forward::block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto& tensors = m_graph.layers()[static_cast<std::size_t>(w.layer)];
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), ffn = hp.ffnDim;
    const std::size_t layerOffset = static_cast<std::size_t>(w.layer) * m_kv.nCtx * kvDim;
    float* keyCache = m_kv.keys + layerOffset;
    float* valueCache = m_kv.values + layerOffset;

    // --- attention: a = LN_1(x); q, k, v = W_qkv·a + b_qkv ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::layerNorm(m_act.x + t * dim, vec(w, TensorRole::AttnNorm), vec(w, TensorRole::AttnNormBias),
                           m_act.xb + t * dim, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const auto qkv = weight(w, tensors, TensorRole::AttnQkv);
    const float* qkvBias = vec(w, TensorRole::AttnQkvBias);
    const kernels::MatmulJob jobs[] = {{rowRange(qkv, 0, qDim), m_act.q},
                                       {rowRange(qkv, qDim, kvDim), m_act.k},
                                       {rowRange(qkv, qDim + kvDim, kvDim), m_act.v}};
    kernels::matmulFused(jobs, normed, threads);
    kernels::addBias(m_act.q, qkvBias, nTokens, qDim);
    kernels::addBias(m_act.k, qkvBias + qDim, nTokens, kvDim);
    kernels::addBias(m_act.v, qkvBias + qDim + kvDim, nTokens, kvDim);
    for (std::size_t t = 0; t < nTokens; ++t) {
        const std::size_t pos = pos0 + t;
        std::copy_n(m_act.k + t * kvDim, kvDim, keyCache + pos * kvDim);
        std::copy_n(m_act.v + t * kvDim, kvDim, valueCache + pos * kvDim);
    }
    causalAttention(m_act.q, keyCache, valueCache, m_act.xb2, m_act.att,
                    {hp.nHeads, hp.nKvHeads, hp.headDim, m_kv.nCtx}, nTokens, pos0, threads);

    // x = x + W_o·attn + b_o
    kernels::matmul(weight(w, tensors, TensorRole::AttnOutput),
                    kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq), m_act.xb, threads);
    kernels::addBias(m_act.xb, vec(w, TensorRole::AttnOutputBias), nTokens, dim);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- MLP: x = x + W_down·GELU(W_up·LN_2(x) + b_up) + b_down ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::layerNorm(m_act.x + t * dim, vec(w, TensorRole::FfnNorm), vec(w, TensorRole::FfnNormBias),
                           m_act.xb + t * dim, dim, hp.normEps);
    kernels::matmul(weight(w, tensors, TensorRole::FfnUp), kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq),
                    m_act.hb, threads);
    kernels::addBias(m_act.hb, vec(w, TensorRole::FfnUpBias), nTokens, ffn);
    kernels::geluTanh(m_act.hb, nTokens * ffn);
    kernels::matmul(weight(w, tensors, TensorRole::FfnDown), kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq),
                    m_act.xb, threads);
    kernels::addBias(m_act.xb, vec(w, TensorRole::FfnDownBias), nTokens, dim);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void Gpt2Forward::head(const UnitView& w, std::size_t nTokens, std::size_t nOut, int threads)
{
    const std::size_t dim = m_hp.dim;
    const float* first = m_act.x + (nTokens - nOut) * dim;
    // UnitView of the head: [0] ln_f weight, [1] LM head, [2] ln_f bias.
    for (std::size_t t = 0; t < nOut; ++t)
        kernels::layerNorm(first + t * dim, reinterpret_cast<const float*>(w.data[0]),
                           reinterpret_cast<const float*>(w.data[2]), m_act.xb + t * dim, dim, m_hp.normEps);
    const auto& out = m_graph.head().output;
    kernels::matmul({out.type, w.data[1], static_cast<std::size_t>(out.rows()), static_cast<std::size_t>(out.cols())},
                    kernels::prepareInput(m_act.xb, nOut, dim, m_act.xq), m_act.logits, threads);
}

}  // namespace edgert
