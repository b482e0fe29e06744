// The forward-pass interface the runtime drives, one implementation per architecture
// (models/<arch>/<arch>-forward, created through the table in models/architectures.cpp), and the
// pieces they share: the activation buffers, the KV cache view and embedding-row reads (attention
// over the cache: models/common/attention.h; RoPE: models/common/rope.h).
//
// The runtime calls, for every forward pass over nTokens consecutive positions pos0..:
//   embed(tokens, nTokens, pos0);  block(unit, ...) for each layer in order;  head(unit, ...)
// with each unit's weights in a loaded group buffer (UnitView). Implementations keep no state
// between calls besides the KV cache, so groups can be streamed between them.
#pragma once

#include "edgert/model-graph.h"
#include "runtime/group-loader.h"

#include <cstddef>
#include <cstdint>
#include <memory>

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

class ModelForward {
public:
    virtual ~ModelForward() = default;

    /// x (nTokens, dim) <- the input embedding of `tokens` at positions pos0.. (rows read from the
    /// file with pread). Throws UsageError for an id outside the vocabulary or a position outside
    /// the model's context.
    virtual void embed(const std::int32_t* tokens, std::size_t nTokens, std::uint32_t pos0) = 0;

    /// Runs block `w.layer` on x (nTokens, dim) at positions pos0.., writing K/V to the cache.
    virtual void block(const UnitView& w, std::size_t nTokens, std::uint32_t pos0, int threads) = 0;

    /// logits (nOut, vocab) <- head applied to the last nOut of the nTokens rows of x
    /// (nOut = 1 for generation, nOut = nTokens for teacher-forced scoring). 1 <= nOut <= nTokens;
    /// xb and xq must hold nOut rows (they hold nBatch).
    virtual void head(const UnitView& w, std::size_t nTokens, std::size_t nOut, int threads) = 0;
};

/// The forward pass of `graph`'s architecture (its ArchitectureEntry::makeForward).
std::unique_ptr<ModelForward> makeForward(const ValidatedModelGraph& graph, const Activations& act,
                                          const KvCacheView& kv);

/// out (dim,) <- row `row` of the embedding table `table` (rows of `dim` values of any supported
/// type), read with pread into `staging` (rowBytes bytes) and dequantised.
void readEmbeddingRow(const TensorRef& table, std::uint64_t row, std::size_t dim, std::byte* staging, float* out);

}  // namespace edgert
