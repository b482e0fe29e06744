// The Gemma 2 block's weights, by name. Shapes are (rows, cols) of y = W·x; qDim = nHeads·headDim
// and kvDim = nKvHeads·headDim with headDim = attention.key_length (≠ dim / heads in general).
#pragma once

#include "models/common/unit-weights.h"

namespace edgert {

struct Gemma2BlockWeights {
    const float* attnNorm;      ///< attn_norm.weight            (dim)
    kernels::WeightView wq;     ///< attn_q.weight               (qDim, dim)
    kernels::WeightView wk;     ///< attn_k.weight               (kvDim, dim)
    kernels::WeightView wv;     ///< attn_v.weight               (kvDim, dim)
    kernels::WeightView wo;     ///< attn_output.weight          (dim, qDim)
    const float* attnPostNorm;  ///< post_attention_norm.weight  (dim)
    const float* ffnNorm;       ///< ffn_norm.weight             (dim)
    kernels::WeightView wGate;  ///< ffn_gate.weight             (ffnDim, dim)
    kernels::WeightView wUp;    ///< ffn_up.weight               (ffnDim, dim)
    kernels::WeightView wDown;  ///< ffn_down.weight             (dim, ffnDim)
    const float* ffnPostNorm;   ///< post_ffw_norm.weight        (dim)

    static Gemma2BlockWeights bind(const UnitView& u, const LayerTensors& t)
    {
        return {vectorOf(u, TensorRole::AttnNorm),      matrixOf(u, t, TensorRole::AttnQ),
                matrixOf(u, t, TensorRole::AttnK),      matrixOf(u, t, TensorRole::AttnV),
                matrixOf(u, t, TensorRole::AttnOutput), vectorOf(u, TensorRole::AttnPostNorm),
                vectorOf(u, TensorRole::FfnNorm),       matrixOf(u, t, TensorRole::FfnGate),
                matrixOf(u, t, TensorRole::FfnUp),      matrixOf(u, t, TensorRole::FfnDown),
                vectorOf(u, TensorRole::FfnPostNorm)};
    }
};

}  // namespace edgert
