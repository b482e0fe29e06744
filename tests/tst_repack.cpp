// The Q4_0x8 layout (kernels/q4_0-interleaved.h): the in-place repack round-trips every row; the
// scalar q4_0x8 kernel gives the panel GEMM twin's bits on the file layout (so decode and prefill
// agree); every table's SIMD q4_0x8 rows kernel and GEMM give the scalar kernel's bits on random
// and adversarial blocks (max scales, subnormal scales, extreme quants against extreme
// activations); row splits and thread counts change no bit; and end to end on the real Q4_0 kit
// model, every strategy at the full and the minimum budget (resident and streamed groups, both
// repacked on load) and 1 or 2 threads gives the same logits, bit for bit. The load-time repack
// itself: every table's interleaveQ4_0x8 gives the scalar reference's bytes on odd shapes and
// misaligned sources, and the loader's repack (runtime/weight-repack.h: in place as reads progress,
// or staged) gives the bytes of repacking each whole matrix after the read.
#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "kernels/fp16.h"
#include "kernels/gemm-panels.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/q4_0-interleaved.h"
#include "kernels/quantize.h"
#include "runtime/model-readers.h"
#include "runtime/unit-layout.h"
#include "runtime/weight-repack.h"
#include "repack-test-support.h"
#include "test-support.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <random>
#include <tuple>
#include <vector>

using namespace edgert;
using namespace edgert::kernels;
using edgert::test::firstDifference;
using edgert::test::sameBits;

namespace {

// The repacked kernel against the file-layout rows kernel (q4_0Rows): the same exact integer dots,
// only the float accumulation differs (fused per-block multiply-add), relative to sum |w|·|x|.
constexpr double kInterleavedVsRowsRelative = 1e-5;

// How test blocks are filled: random nibbles with sane scales; every quant byte equal; every
// nibble 15 with the largest fp16 scale (against activation quants of -127 and 127: the int16
// pair sums at their bound); nibble 0 (q - 8 = -8); random nibbles with subnormal scales.
enum Mode { kRandom, kAllEqual, kMaxNibbles, kMinNibbles, kDenormalScales, kModes };
constexpr const char* kModeNames[] = {"random", "all-equal", "max-nibbles", "min-nibbles", "denormal-scales"};

std::vector<std::byte> makeWeights(Mode mode, std::size_t rows, std::size_t cols, std::mt19937& rng)
{
    std::vector<std::byte> w(rows * rowBytes(TensorType::Q4_0, cols));
    std::uniform_int_distribution<int> byte(0, 255), subnormal(1, 0x3ff);
    std::uniform_real_distribution<float> scale(-2e-2f, 2e-2f);
    const int fill = byte(rng);
    auto* blocks = reinterpret_cast<BlockQ4_0*>(w.data());
    for (std::size_t b = 0; b < w.size() / sizeof(BlockQ4_0); ++b) {
        for (auto& q : blocks[b].qs)
            q = static_cast<std::uint8_t>(mode == kAllEqual     ? fill
                                          : mode == kMaxNibbles ? 0xff
                                          : mode == kMinNibbles ? 0x00
                                                                : byte(rng));
        blocks[b].d = mode == kMaxNibbles || mode == kMinNibbles ? fp32ToFp16(65504.0f)
                      : mode == kDenormalScales                  ? static_cast<Fp16Bits>(subnormal(rng))
                                                                 : fp32ToFp16(scale(rng));
    }
    return w;
}

// nTokens rows of activation blocks: quantised random values, or for the extreme modes raw
// blocks of -127 and 127 quants, the ends of the quantiser's range (the GEMM's sign trick needs
// |q| <= 127): the decode kernels' int16 pair sums reach 8 * 2 * 15 * 127 = 30480.
std::vector<ActivationBlock> makeActivations(Mode mode, std::size_t nTokens, std::size_t cols, std::mt19937& rng)
{
    std::vector<ActivationBlock> xq(nTokens * cols / kActBlock);
    if (mode == kMaxNibbles || mode == kMinNibbles) {
        for (std::size_t b = 0; b < xq.size(); ++b) {
            xq[b].d = 1.0f / 127.0f;
            xq[b].s = 0.0f;
            for (std::size_t i = 0; i < kActBlock; ++i)
                xq[b].qs[i] = static_cast<std::int8_t>(b % 2 == 0 ? -127 : (i % 3 == 0 ? 127 : -127));
        }
        return xq;
    }
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> x(nTokens * cols);
    for (auto& v : x) v = mode == kAllEqual ? -0.75f : dist(rng);
    for (std::size_t t = 0; t < nTokens; ++t)
        quantizeActivationsReference(x.data() + t * cols, xq.data() + t * cols / kActBlock, cols);
    return xq;
}

}  // namespace

