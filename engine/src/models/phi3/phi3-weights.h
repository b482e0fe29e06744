// The Phi-3 block's weights, by name. Shapes are (rows, cols) of y = W·x; qDim = nHeads·headDim,
// kvDim = nKvHeads·headDim. The fused matrices are split into row ranges, not copied.
#pragma once

#include "models/common/unit-weights.h"

namespace edgert {

struct Phi3BlockWeights {
    const float* attnNorm;      ///< attn_norm.weight    (dim)
    kernels::WeightView wq;     ///< attn_qkv.weight rows [0, qDim)                 (qDim, dim)
    kernels::WeightView wk;     ///< attn_qkv.weight rows [qDim, qDim+kvDim)        (kvDim, dim)
    kernels::WeightView wv;     ///< attn_qkv.weight rows [qDim+kvDim, qDim+2kvDim) (kvDim, dim)
    kernels::WeightView wo;     ///< attn_output.weight  (dim, qDim)
    const float* ffnNorm;       ///< ffn_norm.weight     (dim)
    kernels::WeightView wGate;  ///< ffn_up.weight rows [0, ffnDim)                 (ffnDim, dim)
    kernels::WeightView wUp;    ///< ffn_up.weight rows [ffnDim, 2·ffnDim)           (ffnDim, dim)
    kernels::WeightView wDown;  ///< ffn_down.weight     (dim, ffnDim)

    static Phi3BlockWeights bind(const UnitView& u, const LayerTensors& t, const HyperParams& hp)
    {
        const auto qkv = matrixOf(u, t, TensorRole::AttnQkv);
        const auto gateUp = matrixOf(u, t, TensorRole::FfnUp);
        const std::size_t qDim = hp.qDim(), kvDim = hp.kvDim(), ffn = hp.ffnDim;
        return {vectorOf(u, TensorRole::AttnNorm),
                rowRange(qkv, 0, qDim),
                rowRange(qkv, qDim, kvDim),
                rowRange(qkv, qDim + kvDim, kvDim),
                matrixOf(u, t, TensorRole::AttnOutput),
                vectorOf(u, TensorRole::FfnNorm),
                rowRange(gateUp, 0, ffn),
                rowRange(gateUp, ffn, ffn),
                matrixOf(u, t, TensorRole::FfnDown)};
    }
};

}  // namespace edgert
