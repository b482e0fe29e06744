#include "kernels/matmul.h"

#include "edgert/error.h"
#include "kernels/fp16.h"
#include "kernels/gemm-panels.h"
#include "kernels/kernel-table.h"
#include "kernels/parallel.h"
#include "kernels/q4_k-interleaved.h"
#include "kernels/quantize.h"
#include "tensor/quant-blocks.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace edgert::kernels {

namespace {

// Below this many multiply-adds one thread is faster than waking a team (measured on the
// tinystories-656k layers: 128x384 with one token runs faster single-threaded).
constexpr std::size_t kMinParallelMacs = std::size_t{1} << 16;
// Rows per task are a multiple of this (the SIMD row tile).
constexpr std::size_t kRowChunk = 16;
// Multiply-adds per task: large enough that claiming a task (one contended compare-and-swap,
// ~0.1 us) is noise, small enough that a task held by a preempted worker is short and 2-3
// threads balance (a decode task of 576-column Q8_0 rows is ~64 KiB of weights).
constexpr std::size_t kTaskMacs = std::size_t{1} << 16;

float dotF32(const float* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += w[i] * x[i];
    return sum;
}

template <typename Convert>
float dotConverted(const std::uint16_t* w, const float* x, std::size_t n, Convert convert)
{
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += convert(w[i]) * x[i];
    return sum;
}

float dotQ8_0(const BlockQ8_0* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t b = 0; b < n / kQK8_0; ++b) {
        float block = 0.0f;
        for (std::uint32_t i = 0; i < kQK8_0; ++i) block += static_cast<float>(w[b].qs[i]) * x[b * kQK8_0 + i];
        sum += fp16ToFp32(w[b].d) * block;
    }
    return sum;
}

float dotQ4_0(const BlockQ4_0* w, const float* x, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t b = 0; b < n / kQK4_0; ++b) {
        const float* xb = x + b * kQK4_0;
        float block = 0.0f;
        for (std::uint32_t j = 0; j < kQK4_0 / 2; ++j) {
            block += static_cast<float>((w[b].qs[j] & 0x0f) - 8) * xb[j];
            block += static_cast<float>((w[b].qs[j] >> 4) - 8) * xb[j + kQK4_0 / 2];
        }
        sum += fp16ToFp32(w[b].d) * block;
    }
    return sum;
}

// Reference dot of any block type: dequantise one block at a time (kernels/quantize.h) and
// multiply with the f32 activations.
float dotDequantised(TensorType type, const void* row, const float* x, std::size_t n)
{
    const auto traits = traitsOf(type);
    const auto* bytes = static_cast<const std::byte*>(row);
    float values[kQK_K];
    float sum = 0.0f;
    for (std::size_t b = 0; b < n / traits.blockElements; ++b) {
        dequantizeRow(type, bytes + b * traits.blockBytes, values, traits.blockElements);
        for (std::uint32_t i = 0; i < traits.blockElements; ++i) sum += values[i] * x[b * traits.blockElements + i];
    }
    return sum;
}

}  // namespace

float dotRowReference(TensorType type, const void* row, const float* x, std::size_t n)
{
    switch (type) {
        case TensorType::F32: return dotF32(static_cast<const float*>(row), x, n);
        case TensorType::F16: return dotConverted(static_cast<const std::uint16_t*>(row), x, n, fp16ToFp32);
        case TensorType::BF16: return dotConverted(static_cast<const std::uint16_t*>(row), x, n, bf16ToFp32);
        case TensorType::Q8_0: return dotQ8_0(static_cast<const BlockQ8_0*>(row), x, n);
        case TensorType::Q4_0: return dotQ4_0(static_cast<const BlockQ4_0*>(row), x, n);
        default:
            if (activationFormatOf(type) == ActivationFormat::None)
                throw FormatError("no matmul kernel for tensor type " + tensorTypeName(type));
            return dotDequantised(type, row, x, n);
    }
}