class TestRepack : public QObject {
    Q_OBJECT
private slots:
    void layoutIsChosenByTypeAndShape()
    {
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_0, 2048, 2048), RowLayout::Q4_0x8);
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_0, 8, 32), RowLayout::Q4_0x8);
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_0, 12, 2048), RowLayout::File);  // rows % 8 != 0
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_0, 1, 2048), RowLayout::File);   // a vector
        QCOMPARE(interleavedLayoutOf(TensorType::Q8_0, 2048, 2048), RowLayout::File);
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_K, 2048, 2048), RowLayout::Q4_Kx8);  // tst_repack_q4k
        std::vector<std::byte> odd(12 * rowBytes(TensorType::Q4_0, 64));
        QVERIFY_THROWS_EXCEPTION(UsageError, interleaveQ4_0(odd.data(), 12, 64));
    }

    void interleaveKernelsGiveTheReferenceBytes_data()
    {
        QTest::addColumn<int>("nBlocks");
        QTest::addColumn<int>("misalignBytes");  // source and destination this far past 64-byte alignment
        for (const int nBlocks : {1, 2, 3, 7, 31, 64, 176, 513})
            for (const int misalign : {0, 2, 18})
                QTest::newRow(qPrintable(QStringLiteral("%1-blocks_offset%2").arg(nBlocks).arg(misalign)))
                    << nBlocks << misalign;
    }

    void interleaveKernelsGiveTheReferenceBytes()
    {
        QFETCH(int, nBlocks);
        QFETCH(int, misalignBytes);
        const auto nb = static_cast<std::size_t>(nBlocks), cols = nb * kQK4_0;
        std::mt19937 rng(static_cast<unsigned>(nBlocks * 131 + misalignBytes));
        const std::vector<std::byte> file = makeWeights(kRandom, kInterleavedRows, cols, rng);
        const std::size_t bytes = file.size(), pad = 64;
        std::vector<std::byte> src(bytes + 2 * pad), expected(bytes + 2 * pad, std::byte{0x5a});
        std::memcpy(src.data() + pad + misalignBytes, file.data(), bytes);
        const auto* rows = reinterpret_cast<const BlockQ4_0*>(src.data() + pad + misalignBytes);
        interleaveQ4_0x8Reference(rows, nb, reinterpret_cast<BlockQ4_0x8*>(expected.data() + pad + misalignBytes));
        for (const KernelTable* table : availableKernels()) {
            std::vector<std::byte> out(bytes + 2 * pad, std::byte{0x5a});  // the guard bytes must survive
            table->interleaveQ4_0x8(rows, nb, reinterpret_cast<BlockQ4_0x8*>(out.data() + pad + misalignBytes));
            QVERIFY2(out == expected, table->name);
        }
        // The reference is the documented layout: row r of the group comes back out of it.
        std::vector<BlockQ4_0> row(nb);
        for (std::size_t r = 0; r < kInterleavedRows; ++r) {
            deinterleaveQ4_0Row(expected.data() + pad + misalignBytes, cols, r, row.data());
            QVERIFY(std::memcmp(row.data(), file.data() + r * nb * sizeof(BlockQ4_0), nb * sizeof(BlockQ4_0)) == 0);
        }
    }

    // Every unit of the real Q4_0 kit model, its spans read as the loader reads them: bytes arriving
    // in odd steps, each step repacked in place as it arrives (groups straddling the steps; the
    // O_DIRECT path repacks after each span), and spans read through a staging buffer (the
    // page-cache path), give the bytes of repacking each whole matrix once, and the tensors kept
    // in file layout are untouched.
    void repackAsReadsProgressGivesTheWholeMatrixBytes()
    {
        test::checkRepackAsReadsProgress(test::sharedModel("kit/real/tinystories-656k-Q4_0.gguf"), RowLayout::Q4_0x8);
    }

    void repackRoundTripsEveryRowInPlace()
    {
        std::mt19937 rng(7);
        constexpr std::size_t R = 24, C = 320;
        const auto file = makeWeights(kRandom, R, C, rng);
        auto packed = file;
        interleaveQ4_0(packed.data(), R, C);
        QVERIFY(packed != file);
        // Group g keeps the bytes of rows 8g..8g+7: the first group holds their scales first.
        const auto* g0 = reinterpret_cast<const BlockQ4_0x8*>(packed.data());
        const auto* rows = reinterpret_cast<const BlockQ4_0*>(file.data());
        for (std::size_t r = 0; r < kInterleavedRows; ++r) QCOMPARE(g0[0].d[r], rows[r * (C / 32)].d);
        std::vector<BlockQ4_0> row(C / 32);
        for (std::size_t r = 0; r < R; ++r) {
            deinterleaveQ4_0Row(packed.data(), C, r, row.data());
            QVERIFY2(std::memcmp(row.data(), file.data() + r * rowBytes(TensorType::Q4_0, C), row.size() * 18) == 0,
                     qPrintable(QStringLiteral("row %1 does not round-trip").arg(r)));
        }
    }

    void interleavedKernelsGiveTheScalarBits_data()
    {
        // One group and many; one block and an odd count; columns past one 64-block GEMM chunk
        // and past the AVX2 kernel's 512-block offset pass (16416 = 513 blocks); decode (1 token),
        // the 2-3 token tail and GEMM batches (4+).
        test::addModeShapeRows(
            kModeNames, kModes,
            {std::tuple{8, 32, 1}, std::tuple{16, 2048, 1}, std::tuple{64, 576, 2}, std::tuple{24, 5632, 3},
             std::tuple{16, 16416, 1}, std::tuple{8, 288, 4}, std::tuple{40, 2304, 5}, std::tuple{32, 4608, 9}});
    }
    // (1) generic q4_0x8 on the repacked matrix == q4_0GemmReference on the file layout, bit for
    // bit, and within float rounding of the file-layout rows kernel; (2) every table's q4_0x8
    // rows kernel and q4_0x8Gemm == generic q4_0x8, bit for bit, also with the rows split at a
    // group boundary as threads split them.
    void interleavedKernelsGiveTheScalarBits()
    {
        QFETCH(int, mode);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols),
                   T = static_cast<std::size_t>(tokens), nb = C / 32;
        std::mt19937 rng(static_cast<unsigned>(mode * 131 + rows * 7 + cols + tokens));
        const auto file = makeWeights(static_cast<Mode>(mode), R, C, rng);
        auto packed = file;
        interleaveQ4_0(packed.data(), R, C);
        const auto xq = makeActivations(static_cast<Mode>(mode), T, C, rng);
        const auto rb = rowBytes(TensorType::Q4_0, C);

        std::vector<float> scalar(T * R, std::nanf("")), twin(T * R, std::nanf("")), rowsRef(T * R);
        genericKernels().q4_0x8(packed.data(), rb, 0, R, xq.data(), T, nb, scalar.data(), R);
        q4_0GemmReference(file.data(), rb, 0, R, xq.data(), T, nb, twin.data(), R);
        QVERIFY2(
            sameBits(scalar, twin),
            qPrintable(
                QStringLiteral("generic q4_0x8 vs the GEMM twin differ at %1").arg(firstDifference(scalar, twin))));
        genericKernels().q4_0(file.data(), rb, 0, R, xq.data(), T, nb, rowsRef.data(), R);
        test::checkWithinRoundingOfTheRowsKernel(
            "q4_0x8", scalar, rowsRef, T, R, kInterleavedVsRowsRelative, [&](std::size_t t, std::size_t r) {
                const auto* row = reinterpret_cast<const BlockQ4_0*>(file.data() + r * rb);
                double m = 0;
                for (std::size_t b = 0; b < nb; ++b)
                    for (std::size_t i = 0; i < 32; ++i) {
                        const int q = i < 16 ? row[b].qs[i] & 0x0f : row[b].qs[i - 16] >> 4;
                        m += std::abs(static_cast<double>(fp16ToFp32(row[b].d)) * (q - 8) * xq[t * nb + b].d *
                                      xq[t * nb + b].qs[i]);
                    }
                return m;
            });
        if (QTest::currentTestFailed()) return;

        test::checkEveryTableGivesTheScalarBits(&KernelTable::q4_0x8, &KernelTable::q4_0x8Gemm, "q4_0x8", packed, rb, R,
                                                xq, T, nb, scalar);
    }

    // matmul on a Q4_0x8 view: the same bits at 1 and 2 threads, one token at a time (decode)
    // and as one batch (the GEMM), and matmulReference reads the repacked rows correctly.
    void matmulOnRepackedViewsIsThreadAndBatchInvariant()
    {
        std::mt19937 rng(11);
        constexpr std::size_t R = 256, C = 2048, T = 6;
        auto w = makeWeights(kRandom, R, C, rng);
        const auto file = w;
        interleaveQ4_0(w.data(), R, C);
        std::normal_distribution<float> dist(0.0f, 1.0f);
        std::vector<float> x(T * C);
        for (auto& v : x) v = dist(rng);
        std::vector<float> batch;
        test::checkMatmulOnRepackedView({TensorType::Q4_0, w.data(), R, C, RowLayout::Q4_0x8},
                                        {TensorType::Q4_0, file.data(), R, C}, x, T, batch);
    }

    // The real Q4_0 kit model through the engine: every strategy at its full and minimum budget
    // (pinned groups repacked once, streamed groups on every load), 1 and 2 threads, a prompt
    // batch then single-token decode passes: every run's logits equal the first run's bits.
    void everyStrategyBudgetAndThreadCountGivesTheSameLogits()
    {
        test::checkSameLogitsEverywhere(test::sharedModel("kit/real/tinystories-656k-Q4_0.gguf"), RowLayout::Q4_0x8,
                                        {1, 420, 31, 7, 1024, 99}, {5, 77, 300});
    }
};

QTEST_GUILESS_MAIN(TestRepack)
#include "tst_repack.moc"
