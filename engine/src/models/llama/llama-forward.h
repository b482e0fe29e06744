// The Llama forward pass (Touvron et al. 2023), written to be read against the paper:
//   x   = embed(tokens)
//   per block l:  h = x + Wo · Attn(RoPE(Wq·RMSNorm(x)), RoPE(Wk·RMSNorm(x)), Wv·RMSNorm(x))
//                 x = h + W2 · (silu(W1·RMSNorm(h)) ⊙ W3·RMSNorm(h))        (SwiGLU FFN)
//   logits = Wout · RMSNorm(x_last)                (Wout = the token embedding when tied: SmolLM2)
// Attention is causal grouped-query attention (Ainslie et al. 2023) over the KV cache; RoPE uses
// GGUF's interleaved-pair layout, with Llama 3's per-frequency divisors θ_i / f_i when the model
// has them (rope_freqs.weight, or HF rope_scaling {rope_type: llama3}). A batch of nTokens
// consecutive positions is processed at once (prefill); decode is nTokens = 1.
#pragma once

#include "edgert/model-graph.h"
#include "models/common/model-forward.h"
#include "models/common/rope.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

class LlamaForward final : public ModelForward {
public:
    LlamaForward(const ValidatedModelGraph& graph, const Activations& act, const KvCacheView& kv)
        : m_graph(graph), m_hp(graph.hparams()), m_rope(RopeParams::of(graph.hparams())), m_act(act), m_kv(kv)
    {
    }

    /// x (nTokens, dim) <- token_embd rows of `tokens` (positions enter through RoPE, not here).
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
