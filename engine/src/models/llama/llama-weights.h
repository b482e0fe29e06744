// The Llama block's weights, by name, as the forward pass reads them. Shapes are (rows, cols) of
// y = W·x (GGUF stores ne0 = cols first); qDim = nHeads·headDim, kvDim = nKvHeads·headDim.
#pragma once

#include "models/common/unit-weights.h"

namespace edgert {

struct LlamaBlockWeights {
    const float* attnNorm;   ///< attn_norm.weight    (dim)
    kernels::WeightView wq;  ///< attn_q.weight       (qDim, dim)
    kernels::WeightView wk;  ///< attn_k.weight       (kvDim, dim)
    kernels::WeightView wv;  ///< attn_v.weight       (kvDim, dim)
    kernels::WeightView wo;  ///< attn_output.weight  (dim, qDim)
    const float* ffnNorm;    ///< ffn_norm.weight     (dim)
    kernels::WeightView w1;  ///< ffn_gate.weight     (ffnDim, dim)
    kernels::WeightView w3;  ///< ffn_up.weight       (ffnDim, dim)
    kernels::WeightView w2;  ///< ffn_down.weight     (dim, ffnDim)

    static LlamaBlockWeights bind(const UnitView& u, const LayerTensors& t)
    {
        return {vectorOf(u, TensorRole::AttnNorm),      matrixOf(u, t, TensorRole::AttnQ),
                matrixOf(u, t, TensorRole::AttnK),      matrixOf(u, t, TensorRole::AttnV),
                matrixOf(u, t, TensorRole::AttnOutput), vectorOf(u, TensorRole::FfnNorm),
                matrixOf(u, t, TensorRole::FfnGate),    matrixOf(u, t, TensorRole::FfnUp),
                matrixOf(u, t, TensorRole::FfnDown)};
    }
};

}  // namespace edgert
