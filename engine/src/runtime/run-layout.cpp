#include "runtime/run-layout.h"

#include "runtime/unit-layout.h"

#include "edgert/memory-pool.h"
#include "edgert/sampler.h"
#include "kernels/matmul.h"

#include <algorithm>

namespace edgert {

ScratchLayout ScratchLayout::compute(const HyperParams& hp, const RunShape& shape, const TensorRef& tokenEmbedding)
{
    ScratchLayout s;
    std::uint64_t at = 0;
    const auto take = [&](std::uint64_t bytes) {
        const auto off = at;
        at = alignUp(at + bytes);
        return off;
    };
    const std::uint64_t b = shape.nBatch, f = sizeof(float);
    s.x = take(b * hp.dim * f);
    s.xb = take(b * std::max(hp.dim, hp.qDim()) * f);
    s.xb2 = take(b * hp.qDim() * f);
    s.q = take(b * hp.qDim() * f);
    s.k = take(b * hp.kvDim() * f);
    s.v = take(b * hp.kvDim() * f);
    s.att = take(std::uint64_t{hp.nHeads} * shape.nCtx * f);
    s.hb = take(b * hp.ffnDim * f);
    s.hb2 = take(b * hp.ffnDim * f);
    s.logitRows = shape.allLogits ? shape.nBatch : 1;
    s.logits = take(std::uint64_t{s.logitRows} * hp.vocabSize * f);
    s.embedRow = take(rowBytes(tokenEmbedding.type, hp.dim));
    s.candidates = take(std::uint64_t{hp.vocabSize} * sizeof(TokenCandidate));
    const std::uint64_t widest = std::max({hp.dim, hp.qDim(), hp.ffnDim});
    s.xq = take(kernels::preparedInputBytes(b, widest));
    s.totalBytes = at;
    return s;
}

std::uint64_t kvCacheBytes(const HyperParams& hp, std::uint32_t nCtx)
{
    return 2ull * hp.nLayers * nCtx * hp.kvDim() * sizeof(float);
}

std::vector<UnitTensor> unitTensorsByRole(const ValidatedModelGraph& graph, int layer)
{
    std::vector<UnitTensor> out;
    if (layer < 0) {
        out.push_back({TensorRole::OutputNorm, &graph.head().outputNorm});
        out.push_back({TensorRole::Output, &graph.head().output});
        if (graph.head().outputNormBias)  // GPT-2's ln_f bias
            out.push_back({TensorRole::OutputNormBias, &*graph.head().outputNormBias});
        return out;
    }
    const auto& l = graph.layers()[static_cast<std::size_t>(layer)];
    for (std::size_t r = 0; r < kTensorRoleCount; ++r)
        if (l.byRole[r]) out.push_back({static_cast<TensorRole>(r), &*l.byRole[r]});
    return out;
}

std::vector<const TensorRef*> unitTensors(const ValidatedModelGraph& graph, int layer)
{
    std::vector<const TensorRef*> out;
    for (const auto& t : unitTensorsByRole(graph, layer)) out.push_back(t.ref);
    return out;
}

std::uint64_t unitWeightBytes(const ValidatedModelGraph& graph, int layer)
{
    return unitLayout(graph, layer).bytes;
}

PlanInput makePlanInput(const ValidatedModelGraph& graph, const RunShape& shape)
{
    const auto& hp = graph.hparams();
    PlanInput in;
    for (std::uint32_t l = 0; l <= hp.nLayers; ++l) {
        const int layer = l < hp.nLayers ? static_cast<int>(l) : -1;
        PlanUnit u;
        u.layer = layer;
        u.name = layer >= 0 ? "layer " + std::to_string(layer) : std::string("output head");
        u.weightBytes = unitWeightBytes(graph, layer);
        for (const auto* t : unitTensors(graph, layer)) u.tensorNames.push_back(t->name);
        in.units.push_back(std::move(u));
    }
    in.kvBytes = MemoryPool::footprintBytes(kvCacheBytes(hp, shape.nCtx));
    in.scratchBytes = MemoryPool::footprintBytes(ScratchLayout::compute(hp, shape, graph.tokenEmbedding()).totalBytes);
    return in;
}

}  // namespace edgert
