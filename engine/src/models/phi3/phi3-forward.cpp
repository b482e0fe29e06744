#include "models/phi3/phi3-forward.h"

#include "kernels/matmul.h"
#include "kernels/ops.h"
#include "models/common/attention.h"
#include "models/common/decoder-ops.h"
#include "models/phi3/phi3-weights.h"
#include "models/phi3/phi3.h"

namespace edgert {

std::unique_ptr<ModelForward> makePhi3Forward(const ValidatedModelGraph& graph, const Activations& act,
                                              const KvCacheView& kv)
{
    return std::make_unique<Phi3Forward>(graph, act, kv);
}

void Phi3Forward::embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t /*pos0*/)
{
    embedTokenRows(m_graph, m_act, tokens, nTokens);
}

void Phi3Forward::block(const UnitView& unit, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto w = Phi3BlockWeights::bind(unit, m_graph.layers()[static_cast<std::size_t>(unit.layer)], hp);
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), ffn = hp.ffnDim;
    const LayerCache cache = layerCache(m_kv, unit.layer, kvDim);

    // --- attention: [q; k; v] = W_qkv·n, n = RMSNorm(x); h = x + Wo · Attn(RoPE(q), RoPE(k), v) ---
    rmsNormRows(m_act.x, w.attnNorm, m_act.xb, nTokens, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob qkv[] = {{w.wq, m_act.q}, {w.wk, m_act.k}, {w.wv, m_act.v}};
    kernels::matmulFused(qkv, normed, threads);
    ropeAndStoreKv(m_act.q, m_act.k, m_act.v, nTokens, pos0, hp, m_rope, cache);
    AttentionDims dims{hp.nHeads, hp.nKvHeads, hp.headDim, m_kv.nCtx};
    dims.window = hp.slidingWindowOf(static_cast<std::uint32_t>(unit.layer));
    causalAttention(m_act.q, cache.keys, cache.values, m_act.xb2, m_act.att, dims, nTokens, pos0, threads);
    kernels::matmul(w.wo, kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq), m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- feed-forward: [g; u] = W_up · RMSNorm(h); x = h + W_down · (silu(g) ⊙ u) ---
    rmsNormRows(m_act.x, w.ffnNorm, m_act.xb, nTokens, dim, hp.normEps);
    const auto ffnIn = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob gateUp[] = {{w.wGate, m_act.hb}, {w.wUp, m_act.hb2}};
    kernels::matmulFused(gateUp, ffnIn, threads);
    kernels::swiglu(m_act.hb, m_act.hb2, nTokens * ffn);
    kernels::matmul(w.wDown, kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq), m_act.xb, threads);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void Phi3Forward::head(const UnitView& unit, std::size_t nTokens, std::size_t nOut, int threads)
{
    rmsNormHead(HeadWeights::bind(unit, m_graph), m_act, m_hp, nTokens, nOut, threads);
}

}  // namespace edgert
