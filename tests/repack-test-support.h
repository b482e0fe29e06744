// The checks the suites of the interleaved row layouts share (tst_repack: Q4_0x8, tst_repack_q4k:
// Q4_Kx8; kernels/q4_0-interleaved.h, kernels/q4_k-interleaved.h): bit comparisons of float
// results; every kernel table's rows kernel and GEMM of a layout against the generic rows kernel;
// matmul on a repacked view against the thread count and the batch size; the loader's repack
// (runtime/weight-repack.h) against whole-matrix repacks on every unit of a kit model; and every
// strategy, budget and thread count giving the same logits on that model.
// Each check reports through QTest: a failed QVERIFY returns from the check, so a test calls it
// last (or looks at QTest::currentTestFailed() after it).
#pragma once

#include "edgert/inference-engine.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/q4_0-interleaved.h"
#include "kernels/q4_k-interleaved.h"
#include "runtime/model-readers.h"
#include "runtime/unit-layout.h"
#include "runtime/weight-repack.h"
#include "test-support.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

namespace edgert::test {

inline bool sameBits(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// Index of the first element whose bits differ, -1 when none does.
inline int firstDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return static_cast<int>(i);
    return a.size() == b.size() ? -1 : static_cast<int>(std::min(a.size(), b.size()));
}

/// The whole-matrix repack of `layout`, in place (rows × cols of the layout's type): the bytes the
/// loader's incremental repack must give. File layout: nothing to do.
inline void repackWhole(kernels::RowLayout layout, std::byte* data, std::size_t rows, std::size_t cols)
{
    switch (layout) {
        case kernels::RowLayout::File: return;
        case kernels::RowLayout::Q4_0x8: kernels::interleaveQ4_0(data, rows, cols); return;
        case kernels::RowLayout::Q4_Kx8: kernels::interleaveQ4_K(data, rows, cols); return;
    }
    QFAIL("repackWhole: a row layout this test support does not know");
}

/// The data rows of a kernel test: columns mode, rows, cols, tokens; one row per fill mode
/// (`modeNames`, `modes` of them) and shape (rows, cols, tokens), named "<mode>_<rows>x<cols>_t<tokens>".
inline void addModeShapeRows(const char* const* modeNames, int modes,
                             std::initializer_list<std::tuple<int, int, int>> shapes)
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("tokens");
    for (int mode = 0; mode < modes; ++mode)
        for (const auto& [rows, cols, tokens] : shapes)
            QTest::newRow(qPrintable(
                QStringLiteral("%1_%2x%3_t%4").arg(QLatin1String(modeNames[mode])).arg(rows).arg(cols).arg(tokens)))
                << mode << rows << cols << tokens;
}

/// The repacked kernel's `scalar` result against the file-layout rows kernel's `rowsRef` (both
/// T × R floats, token-major): the same exact integer dots, only the float accumulation order
/// differs, so every value is finite and within `relative` × sum |w|·|x| of the other, where
/// `magnitudeOf(t, r)` gives that sum for token t and row r.
template <typename Magnitude>
void checkWithinRoundingOfTheRowsKernel(const char* layoutName, const std::vector<float>& scalar,
                                        const std::vector<float>& rowsRef, std::size_t T, std::size_t R,
                                        double relative, Magnitude magnitudeOf)
{
    for (std::size_t t = 0; t < T; ++t)
        for (std::size_t r = 0; r < R; ++r) {
            const double m = magnitudeOf(t, r);
            const std::size_t i = t * R + r;
            QVERIFY2(std::isfinite(scalar[i]) && std::abs(scalar[i] - rowsRef[i]) <= relative * m,
                     qPrintable(QStringLiteral("%1 vs file-layout rows at %2: %3 vs %4 (sum |w||x| %5)")
                                    .arg(QLatin1String(layoutName))
                                    .arg(i)
                                    .arg(scalar[i])
                                    .arg(rowsRef[i])
                                    .arg(m)));
        }
}

