// The Qwen2 block's weights, by name. Shapes are (rows, cols) of y = W·x; qDim = nHeads·headDim,
// kvDim = nKvHeads·headDim.
#pragma once

#include "models/common/unit-weights.h"

namespace edgert {

struct Qwen2BlockWeights {
    const float* attnNorm;   ///< attn_norm.weight    (dim)
    kernels::WeightView wq;  ///< attn_q.weight       (qDim, dim)
    const float* bq;         ///< attn_q.bias         (qDim)
    kernels::WeightView wk;  ///< attn_k.weight       (kvDim, dim)
    const float* bk;         ///< attn_k.bias         (kvDim)
    kernels::WeightView wv;  ///< attn_v.weight       (kvDim, dim)
    const float* bv;         ///< attn_v.bias         (kvDim)
    kernels::WeightView wo;  ///< attn_output.weight  (dim, qDim)
    const float* ffnNorm;    ///< ffn_norm.weight     (dim)
    kernels::WeightView w1;  ///< ffn_gate.weight     (ffnDim, dim)
    kernels::WeightView w3;  ///< ffn_up.weight       (ffnDim, dim)
    kernels::WeightView w2;  ///< ffn_down.weight     (dim, ffnDim)

    static Qwen2BlockWeights bind(const UnitView& u, const LayerTensors& t)
    {
        return {vectorOf(u, TensorRole::AttnNorm),  matrixOf(u, t, TensorRole::AttnQ),
                vectorOf(u, TensorRole::AttnQBias), matrixOf(u, t, TensorRole::AttnK),
                vectorOf(u, TensorRole::AttnKBias), matrixOf(u, t, TensorRole::AttnV),
                vectorOf(u, TensorRole::AttnVBias), matrixOf(u, t, TensorRole::AttnOutput),
                vectorOf(u, TensorRole::FfnNorm),   matrixOf(u, t, TensorRole::FfnGate),
                matrixOf(u, t, TensorRole::FfnUp),  matrixOf(u, t, TensorRole::FfnDown)};
    }
};

}  // namespace edgert
