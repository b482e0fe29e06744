#include "models/model-forward.h"

#include "edgert/error.h"
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/quantize.h"
#include "models/gpt2-forward.h"
#include "models/llama-forward.h"

#include <algorithm>
#include <cmath>

namespace edgert {

std::unique_ptr<ModelForward> makeForward(const ValidatedModelGraph& graph, const Activations& act,
                                          const KvCacheView& kv)
{
    switch (graph.hparams().arch) {
        case Architecture::Llama: return std::make_unique<LlamaForward>(graph, act, kv);
        case Architecture::Gpt2: return std::make_unique<Gpt2Forward>(graph, act, kv);
    }
    throw UsageError(std::string("no forward pass for architecture ") + architectureName(graph.hparams().arch));
}

void readEmbeddingRow(const TensorRef& table, std::uint64_t row, std::size_t dim, std::byte* staging, float* out)
{
    const std::uint64_t bytes = rowBytes(table.type, dim);
    table.file->readAt(table.fileOffset + row * bytes, staging, static_cast<std::size_t>(bytes));
    kernels::dequantizeRow(table.type, staging, out, dim);
}

void causalAttention(const float* q, const float* keys, const float* values, float* out, float* att,
                     const AttentionDims& d, std::size_t nTokens, std::size_t pos0, int threads)
{
    const std::size_t hd = d.headDim, qDim = d.nHeads * hd, kvDim = d.nKvHeads * hd;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    const std::size_t groupSize = d.nHeads / d.nKvHeads;  // query heads per KV head (GQA)
    // One task per query head, running every token of the batch in order (a head's `att` row is
    // its own scratch); a head's outputs do not depend on the thread running it.
    const bool parallel = threads > 1 && (pos0 + nTokens) * hd * nTokens > 4096;
    kernels::parallelFor(d.nHeads, parallel ? threads : 1, [&](std::size_t h) {
        float* a = att + h * d.nCtx;
        const std::size_t kvHead = h / groupSize;
        for (std::size_t t = 0; t < nTokens; ++t) {
            const std::size_t nPos = pos0 + t + 1;  // causal: attend to positions 0..pos
            const float* qh = q + t * qDim + h * hd;
            for (std::size_t p = 0; p < nPos; ++p) {
                const float* k = keys + p * kvDim + kvHead * hd;
                float s = 0.0f;
                for (std::size_t i = 0; i < hd; ++i) s += qh[i] * k[i];
                a[p] = s * scale;
            }
            kernels::softmax(a, nPos);
            float* o = out + t * qDim + h * hd;
            std::fill_n(o, hd, 0.0f);
            for (std::size_t p = 0; p < nPos; ++p) {
                const float* v = values + p * kvDim + kvHead * hd;
                const float w = a[p];
                for (std::size_t i = 0; i < hd; ++i) o[i] += w * v[i];
            }
        }
    });
}

}  // namespace edgert
