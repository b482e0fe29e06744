// Micro-benchmarks of the matmul kernels at the shapes of real models, per kernel table.
// Reports bytes/s of weights streamed (the decode bound) and items/s = multiply-adds.
#include "edgert/tensor-type.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/q4_0-interleaved.h"
#include "kernels/q4_k-interleaved.h"
#include "kernels/quantize.h"
#include "tensor/quant-blocks.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using namespace edgert;
using namespace edgert::kernels;

namespace {

struct Problem {
    std::vector<std::byte> weights;
    std::vector<float> x;
    std::vector<ActivationBlock> xq;
    std::vector<BlockQ8_K> xk;
    std::vector<float> y;
    WeightView view;
    PreparedInput in;
};

Problem makeProblem(TensorType type, std::size_t rows, std::size_t cols, std::size_t tokens,
                    RowLayout layout = RowLayout::File)
{
    Problem p;
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.0f, 0.05f);
    std::vector<float> row(cols);
    const auto rb = rowBytes(type, cols);
    p.weights.resize(rows * rb);
    const bool hasQuantiser =
        type == TensorType::F32 || type == TensorType::F16 || type == TensorType::Q8_0 || type == TensorType::Q4_0;
    if (hasQuantiser) {
        for (std::size_t r = 0; r < rows; ++r) {
            for (auto& v : row) v = dist(rng);
            quantizeRow(type, row.data(), p.weights.data() + r * rb, cols);
        }
    } else {
        // The integer kernels' speed does not depend on the values: random block bytes.
        std::uniform_int_distribution<int> byte(0, 255);
        for (auto& v : p.weights) v = static_cast<std::byte>(byte(rng));
    }
    p.x.resize(tokens * cols);
    for (auto& v : p.x) v = dist(rng);
    p.xq.resize(tokens * cols / 32);
    p.xk.resize(tokens * cols / kQK_K);
    p.y.resize(tokens * rows);
    if (layout == RowLayout::Q4_0x8) interleaveQ4_0(p.weights.data(), rows, cols);
    if (layout == RowLayout::Q4_Kx8) interleaveQ4_K(p.weights.data(), rows, cols);
    p.view = {type, p.weights.data(), rows, cols, layout};
    return p;
}

// gemm: the table's prefill GEMM over packed panels (kernels/gemm-panels.h) instead of its rows
// kernel, packing included. Q4_0x8 / Q4_Kx8: Q4_0 / Q4_K repacked into 8-row groups
// (kernels/q4_0-interleaved.h, q4_k-interleaved.h), as the loader stores them, through the table's
// q4_0x8 / q4_kx8 rows kernel or its GEMM.
void runMatmul(benchmark::State& state, const KernelTable* table, TensorType type, bool gemm = false,
               RowLayout layout = RowLayout::File)
{
    const auto rows = static_cast<std::size_t>(state.range(0));
    const auto cols = static_cast<std::size_t>(state.range(1));
    const auto tokens = static_cast<std::size_t>(state.range(2));
    auto p = makeProblem(type, rows, cols, tokens, layout);
    const auto stride = rowBytes(type, cols);
    for (auto _ : state) {
        if (layout == RowLayout::Q4_0x8) {
            for (std::size_t t = 0; t < tokens; ++t)
                table->quantizeActivations(p.x.data() + t * cols, p.xq.data() + t * cols / 32, cols);
            (gemm ? table->q4_0x8Gemm : table->q4_0x8)(p.weights.data(), stride, 0, rows, p.xq.data(), tokens,
                                                       cols / 32, p.y.data(), rows);
        } else if (layout == RowLayout::Q4_Kx8) {
            for (std::size_t t = 0; t < tokens; ++t)
                table->quantizeActivationsQ8K(p.x.data() + t * cols, p.xk.data() + t * cols / kQK_K, cols);
            (gemm ? table->q4_kx8Gemm : table->q4_kx8)(p.weights.data(), stride, 0, rows, p.xk.data(), tokens,
                                                       cols / kQK_K, p.y.data(), rows);
        } else if (gemm && table->blockGemm(type)) {
            for (std::size_t t = 0; t < tokens; ++t)
                table->quantizeActivations(p.x.data() + t * cols, p.xq.data() + t * cols / 32, cols);
            table->blockGemm(type)(p.weights.data(), stride, 0, rows, p.xq.data(), tokens, cols / 32, p.y.data(), rows);
        } else if (gemm) {
            for (std::size_t t = 0; t < tokens; ++t)
                table->quantizeActivationsQ8K(p.x.data() + t * cols, p.xk.data() + t * cols / kQK_K, cols);
            table->superGemm(type)(p.weights.data(), stride, 0, rows, p.xk.data(), tokens, cols / kQK_K, p.y.data(),
                                   rows);
        } else if (const auto kernel = table->blockRows(type)) {
            for (std::size_t t = 0; t < tokens; ++t)
                table->quantizeActivations(p.x.data() + t * cols, p.xq.data() + t * cols / 32, cols);
            kernel(p.weights.data(), stride, 0, rows, p.xq.data(), tokens, cols / 32, p.y.data(), rows);
        } else if (const auto superKernel = table->superRows(type)) {
            for (std::size_t t = 0; t < tokens; ++t)
                table->quantizeActivationsQ8K(p.x.data() + t * cols, p.xk.data() + t * cols / kQK_K, cols);
            superKernel(p.weights.data(), stride, 0, rows, p.xk.data(), tokens, cols / kQK_K, p.y.data(), rows);
        } else {
            table->floatRows(type)(p.weights.data(), stride, 0, rows, p.x.data(), tokens, cols, p.y.data(), rows);
        }
        benchmark::DoNotOptimize(p.y.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.weights.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows * cols * tokens));
}

