#include "models/common/decoder-ops.h"

#include "edgert/error.h"
#include "kernels/norm-gelu.h"
#include "kernels/ops.h"

#include <algorithm>
#include <cmath>

namespace edgert {

LayerCache layerCache(const KvCacheView& kv, int layer, std::size_t kvDim)
{
    const std::size_t offset = static_cast<std::size_t>(layer) * kv.nCtx * kvDim;
    return {kv.keys + offset, kv.values + offset};
}

void embedTokenRows(const ValidatedModelGraph& graph, const Activations& act, const std::int32_t* tokens,
                    std::size_t nTokens)
{
    const auto& hp = graph.hparams();
    for (std::size_t t = 0; t < nTokens; ++t) {
        const auto id = tokens[t];
        if (id < 0 || static_cast<std::uint32_t>(id) >= hp.vocabSize)
            throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary (" +
                             std::to_string(hp.vocabSize) + " tokens)");
        readEmbeddingRow(graph.tokenEmbedding(), static_cast<std::uint64_t>(id), hp.dim, act.embedRow,
                         act.x + t * hp.dim);
    }
}

void rmsNormRows(const float* x, const float* weight, float* out, std::size_t nTokens, std::size_t dim, float eps)
{
    for (std::size_t t = 0; t < nTokens; ++t) kernels::rmsNorm(x + t * dim, weight, out + t * dim, dim, eps);
}

void ropeAndStoreKv(float* q, float* k, const float* v, std::size_t nTokens, std::uint32_t pos0, const HyperParams& hp,
                    const RopeParams& rope, const LayerCache& cache)
{
    const std::size_t qDim = hp.qDim(), kvDim = hp.kvDim();
    for (std::size_t t = 0; t < nTokens; ++t) {
        const std::size_t pos = pos0 + t;
        applyRope(q + t * qDim, hp.nHeads, k + t * kvDim, hp.nKvHeads, rope, pos);
        std::copy_n(k + t * kvDim, kvDim, cache.keys + pos * kvDim);
        std::copy_n(v + t * kvDim, kvDim, cache.values + pos * kvDim);
    }
}

void geglu(float* gate, const float* up, std::size_t n)
{
    kernels::geluTanh(gate, n);
    for (std::size_t i = 0; i < n; ++i) gate[i] *= up[i];
}

void softcapInPlace(float* x, std::size_t n, float cap)
{
    if (cap <= 0.0f) return;
    for (std::size_t i = 0; i < n; ++i) x[i] = cap * std::tanh(x[i] / cap);
}

void rmsNormHead(const HeadWeights& w, const Activations& act, const HyperParams& hp, std::size_t nTokens,
                 std::size_t nOut, int threads)
{
    const std::size_t dim = hp.dim;
    const float* first = act.x + (nTokens - nOut) * dim;
    rmsNormRows(first, w.outputNorm, act.xb, nOut, dim, hp.normEps);
    kernels::matmul(w.output, kernels::prepareInput(act.xb, nOut, dim, act.xq), act.logits, threads);
}

}  // namespace edgert
