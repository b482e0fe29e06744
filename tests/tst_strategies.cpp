// End to end: every strategy at budgets from "everything fits" down to the smallest that plans
// generates the reference greedy ids on both real models, and the pool returns to zero.
// Peak RSS is measured in a separate process (the CLI), where nothing else pollutes it.
#include "edgert/inference-engine.h"
#include "test-support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace edgert;

namespace {

std::vector<std::uint64_t> budgetsBetween(std::uint64_t minimum, std::uint64_t full, int steps)
{
    std::vector<std::uint64_t> out{full, minimum};
    for (int i = 1; i < steps; ++i) out.push_back(minimum + (full - minimum) * static_cast<std::uint64_t>(i) / steps);
    return out;
}

struct Case {
    QString model;
    std::vector<int> golden;
};

}  // namespace

class TestStrategies : public QObject {
    Q_OBJECT
private slots:
    void everyStrategyAndBudgetGivesReferenceIds_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<std::vector<int>>("golden");
        QTest::newRow("stories260K") << test::sharedModel("stories260K.gguf") << test::goldenIdsStories260K();
        QTest::newRow("tinystories656k_q8_0")
            << test::sharedModel("tinystories-656k-q8_0.gguf") << test::goldenIdsTinyStories656K();
    }
    void everyStrategyAndBudgetGivesReferenceIds()
    {
        QFETCH(QString, model);
        QFETCH(std::vector<int>, golden);
        EDGERT_REQUIRE_FILE(model);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const RunShape shape{static_cast<std::uint32_t>(golden.size() + 1), 1};
        const auto input = makePlanInput(*graph, shape);
        int runs = 0, streamedRuns = 0;
        // Layer groups read through the page cache and with O_DIRECT (io/direct-reader.h).
        for (const bool direct : {false, true})
            for (const auto& name : strategyNames()) {
                const auto strategy = makeStrategy(name);
                const auto minimum = strategy->minimumBudget(input);
                const auto full = strategy->plan(input, 1ull << 40).plannedPeakBytes();
                for (const auto budget : budgetsBetween(minimum, full, 6)) {
                    MemoryPool pool(budget);
                    {
                        auto engine =
                            IdleEngine(graph, EngineOptions{2, direct}).plan(*strategy, budget, shape).prepare(pool);
                        // Direct unless the filesystem refused O_DIRECT, which the engine then says.
                        QVERIFY2(engine.directReads() == direct || (direct && !engine.weightReadNotes().empty()),
                                 engine.weightReadNotes().c_str());

                        const TokenId bos[1] = {engine.tokenizer().bos()};
                        GenerationParams params;
                        params.maxTokens = static_cast<std::uint32_t>(golden.size());
                        const auto result = engine.generate(bos, params);
                        QVERIFY2(std::vector<int>(result.tokens.begin(), result.tokens.end()) == golden,
                                 qPrintable(QStringLiteral("%1 at %2 bytes (direct reads: %3) diverged")
                                                .arg(QString::fromStdString(name))
                                                .arg(budget)
                                                .arg(direct)));
                        QVERIFY(pool.peakBytes() <= budget);
                        if (engine.directReads())
                            QVERIFY(engine.directBytesRead() > 0);
                        else
                            QCOMPARE(engine.directBytesRead(), std::uint64_t{0});
                        if (!engine.plan().allPinned()) {
                            ++streamedRuns;
                            QVERIFY(result.streamedBytesRead > 0);
                        }
                    }
                    QCOMPARE(pool.usedBytes(), std::uint64_t{0});
                    QCOMPARE(pool.liveBuffers(), std::uint64_t{0});
                    ++runs;
                }
            }
        QVERIFY(streamedRuns > 0);
        qInfo("%d runs, %d with streamed groups", runs, streamedRuns);
    }

    void prefetchOverlapsLoadWithCompute()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const RunShape shape{16, 1};
        const auto strategy = makeStrategy("speculative-prefetch");
        const auto budget = strategy->minimumBudget(makePlanInput(*graph, shape));
        MemoryPool pool(budget);
        struct Recorder : RunObserver {
            int workerLoads = 0, computes = 0;
            void onGroupEvent(const GroupEvent& e) override
            {
                if (e.phase == GroupEvent::Phase::Load && e.onWorker) ++workerLoads;
                if (e.phase == GroupEvent::Phase::Compute) ++computes;
            }
        } recorder;
        auto engine = IdleEngine(graph).plan(*strategy, budget, shape).prepare(pool);
        QVERIFY(engine.plan().prefetch);
        QVERIFY(engine.plan().streamedGroupCount() >= 2);
        const TokenId bos[1] = {1};
        GenerationParams params;
        params.maxTokens = 8;
        engine.generate(bos, params, &recorder);
        QVERIFY(recorder.workerLoads > 0);
        QVERIFY(recorder.computes > 0);
    }

    void cancellationBetweenGroupsReturnsEveryByte()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const RunShape shape{32, 1};
        const auto strategy = makeStrategy("speculative-prefetch");
        const auto budget = strategy->minimumBudget(makePlanInput(*graph, shape));
        MemoryPool pool(budget);
        struct StopAfter : RunObserver {
            int tokens = 0;
            void onToken(TokenId, std::size_t) override { ++tokens; }
            bool shouldStop() override { return tokens >= 3; }
        } stopper;
        {
            auto engine = IdleEngine(graph).plan(*strategy, budget, shape).prepare(pool);
            const TokenId bos[1] = {1};
            GenerationParams params;
            params.maxTokens = 20;
            const auto result = engine.generate(bos, params, &stopper);
            QCOMPARE(result.stopReason, StopReason::Cancelled);
            QCOMPARE(result.tokens.size(), std::size_t{3});
            // The engine is usable again after a cancelled run.
            stopper.tokens = -100;
            const auto again = engine.generate(bos, params, &stopper);
            QCOMPARE(again.tokens.size(), std::size_t{20});
        }
        QCOMPARE(pool.usedBytes(), std::uint64_t{0});
    }

    void measuredPeakRssStaysWithinBudget_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("budget");  // "min" or "full"
        for (const char* m : {"stories260K.gguf", "tinystories-656k-q8_0.gguf"})
            for (const auto& s : strategyNames())
                for (const char* b : {"min", "full"})
                    QTest::newRow(qPrintable(
                        QStringLiteral("%1/%2/%3").arg(QLatin1String(m), QString::fromStdString(s), QLatin1String(b))))
                        << test::sharedModel(QLatin1String(m)) << QString::fromStdString(s) << QString::fromLatin1(b);
    }
    void measuredPeakRssStaysWithinBudget()
    {
        QFETCH(QString, model);
        QFETCH(QString, strategy);
        QFETCH(QString, budget);
        EDGERT_REQUIRE_FILE(model);
        auto graph = ModelGraph::openGguf(model.toStdString()).validate();
        const RunShape shape{25, 1};
        const auto s = makeStrategy(strategy.toStdString());
        const auto input = makePlanInput(graph, shape);
        const auto bytes =
            budget == QLatin1String("min") ? s->minimumBudget(input) : s->plan(input, 1ull << 40).plannedPeakBytes();
        QProcess cli;
        cli.start(QStringLiteral(EDGERT_CLI_PATH),
                  {QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("--strategy"), strategy,
                   QStringLiteral("--memory-budget"), QString::number(bytes), QStringLiteral("-n"),
                   QStringLiteral("24"), QStringLiteral("--ids"), QStringLiteral("--report"), QStringLiteral("json")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const auto report = QJsonDocument::fromJson(cli.readAllStandardError().trimmed().split('\n').last()).object();
        QVERIFY(report.value(QStringLiteral("peak_rss_measured")).toBool());
        const double above = report.value(QStringLiteral("peak_rss_above_baseline_bytes")).toDouble();
        const double poolPeak = report.value(QStringLiteral("pool_peak_bytes")).toDouble();
        qInfo("%s: budget %llu, pool peak %.0f, peak RSS above baseline %.0f bytes",
              qPrintable(QString(QTest::currentDataTag())), static_cast<unsigned long long>(bytes), poolPeak, above);
        const QString rss = test::checkPeakRssWithinBudget(bytes, above, poolPeak);
        QVERIFY2(rss.isEmpty(), qPrintable(rss));
        QCOMPARE(report.value(QStringLiteral("pool_end_bytes")).toDouble(), 0.0);
        QVERIFY(report.value(QStringLiteral("pool_peak_bytes")).toDouble() <= static_cast<double>(bytes));
        const auto tokens = report.value(QStringLiteral("tokens")).toArray();
        const auto& golden =
            model.contains(QLatin1String("260K")) ? test::goldenIdsStories260K() : test::goldenIdsTinyStories656K();
        QCOMPARE(tokens.size(), static_cast<qsizetype>(golden.size()));
        for (qsizetype i = 0; i < tokens.size(); ++i) QCOMPARE(tokens[i].toInt(), golden[static_cast<std::size_t>(i)]);
    }
};

QTEST_GUILESS_MAIN(TestStrategies)
#include "tst_strategies.moc"
