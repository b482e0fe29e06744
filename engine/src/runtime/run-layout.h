// Byte layouts of the run buffers the forward pass needs, shared by the planner (to budget
// them) and the runtime (to carve them out of pool buffers). All arrays are f32 unless noted.
#pragma once

#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"

#include <cstddef>
#include <cstdint>

namespace edgert {

inline constexpr std::uint64_t kTensorAlignment = 64;  ///< alignment of tensors and arrays in buffers
inline std::uint64_t alignUp(std::uint64_t v, std::uint64_t a = kTensorAlignment)
{
    return (v + a - 1) / a * a;
}

/// Offsets (bytes) of the activation arrays inside the scratch buffer for a batch of nBatch tokens.
struct ScratchLayout {
    std::uint64_t x = 0;           ///< residual stream      (nBatch, dim)
    std::uint64_t xb = 0;          ///< normed input / output (nBatch, max(dim, qDim))
    std::uint64_t xb2 = 0;         ///< attention output     (nBatch, qDim)
    std::uint64_t q = 0;           ///< queries              (nBatch, qDim)
    std::uint64_t k = 0;           ///< keys                 (nBatch, kvDim)
    std::uint64_t v = 0;           ///< values               (nBatch, kvDim)
    std::uint64_t att = 0;         ///< attention scores     (nHeads, nCtx)
    std::uint64_t hb = 0;          ///< FFN gate             (nBatch, ffnDim)
    std::uint64_t hb2 = 0;         ///< FFN up               (nBatch, ffnDim)
    std::uint64_t logits = 0;      ///< logits (logitRows, vocab): last token, or every row
    std::uint64_t embedRow = 0;    ///< one raw token_embd row as stored (bytes)
    std::uint64_t candidates = 0;  ///< sampler workspace    (vocab,) TokenCandidate
    std::uint64_t xq = 0;          ///< 8-bit activation blocks for quantised matmuls (nBatch, max width)
    std::uint64_t totalBytes = 0;
    std::uint32_t logitRows = 1;  ///< nBatch when shape.allLogits, else 1

    static ScratchLayout compute(const HyperParams& hp, const RunShape& shape, const TensorRef& tokenEmbedding);
};

/// KV cache bytes: K and V, f32, (nLayers, nCtx, kvDim) each.
std::uint64_t kvCacheBytes(const HyperParams& hp, std::uint32_t nCtx);

/// One tensor of a unit and the role it plays (the slot of UnitView::data it is loaded into).
struct UnitTensor {
    TensorRole role;
    const TensorRef* ref;
};
/// The tensors of unit `layer` (-1 = the output head), in the order the runtime places them in a
/// group buffer: a block's present roles in role order; the head's norm, projection, norm bias.
std::vector<UnitTensor> unitTensorsByRole(const ValidatedModelGraph& graph, int layer);
std::vector<const TensorRef*> unitTensors(const ValidatedModelGraph& graph, int layer);
/// Bytes a unit's tensors occupy in a group buffer (unitLayout(graph, layer).bytes).
std::uint64_t unitWeightBytes(const ValidatedModelGraph& graph, int layer);

}  // namespace edgert
