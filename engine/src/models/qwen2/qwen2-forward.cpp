#include "models/qwen2/qwen2-forward.h"

#include "kernels/matmul.h"
#include "kernels/norm-gelu.h"
#include "kernels/ops.h"
#include "models/common/attention.h"
#include "models/common/decoder-ops.h"
#include "models/qwen2/qwen2-weights.h"
#include "models/qwen2/qwen2.h"

namespace edgert {

std::unique_ptr<ModelForward> makeQwen2Forward(const ValidatedModelGraph& graph, const Activations& act,
                                               const KvCacheView& kv)
{
    return std::make_unique<Qwen2Forward>(graph, act, kv);
}

void Qwen2Forward::embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t /*pos0*/)
{
    embedTokenRows(m_graph, m_act, tokens, nTokens);
}

void Qwen2Forward::block(const UnitView& unit, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto w = Qwen2BlockWeights::bind(unit, m_graph.layers()[static_cast<std::size_t>(unit.layer)]);
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), ffn = hp.ffnDim;
    const LayerCache cache = layerCache(m_kv, unit.layer, kvDim);

    // --- attention: q, k, v = W·n + b, n = RMSNorm(x); h = x + Wo · Attn(RoPE(q), RoPE(k), v) ---
    rmsNormRows(m_act.x, w.attnNorm, m_act.xb, nTokens, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob qkv[] = {{w.wq, m_act.q}, {w.wk, m_act.k}, {w.wv, m_act.v}};
    kernels::matmulFused(qkv, normed, threads);
    kernels::addBias(m_act.q, w.bq, nTokens, qDim);
    kernels::addBias(m_act.k, w.bk, nTokens, kvDim);
    kernels::addBias(m_act.v, w.bv, nTokens, kvDim);
    ropeAndStoreKv(m_act.q, m_act.k, m_act.v, nTokens, pos0, hp, m_rope, cache);
    causalAttention(m_act.q, cache.keys, cache.values, m_act.xb2, m_act.att,
                    {hp.nHeads, hp.nKvHeads, hp.headDim, m_kv.nCtx}, nTokens, pos0, threads);
    kernels::matmul(w.wo, kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq), m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- feed-forward (SwiGLU): x = h + W2 · (silu(W1·n) ⊙ W3·n), n = RMSNorm(h) ---
    rmsNormRows(m_act.x, w.ffnNorm, m_act.xb, nTokens, dim, hp.normEps);
    const auto ffnIn = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob gateUp[] = {{w.w1, m_act.hb}, {w.w3, m_act.hb2}};
    kernels::matmulFused(gateUp, ffnIn, threads);
    kernels::swiglu(m_act.hb, m_act.hb2, nTokens * ffn);
    kernels::matmul(w.w2, kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq), m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void Qwen2Forward::head(const UnitView& unit, std::size_t nTokens, std::size_t nOut, int threads)
{
    rmsNormHead(HeadWeights::bind(unit, m_graph), m_act, m_hp, nTokens, nOut, threads);
}

}  // namespace edgert