void matmulReference(const WeightView& w, const float* x, std::size_t nTokens, float* y)
{
    const std::size_t stride = rowBytes(w.type, w.cols);
    const auto* base = static_cast<const std::byte*>(w.data);
    std::vector<BlockQ4_0> row(w.layout == RowLayout::Q4_0x8 ? w.cols / kQK4_0 : 0);
    std::vector<BlockQ4_K> superRow(w.layout == RowLayout::Q4_Kx8 ? w.cols / kQK_K : 0);
    for (std::size_t r = 0; r < w.rows; ++r) {
        const void* data = base + r * stride;
        if (w.layout == RowLayout::Q4_0x8) {
            deinterleaveQ4_0Row(base, w.cols, r, row.data());
            data = row.data();
        } else if (w.layout == RowLayout::Q4_Kx8) {
            deinterleaveQ4_KRow(base, w.cols, r, superRow.data());
            data = superRow.data();
        }
        for (std::size_t t = 0; t < nTokens; ++t)
            y[t * w.rows + r] = dotRowReference(w.type, data, x + t * w.cols, w.cols);
    }
}

std::size_t preparedInputBytes(std::size_t nTokens, std::size_t cols)
{
    // Both formats, the Q8_K part counted even when cols % 256 != 0 so the size grows with cols
    // (a workspace sized for the widest input fits every narrower one).
    return nTokens * (cols / kActBlock) * sizeof(ActivationBlock) + nTokens * (cols / kQK_K) * sizeof(BlockQ8_K);
}

PreparedInput prepareInput(const float* x, std::size_t nTokens, std::size_t cols, void* workspace)
{
    PreparedInput in{x, nullptr, nullptr, nTokens, cols};
    if (!workspace || cols % kActBlock != 0) return in;
    const auto& k = activeKernels();
    auto* blocks = static_cast<ActivationBlock*>(workspace);
    for (std::size_t t = 0; t < nTokens; ++t)
        k.quantizeActivations(x + t * cols, blocks + t * (cols / kActBlock), cols);
    in.xq = blocks;
    if (cols % kQK_K == 0) {
        // Q8_K blocks follow the block-32 ones (40-byte blocks keep them 4-byte aligned).
        auto* superBlocks = reinterpret_cast<BlockQ8_K*>(blocks + nTokens * (cols / kActBlock));
        for (std::size_t t = 0; t < nTokens; ++t)
            k.quantizeActivationsQ8K(x + t * cols, superBlocks + t * (cols / kQK_K), cols);
        in.xk = superBlocks;
    }
    return in;
}

