#include "models/gemma2/gemma2-forward.h"

#include "kernels/matmul.h"
#include "kernels/norm-gelu.h"
#include "kernels/ops.h"
#include "models/common/attention.h"
#include "models/common/decoder-ops.h"
#include "models/gemma2/gemma2-weights.h"
#include "models/gemma2/gemma2.h"

#include <cmath>

namespace edgert {

std::unique_ptr<ModelForward> makeGemma2Forward(const ValidatedModelGraph& graph, const Activations& act,
                                                const KvCacheView& kv)
{
    return std::make_unique<Gemma2Forward>(graph, act, kv);
}

void Gemma2Forward::embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t /*pos0*/)
{
    embedTokenRows(m_graph, m_act, tokens, nTokens);
    const float scale = std::sqrt(static_cast<float>(m_hp.dim));
    for (std::size_t i = 0; i < nTokens * m_hp.dim; ++i) m_act.x[i] *= scale;
}

void Gemma2Forward::block(const UnitView& unit, std::size_t nTokens, std::uint32_t pos0, int threads)
{
    const auto& hp = m_hp;
    const auto w = Gemma2BlockWeights::bind(unit, m_graph.layers()[static_cast<std::size_t>(unit.layer)]);
    const std::size_t dim = hp.dim, qDim = hp.qDim(), kvDim = hp.kvDim(), ffn = hp.ffnDim;
    const LayerCache cache = layerCache(m_kv, unit.layer, kvDim);

    // --- attention: h = x + RMSNorm(Wo · Attn(RoPE(Wq·n), RoPE(Wk·n), Wv·n)), n = RMSNorm(x) ---
    rmsNormRows(m_act.x, w.attnNorm, m_act.xb, nTokens, dim, hp.normEps);
    const auto normed = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob qkv[] = {{w.wq, m_act.q}, {w.wk, m_act.k}, {w.wv, m_act.v}};
    kernels::matmulFused(qkv, normed, threads);
    ropeAndStoreKv(m_act.q, m_act.k, m_act.v, nTokens, pos0, hp, m_rope, cache);
    AttentionDims dims{hp.nHeads, hp.nKvHeads, hp.headDim, m_kv.nCtx};
    dims.window = hp.slidingWindowOf(static_cast<std::uint32_t>(unit.layer));
    dims.softcap = hp.attnLogitSoftcap;
    dims.scale = hp.attentionScale;
    causalAttention(m_act.q, cache.keys, cache.values, m_act.xb2, m_act.att, dims, nTokens, pos0, threads);
    kernels::matmul(w.wo, kernels::prepareInput(m_act.xb2, nTokens, qDim, m_act.xq), m_act.xb, threads);
    rmsNormRows(m_act.xb, w.attnPostNorm, m_act.xb, nTokens, dim, hp.normEps);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);

    // --- feed-forward (GeGLU): x = h + RMSNorm(W_down · (GELU(W_gate·m) ⊙ W_up·m)), m = RMSNorm(h) ---
    rmsNormRows(m_act.x, w.ffnNorm, m_act.xb, nTokens, dim, hp.normEps);
    const auto ffnIn = kernels::prepareInput(m_act.xb, nTokens, dim, m_act.xq);
    const kernels::MatmulJob gateUp[] = {{w.wGate, m_act.hb}, {w.wUp, m_act.hb2}};
    kernels::matmulFused(gateUp, ffnIn, threads);
    geglu(m_act.hb, m_act.hb2, nTokens * ffn);
    kernels::matmul(w.wDown, kernels::prepareInput(m_act.hb, nTokens, ffn, m_act.xq), m_act.xb, threads);
    rmsNormRows(m_act.xb, w.ffnPostNorm, m_act.xb, nTokens, dim, hp.normEps);
    kernels::addInPlace(m_act.x, m_act.xb, nTokens * dim);
}

void Gemma2Forward::head(const UnitView& unit, std::size_t nTokens, std::size_t nOut, int threads)
{
    rmsNormHead(HeadWeights::bind(unit, m_graph), m_act, m_hp, nTokens, nOut, threads);
    softcapInPlace(m_act.logits, nOut * m_hp.vocabSize, m_hp.finalLogitSoftcap);
}

}  // namespace edgert
