// Every SIMD kernel table against the scalar reference table, and both against f32 math:
// quantised matmuls (Q8_0, Q4_0 weights with 8-bit activations), float matmuls (F32, F16, BF16),
// activation quantisation, and quantise/dequantise round trips — within named tolerances.
#include "kernels/fp16.h"
#include "kernels/gemm-panels.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/ops.h"
#include "kernels/quantize.h"
#include "tensor/quant-blocks.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>

using namespace edgert;
using namespace edgert::kernels;

namespace {
// SIMD and scalar integer dots are exact; only the float accumulation order differs.
constexpr double kSimdVsScalarRelative = 1e-5;
// Against exact f32 math, error comes from quantisation: relative to sum |w|·|x| per output.
constexpr double kQ8_0VsF32 = 0.01;
constexpr double kQ4_0VsF32 = 0.08;
constexpr double kF16VsF32 = 2e-3;
constexpr double kBF16VsF32 = 1.5e-2;

std::vector<float> randomVector(std::size_t n, std::mt19937& rng, float scale)
{
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

struct Case {
    TensorType type;
    std::size_t rows, cols, tokens;
};

// Integer dots are exact; the generic kernel differs from the exact double sum of dequantised
// weights x dequantised activations only by float rounding of the per-block scale products.
constexpr double kIntegerSchemeRelative = 1e-5;
// 8-bit activations (Q8_0-style blocks or Q8_K) against f32 activations: half a quant step of
// the block's max |x| per value, measured relative to sum |w|·|x| per output.
constexpr double kActivationQuantRelative = 0.02;

// Every quantised weight type with kernels.
constexpr TensorType kQuantTypes[] = {TensorType::Q8_0, TensorType::Q4_0,   TensorType::Q4_1, TensorType::Q5_0,
                                      TensorType::Q5_1, TensorType::IQ4_NL, TensorType::Q2_K, TensorType::Q3_K,
                                      TensorType::Q4_K, TensorType::Q5_K,   TensorType::Q6_K, TensorType::IQ4_XS};

// How raw test blocks are filled: random bits with sane fp16 scales; every quant byte equal;
// every byte 0xff (max sub-block scales, max quants) with large fp16 scales; random bits with
// subnormal fp16 scales.
enum BlockMode { kRandom, kAllEqual, kMaxScales, kDenormalScales, kBlockModes };
constexpr const char* kBlockModeNames[] = {"random", "all-equal", "max-scales", "denormal-scales"};

// The fp16 scale fields of a block (d first, then the min/offset scale where the type has one).
template <typename Block>
void setScales(Block& b, Fp16Bits d, Fp16Bits m)
{
    b.d = d;
    if constexpr (requires { b.m; }) b.m = m;
    if constexpr (requires { b.dmin; }) b.dmin = m;
}

template <typename Block>
void fillBlocksOf(BlockMode mode, std::byte* data, std::size_t bytes, std::mt19937& rng)
{
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(1e-3f, 2e-2f);
    std::uniform_int_distribution<int> subnormal(1, 0x3ff);
    const int fill = byte(rng);
    for (std::size_t i = 0; i < bytes; ++i)
        data[i] = static_cast<std::byte>(mode == kAllEqual ? fill : mode == kMaxScales ? 0xff : byte(rng));
    auto* blocks = reinterpret_cast<Block*>(data);
    for (std::size_t b = 0; b < bytes / sizeof(Block); ++b) {
        switch (mode) {
            case kRandom: setScales(blocks[b], fp32ToFp16(scale(rng)), fp32ToFp16(-scale(rng))); break;
            case kAllEqual: setScales(blocks[b], fp32ToFp16(0.01f), fp32ToFp16(0.005f)); break;
            case kMaxScales: setScales(blocks[b], fp32ToFp16(65504.0f), fp32ToFp16(65504.0f)); break;
            case kDenormalScales:
                setScales(blocks[b], static_cast<Fp16Bits>(subnormal(rng)),
                          static_cast<Fp16Bits>(0x8000 | subnormal(rng)));
                break;
            case kBlockModes: break;
        }
    }
}

void fillBlocks(TensorType type, BlockMode mode, std::byte* data, std::size_t bytes, std::mt19937& rng)
{
    switch (type) {
        case TensorType::Q8_0: return fillBlocksOf<BlockQ8_0>(mode, data, bytes, rng);
        case TensorType::Q4_0: return fillBlocksOf<BlockQ4_0>(mode, data, bytes, rng);
        case TensorType::Q4_1: return fillBlocksOf<BlockQ4_1>(mode, data, bytes, rng);
        case TensorType::Q5_0: return fillBlocksOf<BlockQ5_0>(mode, data, bytes, rng);
        case TensorType::Q5_1: return fillBlocksOf<BlockQ5_1>(mode, data, bytes, rng);
        case TensorType::IQ4_NL: return fillBlocksOf<BlockIQ4_NL>(mode, data, bytes, rng);
        case TensorType::Q2_K: return fillBlocksOf<BlockQ2_K>(mode, data, bytes, rng);
        case TensorType::Q3_K: return fillBlocksOf<BlockQ3_K>(mode, data, bytes, rng);
        case TensorType::Q4_K: return fillBlocksOf<BlockQ4_K>(mode, data, bytes, rng);
        case TensorType::Q5_K: return fillBlocksOf<BlockQ5_K>(mode, data, bytes, rng);
        case TensorType::Q6_K: return fillBlocksOf<BlockQ6_K>(mode, data, bytes, rng);
        case TensorType::IQ4_XS: return fillBlocksOf<BlockIQ4_XS>(mode, data, bytes, rng);
        default: QFAIL("no block filler for this type");
    }
}

}  // namespace

Q_DECLARE_METATYPE(edgert::TensorType)

class TestKernels : public QObject {
    Q_OBJECT
private slots:
    void tablesAreAvailable()
    {
        const auto all = availableKernels();
        QVERIFY(!all.empty());
        QCOMPARE(QString::fromLatin1(all.front()->name), QStringLiteral("generic"));
        qInfo("kernel tables: %zu, active: %s", all.size(), activeKernels().name);
#if defined(__x86_64__) || defined(__aarch64__)
        QVERIFY2(all.size() >= 2, "expected a SIMD table on this architecture");
#endif
    }

