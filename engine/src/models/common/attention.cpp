#include "models/common/attention.h"

#include "kernels/kernel-table.h"
#include "kernels/ops.h"
#include "kernels/parallel.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace edgert {

void causalAttention(const float* q, const float* keys, const float* values, float* out, float* att,
                     const AttentionDims& d, std::size_t nTokens, std::size_t pos0, int threads)
{
    const std::size_t hd = d.headDim, qDim = d.nHeads * hd, kvDim = d.nKvHeads * hd;
    const float scale = d.scale > 0.0f ? d.scale : 1.0f / std::sqrt(static_cast<float>(hd));
    const float cap = d.softcap;
    const std::size_t groupSize = d.nHeads / d.nKvHeads;  // query heads per KV head (GQA)
    // One task per query head, running every token of the batch in order (a head's `att` row is
    // its own scratch); a head's outputs do not depend on the thread running it.
    const bool parallel = threads > 1 && (pos0 + nTokens) * hd * nTokens > 4096;
    const kernels::KernelTable& k = kernels::activeKernels();
    kernels::parallelFor(d.nHeads, parallel ? threads : 1, [&](std::size_t h) {
        float* a = att + h * d.nCtx;
        const std::size_t kvHead = h / groupSize;
        for (std::size_t t = 0; t < nTokens; ++t) {
            const std::size_t pos = pos0 + t;
            // causal: positions first..pos, first = 0 or, with a sliding window, pos - window + 1
            const std::size_t first = d.window > 0 && pos + 1 > d.window ? pos + 1 - d.window : 0;
            const std::size_t nPos = pos + 1 - first;
            const float* qh = q + t * qDim + h * hd;
            k.attentionScores(qh, keys + first * kvDim + kvHead * hd, kvDim, nPos, hd, scale, a);
            if (cap > 0.0f)
                for (std::size_t p = 0; p < nPos; ++p) a[p] = cap * std::tanh(a[p] / cap);
            k.softmax(a, nPos);
            k.attentionValues(a, values + first * kvDim + kvHead * hd, kvDim, nPos, hd, out + t * qDim + h * hd);
        }
    });
}

}  // namespace edgert
