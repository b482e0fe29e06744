// e^x (kernels/vector-math.h) against the correctly rounded value within kExpMaxUlp, and every
// kernel table's softmax and SwiGLU against the scalar references: the same bits, on every length
// (tails included) and on arguments past both ends of e^x's range.
#include "kernels/kernel-table.h"
#include "kernels/vector-math.h"

#include <QTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace edgert::kernels;

namespace {

// Softmax against double math: e^x's ulps plus the f32 sum's rounding, absolute on p <= 1.
constexpr double kSoftmaxVsDoubleAbsolute = 1e-6;
// SiLU(g) * u against double math, relative: e^x's ulps, one add, one divide, one multiply.
constexpr double kSwigluVsDoubleRelative = 1e-6;

// Distance in representable floats between two finite floats of the same sign.
std::int64_t ulpDistance(float a, float b)
{
    const auto ordered = [](float v) {
        const auto bits = static_cast<std::int64_t>(std::bit_cast<std::int32_t>(v));
        return bits < 0 ? std::int64_t{std::numeric_limits<std::int32_t>::min()} - bits : bits;
    };
    return std::llabs(ordered(a) - ordered(b));
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Normal values of `scale`, with arguments at and past both ends of e^x's range mixed in.
std::vector<float> inputs(std::size_t n, float scale, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, scale);
    const float edges[] = {kExpMinArg,
                           kExpMaxArg,
                           -kExpMinArg,
                           -kExpMaxArg,
                           -100.0f,
                           100.0f,
                           0.0f,
                           -0.0f,
                           std::nextafter(kExpMinArg, 0.0f),
                           std::nextafter(kExpMaxArg, 100.0f)};
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = (i % 5 == 4) ? edges[(i / 5) % std::size(edges)] : d(rng);
    return v;
}

}  // namespace

class TestVectorMath : public QObject {
    Q_OBJECT

private slots:
    void expIsWithinUlpOfCorrectlyRounded()
    {
        // Every 997th float of the range (about 2.2 million, both signs) and a million uniform
        // arguments.
        std::int64_t worst = 0;
        float worstAt = 0.0f;
        const auto check = [&](float x) {
            const auto want = static_cast<float>(std::exp(static_cast<double>(x)));
            const std::int64_t d = ulpDistance(expReference(x), want);
            if (d > worst) {
                worst = d;
                worstAt = x;
            }
        };
        for (std::uint32_t m = 0; m <= std::bit_cast<std::uint32_t>(-kExpMinArg); m += 997)
            check(-std::bit_cast<float>(m));
        for (std::uint32_t m = 0; m <= std::bit_cast<std::uint32_t>(kExpMaxArg); m += 997)
            check(std::bit_cast<float>(m));
        std::mt19937 rng(1);
        std::uniform_real_distribution<float> u(kExpMinArg, kExpMaxArg);
        for (int i = 0; i < 1000000; ++i) check(u(rng));
        qInfo("e^x: largest error %lld ulp (at %.9g)", static_cast<long long>(worst), static_cast<double>(worstAt));
        QVERIFY2(worst <= kExpMaxUlp, qPrintable(QStringLiteral("%1 ulp at %2").arg(worst).arg(worstAt, 0, 'g', 9)));
    }

    void expHandlesTheEndsOfItsRange()
    {
        QCOMPARE(expReference(0.0f), 1.0f);
        QCOMPARE(expReference(-0.0f), 1.0f);
        QCOMPARE(expReference(std::nextafter(kExpMinArg, -100.0f)), 0.0f);
        QCOMPARE(expReference(-1e30f), 0.0f);
        QCOMPARE(expReference(-std::numeric_limits<float>::infinity()), 0.0f);
        QCOMPARE(expReference(std::nextafter(kExpMaxArg, 100.0f)), std::numeric_limits<float>::infinity());
        QCOMPARE(expReference(std::numeric_limits<float>::infinity()), std::numeric_limits<float>::infinity());
        QVERIFY(std::isnan(expReference(std::numeric_limits<float>::quiet_NaN())));
        // Both ends are normal, finite values within the ulp bound.
        for (const float x : {kExpMinArg, kExpMaxArg}) {
            const float e = expReference(x);
            QVERIFY(std::isnormal(e));
            QVERIFY(ulpDistance(e, static_cast<float>(std::exp(static_cast<double>(x)))) <= kExpMaxUlp);
        }
    }