/// Every table's `rowsKernel` and `gemmKernel` (KernelTable members of one layout, e.g.
/// &KernelTable::q4_0x8 and &KernelTable::q4_0x8Gemm) on the repacked `packed` (R rows of `rb`
/// bytes, `nb` blocks per row; `T` tokens of activations `x`) give `scalar`, the generic rows
/// kernel's result (T × R floats), bit for bit, also with the rows split at the first group
/// boundary as threads split them. On x86-64 and AArch64 every SIMD table this CPU runs has its
/// own rows kernel and GEMM of the layout.
template <typename Kernel, typename Activation>
void checkEveryTableGivesTheScalarBits(Kernel kernels::KernelTable::*rowsKernel,
                                       Kernel kernels::KernelTable::*gemmKernel, const char* layoutName,
                                       const std::vector<std::byte>& packed, std::size_t rb, std::size_t R,
                                       const std::vector<Activation>& x, std::size_t T, std::size_t nb,
                                       const std::vector<float>& scalar)
{
    const std::size_t cut = R > kernels::kInterleavedRows ? kernels::kInterleavedRows : R;
    int simdTables = 0;
    for (const kernels::KernelTable* k : kernels::availableKernels()) {
        for (const Kernel kernel : {k->*rowsKernel, k->*gemmKernel}) {
            if (!kernel) continue;
            std::vector<float> y(T * R, std::nanf(""));
            kernel(packed.data(), rb, 0, cut, x.data(), T, nb, y.data(), R);
            kernel(packed.data(), rb, cut, R, x.data(), T, nb, y.data(), R);
            QVERIFY2(sameBits(y, scalar), qPrintable(QStringLiteral("%1 %2 %3 vs generic differ at %4")
                                                         .arg(QLatin1String(k->name))
                                                         .arg(QLatin1String(layoutName))
                                                         .arg(kernel == k->*rowsKernel ? "rows" : "GEMM")
                                                         .arg(firstDifference(y, scalar))));
        }
        if (k != &kernels::genericKernels() && k->*rowsKernel != kernels::genericKernels().*rowsKernel) ++simdTables;
    }
#if defined(__x86_64__) || defined(__aarch64__)
    QCOMPARE(simdTables, static_cast<int>(kernels::availableKernels().size()) - 1);
    for (const kernels::KernelTable* k : kernels::availableKernels())
        if (k != &kernels::genericKernels())
            QVERIFY2(k->*gemmKernel, qPrintable(QStringLiteral("%1 has no %2 GEMM").arg(k->name, layoutName)));
#endif
}

/// matmul on the repacked `view` (its file-layout twin `file`: same type, rows and columns) with
/// the activations `x` (T × cols floats): the same bits at 1 and 2 threads, one token per call
/// (decode) and as one batch (the GEMM); matmulReference reads the repacked rows as the file
/// rows; a repacked view of 12 rows (not whole 8-row groups) is refused with UsageError. `batch`
/// gets the 1-thread batch result (T × rows floats) for the caller's own comparisons.
inline void checkMatmulOnRepackedView(const kernels::WeightView& view, const kernels::WeightView& file,
                                      const std::vector<float>& x, std::size_t T, std::vector<float>& batch)
{
    const std::size_t R = view.rows, C = view.cols;
    std::vector<std::byte> ws(kernels::preparedInputBytes(T, C)), ws1(kernels::preparedInputBytes(1, C));
    std::vector<float> batch2(T * R), single(T * R);
    batch.assign(T * R, 0.0f);
    const auto in = kernels::prepareInput(x.data(), T, C, ws.data());
    kernels::matmul(view, in, batch.data(), 1);
    kernels::matmul(view, in, batch2.data(), 2);
    QVERIFY2(sameBits(batch, batch2), "the batch at 1 and 2 threads differs");
    for (std::size_t t = 0; t < T; ++t) {
        const auto one = kernels::prepareInput(x.data() + t * C, 1, C, ws1.data());
        std::vector<float> y(R);
        kernels::matmul(view, one, y.data(), 2);
        std::copy(y.begin(), y.end(), single.begin() + static_cast<std::ptrdiff_t>(t * R));
    }
    QVERIFY2(sameBits(batch, single), "decode (one token per call) and the batch GEMM differ");
    std::vector<float> refPacked(T * R), refFile(T * R);
    kernels::matmulReference(view, x.data(), T, refPacked.data());
    kernels::matmulReference(file, x.data(), T, refFile.data());
    QVERIFY2(sameBits(refPacked, refFile), "matmulReference reads the repacked rows differently");
    QVERIFY_THROWS_EXCEPTION(UsageError,
                             kernels::matmul(kernels::WeightView{view.type, view.data, 12, C, view.layout},
                                             kernels::prepareInput(x.data(), 1, C, ws1.data()), batch2.data(), 1));
}

