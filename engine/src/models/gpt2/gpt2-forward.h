// The GPT-2 forward pass (Radford et al. 2019, "Language Models are Unsupervised Multitask
// Learners", §2.3: GPT-1's decoder with LayerNorm moved to each sub-block's input and after the
// last block), written to be read against the paper:
//   x   = W_te[tokens] + W_pe[positions]
//   per block:  a = LN_1(x);   q, k, v = W_qkv·a + b_qkv            (one fused projection)
//               x = x + W_o · Attn(q, k, v) + b_o                   (causal, all heads, no RoPE)
//               m = LN_2(x);   x = x + W_down · GELU(W_up·m + b_up) + b_down
//   logits = W_te · LN_f(x_last)                                     (tied LM head)
// LN has a weight and a bias (LayerNorm); GELU is the tanh approximation GPT-2 was trained with.
// The fused QKV weight is used as three row ranges (q, k, v rows are stacked), so no scratch
// holds the fused output.
#pragma once

#include "edgert/model-graph.h"
#include "models/common/model-forward.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

class Gpt2Forward final : public ModelForward {
public:
    Gpt2Forward(const ValidatedModelGraph& graph, const Activations& act, const KvCacheView& kv)
        : m_graph(graph), m_hp(graph.hparams()), m_act(act), m_kv(kv)
    {
    }

    /// x (nTokens, dim) <- wte rows of `tokens` + wpe rows of positions pos0...
    void embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t pos0) override;
    void block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads) override;
    void head(const UnitView& w, std::size_t nTokens, std::size_t nOut, int threads) override;

private:
    const ValidatedModelGraph& m_graph;
    const HyperParams& m_hp;
    Activations m_act;
    KvCacheView m_kv;
};

}  // namespace edgert
