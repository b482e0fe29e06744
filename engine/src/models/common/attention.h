// Causal scaled dot-product attention over a layer's KV cache, shared by every architecture,
// with the two variations some of them need: a sliding window (Gemma 2 on alternate layers,
// Phi-3) and soft-capped scores (Gemma 2).
#pragma once

#include <cstddef>

namespace edgert {

/// Sizes and options of causal attention over one layer's cache.
struct AttentionDims {
    std::size_t nHeads;    ///< query heads
    std::size_t nKvHeads;  ///< key/value heads; nHeads / nKvHeads queries share one (GQA)
    std::size_t headDim;
    std::size_t nCtx;        ///< cache rows (positions) per layer; `att` holds nHeads × nCtx floats
    std::size_t window = 0;  ///< sliding window: a query at p sees keys p-window+1..p; 0 = all of 0..p
    float softcap = 0.0f;    ///< scores s -> softcap·tanh(s/softcap) before the softmax; 0 = none
    float scale = 0.0f;      ///< score scale; 0 = 1/sqrt(headDim)
};

/// Causal scaled dot-product attention (Vaswani et al. 2017) for nTokens queries at positions
/// pos0.. over cache positions first..pos (first = 0, or pos-window+1 with a window):
///   s[t, h, p]  = scale · q[t, h] · K[p, h/g]                       (scale = 1/sqrt(headDim))
///   s[t, h, p]  = cap · tanh(s[t, h, p] / cap)                       (when softcap > 0; Gemma 2)
///   out[t, h]   = Σ_p softmax_p(s[t, h, p]) V[p, h/g]
/// q, out (nTokens, nHeads·headDim); keys, values (nCtx, nKvHeads·headDim) of this layer; att is
/// scratch of nHeads × nCtx floats.
void causalAttention(const float* q, const float* keys, const float* values, float* out, float* att,
                     const AttentionDims& d, std::size_t nTokens, std::size_t pos0, int threads);

}  // namespace edgert