/// Every unit of the GGUF `model`, its spans read as the loader reads them: bytes arriving in odd
/// steps, each step repacked in place as it arrives (groups straddling the steps; the O_DIRECT path
/// repacks after each span), and spans read through a staging buffer of the loader's size and of
/// one group (the page-cache path), give the bytes of repacking each whole matrix once; tensors
/// kept in file layout are untouched. Fails when no matrix of the model has `layout` (the check
/// would prove nothing).
inline void checkRepackAsReadsProgress(const QString& model, kernels::RowLayout layout)
{
    EDGERT_REQUIRE_FILE(model);
    const auto graph = ModelGraph::openGguf(model.toStdString()).validate();
    const ModelReaders readers(graph, io::DirectReader::Mode::Buffered);
    int matrices = 0;
    for (int layer = -1; layer < static_cast<int>(graph.layers().size()); ++layer) {
        const UnitLayout unit = unitLayout(graph, layer);
        std::vector<std::byte> read(unit.bytes, std::byte{0xa5});
        for (const auto& span : unit.spans)
            readers.forFile(span.file).read(span.fileOffset, read.data() + span.offset, span.length);
        std::vector<std::byte> whole = read;
        for (const auto& t : unit.tensors) {
            const auto rows = static_cast<std::size_t>(t.ref->rows()), cols = static_cast<std::size_t>(t.ref->cols());
            const kernels::RowLayout l = kernels::interleavedLayoutOf(t.ref->type, rows, cols);
            if (!unit.transformed.empty() || l == kernels::RowLayout::File) continue;
            repackWhole(l, whole.data() + t.offset, rows, cols);
            matrices += l == layout;
        }
        for (const std::uint64_t step : {std::uint64_t{4099}, std::uint64_t{97}, std::uint64_t{65536}}) {
            // What has not arrived yet is garbage, so a group repacked before all of it was read
            // would show.
            std::vector<std::byte> stepwise(unit.bytes, std::byte{0xa5});
            UnitRepacker repacker(unit);
            std::vector<std::byte> scratch(repacker.scratchBytes());
            for (std::uint64_t done = 0; done < unit.bytes;) {
                const std::uint64_t end = std::min<std::uint64_t>(unit.bytes, done + step);
                std::memcpy(stepwise.data() + done, read.data() + done, end - done);
                repacker.repackUpTo(stepwise.data(), end, scratch.data());
                done = end;
            }
            QVERIFY2(stepwise == whole, qPrintable(QStringLiteral("unit %1, step %2").arg(layer).arg(step)));
        }
        for (const bool oneGroup : {false, true}) {
            std::vector<std::byte> staged(unit.bytes, std::byte{0xa5});
            UnitRepacker repacker(unit);
            std::vector<std::byte> staging(oneGroup ? repacker.scratchBytes() : repacker.stagingBytes());
            for (const auto& span : unit.spans)
                repacker.readSpanStaged(span, readers.forFile(span.file), staged.data(), staging);
            std::vector<std::byte> scratch(repacker.scratchBytes());
            repacker.repackUpTo(staged.data(), unit.bytes, scratch.data());  // as the loader ends a unit
            QVERIFY2(
                staged == whole,
                qPrintable(QStringLiteral("unit %1, staged%2").arg(layer).arg(oneGroup ? ", one group per read" : "")));
        }
    }
    QVERIFY2(matrices > 0,
             qPrintable(model + QStringLiteral(": no matrix in the checked layout; the check would prove nothing")));
}

/// The GGUF `model` through the engine: every strategy at its full and minimum budget (pinned
/// groups repacked once, streamed groups on every load), 1 and 2 threads, the `prompt` as one
/// batch then each of `next` as a single-token decode pass: every run's logits equal the first
/// run's, bit for bit. Fails when no matrix has `layout` or no run streams a group.
inline void checkSameLogitsEverywhere(const QString& model, kernels::RowLayout layout,
                                      const std::vector<TokenId>& prompt, const std::vector<TokenId>& next)
{
    EDGERT_REQUIRE_FILE(model);
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
    int repacked = 0;
    for (const auto& l : graph->layers())
        for (const auto& t : l.byRole)
            if (t && kernels::interleavedLayoutOf(t->type, static_cast<std::size_t>(t->rows()),
                                                  static_cast<std::size_t>(t->cols())) == layout)
                ++repacked;
    QVERIFY2(repacked > 0,
             qPrintable(model + QStringLiteral(": no matrix in the checked layout; the check would prove nothing")));
    const RunShape shape{32, 8};
    const auto input = makePlanInput(*graph, shape);
    std::vector<std::vector<float>> first;
    int runs = 0, streamedRuns = 0;
    for (const int threads : {1, 2})
        for (const auto& name : strategyNames()) {
            const auto strategy = makeStrategy(name);
            const auto minimum = strategy->minimumBudget(input);
            const auto full = strategy->plan(input, 1ull << 40).plannedPeakBytes();
            for (const auto budget : {full, minimum}) {
                auto engine = IdleEngine(graph, EngineOptions{threads, false}).plan(*strategy, budget, shape).prepare();
                std::vector<std::vector<float>> logits;
                const auto l0 = engine.evaluate(prompt);
                logits.emplace_back(l0.begin(), l0.end());
                for (const TokenId id : next) {
                    const auto l = engine.evaluate(std::span(&id, 1));
                    logits.emplace_back(l.begin(), l.end());
                }
                if (first.empty()) first = logits;
                for (std::size_t p = 0; p < logits.size(); ++p)
                    QVERIFY2(sameBits(logits[p], first[p]),
                             qPrintable(QStringLiteral("%1 at %2 bytes, %3 threads: pass %4 differs at logit %5")
                                            .arg(QString::fromStdString(name))
                                            .arg(budget)
                                            .arg(threads)
                                            .arg(p)
                                            .arg(firstDifference(logits[p], first[p]))));
                if (!engine.plan().allPinned()) ++streamedRuns;
                ++runs;
            }
        }
    QVERIFY(streamedRuns > 0);
    qInfo("%d runs, %d with streamed groups, %d repacked matrices", runs, streamedRuns, repacked);
}

}  // namespace edgert::test
