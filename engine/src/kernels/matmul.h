// Matrix products of a weight matrix (any supported storage type) with f32 activations.
#pragma once

#include "edgert/tensor-type.h"

#include <cstddef>

namespace edgert::kernels {

/// A row-major weight matrix W (rows, cols) as stored in GGUF: `rows` rows of `cols` values,
/// each row `rowBytes(type, cols)` bytes. GGUF dims are [cols, rows] (ne0 = cols).
struct WeightView {
    TensorType type;
    const void* data;
    std::size_t rows;
    std::size_t cols;
};

/// Scalar reference dot product of one stored row (n values of `type`) with f32 x (n,).
float dotRowReference(TensorType type, const void* row, const float* x, std::size_t n);

/// Y (T, rows) = X (T, cols) @ W^T, i.e. y[t][r] = sum_i W[r][i] * x[t][i].
/// X and Y are row-major f32 with leading dimensions cols and rows. Rows are split across
/// `threads` OpenMP threads. Scalar reference; the SIMD paths must match it.
void matmul(const WeightView& w, const float* x, std::size_t nTokens, float* y, int threads);

}  // namespace edgert::kernels
