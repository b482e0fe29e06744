// The GPT-2 block's weights, by name, as the forward pass reads them. Shapes are (rows, cols) of
// y = W·x (HF Conv1D weights are transposed into this layout at load); qkvDim = 3·dim.
#pragma once

#include "models/common/unit-weights.h"

namespace edgert {

struct Gpt2BlockWeights {
    const float* ln1;           ///< attn_norm.weight    (dim)
    const float* ln1Bias;       ///< attn_norm.bias      (dim)
    kernels::WeightView wqkv;   ///< attn_qkv.weight     (qkvDim, dim): q, k, v rows stacked
    const float* bqkv;          ///< attn_qkv.bias       (qkvDim)
    kernels::WeightView wo;     ///< attn_output.weight  (dim, dim)
    const float* bo;            ///< attn_output.bias    (dim)
    const float* ln2;           ///< ffn_norm.weight     (dim)
    const float* ln2Bias;       ///< ffn_norm.bias       (dim)
    kernels::WeightView wUp;    ///< ffn_up.weight       (ffnDim, dim)
    const float* bUp;           ///< ffn_up.bias         (ffnDim)
    kernels::WeightView wDown;  ///< ffn_down.weight     (dim, ffnDim)
    const float* bDown;         ///< ffn_down.bias       (dim)

    static Gpt2BlockWeights bind(const UnitView& u, const LayerTensors& t)
    {
        return {vectorOf(u, TensorRole::AttnNorm),      vectorOf(u, TensorRole::AttnNormBias),
                matrixOf(u, t, TensorRole::AttnQkv),    vectorOf(u, TensorRole::AttnQkvBias),
                matrixOf(u, t, TensorRole::AttnOutput), vectorOf(u, TensorRole::AttnOutputBias),
                vectorOf(u, TensorRole::FfnNorm),       vectorOf(u, TensorRole::FfnNormBias),
                matrixOf(u, t, TensorRole::FfnUp),      vectorOf(u, TensorRole::FfnUpBias),
                matrixOf(u, t, TensorRole::FfnDown),    vectorOf(u, TensorRole::FfnDownBias)};
    }
};

}  // namespace edgert
