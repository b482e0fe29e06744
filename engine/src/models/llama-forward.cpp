#include "models/llama-forward.h"

#include "edgert/error.h"
#include "kernels/matmul.h"
#include "kernels/ops.h"
#include "kernels/quantize.h"

#include <algorithm>
#include <cmath>

namespace edgert {

namespace {
kernels::WeightView weight(const UnitView& w, const LayerTensors& tensors, TensorRole role)
{
    const auto& t = tensors[role];
    return {t.type, w.data[static_cast<std::size_t>(role)], static_cast<std::size_t>(t.rows()),
            static_cast<std::size_t>(t.cols())};
}
const float* normWeight(const UnitView& w, TensorRole role)
{
    return reinterpret_cast<const float*>(w.data[static_cast<std::size_t>(role)]);
}
}  // namespace

void LlamaForward::embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t /*pos0*/)
{
    for (std::size_t t = 0; t < nTokens; ++t) {
        const auto id = tokens[t];
        if (id < 0 || static_cast<std::uint32_t>(id) >= m_hp.vocabSize)
            throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary (" +
                             std::to_string(m_hp.vocabSize) + " tokens)");
        readEmbeddingRow(m_graph.tokenEmbedding(), static_cast<std::uint64_t>(id), m_hp.dim, m_act.embedRow,
                         m_act.x + t * m_hp.dim);
    }
}

void LlamaForward::block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto& tensors = m_graph.layers()[static_cast<std::size_t>(w.layer)];
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), hd = hp.headDim, ffn = hp.ffnDim;
    const std::size_t layerOffset = static_cast<std::size_t>(w.layer) * m_kv.nCtx * kvDim;
    float* keyCache = m_kv.keys + layerOffset;
    float* valueCache = m_kv.values + layerOffset;

    // --- attention ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::rmsNorm(m_act.x + t * dim, normWeight(w, TensorRole::AttnNorm), m_act.xb + t * dim, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob qkv[] = {{weight(w, tensors, TensorRole::AttnQ), m_act.q},
                                      {weight(w, tensors, TensorRole::AttnK), m_act.k},
                                      {weight(w, tensors, TensorRole::AttnV), m_act.v}};
    kernels::matmulFused(qkv, normed, threads);
    for (std::size_t t = 0; t < nTokens; ++t) {
        const std::size_t pos = pos0 + t;
        kernels::ropeInterleaved(m_act.q + t * qDim, hp.nHeads, hd, hp.ropeDim, pos, hp.ropeFreqBase);
        kernels::ropeInterleaved(m_act.k + t * kvDim, hp.nKvHeads, hd, hp.ropeDim, pos, hp.ropeFreqBase);
        std::copy_n(m_act.k + t * kvDim, kvDim, keyCache + pos * kvDim);
        std::copy_n(m_act.v + t * kvDim, kvDim, valueCache + pos * kvDim);
    }

    causalAttention(m_act.q, keyCache, valueCache, m_act.xb2, m_act.att, {hp.nHeads, hp.nKvHeads, hd, m_kv.nCtx},
                    nTokens, pos0, threads);
    kernels::matmul(weight(w, tensors, TensorRole::AttnOutput),
                    kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq), m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- feed-forward (SwiGLU) ---
    for (std::size_t t = 0; t < nTokens; ++t)
        kernels::rmsNorm(m_act.x + t * dim, normWeight(w, TensorRole::FfnNorm), m_act.xb + t * dim, dim, hp.normEps);
    const auto ffnIn = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob gateUp[] = {{weight(w, tensors, TensorRole::FfnGate), m_act.hb},
                                         {weight(w, tensors, TensorRole::FfnUp), m_act.hb2}};
    kernels::matmulFused(gateUp, ffnIn, threads);
    kernels::swiglu(m_act.hb, m_act.hb2, nTokens * ffn);
    kernels::matmul(weight(w, tensors, TensorRole::FfnDown), kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq),
                    m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void LlamaForward::head(const UnitView& w, std::size_t nTokens, std::size_t nOut, int threads)
{
    const std::size_t dim = m_hp.dim;
    const float* first = m_act.x + (nTokens - nOut) * dim;
    for (std::size_t t = 0; t < nOut; ++t)
        kernels::rmsNorm(first + t * dim, reinterpret_cast<const float*>(w.data[0]), m_act.xb + t * dim, dim,
                         m_hp.normEps);
    const auto& out = m_graph.head().output;
    kernels::matmul({out.type, w.data[1], static_cast<std::size_t>(out.rows()), static_cast<std::size_t>(out.cols())},
                    kernels::prepareInput(m_act.xb, nOut, dim, m_act.xq), m_act.logits, threads);
}

}  // namespace edgert
