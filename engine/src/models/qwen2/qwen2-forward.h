// The Qwen2 forward pass (Qwen team 2024, "Qwen2 Technical Report"): Llama's block with biased
// Q, K, V projections and NeoX (rotate-half) RoPE:
//   x   = embed(tokens)
//   per block l:  n = RMSNorm(x)
//                 q = RoPE(Wq·n + bq),  k = RoPE(Wk·n + bk),  v = Wv·n + bv     (NeoX pairs (i, i+d/2))
//                 h = x + Wo · Attn(q, k, v)                                  (causal GQA)
//                 x = h + W2 · (silu(W1·RMSNorm(h)) ⊙ W3·RMSNorm(h))           (SwiGLU FFN)
//   logits = Wout · RMSNorm(x_last)                     (Wout = the token embedding when tied)
#pragma once

#include "edgert/model-graph.h"
#include "models/common/model-forward.h"
#include "models/common/rope.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

class Qwen2Forward final : public ModelForward {
public:
    Qwen2Forward(const ValidatedModelGraph& graph, const Activations& act, const KvCacheView& kv)
        : m_graph(graph), m_hp(graph.hparams()), m_rope(RopeParams::of(graph.hparams())), m_act(act), m_kv(kv)
    {
    }

    /// x (nTokens, dim) <- token_embd rows of `tokens`.
    void embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t pos0) override;
    void block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads) override;
    void head(const UnitView& w, std::size_t nTokens, std::size_t nOut, int threads) override;

private:
    const ValidatedModelGraph& m_graph;
    const HyperParams& m_hp;
    RopeParams m_rope;
    Activations m_act;
    KvCacheView m_kv;
};

}  // namespace edgert
