// The Phi-3 forward pass (Abdin et al. 2024, "Phi-3 Technical Report"; llama.cpp's phi3 graph):
//   x   = embed(tokens)
//   per block l:  n = RMSNorm(x)
//                 [q; k; v] = W_qkv · n                                  (one fused projection)
//                 h = x + Wo · Attn(RoPE(q), RoPE(k), v)        (NeoX RoPE; causal GQA over keys
//                                                                 p-W+1..p with a sliding window W)
//                 [g; u] = W_up · RMSNorm(h)                              (fused gate/up)
//                 x = h + W_down · (silu(g) ⊙ u)                          (SwiGLU)
//   logits = W_out · RMSNorm(x_last)                                      (untied LM head)
#pragma once

#include "edgert/model-graph.h"
#include "models/common/model-forward.h"
#include "models/common/rope.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

class Phi3Forward final : public ModelForward {
public:
    Phi3Forward(const ValidatedModelGraph& graph, const Activations& act, const KvCacheView& kv)
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
