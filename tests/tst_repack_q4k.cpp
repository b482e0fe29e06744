// The Q4_Kx8 layout (kernels/q4_k-interleaved.h): the in-place repack round-trips every row byte
// for byte (scales and mins included); the scalar q4_kx8 kernel gives the Q4_K panel GEMM twin's
// bits on the file layout (so decode and prefill agree) and stays within float rounding of the
// file-layout rows kernel; every table's SIMD q4_kx8 rows kernel and GEMM give the scalar
// kernel's bits on random and adversarial super-blocks (largest scales and mins with nibbles 15
// against activation quants of +-127: the int16 sums at their bound; subnormal fp16 scales); row
// splits, thread counts and the batch size change no bit; every table's load-time repack gives
// the reference's bytes; repacking as the loader's reads
// progress gives the whole-matrix bytes; and end to end on the kit's Q4_K_M
// Llama, every strategy at the full and the minimum budget (resident and streamed groups, both
// repacked on load) and 1 or 2 threads gives the same logits, bit for bit.
#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "kernels/fp16.h"
#include "kernels/gemm-panels.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/q4_k-interleaved.h"
#include "kernels/quant-decode.h"
#include "kernels/quantize.h"
#include "runtime/model-readers.h"
#include "runtime/unit-layout.h"
#include "runtime/weight-repack.h"
#include "repack-test-support.h"
#include "test-support.h"

#include <QTest>

#include <algorithm>
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

// The repacked kernel against the file-layout rows kernel (superRows<BlockQ4_K>): the same exact
// integer dots, only the float accumulation differs, relative to sum |w|·|x| of the row.
constexpr double kInterleavedVsRowsRelative = 1e-5;

// How test super-blocks are filled: random bytes (quants and the 12 scale bytes) with sane fp16
// scales; every byte equal; every quant and 6-bit scale and min at its maximum (nibble 15, 63)
// with the largest fp16 d and dmin, against activation quants of -127 and 127; nibble 0 with
// maximal scales; random bytes with subnormal fp16 scales.
enum Mode { kRandom, kAllEqual, kMaxValues, kMinNibbles, kDenormalScales, kModes };
constexpr const char* kModeNames[] = {"random", "all-equal", "max-values", "min-nibbles", "denormal-scales"};

std::vector<std::byte> makeWeights(Mode mode, std::size_t rows, std::size_t cols, std::mt19937& rng)
{
    std::vector<std::byte> w(rows * rowBytes(TensorType::Q4_K, cols));
    std::uniform_int_distribution<int> byte(0, 255), subnormal(1, 0x3ff);
    std::uniform_real_distribution<float> scale(-2e-2f, 2e-2f);
    const int fill = byte(rng);
    const bool extreme = mode == kMaxValues || mode == kMinNibbles;
    auto* blocks = reinterpret_cast<BlockQ4_K*>(w.data());
    for (std::size_t b = 0; b < w.size() / sizeof(BlockQ4_K); ++b) {
        for (auto& q : blocks[b].qs)
            q = static_cast<std::uint8_t>(mode == kAllEqual     ? fill
                                          : mode == kMaxValues  ? 0xff
                                          : mode == kMinNibbles ? 0x00
                                                                : byte(rng));
        for (auto& s : blocks[b].scales)
            s = static_cast<std::uint8_t>(mode == kAllEqual ? fill : extreme ? 0xff : byte(rng));
        for (Fp16Bits* d : {&blocks[b].d, &blocks[b].dmin})
            *d = extreme                   ? fp32ToFp16(65504.0f)
                 : mode == kDenormalScales ? static_cast<Fp16Bits>(subnormal(rng))
                                           : fp32ToFp16(scale(rng));
    }
    return w;
}

// nTokens rows of Q8_K blocks: quantised random values, or for the extreme modes raw blocks of
// -127 and 127 quants (the quantiser's range) with their true 16-value sums.
std::vector<BlockQ8_K> makeActivations(Mode mode, std::size_t nTokens, std::size_t cols, std::mt19937& rng)
{
    std::vector<BlockQ8_K> xk(nTokens * cols / kQK_K);
    if (mode == kMaxValues || mode == kMinNibbles) {
        for (std::size_t b = 0; b < xk.size(); ++b) {
            xk[b].d = 1.0f / 127.0f;
            for (std::size_t i = 0; i < kQK_K; ++i)
                xk[b].qs[i] = static_cast<std::int8_t>(b % 2 == 0 ? 127 : (i % 3 == 0 ? -127 : 127));
            for (std::size_t g = 0; g < kQK_K / 16; ++g) {
                int sum = 0;
                for (std::size_t i = 0; i < 16; ++i) sum += xk[b].qs[16 * g + i];
                xk[b].bsums[g] = static_cast<std::int16_t>(sum);
            }
        }
        return xk;
    }
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> x(nTokens * cols);
    for (auto& v : x) v = mode == kAllEqual ? -0.75f : dist(rng);
    for (std::size_t t = 0; t < nTokens; ++t)
        quantizeActivationsQ8KReference(x.data() + t * cols, xk.data() + t * cols / kQK_K, cols);
    return xk;
}

