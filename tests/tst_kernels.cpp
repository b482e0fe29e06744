// Every SIMD kernel table against the scalar reference table, and both against f32 math:
// quantised matmuls (Q8_0, Q4_0 weights with 8-bit activations), float matmuls (F32, F16, BF16),
// activation quantisation, and quantise/dequantise round trips — within named tolerances.
#include "kernels/fp16.h"
#include "kernels/kernel-table.h"
#include "kernels/matmul.h"
#include "kernels/quantize.h"

#include <QTest>

#include <cmath>
#include <random>

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
                QTest::newRow(qPrintable(QStringLiteral("%1_%2x%3_t%4").arg(QLatin1String(name)).arg(rows).arg(cols).arg(tokens)))
                    << type << rows << cols << tokens;
    }
    void matmulTablesAgreeWithReferenceAndF32()
    {
        QFETCH(TensorType, type);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols), T = static_cast<std::size_t>(tokens);
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
            if (quant) (type == TensorType::Q8_0 ? k.q8_0 : k.q4_0)(w.data(), rb, 0, R, xq.data(), T, C / 32, y.data(), R);
            else (type == TensorType::F32 ? k.f32 : type == TensorType::F16 ? k.f16 : k.bf16)(w.data(), rb, 0, R, x.data(), T, C, y.data(), R);
        };
        runTable(ref, generic);
        for (std::size_t i = 0; i < T * R; ++i)
            QVERIFY2(std::abs(generic[i] - exact[i]) <= vsF32 * scale[i] + 1e-6,
                     qPrintable(QStringLiteral("generic vs f32 at %1: %2 vs %3").arg(i).arg(generic[i]).arg(exact[i])));
        for (const KernelTable* k : availableKernels()) {
            std::vector<float> y(T * R, std::nanf(""));
            runTable(*k, y);
            for (std::size_t i = 0; i < T * R; ++i)
                QVERIFY2(std::abs(y[i] - generic[i]) <= kSimdVsScalarRelative * scale[i] + 1e-6,
                         qPrintable(QStringLiteral("%1 vs generic at %2: %3 vs %4").arg(k->name).arg(i).arg(y[i]).arg(generic[i])));
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
                quantizeRow(TensorType::Q8_0, wf.data() + r * C, weights.back().data() + r * rowBytes(TensorType::Q8_0, C), C);
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
        for (auto [type, bound] : {std::pair{TensorType::Q8_0, 0.5 / 127 + 1e-3}, std::pair{TensorType::Q4_0, 1.0 / 8 + 1e-3}}) {
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