namespace {

void checkShapes(const WeightView& w, const PreparedInput& in)
{
    if (w.layout != RowLayout::File && interleavedLayoutOf(w.type, w.rows, w.cols) != w.layout)
        throw UsageError(std::string("matmul: a ") + (w.layout == RowLayout::Q4_0x8 ? "Q4_0x8" : "Q4_Kx8") +
                         " view must be " + (w.layout == RowLayout::Q4_0x8 ? "Q4_0" : "Q4_K") +
                         " with rows % 8 == 0 (" + tensorTypeName(w.type) + ", " + std::to_string(w.rows) + " rows)");
    if (in.cols != w.cols)
        throw UsageError("matmul: activations have " + std::to_string(in.cols) + " columns, weights " +
                         std::to_string(w.cols));
    switch (activationFormatOf(w.type)) {
        case ActivationFormat::Float: return;
        case ActivationFormat::Block32:
            if (!in.xq) throw UsageError("matmul: quantised weights need prepared (quantised) activations");
            return;
        case ActivationFormat::Q8K:
            if (!in.xk)
                throw UsageError("matmul: " + tensorTypeName(w.type) + " weights need prepared Q8_K activations (" +
                                 std::to_string(in.cols) + " columns, must be a multiple of 256)");
            return;
        case ActivationFormat::None: throw FormatError("no matmul kernel for tensor type " + tensorTypeName(w.type));
    }
}

// Rows [r0, r1) of one product with the active kernels.
void runRows(const KernelTable& k, const WeightView& w, const PreparedInput& in, float* y, std::size_t r0,
             std::size_t r1)
{
    const std::size_t stride = rowBytes(w.type, w.cols);
    if (w.layout == RowLayout::Q4_0x8) {
        // Same bits from the GEMM and the rows kernel (kernels/q4_0-interleaved.h).
        const QuantRowsKernel kernel = in.nTokens >= kGemmMinTokens && k.q4_0x8Gemm ? k.q4_0x8Gemm : k.q4_0x8;
        return kernel(w.data, stride, r0, r1, in.xq, in.nTokens, w.cols / kActBlock, y, w.rows);
    }
    if (w.layout == RowLayout::Q4_Kx8) {
        // Same bits from the GEMM and the rows kernel (kernels/q4_k-interleaved.h).
        const SuperRowsKernel kernel = in.nTokens >= kGemmMinTokens && k.q4_kx8Gemm ? k.q4_kx8Gemm : k.q4_kx8;
        return kernel(w.data, stride, r0, r1, in.xk, in.nTokens, w.cols / kQK_K, y, w.rows);
    }
    // Prompt batches: the panel GEMM (the choice depends on the batch only, never on the rows
    // or the thread, so every split of the rows gives the same bits).
    if (in.nTokens >= kGemmMinTokens) {
        if (const QuantRowsKernel gemm = k.blockGemm(w.type))
            return gemm(w.data, stride, r0, r1, in.xq, in.nTokens, w.cols / kActBlock, y, w.rows);
        if (const SuperRowsKernel gemm = k.superGemm(w.type))
            return gemm(w.data, stride, r0, r1, in.xk, in.nTokens, w.cols / kQK_K, y, w.rows);
    }
    if (const QuantRowsKernel kernel = k.blockRows(w.type))
        kernel(w.data, stride, r0, r1, in.xq, in.nTokens, w.cols / kActBlock, y, w.rows);
    else if (const SuperRowsKernel superKernel = k.superRows(w.type))
        superKernel(w.data, stride, r0, r1, in.xk, in.nTokens, w.cols / kQK_K, y, w.rows);
    else
        k.floatRows(w.type)(w.data, stride, r0, r1, in.x, in.nTokens, w.cols, y, w.rows);
}

}  // namespace

void matmul(const WeightView& w, const PreparedInput& in, float* y, int threads)
{
    const MatmulJob job{w, y};
    matmulFused(std::span(&job, 1), in, threads);
}

void matmulFused(std::span<const MatmulJob> jobs, const PreparedInput& in, int threads)
{
    const KernelTable& k = activeKernels();
    std::size_t macs = 0, totalRows = 0;
    for (const auto& j : jobs) {
        checkShapes(j.w, in);
        macs += j.w.rows * j.w.cols * in.nTokens;
        totalRows += j.w.rows;
    }
    if (threads <= 1 || macs < kMinParallelMacs) {
        for (const auto& j : jobs) runRows(k, j.w, in, j.y, 0, j.w.rows);
        return;
    }
    // Rows per task from the work per row, rounded up to the row tile, but at least 4 tasks per
    // thread so a late thread's share stays small.
    const std::size_t macsPerRow = std::max<std::size_t>(1, macs / totalRows);
    std::size_t taskRows = (kTaskMacs + macsPerRow - 1) / macsPerRow;
    taskRows = std::min(taskRows, totalRows / (4 * static_cast<std::size_t>(threads)));
    taskRows = std::max(kRowChunk, (taskRows + kRowChunk - 1) / kRowChunk * kRowChunk);
    std::size_t tasks = 0;
    for (const auto& j : jobs) tasks += (j.w.rows + taskRows - 1) / taskRows;
    // Task c -> (job, rows): the tasks of all jobs are one queue, claimed dynamically.
    parallelFor(tasks, threads, [&](std::size_t c) {
        for (const auto& j : jobs) {
            const std::size_t jobTasks = (j.w.rows + taskRows - 1) / taskRows;
            if (c < jobTasks) {
                const std::size_t r0 = c * taskRows;
                runRows(k, j.w, in, j.y, r0, std::min(j.w.rows, r0 + taskRows));
                return;
            }
            c -= jobTasks;
        }
    });
}

}  // namespace edgert::kernels