// sum over the row's values of |w| * |x| (the scale of its rounding error).
double magnitude(const BlockQ4_K* row, const BlockQ8_K* x, std::size_t nBlocks)
{
    double m = 0;
    for (std::size_t b = 0; b < nBlocks; ++b) {
        const double d = fp16ToFp32(row[b].d), dmin = fp16ToFp32(row[b].dmin);
        for (std::size_t i = 0; i < kQK_K; ++i) {
            int sc = 0, mn = 0;
            kScaleMin(row[b].scales, static_cast<int>(i / 32), sc, mn);
            const std::size_t c = i / 64, l = i % 32;
            const int q = (i % 64) < 32 ? row[b].qs[32 * c + l] & 0x0f : row[b].qs[32 * c + l] >> 4;
            m += (std::abs(d * sc * q) + std::abs(dmin * mn)) * std::abs(x[b].d * x[b].qs[i]);
        }
    }
    return m;
}

}  // namespace

class TestRepackQ4K : public QObject {
    Q_OBJECT
private slots:
    void layoutIsChosenByTypeAndShape()
    {
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_K, 2048, 2048), RowLayout::Q4_Kx8);
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_K, 8, 256), RowLayout::Q4_Kx8);
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_K, 12, 2048), RowLayout::File);  // rows % 8 != 0
        QCOMPARE(interleavedLayoutOf(TensorType::Q4_K, 1, 2048), RowLayout::File);
        QCOMPARE(interleavedLayoutOf(TensorType::Q5_K, 2048, 2048), RowLayout::File);
        QCOMPARE(interleavedLayoutOf(TensorType::Q6_K, 2048, 2048), RowLayout::File);
        std::vector<std::byte> odd(12 * rowBytes(TensorType::Q4_K, 256));
        QVERIFY_THROWS_EXCEPTION(UsageError, interleaveQ4_K(odd.data(), 12, 256));
    }

    // Every row reads back byte for byte, so the 12-byte scale encoding survives the 6-bit
    // re-arrangement whatever its bytes (random here, all 0xff in max-values).
    void repackRoundTripsEveryRowInPlace_data()
    {
        QTest::addColumn<int>("mode");
        for (int mode = 0; mode < kModes; ++mode) QTest::newRow(kModeNames[mode]) << mode;
    }
    void repackRoundTripsEveryRowInPlace()
    {
        QFETCH(int, mode);
        std::mt19937 rng(static_cast<unsigned>(7 + mode));
        constexpr std::size_t R = 24, C = 768;
        const auto file = makeWeights(static_cast<Mode>(mode), R, C, rng);
        auto packed = file;
        interleaveQ4_K(packed.data(), R, C);
        if (mode == kRandom) QVERIFY(packed != file);
        const auto* g0 = reinterpret_cast<const BlockQ4_Kx8*>(packed.data());
        const auto* rows = reinterpret_cast<const BlockQ4_K*>(file.data());
        for (std::size_t r = 0; r < kInterleavedRows; ++r) {
            QCOMPARE(g0[0].d[r], rows[r * (C / kQK_K)].d);
            QCOMPARE(g0[0].dmin[r], rows[r * (C / kQK_K)].dmin);
            for (std::size_t j = 0; j < 8; ++j) {
                int sc = 0, m = 0, sc8 = 0, m8 = 0;
                kScaleMin(rows[r * (C / kQK_K)].scales, static_cast<int>(j), sc, m);
                q4_kx8ScaleMin(g0[0], j, r, sc8, m8);
                QCOMPARE(sc8, sc);
                QCOMPARE(m8, m);
            }
        }
        std::vector<BlockQ4_K> row(C / kQK_K);
        for (std::size_t r = 0; r < R; ++r) {
            deinterleaveQ4_KRow(packed.data(), C, r, row.data());
            QVERIFY2(std::memcmp(row.data(), file.data() + r * rowBytes(TensorType::Q4_K, C),
                                 row.size() * sizeof(BlockQ4_K)) == 0,
                     qPrintable(QStringLiteral("row %1 does not round-trip").arg(r)));
        }
    }

    void interleaveKernelsGiveTheReferenceBytes_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("nBlocks");
        QTest::addColumn<int>("misalignBytes");  // source and destination this far past 64-byte alignment
        for (const int mode : {int{kRandom}, int{kMaxValues}})
            for (const int nBlocks : {1, 2, 3, 7, 22, 129})
                for (const int misalign : {0, 2, 18})
                    QTest::newRow(qPrintable(QStringLiteral("%1_%2-blocks_offset%3")
                                                 .arg(QLatin1String(kModeNames[mode]))
                                                 .arg(nBlocks)
                                                 .arg(misalign)))
                        << mode << nBlocks << misalign;
    }
    // Every table's load-time repack of one 8-row group gives the reference's bytes (and writes
    // nothing outside the group), and the reference is the documented layout.
    void interleaveKernelsGiveTheReferenceBytes()
    {
        QFETCH(int, mode);
        QFETCH(int, nBlocks);
        QFETCH(int, misalignBytes);
        const auto nb = static_cast<std::size_t>(nBlocks), cols = nb * kQK_K;
        std::mt19937 rng(static_cast<unsigned>(nBlocks * 131 + misalignBytes + mode));
        const std::vector<std::byte> file = makeWeights(static_cast<Mode>(mode), kInterleavedRows, cols, rng);
        const std::size_t bytes = file.size(), pad = 64;
        std::vector<std::byte> src(bytes + 2 * pad), expected(bytes + 2 * pad, std::byte{0x5a});
        std::memcpy(src.data() + pad + misalignBytes, file.data(), bytes);
        const auto* rows = reinterpret_cast<const BlockQ4_K*>(src.data() + pad + misalignBytes);
        interleaveQ4_Kx8Reference(rows, nb, reinterpret_cast<BlockQ4_Kx8*>(expected.data() + pad + misalignBytes));
        int simdTables = 0;
        for (const KernelTable* table : availableKernels()) {
            std::vector<std::byte> out(bytes + 2 * pad, std::byte{0x5a});  // the guard bytes must survive
            table->interleaveQ4_Kx8(rows, nb, reinterpret_cast<BlockQ4_Kx8*>(out.data() + pad + misalignBytes));
            QVERIFY2(out == expected, table->name);
            if (table->interleaveQ4_Kx8 != genericKernels().interleaveQ4_Kx8) ++simdTables;
        }
#if defined(__x86_64__)
        // The AVX2 tables have their own repack (the NEON ones use the reference for now).
        QCOMPARE(simdTables, static_cast<int>(availableKernels().size()) - 1);
#endif
        std::vector<BlockQ4_K> row(nb);
        for (std::size_t r = 0; r < kInterleavedRows; ++r) {
            deinterleaveQ4_KRow(expected.data() + pad + misalignBytes, cols, r, row.data());
            QVERIFY(std::memcmp(row.data(), file.data() + r * nb * sizeof(BlockQ4_K), nb * sizeof(BlockQ4_K)) == 0);
        }
    }

    // Every unit of the kit's Q4_K_M Llama, its spans read as the loader reads them: bytes arriving
    // in odd steps, each step repacked as it arrives (groups straddling the steps), give the bytes
    // of repacking each whole matrix once, and the tensors kept in file layout (Q6_K, norms) are
    // untouched.
    void repackAsReadsProgressGivesTheWholeMatrixBytes()
    {
        test::checkRepackAsReadsProgress(test::sharedModel("kit/kquant/kq-llama-d256-Q4_K_M.gguf"), RowLayout::Q4_Kx8);
    }

    void interleavedKernelsGiveTheScalarBits_data()
    {
        // One group and many; one super-block and several; columns past one 8-super-block GEMM
        // chunk and past the AVX2 kernel's 128-super-block pass (33024 = 129 super-blocks);
        // decode (1 token), the 2-3 token tail and GEMM batches (4+).
        test::addModeShapeRows(
            kModeNames, kModes,
            {std::tuple{8, 256, 1}, std::tuple{16, 2048, 1}, std::tuple{64, 768, 2}, std::tuple{24, 5632, 3},
             std::tuple{8, 33024, 1}, std::tuple{8, 512, 4}, std::tuple{40, 2304, 5}, std::tuple{32, 4608, 9}});
    }
    // (1) generic q4_kx8 on the repacked matrix == q4_kGemmReference on the file layout, bit for
    // bit, and within float rounding of the file-layout rows kernel; (2) every table's q4_kx8
    // rows kernel and q4_kx8Gemm == generic q4_kx8, bit for bit, also with the rows split at a
    // group boundary as threads split them.
    void interleavedKernelsGiveTheScalarBits()
    {
        QFETCH(int, mode);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols),
                   T = static_cast<std::size_t>(tokens), nb = C / kQK_K;
        std::mt19937 rng(static_cast<unsigned>(mode * 131 + rows * 7 + cols + tokens));
        const auto file = makeWeights(static_cast<Mode>(mode), R, C, rng);
        auto packed = file;
        interleaveQ4_K(packed.data(), R, C);
        const auto xk = makeActivations(static_cast<Mode>(mode), T, C, rng);
        const auto rb = rowBytes(TensorType::Q4_K, C);

        std::vector<float> scalar(T * R, std::nanf("")), twin(T * R, std::nanf("")), rowsRef(T * R);
        genericKernels().q4_kx8(packed.data(), rb, 0, R, xk.data(), T, nb, scalar.data(), R);
        q4_kGemmReference(file.data(), rb, 0, R, xk.data(), T, nb, twin.data(), R);
        QVERIFY2(
            sameBits(scalar, twin),
            qPrintable(
                QStringLiteral("generic q4_kx8 vs the GEMM twin differ at %1").arg(firstDifference(scalar, twin))));
        genericKernels().q4_k(file.data(), rb, 0, R, xk.data(), T, nb, rowsRef.data(), R);
        test::checkWithinRoundingOfTheRowsKernel(
            "q4_kx8", scalar, rowsRef, T, R, kInterleavedVsRowsRelative, [&](std::size_t t, std::size_t r) {
                return magnitude(reinterpret_cast<const BlockQ4_K*>(file.data() + r * rb), xk.data() + t * nb, nb);
            });
        if (QTest::currentTestFailed()) return;

        test::checkEveryTableGivesTheScalarBits(&KernelTable::q4_kx8, &KernelTable::q4_kx8Gemm, "q4_kx8", packed, rb, R,
                                                xk, T, nb, scalar);
    }

    // matmul on a Q4_Kx8 view: the same bits at 1 and 2 threads, one token at a time (decode)
    // and as one batch (the GEMM), and matmulReference reads the repacked rows correctly.
    void matmulOnRepackedViewsIsThreadAndBatchInvariant()
    {
        std::mt19937 rng(11);
        constexpr std::size_t R = 256, C = 2048, T = 6;
        auto w = makeWeights(kRandom, R, C, rng);
        const auto file = w;
        interleaveQ4_K(w.data(), R, C);
        std::normal_distribution<float> dist(0.0f, 1.0f);
        std::vector<float> x(T * C);
        for (auto& v : x) v = dist(rng);
        std::vector<float> batch;
        test::checkMatmulOnRepackedView({TensorType::Q4_K, w.data(), R, C, RowLayout::Q4_Kx8},
                                        {TensorType::Q4_K, file.data(), R, C}, x, T, batch);
        if (QTest::currentTestFailed()) return;
        // The file-layout GEMM of the same rows (the table's q4_kGemm, the same definition; the
        // generic table has none and runs its rows kernel there).
        if (activeKernels().q4_kGemm) {
            std::vector<std::byte> ws(preparedInputBytes(T, C));
            std::vector<float> fileBatch(T * R);
            matmul({TensorType::Q4_K, file.data(), R, C}, prepareInput(x.data(), T, C, ws.data()), fileBatch.data(), 1);
            QVERIFY2(sameBits(batch, fileBatch), "the repacked and the file-layout prompt batch differ");
        }
        std::vector<std::byte> ws1(preparedInputBytes(1, C));
        std::vector<float> y(R);
        QVERIFY_THROWS_EXCEPTION(UsageError, matmul(WeightView{TensorType::Q4_0, w.data(), R, C, RowLayout::Q4_Kx8},
                                                    prepareInput(x.data(), 1, C, ws1.data()), y.data(), 1));
    }

    // The kit's Q4_K_M Llama (Q4_K and Q6_K matrices) through the engine: every strategy at its
    // full and minimum budget (pinned groups repacked once, streamed groups on every load), 1 and
    // 2 threads, a prompt batch then single-token decode passes: every run's logits equal the
    // first run's bits.
    void everyStrategyBudgetAndThreadCountGivesTheSameLogits()
    {
        test::checkSameLogitsEverywhere(test::sharedModel("kit/kquant/kq-llama-d256-Q4_K_M.gguf"), RowLayout::Q4_Kx8,
                                        {1, 420, 31, 7, 204, 99}, {5, 77, 300});
    }
};

QTEST_GUILESS_MAIN(TestRepackQ4K)
#include "tst_repack_q4k.moc"