    void activationQuantisationMatchesReference()
    {
        std::mt19937 rng(5);
        for (const KernelTable* t : availableKernels()) {
            for (std::size_t n : {32u, 64u, 576u, 2048u}) {
                auto x = randomVector(n, rng, 3.0f);
                x[3] = 0.5f;  // ties and zeros
                std::vector<ActivationBlock> ref(n / 32), got(n / 32);
                quantizeActivationsReference(x.data(), ref.data(), n);
                t->quantizeActivations(x.data(), got.data(), n);
                for (std::size_t b = 0; b < n / 32; ++b) {
                    QCOMPARE(got[b].d, ref[b].d);
                    for (int i = 0; i < 32; ++i)
                        QVERIFY2(std::abs(got[b].qs[i] - ref[b].qs[i]) <= 1,
                                 qPrintable(QStringLiteral("%1: block %2 value %3").arg(t->name).arg(b).arg(i)));
                }
            }
        }
    }

    void matmulTablesAgreeWithReferenceAndF32_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("tokens");
        for (auto [type, name] : {std::pair{TensorType::Q8_0, "Q8_0"}, std::pair{TensorType::Q4_0, "Q4_0"},
                                  std::pair{TensorType::F32, "F32"}, std::pair{TensorType::F16, "F16"},
                                  std::pair{TensorType::BF16, "BF16"}})
            for (auto [rows, cols, tokens] : {std::tuple{1, 32, 1}, std::tuple{7, 64, 1}, std::tuple{37, 576, 1},
                                              std::tuple{64, 576, 3}, std::tuple{33, 1536, 4}, std::tuple{16, 128, 9}})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1_%2x%3_t%4").arg(QLatin1String(name)).arg(rows).arg(cols).arg(tokens)))
                    << type << rows << cols << tokens;
    }
    void matmulTablesAgreeWithReferenceAndF32()
    {
        QFETCH(TensorType, type);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols),
                   T = static_cast<std::size_t>(tokens);
        std::mt19937 rng(static_cast<unsigned>(rows * 131 + cols * 7 + tokens));
        const auto wf = randomVector(R * C, rng, 0.05f);
        const auto x = randomVector(T * C, rng, 1.0f);
        const auto rb = rowBytes(type, C);
        std::vector<std::byte> w(R * rb);
        std::vector<float> dequant(R * C);
        if (type == TensorType::BF16) {
            for (std::size_t i = 0; i < R * C; ++i) {
                const auto bits = std::bit_cast<std::uint32_t>(wf[i]) >> 16;
                reinterpret_cast<std::uint16_t*>(w.data())[i] = static_cast<std::uint16_t>(bits);
            }
        } else {
            for (std::size_t r = 0; r < R; ++r) quantizeRow(type, wf.data() + r * C, w.data() + r * rb, C);
        }
        for (std::size_t r = 0; r < R; ++r) dequantizeRow(type, w.data() + r * rb, dequant.data() + r * C, C);

