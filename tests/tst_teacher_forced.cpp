// Teacher-forced logits at every position of a batch (ReadyEngine::evaluateAll): each row equals
// the last-token logits of the same prefix evaluated token by token, on every strategy at its
// minimum budget (streamed groups), and the (nBatch, vocab) logits scratch is counted in the plan.
#include "edgert/inference-engine.h"
#include "edgert/error.h"
#include "test-support.h"

#include <QTest>

#include <cmath>

using namespace edgert;

namespace {

// Batched and one-token passes take different matmul paths (prepared activations for nTokens rows
// vs one row); both quantise activations per row the same way, so logits agree to float rounding.
constexpr float kBatchVsSingleTolerance = 1e-3f;

std::vector<std::vector<float>> singleTokenLogits(ReadyEngine& engine, std::span<const TokenId> tokens)
{
    std::vector<std::vector<float>> rows;
    engine.resetContext();
    for (const TokenId t : tokens) {
        const TokenId one[1] = {t};
        const auto l = engine.evaluate(one);
        rows.emplace_back(l.begin(), l.end());
    }
    return rows;
}

}  // namespace

class TestTeacherForced : public QObject {
    Q_OBJECT
private slots:
    void everyRowMatchesTokenByTokenLogits_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("stories260K") << test::sharedModel("stories260K.gguf");
        QTest::newRow("tinystories656k_q8_0") << test::sharedModel("tinystories-656k-q8_0.gguf");
        QTest::newRow("kit_real_Q4_0") << test::sharedModel("kit/real/tinystories-656k-Q4_0.gguf");
    }
    void everyRowMatchesTokenByTokenLogits()
    {
        QFETCH(QString, model);
        EDGERT_REQUIRE_FILE(model);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const std::vector<TokenId> tokens{1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298};
        const std::size_t vocab = graph->hparams().vocabSize;
        RunShape shape{32, static_cast<std::uint32_t>(tokens.size()), true};
        for (const auto& name : strategyNames()) {
            const auto strategy = makeStrategy(name);
            const auto budget = strategy->minimumBudget(makePlanInput(*graph, shape));
            MemoryPool pool(budget);
            {
                auto engine = IdleEngine(graph).plan(*strategy, budget, shape).prepare(pool);
                const auto reference = singleTokenLogits(engine, tokens);
                engine.resetContext();
                const auto all = engine.evaluateAll(tokens);
                QCOMPARE(all.size(), tokens.size() * vocab);
                QCOMPARE(engine.position(), static_cast<std::uint32_t>(tokens.size()));
                for (std::size_t t = 0; t < tokens.size(); ++t)
                    for (std::size_t v = 0; v < vocab; ++v) {
                        const float got = all[t * vocab + v], want = reference[t][v];
                        if (std::fabs(got - want) > kBatchVsSingleTolerance * std::max(1.0f, std::fabs(want)))
                            QFAIL(qPrintable(QStringLiteral("%1: position %2 id %3: %4 vs %5 token by token")
                                                 .arg(QString::fromStdString(name))
                                                 .arg(t)
                                                 .arg(v)
                                                 .arg(got)
                                                 .arg(want)));
                    }
                QVERIFY(pool.peakBytes() <= budget);
            }
            QCOMPARE(pool.usedBytes(), std::uint64_t{0});
        }
    }

    void logitsScratchForTheBatchIsCountedInThePlan()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto graph = ModelGraph::openGguf(model.toStdString()).validate();
        const RunShape last{64, 16, false}, all{64, 16, true};
        const auto a = makePlanInput(graph, last), b = makePlanInput(graph, all);
        const std::uint64_t extra = 15ull * graph.hparams().vocabSize * sizeof(float);
        QVERIFY(b.scratchBytes >= a.scratchBytes + extra);
        QVERIFY(b.scratchBytes <= a.scratchBytes + extra + 2 * 4096);
    }

    void refusesWithoutAllLogitsOrOversizedBatch()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const auto strategy = makeStrategy("sequential");
        for (const bool allLogits : {false, true}) {
            const RunShape shape{32, 4, allLogits};
            const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
            MemoryPool pool(budget);
            auto engine = IdleEngine(graph).plan(*strategy, budget, shape).prepare(pool);
            const std::vector<TokenId> five{1, 2, 3, 4, 5};
            if (!allLogits)
                QVERIFY_THROWS_EXCEPTION(UsageError, engine.evaluateAll(std::span(five).first(2)));
            else
                QVERIFY_THROWS_EXCEPTION(UsageError, engine.evaluateAll(five));
        }
    }
};

QTEST_GUILESS_MAIN(TestTeacherForced)
#include "tst_teacher_forced.moc"
