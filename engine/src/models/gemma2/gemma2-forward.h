// The Gemma 2 forward pass (Gemma Team 2024, "Gemma 2: Improving Open Language Models at a
// Practical Size", §2), as llama.cpp's gemma2 graph computes it:
//   x   = sqrt(dim) · embed(tokens)
//   per block l:  n = RMSNorm(x)
//                 q = RoPE(Wq·n), k = RoPE(Wk·n), v = Wv·n              (NeoX pairs, head size d_h)
//                 s = cap_a · tanh((q·k / sqrt(d_h)) / cap_a)             (attention soft-capping)
//                 a = softmax(s) v over keys p-W+1..p on even layers (sliding window W), 0..p on odd
//                 h = x + RMSNorm(Wo·a)                                  (post_attention_norm)
//                 x = h + RMSNorm(W_down · (GELU(W_gate·m) ⊙ W_up·m)),  m = RMSNorm(h)   (GeGLU, post_ffw_norm)
//   logits = cap_f · tanh((W_emb · RMSNorm(x_last)) / cap_f)               (final soft-capping, tied head)
// Every RMSNorm multiplies by its stored weight (the GGUF converter stored HF's 1 + w). GELU is
// the tanh approximation (HF gelu_pytorch_tanh).
#pragma once

#include "edgert/model-graph.h"
#include "models/common/model-forward.h"
#include "models/common/rope.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

class Gemma2Forward final : public ModelForward {
public:
    Gemma2Forward(const ValidatedModelGraph& graph, const Activations& act, const KvCacheView& kv)
        : m_graph(graph), m_hp(graph.hparams()), m_rope(RopeParams::of(graph.hparams())), m_act(act), m_kv(kv)
    {
    }

    /// x (nTokens, dim) <- sqrt(dim) · token_embd rows of `tokens`.
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