        // Exact f32 result from the *original* weights, and the magnitude scale per output.
        std::vector<double> exact(T * R), scale(T * R);
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t r = 0; r < R; ++r) {
                double s = 0, m = 0;
                for (std::size_t i = 0; i < C; ++i) {
                    s += static_cast<double>(wf[r * C + i]) * x[t * C + i];
                    m += std::abs(static_cast<double>(wf[r * C + i]) * x[t * C + i]);
                }
                exact[t * R + r] = s;
                scale[t * R + r] = m;
            }
        const double vsF32 = type == TensorType::Q8_0   ? kQ8_0VsF32
                             : type == TensorType::Q4_0 ? kQ4_0VsF32
                             : type == TensorType::F16  ? kF16VsF32
                             : type == TensorType::BF16 ? kBF16VsF32
                                                        : 1e-5;

        const WeightView view{type, w.data(), R, C};
        std::vector<ActivationBlock> xq(T * C / 32);
        std::vector<float> generic(T * R);
        const KernelTable& ref = genericKernels();
        const bool quant = type == TensorType::Q8_0 || type == TensorType::Q4_0;
        for (std::size_t t = 0; t < T; ++t) quantizeActivationsReference(x.data() + t * C, xq.data() + t * C / 32, C);
        const auto runTable = [&](const KernelTable& k, std::vector<float>& y) {
            if (quant)
                (type == TensorType::Q8_0 ? k.q8_0 : k.q4_0)(w.data(), rb, 0, R, xq.data(), T, C / 32, y.data(), R);
            else
                (type == TensorType::F32   ? k.f32
                 : type == TensorType::F16 ? k.f16
                                           : k.bf16)(w.data(), rb, 0, R, x.data(), T, C, y.data(), R);
        };
        runTable(ref, generic);
        for (std::size_t i = 0; i < T * R; ++i)
            QVERIFY2(std::abs(generic[i] - exact[i]) <= vsF32 * scale[i] + 1e-6,
                     qPrintable(QStringLiteral("generic vs f32 at %1: %2 vs %3").arg(i).arg(generic[i]).arg(exact[i])));
        for (const KernelTable* k : availableKernels()) {
            std::vector<float> y(T * R, std::nanf(""));
            runTable(*k, y);
            for (std::size_t i = 0; i < T * R; ++i)
                QVERIFY2(
                    std::abs(y[i] - generic[i]) <= kSimdVsScalarRelative * scale[i] + 1e-6,
                    qPrintable(
                        QStringLiteral("%1 vs generic at %2: %3 vs %4").arg(k->name).arg(i).arg(y[i]).arg(generic[i])));
        }
        // The threaded entry point (active table, row split) equals the single-threaded one.
        std::vector<ActivationBlock> ws(preparedInputBytes(T, C) / sizeof(ActivationBlock) + 1);
        const auto in = prepareInput(x.data(), T, C, ws.data());
        std::vector<float> one(T * R), two(T * R);
        matmul(view, in, one.data(), 1);
        matmul(view, in, two.data(), 2);
        QCOMPARE(one, two);
    }

    void fusedMatmulEqualsSeparateProducts()
    {
        std::mt19937 rng(21);
        const std::size_t C = 576, T = 3;
        const std::size_t rows[] = {576, 192, 192};
        std::vector<std::vector<std::byte>> weights;
        std::vector<kernels::WeightView> views;
        for (auto R : rows) {
            const auto wf = randomVector(R * C, rng, 0.05f);
            weights.emplace_back(R * rowBytes(TensorType::Q8_0, C));
            for (std::size_t r = 0; r < R; ++r)
                quantizeRow(TensorType::Q8_0, wf.data() + r * C,
                            weights.back().data() + r * rowBytes(TensorType::Q8_0, C), C);
        }
        for (std::size_t i = 0; i < 3; ++i) views.push_back({TensorType::Q8_0, weights[i].data(), rows[i], C});
        const auto x = randomVector(T * C, rng, 1.0f);
        std::vector<ActivationBlock> ws(T * C / 32);
        const auto in = prepareInput(x.data(), T, C, ws.data());
        for (int threads : {1, 2, 3}) {
            std::vector<std::vector<float>> separate, fused;
            std::vector<MatmulJob> jobs;
            for (std::size_t i = 0; i < 3; ++i) {
                separate.emplace_back(T * rows[i]);
                fused.emplace_back(T * rows[i], std::nanf(""));
                matmul(views[i], in, separate.back().data(), threads);
            }
            for (std::size_t i = 0; i < 3; ++i) jobs.push_back({views[i], fused[i].data()});
            matmulFused(jobs, in, threads);
            for (std::size_t i = 0; i < 3; ++i) QCOMPARE(fused[i], separate[i]);
        }
    }

    void quantiseRoundTripsWithinBlockError()
    {
        std::mt19937 rng(11);
        const auto x = randomVector(4096, rng, 1.0f);
        // Max error per value as a fraction of the block's max |x|: half a step for Q8_0 (step
        // amax/127, fp16 scale rounding aside); for Q4_0 the clamp at 15 costs a whole step amax/8.
        for (auto [type, bound] :
             {std::pair{TensorType::Q8_0, 0.5 / 127 + 1e-3}, std::pair{TensorType::Q4_0, 1.0 / 8 + 1e-3}}) {
            std::vector<std::byte> q(rowBytes(type, x.size()));
            std::vector<float> back(x.size());
            quantizeRow(type, x.data(), q.data(), x.size());
            dequantizeRow(type, q.data(), back.data(), x.size());
            for (std::size_t b = 0; b < x.size() / 32; ++b) {
                float amax = 0;
                for (int i = 0; i < 32; ++i) amax = std::max(amax, std::abs(x[b * 32 + i]));
                for (int i = 0; i < 32; ++i) QVERIFY(std::abs(back[b * 32 + i] - x[b * 32 + i]) <= bound * amax);
            }
        }
    }

    // ---- every quantised weight type on raw blocks (random and adversarial) ------------------

    void quantTypesAgreeAcrossTables_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("tokens");
        for (const auto type : kQuantTypes)
            for (int mode = 0; mode < kBlockModes; ++mode)
                for (auto [rows, cols, tokens] :
                     {std::tuple{1, 256, 1}, std::tuple{19, 512, 1}, std::tuple{40, 768, 3}, std::tuple{9, 2048, 5}})
                    QTest::newRow(qPrintable(QStringLiteral("%1_%2_%3x%4_t%5")
                                                 .arg(QString::fromStdString(tensorTypeName(type)))
                                                 .arg(QLatin1String(kBlockModeNames[mode]))
                                                 .arg(rows)
                                                 .arg(cols)
                                                 .arg(tokens)))
                        << type << mode << rows << cols << tokens;
    }
    // For each type: (1) the generic kernel equals the exact sum of dequantised weights times
    // dequantised activations (so the integer decomposition — scales, mins, bsums — is right);
    // (2) it is within the activation-quantisation error of the f32 product of the dequantised
    // weights (dotRowReference); (3) every table equals the generic kernel; (4) the threaded
    // matmul entry point equals the single-threaded one.
    void quantTypesAgreeAcrossTables()
    {
        QFETCH(TensorType, type);
        QFETCH(int, mode);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols),
                   T = static_cast<std::size_t>(tokens);
        std::mt19937 rng(static_cast<unsigned>(static_cast<int>(type) * 7919 + mode * 131 + rows + cols + tokens));
        const auto rb = rowBytes(type, C);
        std::vector<std::byte> w(R * rb);
        fillBlocks(type, static_cast<BlockMode>(mode), w.data(), w.size(), rng);
        auto x = randomVector(T * C, rng, 1.0f);
        if (mode == kAllEqual) std::fill(x.begin(), x.end(), -0.75f);

        std::vector<std::byte> ws(preparedInputBytes(T, C));
        const auto in = prepareInput(x.data(), T, C, ws.data());
        const bool super = activationFormatOf(type) == ActivationFormat::Q8K;
        QVERIFY(super ? in.xk != nullptr : in.xq != nullptr);

        // Dequantised weights and activations, and the exact (double) product of the two.
        std::vector<float> wd(R * C), xd(T * C);
        for (std::size_t r = 0; r < R; ++r) dequantizeRow(type, w.data() + r * rb, wd.data() + r * C, C);
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t i = 0; i < C; ++i)
                xd[t * C + i] =
                    super ? in.xk[(t * C + i) / 256].d * static_cast<float>(in.xk[(t * C + i) / 256].qs[i % 256])
                          : in.xq[(t * C + i) / 32].d * static_cast<float>(in.xq[(t * C + i) / 32].qs[i % 32]);
        std::vector<double> exactQ(T * R), scaleQ(T * R), scaleF(T * R);
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t r = 0; r < R; ++r) {
                double s = 0, m = 0, mf = 0;
                for (std::size_t i = 0; i < C; ++i) {
                    s += static_cast<double>(wd[r * C + i]) * xd[t * C + i];
                    m += std::abs(static_cast<double>(wd[r * C + i]) * xd[t * C + i]);
                    mf += std::abs(static_cast<double>(wd[r * C + i]) * x[t * C + i]);
                }
                exactQ[t * R + r] = s;
                scaleQ[t * R + r] = m;
                scaleF[t * R + r] = mf;
            }

        const auto runTable = [&](const KernelTable& k, std::vector<float>& y) {
            if (super)
                k.superRows(type)(w.data(), rb, 0, R, in.xk, T, C / 256, y.data(), R);
            else
                k.blockRows(type)(w.data(), rb, 0, R, in.xq, T, C / 32, y.data(), R);
        };
        std::vector<float> generic(T * R, std::nanf(""));
        runTable(genericKernels(), generic);
        double worstExact = 0, worstF32 = 0, worstSimd = 0;
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t r = 0; r < R; ++r) {
                const std::size_t i = t * R + r;
                const double eExact = std::abs(generic[i] - exactQ[i]);
                QVERIFY2(std::isfinite(generic[i]) && eExact <= kIntegerSchemeRelative * scaleQ[i] + 1e-30,
                         qPrintable(QStringLiteral("generic vs exact dequantised product at %1: %2 vs %3")
                                        .arg(i)
                                        .arg(generic[i])
                                        .arg(exactQ[i])));
                const double f32 = dotRowReference(type, w.data() + r * rb, x.data() + t * C, C);
                const double eF32 = std::abs(generic[i] - f32);
                QVERIFY2(
                    eF32 <= kActivationQuantRelative * scaleF[i] + 1e-30,
                    qPrintable(
                        QStringLiteral("generic vs f32 activations at %1: %2 vs %3").arg(i).arg(generic[i]).arg(f32)));
                if (scaleQ[i] > 0) worstExact = std::max(worstExact, eExact / scaleQ[i]);
                if (scaleF[i] > 0) worstF32 = std::max(worstF32, eF32 / scaleF[i]);
            }
        for (const KernelTable* k : availableKernels()) {
            std::vector<float> y(T * R, std::nanf(""));
            runTable(*k, y);
            for (std::size_t i = 0; i < T * R; ++i) {
                const double e = std::abs(y[i] - generic[i]);
                QVERIFY2(
                    e <= kSimdVsScalarRelative * scaleQ[i] + 1e-30,
                    qPrintable(
                        QStringLiteral("%1 vs generic at %2: %3 vs %4").arg(k->name).arg(i).arg(y[i]).arg(generic[i])));
                if (scaleQ[i] > 0) worstSimd = std::max(worstSimd, e / scaleQ[i]);
            }
        }
        const WeightView view{type, w.data(), R, C};
        std::vector<float> one(T * R), two(T * R);
        matmul(view, in, one.data(), 1);
        matmul(view, in, two.data(), 2);
        QCOMPARE(one, two);
        if (mode == kRandom && R == 40)
            qInfo("%s: worst |err|/sum|w*x|: integer scheme %.2e, vs f32 activations %.2e, tables vs generic %.2e",
                  tensorTypeName(type).c_str(), worstExact, worstF32, worstSimd);
    }

    // ---- decode: the rows kernels with fewer tokens than a tile (kernels/arch/*/decode-*) ------

    void rowsKernelsSplitAnywhereGiveSameBits_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("tokens");
        for (const auto type : kQuantTypes) {
            const bool super = traitsOf(type).blockElements == kQK_K;
            // Rows past a multiple of the multi-row tile, an odd number of blocks (block-32: 9, 71),
            // 1-3 tokens (below the 4-token tile of the rows kernels).
            std::vector<std::tuple<int, int, int>> shapes{{23, 512, 1}, {13, 2304, 3}, {6, 768, 2}};
            if (!super) shapes.insert(shapes.end(), {{23, 288, 1}, {9, 2272, 1}});
            for (auto [rows, cols, tokens] : shapes)
                QTest::newRow(qPrintable(QStringLiteral("%1_%2x%3_t%4")
                                             .arg(QString::fromStdString(tensorTypeName(type)))
                                             .arg(rows)
                                             .arg(cols)
                                             .arg(tokens)))
                    << type << rows << cols << tokens;
        }
    }
    // Every table's rows kernel called on [0, R) equals the same kernel called piecewise on rows
    // cut at 1, 5, 6 and 13 (as threads cut them, and across the multi-row tiles) bit for bit, and
    // is within float rounding of the generic kernel.
    void rowsKernelsSplitAnywhereGiveSameBits()
    {
        QFETCH(TensorType, type);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols),
                   T = static_cast<std::size_t>(tokens);
        std::mt19937 rng(static_cast<unsigned>(static_cast<int>(type) * 389 + rows * 3 + cols + tokens));
        const auto rb = rowBytes(type, C);
        std::vector<std::byte> w(R * rb);
        fillBlocks(type, kRandom, w.data(), w.size(), rng);
        const auto x = randomVector(T * C, rng, 1.0f);
        std::vector<std::byte> ws(preparedInputBytes(T, C));
        const auto in = prepareInput(x.data(), T, C, ws.data());
        const bool super = activationFormatOf(type) == ActivationFormat::Q8K;
        const auto run = [&](const KernelTable& k, std::size_t r0, std::size_t r1, std::vector<float>& y) {
            if (super)
                k.superRows(type)(w.data(), rb, r0, r1, in.xk, T, C / kQK_K, y.data(), R);
            else
                k.blockRows(type)(w.data(), rb, r0, r1, in.xq, T, C / kActBlock, y.data(), R);
        };
        std::vector<float> generic(T * R, std::nanf(""));
        run(genericKernels(), 0, R, generic);
        std::vector<float> wd(R * C);
        for (std::size_t r = 0; r < R; ++r) dequantizeRow(type, w.data() + r * rb, wd.data() + r * C, C);
        for (const KernelTable* k : availableKernels()) {
            std::vector<float> whole(T * R, std::nanf("")), pieces(T * R, std::nanf(""));
            run(*k, 0, R, whole);
            std::size_t r0 = 0;
            for (std::size_t cut : {std::size_t{1}, std::size_t{5}, std::size_t{6}, std::size_t{13}, R}) {
                cut = std::min(cut, R);
                if (cut > r0) run(*k, r0, cut, pieces);
                r0 = std::max(r0, cut);
            }
            QVERIFY2(std::memcmp(whole.data(), pieces.data(), whole.size() * sizeof(float)) == 0,
                     qPrintable(QStringLiteral("%1: rows split at 1, 5, 6, 13 differ from one call").arg(k->name)));
            for (std::size_t t = 0; t < T; ++t)
                for (std::size_t r = 0; r < R; ++r) {
                    double m = 0;
                    for (std::size_t i = 0; i < C; ++i) {
                        const double xq =
                            super ? in.xk[(t * C + i) / kQK_K].d *
                                        static_cast<float>(in.xk[(t * C + i) / kQK_K].qs[i % kQK_K])
                                  : in.xq[(t * C + i) / kActBlock].d *
                                        static_cast<float>(in.xq[(t * C + i) / kActBlock].qs[i % kActBlock]);
                        m += std::abs(static_cast<double>(wd[r * C + i]) * xq);
                    }
                    const std::size_t i = t * R + r;
                    QVERIFY2(
                        std::isfinite(whole[i]) && std::abs(whole[i] - generic[i]) <= kSimdVsScalarRelative * m + 1e-30,
                        qPrintable(QStringLiteral("%1 vs generic at %2: %3 vs %4")
                                       .arg(k->name)
                                       .arg(i)
                                       .arg(whole[i])
                                       .arg(generic[i])));
                }
        }
    }

    // ---- prefill GEMMs over packed panels (kernels/gemm-panels.h) ------------------------------

    void gemmKernelsMatchScalarTwinAndRows_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("tokens");
        for (const auto type : {TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_K})
            for (int mode = 0; mode < kBlockModes; ++mode)
                // Rows not a multiple of the panel, columns past one chunk (72 blocks, 9 super-blocks),
                // token counts with every tail of the 4-token tile.
                for (auto [rows, cols, tokens] :
                     {std::tuple{8, 256, 4}, std::tuple{37, 2304, 5}, std::tuple{21, 2304, 11}, std::tuple{64, 512, 7},
                      std::tuple{3, 4608, 6}})
                    QTest::newRow(qPrintable(QStringLiteral("%1_%2_%3x%4_t%5")
                                                 .arg(QString::fromStdString(tensorTypeName(type)))
                                                 .arg(QLatin1String(kBlockModeNames[mode]))
                                                 .arg(rows)
                                                 .arg(cols)
                                                 .arg(tokens)))
                        << type << mode << rows << cols << tokens;
    }
    // (1) The scalar twin is within float rounding of the generic rows kernel; (2) every table's
    // GEMM equals the twin bit for bit; (3) a split of the rows (as the threads split them) gives
    // the same bits as one call; (4) matmul at 1 and 2 threads (which takes the GEMM from
    // kGemmMinTokens tokens on) agree.
    void gemmKernelsMatchScalarTwinAndRows()
    {
        QFETCH(TensorType, type);
        QFETCH(int, mode);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols),
                   T = static_cast<std::size_t>(tokens);
        QVERIFY(T >= kGemmMinTokens);
        std::mt19937 rng(static_cast<unsigned>(static_cast<int>(type) * 613 + mode * 17 + rows + cols + tokens));
        const auto rb = rowBytes(type, C);
        std::vector<std::byte> w(R * rb);
        fillBlocks(type, static_cast<BlockMode>(mode), w.data(), w.size(), rng);
        auto x = randomVector(T * C, rng, 1.0f);
        if (mode == kAllEqual) std::fill(x.begin(), x.end(), -0.75f);
        std::vector<std::byte> ws(preparedInputBytes(T, C));
        const auto in = prepareInput(x.data(), T, C, ws.data());
        const bool super = type == TensorType::Q4_K;

        const auto twinOf = [&](std::size_t r0, std::size_t r1, std::vector<float>& y) {
            if (type == TensorType::Q8_0) q8_0GemmReference(w.data(), rb, r0, r1, in.xq, T, C / 32, y.data(), R);
            if (type == TensorType::Q4_0) q4_0GemmReference(w.data(), rb, r0, r1, in.xq, T, C / 32, y.data(), R);
            if (type == TensorType::Q4_K) q4_kGemmReference(w.data(), rb, r0, r1, in.xk, T, C / 256, y.data(), R);
        };
        std::vector<float> twin(T * R, std::nanf("")), generic(T * R, std::nanf(""));
        twinOf(0, R, twin);
        if (super)
            genericKernels().superRows(type)(w.data(), rb, 0, R, in.xk, T, C / 256, generic.data(), R);
        else
            genericKernels().blockRows(type)(w.data(), rb, 0, R, in.xq, T, C / 32, generic.data(), R);
        std::vector<float> wd(R * C);
        for (std::size_t r = 0; r < R; ++r) dequantizeRow(type, w.data() + r * rb, wd.data() + r * C, C);
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t r = 0; r < R; ++r) {
                double m = 0;
                for (std::size_t i = 0; i < C; ++i) {
                    const double xq =
                        super ? in.xk[(t * C + i) / 256].d * static_cast<float>(in.xk[(t * C + i) / 256].qs[i % 256])
                              : in.xq[(t * C + i) / 32].d * static_cast<float>(in.xq[(t * C + i) / 32].qs[i % 32]);
                    m += std::abs(static_cast<double>(wd[r * C + i]) * xq);
                }
                const std::size_t i = t * R + r;
                QVERIFY2(std::isfinite(twin[i]) && std::abs(twin[i] - generic[i]) <= kSimdVsScalarRelative * m + 1e-30,
                         qPrintable(QStringLiteral("scalar GEMM twin vs generic rows at %1: %2 vs %3")
                                        .arg(i)
                                        .arg(twin[i])
                                        .arg(generic[i])));
            }
        const auto sameBits = [](const std::vector<float>& a, const std::vector<float>& b) {
            return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
        };
        std::vector<float> split(T * R, std::nanf(""));
        const std::size_t cut = std::min<std::size_t>(R, 16);
        twinOf(0, cut, split);
        twinOf(cut, R, split);
        QVERIFY2(sameBits(split, twin), "twin: rows split at 16 differ from one call");
        int tablesWithGemm = 0;
        for (const KernelTable* k : availableKernels()) {
            std::vector<float> y(T * R, std::nanf(""));
            if (super) {
                if (!k->superGemm(type)) continue;
                k->superGemm(type)(w.data(), rb, 0, cut, in.xk, T, C / 256, y.data(), R);
                k->superGemm(type)(w.data(), rb, cut, R, in.xk, T, C / 256, y.data(), R);
            } else {
                if (!k->blockGemm(type)) continue;
                k->blockGemm(type)(w.data(), rb, 0, cut, in.xq, T, C / 32, y.data(), R);
                k->blockGemm(type)(w.data(), rb, cut, R, in.xq, T, C / 32, y.data(), R);
            }
            ++tablesWithGemm;
            for (std::size_t i = 0; i < T * R; ++i)
                QVERIFY2(std::memcmp(&y[i], &twin[i], sizeof(float)) == 0,
                         qPrintable(QStringLiteral("%1 GEMM vs scalar twin at %2: %3 vs %4")
                                        .arg(QLatin1String(k->name))
                                        .arg(i)
                                        .arg(y[i])
                                        .arg(twin[i])));
        }
