// Matrix products of a weight matrix (any supported storage type) with activations.
//
// Fast path: prepareInput() quantises the activations once (32-value blocks for the block-32
// weight types, and Q8_K super-blocks for the K-quants / IQ4_XS when cols % 256 == 0) into a
// caller-provided workspace (leased from the memory pool), then matmul() runs the CPU's best
// kernel table (kernel-table.h), splitting rows across the thread pool (kernels/parallel.h).
// Prompt batches of kGemmMinTokens tokens or more take the table's panel GEMM where it has one
// (Q8_0, Q4_0, Q4_K: kernels/gemm-panels.h), one token the rows kernels. The same prepared input
// serves several weights (Wq, Wk, Wv share one).
#pragma once

#include "edgert/tensor-type.h"
#include "kernels/activation-quant.h"
#include "kernels/q4_0-interleaved.h"

#include <cstddef>
#include <span>

namespace edgert::kernels {

/// A row-major weight matrix W (rows, cols) as stored in GGUF: `rows` rows of `cols` values,
/// each row `rowBytes(type, cols)` bytes. GGUF dims are [cols, rows] (ne0 = cols). `layout`:
/// File (as stored), Q4_0x8 or Q4_Kx8 (Q4_0 / Q4_K repacked at load into 8-row groups in the
/// same bytes, kernels/q4_0-interleaved.h, kernels/q4_k-interleaved.h; rows % 8 == 0).
struct WeightView {
    TensorType type;
    const void* data;
    std::size_t rows;
    std::size_t cols;
    RowLayout layout = RowLayout::File;
};

/// Activations X (nTokens, cols) f32, plus their 8-bit blocks when quantised.
struct PreparedInput {
    const float* x = nullptr;
    const ActivationBlock* xq = nullptr;  ///< nTokens * cols/32 blocks, or null
    const BlockQ8_K* xk = nullptr;        ///< nTokens * cols/256 Q8_K blocks (cols % 256 == 0), or null
    std::size_t nTokens = 0;
    std::size_t cols = 0;
};

/// Workspace bytes prepareInput() needs for (nTokens, cols).
std::size_t preparedInputBytes(std::size_t nTokens, std::size_t cols);

/// Quantises X (nTokens, cols) into `workspace` (preparedInputBytes bytes) when cols % 32 == 0:
/// ActivationBlocks for every block-32 weight type, plus Q8_K blocks when cols % 256 == 0, so one
/// prepared input serves a layer mixing Q4_K, Q6_K and Q8_0 weights.
PreparedInput prepareInput(const float* x, std::size_t nTokens, std::size_t cols, void* workspace);

/// Y (nTokens, rows) = X @ W^T: y[t][r] = sum_i W[r][i] * x[t][i], with the active kernels.
/// Quantised weights use the quantised activations (error bounded by the 8-bit activation
/// quantisation: about 0.5% of |x|·|w| per block); float weights use f32 activations.
void matmul(const WeightView& w, const PreparedInput& in, float* y, int threads);

/// One product of a fused group: Y (nTokens, w.rows) = X @ W^T.
struct MatmulJob {
    WeightView w;
    float* y;
};

/// Several products of the same input in one parallel region (Wq·x, Wk·x, Wv·x; W1·x, W3·x):
/// rows of all jobs are split across the threads together, so a thin layer pays for waking the
/// thread team once instead of once per matrix. Same results as calling matmul() per job.
void matmulFused(std::span<const MatmulJob> jobs, const PreparedInput& in, int threads);

/// Scalar f32 reference: dequantised weights times f32 activations, no activation quantisation.
float dotRowReference(TensorType type, const void* row, const float* x, std::size_t n);
void matmulReference(const WeightView& w, const float* x, std::size_t nTokens, float* y);

/// Convenience for callers without a workspace (tests, small models): the reference product.
inline void matmul(const WeightView& w, const float* x, std::size_t nTokens, float* y, int /*threads*/)
{
    matmulReference(w, x, nTokens, y);
}

}  // namespace edgert::kernels
