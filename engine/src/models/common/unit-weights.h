// From a loaded unit (UnitView: role -> bytes in a group buffer) to the typed views a forward
// pass computes with. Each architecture names its weights in its own BlockWeights struct
// (models/<arch>/<arch>-weights.h) built with these; the output head is shared (HeadWeights).
#pragma once

#include "edgert/error.h"
#include "edgert/model-graph.h"
#include "kernels/matmul.h"
#include "runtime/group-loader.h"

#include <cstddef>
#include <string>

namespace edgert {

/// The matrix `role` of the unit as the matmul kernels take it: (rows, cols), y = W·x.
inline kernels::WeightView matrixOf(const UnitView& unit, const LayerTensors& tensors, TensorRole role)
{
    const TensorRef& t = tensors[role];
    const auto rows = static_cast<std::size_t>(t.rows()), cols = static_cast<std::size_t>(t.cols());
    return {t.type, unit.data[static_cast<std::size_t>(role)], rows, cols,
            kernels::interleavedLayoutOf(t.type, rows, cols)};
}

/// The F32 vector `role` of the unit (a norm weight or a bias); nullptr when the unit has none.
inline const float* vectorOf(const UnitView& unit, TensorRole role)
{
    return reinterpret_cast<const float*>(unit.data[static_cast<std::size_t>(role)]);
}

/// Rows [first, first + count) of a weight matrix, itself a weight matrix (the parts of a fused
/// projection: GPT-2's and Phi-3's attn_qkv, Phi-3's gate/up). A Q4_0x8 / Q4_Kx8 matrix's 8-row groups
/// stay whole when first and count are multiples of 8; otherwise FormatError (no such model).
inline kernels::WeightView rowRange(const kernels::WeightView& w, std::size_t first, std::size_t count)
{
    if (w.layout != kernels::RowLayout::File &&
        (first % kernels::kInterleavedRows != 0 || count % kernels::kInterleavedRows != 0))
        throw FormatError("a fused " + tensorTypeName(w.type) + " projection splits at row " + std::to_string(first) +
                          " (+" + std::to_string(count) + "), not a multiple of 8: unsupported");
    const auto* base = static_cast<const std::byte*>(w.data);
    return {w.type, base + first * rowBytes(w.type, w.cols), count, w.cols, w.layout};
}

/// The output head's weights, every architecture's.
struct HeadWeights {
    const float* outputNorm;      ///< output_norm.weight  (dim)
    const float* outputNormBias;  ///< output_norm.bias    (dim); GPT-2's LayerNorm only, else null
    kernels::WeightView output;   ///< output.weight       (vocab, dim); token_embd.weight when tied

    static HeadWeights bind(const UnitView& unit, const ValidatedModelGraph& graph)
    {
        const TensorRef& out = graph.head().output;
        const auto rows = static_cast<std::size_t>(out.rows()), cols = static_cast<std::size_t>(out.cols());
        return {vectorOf(unit, TensorRole::OutputNorm),
                vectorOf(unit, TensorRole::OutputNormBias),
                {out.type, unit.data[static_cast<std::size_t>(TensorRole::Output)], rows, cols,
                 kernels::interleavedLayoutOf(out.type, rows, cols)}};
    }
};

}  // namespace edgert