#if defined(__x86_64__) || defined(__aarch64__)
        // Every SIMD table this CPU runs (AVX2, AVX2-VNNI; NEON, NEON dotprod) has its own GEMM.
        QVERIFY2(tablesWithGemm >= 1 && tablesWithGemm == static_cast<int>(availableKernels().size()) - 1,
                 qPrintable(QStringLiteral("%1 of %2 SIMD tables have a GEMM for this type")
                                .arg(tablesWithGemm)
                                .arg(availableKernels().size() - 1)));
#endif
        const WeightView view{type, w.data(), R, C};
        std::vector<float> one(T * R), two(T * R);
        matmul(view, in, one.data(), 1);
        matmul(view, in, two.data(), 2);
        QVERIFY(sameBits(one, two));
        if (activeKernels().superGemm(type) || activeKernels().blockGemm(type)) QVERIFY(sameBits(one, twin));
    }

    // Every table's Q8_K quantiser writes the reference's bytes (d, quants, bsums), on random
    // blocks and on blocks built to catch a SIMD shortcut: the extreme element first, last or
    // negative; +a/-a ties in both orders (the first one sets the sign of d); all zero and signed
    // zeros; quants exactly halfway between integers (round half to even); tiny and huge scales,
    // down to a max whose -127 / max overflows (subnormals: a zero block); NaN and infinities,
    // also a NaN behind an infinity in the same SIMD lane.
    void q8kActivationsMatchReference()
    {
        std::mt19937 rng(17);
        const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
        const float subnormal = std::numeric_limits<float>::denorm_min();
        std::vector<std::pair<const char*, std::vector<float>>> blocks;
        const auto block = [&](const char* name, float scale) -> std::vector<float>& {
            return blocks.emplace_back(name, randomVector(kQK_K, rng, scale)).second;
        };
        for (int i = 0; i < 4; ++i) block("random", 2.0f);
        block("negative extreme first", 2.0f)[0] = -9.0f;
        block("extreme last", 2.0f)[255] = 9.0f;
        auto& tie = block("+a before -a", 1.0f);
        tie[40] = 11.0f;
        tie[200] = -11.0f;
        auto& tie2 = block("-a before +a", 1.0f);
        tie2[3] = -11.0f;
        tie2[4] = 11.0f;
        auto& zeros = block("signed zeros", 1.0f);
        for (std::size_t i = 0; i < kQK_K; ++i) zeros[i] = i % 2 ? 0.0f : -0.0f;
        auto& halves = block("halfway quants", 1.0f);  // max 127 gives iscale -1: x = k + 0.5 is a tie
        for (std::size_t i = 0; i < kQK_K; ++i) halves[i] = static_cast<float>(static_cast<int>(i % 64) - 32) + 0.5f;
        halves[17] = 127.0f;
        halves[18] = -126.5f;
        block("tiny scale", 1e-30f);
        block("huge scale", 1e30f);
        block("smallest max with a finite -127/max", 1e-38f)[77] = -4e-37f;
        block("max 1e-37: -127/max overflows", 1e-38f)[5] = 1e-37f;
        auto& denormals = block("subnormal max", 1.0f);
        for (std::size_t i = 0; i < kQK_K; ++i)
            denormals[i] = static_cast<float>(static_cast<int>(i % 7) - 3) * subnormal;
        denormals[30] = -1e-39f;
        block("NaN", 1.0f)[9] = nan;
        auto& nanAfterInf = block("NaN after +inf in the same lane", 1.0f);
        nanAfterInf[100] = inf;
        nanAfterInf[108] = nan;
        block("+inf", 1.0f)[100] = inf;
        block("-inf", 1.0f)[101] = -inf;
        std::fill_n(block("all NaN", 1.0f).begin(), kQK_K, nan);
        std::vector<float> x;
        for (const auto& b : blocks) x.insert(x.end(), b.second.begin(), b.second.end());
        const std::size_t nb = blocks.size();
        std::vector<BlockQ8_K> ref(nb);
        quantizeActivationsQ8KReference(x.data(), ref.data(), x.size());
        for (const KernelTable* t : availableKernels()) {
            std::vector<BlockQ8_K> got(nb);
            std::memset(static_cast<void*>(got.data()), 0x5a, nb * sizeof(BlockQ8_K));
            t->quantizeActivationsQ8K(x.data(), got.data(), x.size());
            for (std::size_t b = 0; b < nb; ++b) {
                const auto where = QStringLiteral("%1: block %2 (%3)")
                                       .arg(QLatin1String(t->name))
                                       .arg(b)
                                       .arg(QLatin1String(blocks[b].first));
                QVERIFY2(std::memcmp(&got[b].d, &ref[b].d, sizeof(float)) == 0,
                         qPrintable(where + QStringLiteral(" d %1 vs %2").arg(got[b].d).arg(ref[b].d)));
                for (std::size_t i = 0; i < kQK_K; ++i)
                    QVERIFY2(got[b].qs[i] == ref[b].qs[i],
                             qPrintable(where + QStringLiteral(" quant %1: %2 vs %3 (x %4)")
                                                    .arg(i)
                                                    .arg(got[b].qs[i])
                                                    .arg(ref[b].qs[i])
                                                    .arg(x[b * kQK_K + i])));
                for (std::size_t g = 0; g < kQK_K / 16; ++g) {
                    int sum = 0;
                    for (std::size_t i = 0; i < 16; ++i) sum += ref[b].qs[16 * g + i];
                    QCOMPARE(int(ref[b].bsums[g]), sum);
                    QVERIFY2(got[b].bsums[g] == ref[b].bsums[g], qPrintable(where + QStringLiteral(" bsum %1").arg(g)));
                }
            }
        }
        // The reference itself: the extreme element (of either sign) maps to -127, d = max / -127.
        const auto blockNamed = [&](const char* name) -> const BlockQ8_K& {
            for (std::size_t b = 0; b < nb; ++b)
                if (std::strcmp(blocks[b].first, name) == 0) return ref[b];
            qFatal("no block %s", name);
        };
        QCOMPARE(int(blockNamed("negative extreme first").qs[0]), -127);
        QCOMPARE(blockNamed("negative extreme first").d, 1.0f / (-127.0f / -9.0f));
        QCOMPARE(int(blockNamed("+a before -a").qs[40]), -127);
        QCOMPARE(int(blockNamed("+a before -a").qs[200]), 127);
        QCOMPARE(int(blockNamed("-a before +a").qs[3]), -127);
        QCOMPARE(int(blockNamed("halfway quants").qs[0]), 32);  // -(-32 + 0.5) = 31.5 -> 32 (even)
        QCOMPARE(int(blockNamed("halfway quants").qs[1]), 30);  // 30.5 -> 30
        QVERIFY(std::isfinite(blockNamed("smallest max with a finite -127/max").d));
        QCOMPARE(int(blockNamed("smallest max with a finite -127/max").qs[77]), -127);
        // Zero blocks (d = 0, no quants, no sums): all zero, an overflowing -127 / max, all NaN.
        for (const char* name : {"signed zeros", "max 1e-37: -127/max overflows", "subnormal max", "all NaN"}) {
            const BlockQ8_K& z = blockNamed(name);
            QVERIFY2(std::memcmp(&z, &blockNamed("signed zeros"), sizeof z) == 0 && z.d == 0.0f && !std::signbit(z.d) &&
                         std::all_of(std::begin(z.qs), std::end(z.qs), [](std::int8_t q) { return q == 0; }),
                     name);
        }
        // Non-finite: a NaN quantises to 127; an infinite max gives d = -inf and quants 0, 127 at the inf.
        QCOMPARE(int(blockNamed("NaN").qs[9]), 127);
        QCOMPARE(blockNamed("+inf").d, -inf);
        QCOMPARE(int(blockNamed("+inf").qs[100]), 127);
        QCOMPARE(int(blockNamed("+inf").qs[0]), 0);
        QCOMPARE(blockNamed("-inf").d, inf);
    }

    void attentionKernelsGiveReferenceBits_data()
    {
        QTest::addColumn<int>("headDim");
        QTest::addColumn<int>("nPos");
        QTest::newRow("tinyllama head 64, 1 position") << 64 << 1;
        QTest::newRow("head 64, 7 positions") << 64 << 7;
        QTest::newRow("head 64, 300 positions") << 64 << 300;
        QTest::newRow("head 128, 33 positions") << 128 << 33;
        QTest::newRow("head 96, 9 positions (64 + 32 columns)") << 96 << 9;
        QTest::newRow("head 80, 5 positions (64 + 8 + 8)") << 80 << 5;
        QTest::newRow("head 12, 6 positions (generic path)") << 12 << 6;
    }
    void attentionKernelsGiveReferenceBits()
    {
        // Every table's per-head attention reproduces the generic kernels' bits (not only within a
        // tolerance): a head's output must not depend on which table or thread computes it.
        QFETCH(int, headDim);
        QFETCH(int, nPos);
        const auto hd = static_cast<std::size_t>(headDim), n = static_cast<std::size_t>(nPos);
        const std::size_t stride = 3 * hd + 8;  // keys/values of other heads in between
        std::mt19937 rng(static_cast<unsigned>(31 * headDim + nPos));
        const auto q = randomVector(hd, rng, 1.0f);
        const auto keys = randomVector(n * stride, rng, 1.0f);
        const auto values = randomVector(n * stride, rng, 1.0f);
        const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
        const KernelTable& g = genericKernels();
        std::vector<float> wantScores(n), wantOut(hd);
        g.attentionScores(q.data(), keys.data() + 8, stride, n, hd, scale, wantScores.data());
        g.attentionValues(wantScores.data(), values.data() + 8, stride, n, hd, wantOut.data());
        for (std::size_t p = 0; p < n; ++p)
            QCOMPARE(wantScores[p], kernels::dotF32(q.data(), keys.data() + 8 + p * stride, hd) * scale);
        for (const KernelTable* t : availableKernels()) {
            std::vector<float> scores(n, -1.0f), out(hd, -1.0f);
            t->attentionScores(q.data(), keys.data() + 8, stride, n, hd, scale, scores.data());
            t->attentionValues(wantScores.data(), values.data() + 8, stride, n, hd, out.data());
            QVERIFY2(std::memcmp(scores.data(), wantScores.data(), n * sizeof(float)) == 0, t->name);
            QVERIFY2(std::memcmp(out.data(), wantOut.data(), hd * sizeof(float)) == 0, t->name);
        }
    }

    void activationBlockSumIsScaledQuantSum()
    {
        std::mt19937 rng(23);
        const auto x = randomVector(512, rng, 1.5f);
        for (const KernelTable* t : availableKernels()) {
            std::vector<ActivationBlock> got(512 / 32);
            t->quantizeActivations(x.data(), got.data(), 512);
            for (const auto& b : got) {
                int sum = 0;
                for (auto q : b.qs) sum += q;
                QCOMPARE(b.s, b.d * static_cast<float>(sum));
            }
        }
    }

    void fp16ConversionIsExactForRepresentableValues()
    {
        for (std::uint32_t h = 0; h < 0x10000; ++h) {
            const auto bits = static_cast<std::uint16_t>(h);
            const float f = fp16ToFp32(bits);
            if (std::isnan(f)) continue;
            QCOMPARE(fp32ToFp16(f), bits);
        }
    }
};

QTEST_GUILESS_MAIN(TestKernels)
#include "tst_kernels.moc"
