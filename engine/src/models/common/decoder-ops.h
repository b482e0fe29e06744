// Steps every decoder-only forward pass repeats, named once: per-row norms, RoPE + KV-cache
// writes, and the output head. Each architecture composes them in its own block (see the
// equations at the top of models/<arch>/<arch>-forward.h).
#pragma once

#include "edgert/model-graph.h"
#include "models/common/model-forward.h"
#include "models/common/rope.h"
#include "models/common/unit-weights.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

/// One layer's slice of the KV cache: keys and values, (nCtx, kvDim) f32 each.
struct LayerCache {
    float* keys;
    float* values;
};
LayerCache layerCache(const KvCacheView& kv, int layer, std::size_t kvDim);

/// x (nTokens, dim) <- rows `tokens` of the token embedding, read with pread. Throws UsageError
/// for an id outside the vocabulary.
void embedTokenRows(const ValidatedModelGraph& graph, const Activations& act, const std::int32_t* tokens,
                    std::size_t nTokens);

/// out[t] <- RMSNorm(x[t]) ⊙ weight for the nTokens rows of `dim` floats (Zhang & Sennrich 2019).
void rmsNormRows(const float* x, const float* weight, float* out, std::size_t nTokens, std::size_t dim, float eps);

/// q (nTokens, nHeads·headDim) and k (nTokens, nKvHeads·headDim) rotated for positions pos0..;
/// then k and v (nTokens, kvDim) stored in the layer's cache rows pos0...
void ropeAndStoreKv(float* q, float* k, const float* v, std::size_t nTokens, std::uint32_t pos0, const HyperParams& hp,
                    const RopeParams& rope, const LayerCache& cache);

/// GeGLU gate (Shazeer 2020): gate[i] = GELU(gate[i]) · up[i], GELU in its tanh approximation.
void geglu(float* gate, const float* up, std::size_t n);

/// x[i] <- cap · tanh(x[i] / cap) (Gemma 2's soft-capping); nothing when cap is 0.
void softcapInPlace(float* x, std::size_t n, float cap);

/// logits (nOut, vocab) <- W_out · RMSNorm(x[t]) ⊙ g for the last nOut of the nTokens rows of x
/// (nOut = 1 for generation, nTokens for teacher-forced scoring).
void rmsNormHead(const HeadWeights& w, const Activations& act, const HyperParams& hp, std::size_t nTokens,
                 std::size_t nOut, int threads);

}  // namespace edgert
