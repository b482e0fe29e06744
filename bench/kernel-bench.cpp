// Micro-benchmarks of the matmul kernels at the shapes of real models, per kernel table.
// Reports bytes/s of weights streamed (the decode bound) and items/s = multiply-adds.
#include "edgert/tensor-type.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/quantize.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <vector>

using namespace edgert;
using namespace edgert::kernels;

namespace {

struct Problem {
    std::vector<std::byte> weights;
    std::vector<float> x;
    std::vector<ActivationBlock> xq;
    std::vector<float> y;
    WeightView view;
    PreparedInput in;
};

Problem makeProblem(TensorType type, std::size_t rows, std::size_t cols, std::size_t tokens)
{
    Problem p;
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.0f, 0.05f);
    std::vector<float> row(cols);
    const auto rb = rowBytes(type, cols);
    p.weights.resize(rows * rb);
    for (std::size_t r = 0; r < rows; ++r) {
        for (auto& v : row) v = dist(rng);
        quantizeRow(type, row.data(), p.weights.data() + r * rb, cols);
    }
    p.x.resize(tokens * cols);
    for (auto& v : p.x) v = dist(rng);
    p.xq.resize(tokens * cols / 32);
    p.y.resize(tokens * rows);
    p.view = {type, p.weights.data(), rows, cols};
    return p;
}

void runMatmul(benchmark::State& state, const KernelTable* table, TensorType type)
{
    const auto rows = static_cast<std::size_t>(state.range(0));
    const auto cols = static_cast<std::size_t>(state.range(1));
    const auto tokens = static_cast<std::size_t>(state.range(2));
    auto p = makeProblem(type, rows, cols, tokens);
    const auto stride = rowBytes(type, cols);
    for (auto _ : state) {
        if (type == TensorType::Q8_0 || type == TensorType::Q4_0) {
            for (std::size_t t = 0; t < tokens; ++t) table->quantizeActivations(p.x.data() + t * cols, p.xq.data() + t * cols / 32, cols);
            (type == TensorType::Q8_0 ? table->q8_0 : table->q4_0)(p.weights.data(), stride, 0, rows, p.xq.data(), tokens,
                                                                   cols / 32, p.y.data(), rows);
        } else {
            (type == TensorType::F16 ? table->f16 : table->f32)(p.weights.data(), stride, 0, rows, p.x.data(), tokens, cols,
                                                                p.y.data(), rows);
        }
        benchmark::DoNotOptimize(p.y.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.weights.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows * cols * tokens));
}

void registerAll()
{
    // smollm2-135m FFN (1536 x 576), tinyllama FFN (5632 x 2048); decode (1 token) and prefill (32);
    // and a 256 MiB matrix (438000 x 576) that no cache holds: the decode memory stream.
    const std::vector<std::vector<std::int64_t>> shapes{{1536, 576, 1},   {5632, 2048, 1},  {1536, 576, 32},
                                                        {5632, 2048, 32}, {438000, 576, 1}};
    for (const KernelTable* table : availableKernels())
        for (auto [type, name] : {std::pair{TensorType::Q8_0, "Q8_0"}, std::pair{TensorType::Q4_0, "Q4_0"},
                                  std::pair{TensorType::F16, "F16"}}) {
            auto* b = benchmark::RegisterBenchmark((std::string("matmul/") + name + "/" + table->name).c_str(),
                                                   [table, type = type](benchmark::State& s) { runMatmul(s, table, type); });
            for (const auto& s : shapes) b->Args(s);
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