// One decode token through the matmuls of a tinyllama-1.1b-shaped model on the thread pool
// (kernels/parallel.h), as the Llama forward pass calls them per layer: fused Wq/Wk/Wv (2048 +
// 256 + 256) x 2048, Wo 2048 x 2048, fused W1/W3 2 x 5632 x 2048, W2 2048 x 5632, each with its
// activation quantisation; 22 layers of distinct weights (Q4_0: 555 MiB, out of every cache).
// Against the 1-thread row it shows what the split, the claims and the waits cost a 2-thread
// decode beyond the kernels (no norms or attention: those are not the pool's). Q4_0 and Q4_K
// are repacked into 8-row groups as the loader does (layouts Q4_0x8, Q4_Kx8), or kept in file layout.
void runDecodeLayers(benchmark::State& state, TensorType type, RowLayout layout)
{
    const int threads = static_cast<int>(state.range(0));
    constexpr std::size_t kLayers = 22, kDim = 2048, kKv = 256, kFfn = 5632;
    const std::size_t shapes[][2] = {{kDim, kDim}, {kKv, kDim},  {kKv, kDim}, {kDim, kDim},
                                     {kFfn, kDim}, {kFfn, kDim}, {kDim, kFfn}};
    // One quantised matrix's bytes, repeated into every weight (the speed does not depend on values).
    const Problem seed = makeProblem(type, kFfn, kDim, 1, layout);
    std::vector<std::vector<std::byte>> weights;
    std::vector<WeightView> views;
    for (std::size_t l = 0; l < kLayers; ++l)
        for (const auto& s : shapes) {
            auto& bytes = weights.emplace_back(rowBytes(type, s[1]) * s[0]);
            for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = seed.weights[i % seed.weights.size()];
            views.push_back({type, bytes.data(), s[0], s[1], layout});
        }
    std::vector<float> x(kFfn, 0.01f), q(kDim), k(kKv), v(kKv), o(kDim), g(kFfn), u(kFfn);
    std::vector<std::byte> workspace(preparedInputBytes(1, kFfn));
    for (auto _ : state) {
        for (std::size_t l = 0; l < kLayers; ++l) {
            const WeightView* w = views.data() + l * std::size(shapes);
            const auto normed = prepareInput(x.data(), 1, kDim, workspace.data());
            const MatmulJob qkv[] = {{w[0], q.data()}, {w[1], k.data()}, {w[2], v.data()}};
            matmulFused(qkv, normed, threads);
            matmul(w[3], prepareInput(q.data(), 1, kDim, workspace.data()), o.data(), threads);
            const auto ffnIn = prepareInput(o.data(), 1, kDim, workspace.data());
            const MatmulJob gateUp[] = {{w[4], g.data()}, {w[5], u.data()}};
            matmulFused(gateUp, ffnIn, threads);
            matmul(w[6], prepareInput(g.data(), 1, kFfn, workspace.data()), o.data(), threads);
        }
        benchmark::DoNotOptimize(o.data());
        benchmark::ClobberMemory();
    }
    std::size_t bytes = 0;
    for (const auto& w : weights) bytes += w.size();
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    state.counters["tokens/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The load-time repack of Q4_0 into 8-row groups (KernelTable::interleaveQ4_0x8) as the group
// loader's staged read runs it (runtime/weight-repack.h): the table's transpose of every 8-row
// group from a file-layout copy into a separate Q4_0x8 buffer. 256 x 5632 (2.5 MiB: source and
// destination cache-resident) and 5632 x 2048 (ffn_up, 6.2 MiB each).
void runRepack(benchmark::State& state, const KernelTable* table)
{
    const auto rows = static_cast<std::size_t>(state.range(0));
    const auto cols = static_cast<std::size_t>(state.range(1));
    const auto p = makeProblem(TensorType::Q4_0, rows, cols, 1, RowLayout::File);
    const std::size_t groupBytes = q4_0x8GroupBytes(cols), nBlocks = cols / kQK4_0;
    std::vector<std::byte> out(p.weights.size());
    for (auto _ : state) {
        for (std::size_t g = 0; g < rows / kInterleavedRows; ++g)
            table->interleaveQ4_0x8(reinterpret_cast<const BlockQ4_0*>(p.weights.data() + g * groupBytes), nBlocks,
                                    reinterpret_cast<BlockQ4_0x8*>(out.data() + g * groupBytes));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.weights.size()));
}

// The load-time repack of Q4_K into 8-row groups (KernelTable::interleaveQ4_Kx8) as the group
// loader's in-place path runs it (interleaveQ4_K): per group a copy into a one-group scratch, then the
// table's repack back into place; the shapes of runRepack (ffn_down's 256 rows, ffn_up).
void runRepackQ4K(benchmark::State& state, const KernelTable* table)
{
    const auto rows = static_cast<std::size_t>(state.range(0));
    const auto cols = static_cast<std::size_t>(state.range(1));
    auto p = makeProblem(TensorType::Q4_K, rows, cols, 1, RowLayout::File);
    const std::size_t groupBytes = q4_kx8GroupBytes(cols), nBlocks = cols / kQK_K;
    std::vector<std::byte> scratch(groupBytes);
    for (auto _ : state) {
        for (std::size_t g = 0; g < rows / kInterleavedRows; ++g) {
            std::byte* group = p.weights.data() + g * groupBytes;
            std::memcpy(scratch.data(), group, groupBytes);
            table->interleaveQ4_Kx8(reinterpret_cast<const BlockQ4_K*>(scratch.data()), nBlocks,
                                    reinterpret_cast<BlockQ4_Kx8*>(group));
        }
        benchmark::DoNotOptimize(p.weights.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.weights.size()));
}

void registerAll()
{
    for (const auto& [type, layout, name] : {std::tuple{TensorType::Q4_0, RowLayout::Q4_0x8, "Q4_0x8"},
                                             std::tuple{TensorType::Q4_0, RowLayout::File, "Q4_0"},
                                             std::tuple{TensorType::Q4_K, RowLayout::Q4_Kx8, "Q4_Kx8"},
                                             std::tuple{TensorType::Q4_K, RowLayout::File, "Q4_K"}})
        benchmark::RegisterBenchmark((std::string("decode-layers/tinyllama/") + name).c_str(),
                                     [type, layout](benchmark::State& s) { runDecodeLayers(s, type, layout); })
            ->ArgName("threads")
            ->Arg(1)
            ->Arg(2)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);

    // smollm2-135m FFN (1536 x 576), tinyllama FFN (5632 x 2048); decode (1 token) and prefill (32);
    // and matrices no cache holds (438000 x 576, 131072 x 2048 for the 256-value types): the
    // decode memory stream. Shapes whose row length is not a multiple of the type's block are skipped.
    const std::vector<std::vector<std::int64_t>> shapes{{1536, 576, 1},   {5632, 2048, 1},  {1536, 576, 32},
                                                        {5632, 2048, 32}, {438000, 576, 1}, {131072, 2048, 1}};
    using T = TensorType;
    for (const KernelTable* table : availableKernels())
        for (const auto type : {T::Q8_0, T::Q4_0, T::Q4_1, T::Q5_0, T::Q5_1, T::IQ4_NL, T::Q2_K, T::Q3_K, T::Q4_K,
                                T::Q5_K, T::Q6_K, T::IQ4_XS, T::F16}) {
            auto* b = benchmark::RegisterBenchmark(("matmul/" + tensorTypeName(type) + "/" + table->name).c_str(),
                                                   [table, type](benchmark::State& s) { runMatmul(s, table, type); });
            for (const auto& s : shapes)
                if (s[1] % traitsOf(type).blockElements == 0 &&
                    (s[0] < 131072 || (s[0] == 438000) == (traitsOf(type).blockElements != kQK_K)))
                    b->Args(s);
        }
    // Q4_0 repacked into 8-row groups (what the loader gives the forward pass).
    for (const KernelTable* table : availableKernels()) {
        auto* b = benchmark::RegisterBenchmark(
            (std::string("matmul/Q4_0x8/") + table->name).c_str(),
            [table](benchmark::State& s) { runMatmul(s, table, T::Q4_0, false, RowLayout::Q4_0x8); });
        for (const auto& s : shapes) b->Args(s);
    }
    for (const KernelTable* table : availableKernels())
        benchmark::RegisterBenchmark((std::string("repack/Q4_0x8/") + table->name).c_str(),
                                     [table](benchmark::State& s) { runRepack(s, table); })
            ->Args({256, 5632})
            ->Args({5632, 2048});
    for (const KernelTable* table : availableKernels())
        benchmark::RegisterBenchmark((std::string("repack/Q4_Kx8/") + table->name).c_str(),
                                     [table](benchmark::State& s) { runRepackQ4K(s, table); })
            ->Args({256, 5632})
            ->Args({5632, 2048});
    // Q4_K repacked into 8-row groups (rows % 8 == 0 and cols % 256 == 0 shapes only).
    for (const KernelTable* table : availableKernels()) {
        auto* b = benchmark::RegisterBenchmark(
            (std::string("matmul/Q4_Kx8/") + table->name).c_str(),
            [table](benchmark::State& s) { runMatmul(s, table, T::Q4_K, false, RowLayout::Q4_Kx8); });
        for (const auto& s : shapes)
            if (s[1] % kQK_K == 0) b->Args(s);
    }
    // Prefill GEMMs against the rows kernels above at prompt batches of 32 and 128 tokens.
    const std::vector<std::vector<std::int64_t>> prefill{
        {1536, 576, 32}, {1536, 576, 128}, {5632, 2048, 32}, {2048, 5632, 128}};
    for (const KernelTable* table : availableKernels())
        for (const auto type : {T::Q8_0, T::Q4_0, T::Q4_K}) {
            if (!table->blockGemm(type) && !table->superGemm(type)) continue;
            auto* b =
                benchmark::RegisterBenchmark(("gemm/" + tensorTypeName(type) + "/" + table->name).c_str(),
                                             [table, type](benchmark::State& s) { runMatmul(s, table, type, true); });
            for (const auto& s : prefill)
                if (s[1] % traitsOf(type).blockElements == 0) b->Args(s);
        }
    for (const KernelTable* table : availableKernels()) {
        if (!table->q4_0x8Gemm) continue;
        auto* b = benchmark::RegisterBenchmark(
            (std::string("gemm/Q4_0x8/") + table->name).c_str(),
            [table](benchmark::State& s) { runMatmul(s, table, T::Q4_0, true, RowLayout::Q4_0x8); });
        for (const auto& s : prefill) b->Args(s);
    }
    for (const KernelTable* table : availableKernels()) {
        if (!table->q4_kx8Gemm) continue;
        auto* b = benchmark::RegisterBenchmark(
            (std::string("gemm/Q4_Kx8/") + table->name).c_str(),
            [table](benchmark::State& s) { runMatmul(s, table, T::Q4_K, true, RowLayout::Q4_Kx8); });
        for (const auto& s : prefill)
            if (s[1] % kQK_K == 0) b->Args(s);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    registerAll();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
