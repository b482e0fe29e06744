// Sampler::argmax against the one-pass scan it replaces (best = 0; logits[i] > logits[best] moves
// it): the same id on ties (lowest), NaNs, infinities, every length around the 8-lane blocks and
// a vocabulary-sized row.
#include "edgert/sampler.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace edgert;

namespace {

TokenId scanArgmax(const std::vector<float>& x)
{
    std::size_t best = 0;
    for (std::size_t i = 1; i < x.size(); ++i)
        if (x[i] > x[best]) best = i;
    return static_cast<TokenId>(best);
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

}  // namespace

class TestSampler : public QObject {
    Q_OBJECT

private slots:
    void argmaxMatchesTheOnePassScan_data()
    {
        QTest::addColumn<std::vector<float>>("logits");
        QTest::newRow("one value") << std::vector<float>{3.0f};
        QTest::newRow("tie takes the lowest id") << std::vector<float>{1, 5, 2, 5, 5, 0, 0, 0, 0, 5, 5};
        QTest::newRow("max at 0") << std::vector<float>{9, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3};
        QTest::newRow("max in the tail") << std::vector<float>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7};
        QTest::newRow("max in the last full block")
            << std::vector<float>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1};
        QTest::newRow("NaN at 0 is never beaten") << std::vector<float>{kNaN, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        QTest::newRow("NaNs elsewhere never win") << std::vector<float>{1, kNaN, 2, kNaN, kNaN, 0, 0, 0, 0, kNaN, 3};
        QTest::newRow("all -inf") << std::vector<float>(13, -kInf);
        QTest::newRow("+inf wins") << std::vector<float>{1, 2, kInf, 3, kInf, 4, 5, 6, 7, 8};
        QTest::newRow("-0 and +0 tie") << std::vector<float>{-1, -0.0f, 0.0f, -2, -3, -4, -5, -6, -7};
        std::mt19937 rng(3);
        std::normal_distribution<float> d(0.0f, 4.0f);
        for (const std::size_t n : {std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{16}, std::size_t{23},
                                    std::size_t{49152}, std::size_t{151936}}) {
            std::vector<float> x(n);
            for (auto& v : x) v = d(rng);
            QTest::newRow(qPrintable(QStringLiteral("random %1").arg(n))) << x;
            // Quantised values: many ties of the max.
            for (auto& v : x) v = std::round(v / 4.0f);
            QTest::newRow(qPrintable(QStringLiteral("random ties %1").arg(n))) << x;
        }
    }

    void argmaxMatchesTheOnePassScan()
    {
        QFETCH(std::vector<float>, logits);
        QCOMPARE(Sampler::argmax(logits), scanArgmax(logits));
    }

    void argmaxOfNothingIsZero() { QCOMPARE(Sampler::argmax({}), TokenId{0}); }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
