// The Llama forward pass (Touvron et al. 2023), written to be read against the paper:
//   x   = embed(tokens)
//   per block l:  h = x + Wo · Attn(RoPE(Wq·RMSNorm(x)), RoPE(Wk·RMSNorm(x)), Wv·RMSNorm(x))
//                 x = h + W2 · (silu(W1·RMSNorm(h)) ⊙ W3·RMSNorm(h))        (SwiGLU FFN)
//   logits = Wout · RMSNorm(x_last)
// Attention is causal grouped-query attention (Ainslie et al. 2023) over the KV cache; RoPE uses
// GGUF's interleaved-pair layout. A batch of nTokens consecutive positions is processed at once
// (prefill); decode is nTokens = 1.
#pragma once

#include "edgert/model-graph.h"
#include "runtime/group-loader.h"
#include "runtime/run-layout.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

/// Activation pointers carved from the scratch buffer (see ScratchLayout).
struct Activations {
    float* x;
    float* xb;
    float* xb2;
    float* q;
    float* k;
    float* v;
    float* att;
    float* hb;
    float* hb2;
    float* logits;
    std::byte* embedRow;
    void* xq;  ///< workspace for quantised activations (kernels::preparedInputBytes)
};

/// KV cache views: K and V, (nLayers, nCtx, kvDim) f32 each.
struct KvCacheView {
    float* keys;
    float* values;
    std::uint32_t nCtx;
};

class LlamaForward {
public:
    LlamaForward(const ValidatedModelGraph& graph, const Activations& act, const KvCacheView& kv)
        : m_graph(graph), m_hp(graph.hparams()), m_act(act), m_kv(kv)
    {
    }

    /// x (nTokens, dim) <- token_embd rows of `tokens` (read from the file with pread).
    void embed(const std::int32_t* tokens, std::size_t nTokens);

    /// Runs block `w.layer` on x (nTokens, dim) at positions pos0.., writing K/V to the cache.
    void block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads);

    /// logits (vocab,) <- head applied to the last of the nTokens rows of x.
    void head(const UnitView& w, std::size_t nTokens, int threads);

private:
    const ValidatedModelGraph& m_graph;
    const HyperParams& m_hp;
    Activations m_act;
    KvCacheView m_kv;
};

}  // namespace edgert