    void tablesGiveReferenceBits_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<float>("scale");
        for (const int n : {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 64, 100, 257, 2048})
            for (const float scale : {1.0f, 30.0f})
                QTest::newRow(qPrintable(QStringLiteral("n=%1 scale=%2").arg(n).arg(scale))) << n << scale;
    }

    void tablesGiveReferenceBits()
    {
        QFETCH(int, n);
        QFETCH(float, scale);
        const auto x = inputs(static_cast<std::size_t>(n), scale, 7u + static_cast<unsigned>(n));
        const auto up = inputs(static_cast<std::size_t>(n), 1.0f, 11u + static_cast<unsigned>(n));
        auto wantSoftmax = x;
        softmaxReference(wantSoftmax.data(), wantSoftmax.size());
        auto wantSwiglu = x;
        swigluReference(wantSwiglu.data(), up.data(), wantSwiglu.size());
        QVERIFY(genericKernels().softmax == softmaxReference);
        QVERIFY(genericKernels().swiglu == swigluReference);
        for (const KernelTable* t : availableKernels()) {
            auto s = x;
            t->softmax(s.data(), s.size());
            QVERIFY2(sameBits(s, wantSoftmax), t->name);
            auto g = x;
            t->swiglu(g.data(), up.data(), g.size());
            QVERIFY2(sameBits(g, wantSwiglu), t->name);
            // Exactly n elements written: the zero-padded tails stay inside their buffers.
            std::vector<float> guarded(x.size() + 8, 42.0f);
            std::copy(x.begin(), x.end(), guarded.begin());
            t->softmax(guarded.data(), x.size());
            t->swiglu(guarded.data() + x.size(), up.data(), 0);
            for (std::size_t i = x.size(); i < guarded.size(); ++i) QCOMPARE(guarded[i], 42.0f);
        }
    }

    void softmaxMatchesDoubleMath()
    {
        for (const std::size_t n : {std::size_t{1}, std::size_t{9}, std::size_t{100}, std::size_t{2048}}) {
            auto x = inputs(n, 8.0f, 3u);
            double max = x[0];
            for (const float v : x) max = std::max(max, static_cast<double>(v));
            std::vector<double> want(n);
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) sum += want[i] = std::exp(static_cast<double>(x[i]) - max);
            softmaxReference(x.data(), n);
            double total = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                QVERIFY2(std::abs(x[i] - want[i] / sum) <= kSoftmaxVsDoubleAbsolute, qPrintable(QString::number(i)));
                total += x[i];
            }
            QVERIFY(std::abs(total - 1.0) <= kSoftmaxVsDoubleAbsolute * static_cast<double>(n));
        }
    }

    void swigluMatchesDoubleMath()
    {
        const std::size_t n = 4096;
        const auto x = inputs(n, 6.0f, 5u);
        const auto up = inputs(n, 1.0f, 9u);
        auto g = x;
        swigluReference(g.data(), up.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            const double v = x[i];
            const double want = v / (1.0 + std::exp(-v)) * up[i];
            QVERIFY2(std::abs(g[i] - want) <= kSwigluVsDoubleRelative * std::abs(want) + 1e-30,
                     qPrintable(QStringLiteral("gate %1 up %2: %3 vs %4").arg(v).arg(up[i]).arg(g[i]).arg(want)));
        }
    }
};

QTEST_GUILESS_MAIN(TestVectorMath)
#include "tst_vector_math.moc"
