// EngineBridge: the engine's Qt edge. Opening models, re-planning on budget and strategy
// changes (coalesced), streaming the reference generation of the default model with every
// strategy, Stop between groups with every pool byte returned, engine errors as readable
// messages, thermal-policy events, and destruction during a run.
#include "edgert-qt/engine-bridge.h"
#include "edgert-qt/model-locator.h"
#include "test-support.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <qcoro/qcorotask.h>

#include <cmath>

using namespace edgert;
using namespace edgert::qt;

Q_DECLARE_METATYPE(edgert::ThermalAction)

// QCoro's own test macros (QCORO_VERIFY/QCORO_COMPARE, tests/testobject.h in QCoro) are not
// installed by Debian's qcoro-qt6-dev; these are the same: on failure the coroutine returns.
#define QCORO_VERIFY(statement)                                                                           \
    do {                                                                                                  \
        if (!QTest::qVerify(static_cast<bool>(statement), #statement, "", __FILE__, __LINE__)) co_return; \
    } while (false)
#define QCORO_VERIFY2(statement, description)                                                                      \
    do {                                                                                                           \
        if (!QTest::qVerify(static_cast<bool>(statement), #statement, description, __FILE__, __LINE__)) co_return; \
    } while (false)
#define QCORO_COMPARE(actual, expected)                                                            \
    do {                                                                                           \
        if (!QTest::qCompare(actual, expected, #actual, #expected, __FILE__, __LINE__)) co_return; \
    } while (false)

namespace {

const QString kDefaultModel = test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
const QString kReferenceOpening = QStringLiteral("Once upon a time, there was a little girl named Lily.");
constexpr int kGoldenTokens = 24;  // ids in test-support.h
constexpr int kLongRunTokens = 500;

std::vector<int> asInts(const std::vector<TokenId>& ids)
{
    return {ids.begin(), ids.end()};
}

}  // namespace

class TestEngineBridge : public QObject {
    Q_OBJECT

private:
    QCoro::Task<> openDefaultModelEmitsModelAndPlanCoro()
    {
        EngineBridge bridge;
        QSignalSpy models(&bridge, &EngineBridge::modelChanged);
        QSignalSpy plans(&bridge, &EngineBridge::planChanged);
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        QCORO_COMPARE(models.count(), 1);
        QCORO_VERIFY(plans.count() >= 1);
        QCORO_COMPARE(bridge.model().nLayers, 2);
        QCORO_COMPARE(bridge.model().displayName, QStringLiteral("Raincandy U TinyStories 656K"));
        for (const auto& name : strategyNames()) {
            const BudgetRange range = bridge.budgetRange(QString::fromStdString(name));
            QCORO_VERIFY(range.valid());
            QCORO_VERIFY(range.minimumBytes <= range.fullBytes);
        }
        // Like the CLI, the budget starts where every weight is resident.
        QCORO_COMPARE(bridge.budgetBytes(), bridge.budgetRange().fullBytes);
        QCORO_VERIFY(bridge.plan().allPinned());
        QCORO_COMPARE(bridge.plan().units.size(), std::size_t{3});  // two blocks and the LM head
    }

    QCoro::Task<> budgetChangeReplansCoro()
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        bridge.setStrategy(QStringLiteral("greedy-grouping"));
        QCORO_VERIFY(co_await bridge.replan());
        QCORO_COMPARE(bridge.plan().groups.size(), std::size_t{1});
        bridge.setBudgetBytes(bridge.budgetRange().minimumBytes);
        QCORO_VERIFY(co_await bridge.replan());
        QCORO_COMPARE(bridge.plan().budgetBytes, bridge.budgetRange().minimumBytes);
        QCORO_COMPARE(bridge.plan().groups.size(), std::size_t{3});
        QCORO_COMPARE(bridge.plan().streamedGroupCount(), std::size_t{3});
        // Out-of-range budgets are clamped into the strategy's range.
        bridge.setBudgetBytes(1);
        QCORO_COMPARE(bridge.budgetBytes(), bridge.budgetRange().minimumBytes);
    }

    QCoro::Task<> strategyChangeChangesPlanCoro()
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        QSignalSpy strategies(&bridge, &EngineBridge::strategyChanged);
        bridge.setStrategy(QStringLiteral("sequential"));
        QCORO_VERIFY(co_await bridge.replan());
        QCORO_COMPARE(bridge.plan().strategy, std::string("sequential"));
        QCORO_COMPARE(bridge.plan().groups.size(), std::size_t{3});  // one unit per group
        bridge.setStrategy(QStringLiteral("speculative-prefetch"));
        bridge.setBudgetBytes(0);  // clamped to prefetch's minimum: everything streams
        QCORO_VERIFY(co_await bridge.replan());
        QCORO_COMPARE(bridge.plan().strategy, std::string("speculative-prefetch"));
        QCORO_VERIFY(bridge.plan().prefetch);
        QCORO_COMPARE(strategies.count(), 2);
        QSignalSpy failures(&bridge, &EngineBridge::failed);
        bridge.setStrategy(QStringLiteral("no-such-strategy"));
        QCORO_COMPARE(failures.count(), 1);
        QCORO_COMPARE(bridge.strategy(), QStringLiteral("speculative-prefetch"));
    }

    QCoro::Task<> dragCoalescesReplansCoro()
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        const BudgetRange range = bridge.budgetRange();
        QSignalSpy plans(&bridge, &EngineBridge::planChanged);
        constexpr int kDragSteps = 40;
        for (int i = 0; i <= kDragSteps; ++i)
            bridge.setBudgetBytes(range.fullBytes -
                                  (range.fullBytes - range.minimumBytes) * static_cast<quint64>(i) / kDragSteps);
        QCORO_VERIFY(co_await bridge.replan());
        // The 41 values arrived in one turn of the event loop: one plan, for the last value,
        // however fast or slow the planning thread is.
        QCORO_COMPARE(plans.count(), 1);
        QCORO_COMPARE(bridge.plan().budgetBytes, range.minimumBytes);
    }

    QCoro::Task<> runStreamsReferenceTokensCoro(QString strategy, bool minimumBudget)
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        bridge.setStrategy(strategy);
        if (minimumBudget) bridge.setBudgetBytes(bridge.budgetRange().minimumBytes);
        QCORO_VERIFY(co_await bridge.replan());
        QString streamed;
        QList<int> indices;
        connect(&bridge, &EngineBridge::tokenGenerated, this, [&](const QString& text, int index) {
            streamed += text;
            indices << index;
        });
        QSignalSpy timings(&bridge, &EngineBridge::groupTimed);
        QSignalSpy started(&bridge, &EngineBridge::groupStarted);
        QSignalSpy stats(&bridge, &EngineBridge::statsUpdated);
        RunRequest request;
        request.maxTokens = kGoldenTokens;
        const auto report = co_await bridge.run(request);
        QCORO_VERIFY(report.has_value());
        QCORO_COMPARE(asInts(report->tokens), test::goldenIdsTinyStories656K());
        QCORO_VERIFY(streamed.startsWith(kReferenceOpening));
        QCORO_COMPARE(streamed, report->text);
        for (int i = 0; i < kGoldenTokens; ++i) QCORO_COMPARE(indices.value(i), i);
        QCORO_COMPARE(report->stopReason, StopReason::MaxTokens);
        QCORO_COMPARE(report->poolEndBytes, quint64{0});
        QCORO_COMPARE(bridge.poolUsedBytes(), quint64{0});
        QCORO_VERIFY(report->stats.poolPeakBytes <= bridge.budgetBytes());
        QCORO_VERIFY(report->stats.decodeTokensPerSecond > 0);
        QCORO_VERIFY(report->stats.timeToFirstTokenMs > 0);
        QCORO_VERIFY(stats.count() >= 1);
        // Every group computes in every forward pass; streamed groups also load.
        const auto passes = static_cast<qsizetype>(report->forwardPasses);
        const auto groups = static_cast<qsizetype>(report->plan.groups.size());
        const auto streamedGroups = static_cast<qsizetype>(report->plan.streamedGroupCount());
        QCORO_COMPARE(timings.count(), passes * (groups + streamedGroups));
        QCORO_COMPARE(started.count(), timings.count());
        if (minimumBudget && strategy == QLatin1String("speculative-prefetch")) {
            bool prefetched = false;
            for (const auto& args : timings) prefetched |= args.at(0).value<GroupTiming>().onWorker;
            QCORO_VERIFY(prefetched);
        }
    }

    // "auto": the plan shown is the cost model's pick, the run executes that plan and streams
    // the reference ids, and both say what was picked. Which strategy wins at a streaming budget
    // depends on this machine's measured bandwidth, so only the agreement is checked there; with
    // every weight resident nothing is measured and the fewest groups win.
    QCoro::Task<> autoStrategyRunsItsPickCoro(bool streaming)
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        bridge.setStrategy(QStringLiteral("auto"));
        QCORO_COMPARE(bridge.strategy(), QStringLiteral("auto"));
        // auto's range: wherever some strategy plans, up to every weight resident.
        quint64 smallest = ~0ull;
        for (const auto& name : strategyNames())
            smallest = std::min(smallest, bridge.budgetRange(QString::fromStdString(name)).minimumBytes);
        QCORO_COMPARE(bridge.budgetRange().minimumBytes, smallest);
        if (streaming) bridge.setBudgetBytes(bridge.budgetRange().minimumBytes);
        QCORO_VERIFY(co_await bridge.replan());
        const AutoChoiceInfo planned = bridge.autoChoice();
        QCORO_VERIFY(planned.valid());
        QCORO_COMPARE(planned.strategy.toStdString(), bridge.plan().strategy);
        QCORO_VERIFY(!planned.detail.isEmpty());
        QCORO_VERIFY(autoChoiceText(planned).contains(strategyTitle(planned.strategy)));
        if (streaming) {
            QCORO_VERIFY(planned.measured);
            QCORO_VERIFY(bridge.plan().streamedGroupCount() > 0);
            QCORO_VERIFY(planned.memoryGBPerSecond > 0 && planned.fileGBPerSecond > 0);
            QCORO_VERIFY(planned.predictedTokensPerSecond > 0);
        } else {
            QCORO_VERIFY(!planned.measured);
            QCORO_COMPARE(planned.strategy, QStringLiteral("greedy-grouping"));
            QCORO_COMPARE(bridge.plan().groups.size(), std::size_t{1});
        }
        RunRequest request;
        request.maxTokens = kGoldenTokens;
        const auto report = co_await bridge.run(request);
        QCORO_VERIFY(report.has_value());
        QCORO_COMPARE(asInts(report->tokens), test::goldenIdsTinyStories656K());
        QCORO_COMPARE(report->autoChoice.strategy, planned.strategy);  // the kept bandwidths: the same pick
        QCORO_COMPARE(report->plan.strategy, bridge.plan().strategy);
        QCORO_COMPARE(report->plan.groups.size(), bridge.plan().groups.size());
        QCORO_COMPARE(report->plan.streamedBytesPerPass, bridge.plan().streamedBytesPerPass);
        QCORO_COMPARE(report->poolEndBytes, quint64{0});
        // A named strategy reports no auto choice.
        bridge.setStrategy(QStringLiteral("sequential"));
        QCORO_VERIFY(co_await bridge.replan());
        QCORO_VERIFY(!bridge.autoChoice().valid());
    }

    // setWeightReads reaches the run's engine: O_DIRECT (or the filesystem's refusal, said in the
    // note) and the page cache, with the same ids; an unknown mode is refused and changes nothing.
    QCoro::Task<> weightReadsReachTheRunCoro()
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        bridge.setStrategy(QStringLiteral("sequential"));
        bridge.setBudgetBytes(bridge.budgetRange().minimumBytes);  // every group streams
        RunRequest request;
        request.maxTokens = kGoldenTokens;
        bridge.setWeightReads(QStringLiteral("direct"));
        QCORO_VERIFY(co_await bridge.replan());
        const auto direct = co_await bridge.run(request);
        QCORO_VERIFY(direct.has_value());
        QCORO_COMPARE(asInts(direct->tokens), test::goldenIdsTinyStories656K());
        QCORO_COMPARE(direct->weightReadReason, QStringLiteral("--weight-reads direct"));
        QCORO_VERIFY2(direct->directReads || !direct->weightReadNote.isEmpty(), qPrintable(direct->weightReadNote));
        bridge.setWeightReads(QStringLiteral("buffered"));
        const auto buffered = co_await bridge.run(request);
        QCORO_VERIFY(buffered.has_value());
        QCORO_COMPARE(asInts(buffered->tokens), test::goldenIdsTinyStories656K());
        QCORO_VERIFY(!buffered->directReads);
        QCORO_COMPARE(buffered->weightReadReason, QStringLiteral("--weight-reads buffered"));
        QSignalSpy failures(&bridge, &EngineBridge::failed);
        bridge.setWeightReads(QStringLiteral("cached"));
        QCORO_COMPARE(failures.count(), 1);
        QCORO_VERIFY(failures.at(0).at(0).toString().contains(QStringLiteral("auto, direct or buffered")));
        QCORO_COMPARE(bridge.weightReads(), QStringLiteral("buffered"));
    }

    QCoro::Task<> stalledGuiHoldsTheRunCloseToTheScreenCoro()
    {
        // The GUI thread stalls for 300 ms on the first token (as on a Pi whose cores are busy
        // with inference), then taps Stop: the run may not have raced on meanwhile by more than the
        // bound. Whatever the speed of either thread, at most the first drain's tokens, the bound,
        // the token the worker was pushing when Stop came and the one it was computing arrive.
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        int tokensSeen = 0;
        const auto stopper = connect(&bridge, &EngineBridge::tokenGenerated, this, [&](const QString&, int index) {
            tokensSeen = index + 1;
            if (index != 0) return;
            QThread::msleep(300);
            bridge.stop();
        });
        RunRequest request;
        request.maxTokens = kLongRunTokens;
        request.temperature = 0.8;  // no early end of story
        request.seed = 7;
        const auto report = co_await bridge.run(request);
        disconnect(stopper);
        QCORO_VERIFY(report.has_value());
        QCORO_COMPARE(report->stopReason, StopReason::Cancelled);
        constexpr int kBound = 2 * kMaxTokensAheadOfGui + 2;
        QCORO_VERIFY2(
            report->tokens.size() <= std::size_t{kBound},
            qPrintable(QStringLiteral("%1 tokens after Stop; bound %2").arg(report->tokens.size()).arg(kBound)));
        QCORO_COMPARE(tokensSeen, static_cast<int>(report->tokens.size()));
    }

    QCoro::Task<> stopMidRunCancelsAndReturnsPoolCoro()
    {
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        bridge.setStrategy(QStringLiteral("sequential"));
        bridge.setBudgetBytes(bridge.budgetRange().minimumBytes);
        QCORO_VERIFY(co_await bridge.replan());
        int tokensSeen = 0;
        quint64 poolDuringRun = 0;
        const auto stopper = connect(&bridge, &EngineBridge::tokenGenerated, this, [&](const QString&, int index) {
            tokensSeen = index + 1;
            if (index == 4) {
                poolDuringRun = bridge.poolUsedBytes();
                bridge.stop();
            }
        });
        QSignalSpy finished(&bridge, &EngineBridge::finished);
        RunRequest request;
        request.maxTokens = kLongRunTokens;
        request.temperature = 0.8;  // no early end of story
        request.seed = 7;
        const auto report = co_await bridge.run(request);
        QCORO_VERIFY(report.has_value());
        QCORO_COMPARE(report->stopReason, StopReason::Cancelled);
        QCORO_VERIFY(report->tokens.size() < static_cast<std::size_t>(kLongRunTokens));
        QCORO_VERIFY(tokensSeen >= 5);
        QCORO_VERIFY(poolDuringRun > 0);  // KV cache and scratch were leased
        QCORO_COMPARE(report->poolEndBytes, quint64{0});
        QCORO_COMPARE(bridge.poolUsedBytes(), quint64{0});
        QCORO_VERIFY(!bridge.isRunning());
        QCORO_COMPARE(finished.count(), 1);

        // The bridge is ready for the next run, which produces the reference again.
        disconnect(stopper);
        RunRequest again;
        again.maxTokens = kGoldenTokens;
        const auto second = co_await bridge.run(again);
        QCORO_VERIFY(second.has_value());
        QCORO_COMPARE(asInts(second->tokens), test::goldenIdsTinyStories656K());
    }

    // What the Open dialog hands over: a HF folder's config.json stands for the folder, which the
    // bridge opens as the CLI does; a failing folder is named without a trailing separator.
    QCoro::Task<> opensHfFolderFromItsConfigJsonCoro()
    {
        const QString folder = test::sharedModel(QStringLiteral("tinystories-656k"));
        const QString picked = edgert::qt::modelPathForSelection(folder + QStringLiteral("/config.json"));
        QCORO_COMPARE(QDir::cleanPath(picked), QDir::cleanPath(folder));
        QCORO_COMPARE(edgert::qt::modelPathForSelection(QStringLiteral("/m/x.gguf")), QStringLiteral("/m/x.gguf"));
        EngineBridge bridge;
        QCORO_VERIFY(co_await bridge.openModel(picked));
        QCORO_VERIFY(bridge.hasModel());
        QCORO_VERIFY(bridge.model().nLayers > 0);
        QCORO_COMPARE(bridge.model().architecture, QStringLiteral("llama"));

        QTemporaryDir dir;
        const QString empty = dir.filePath(QStringLiteral("empty-model")) + QLatin1Char('/');
        QCORO_VERIFY(QDir().mkpath(empty));
        QSignalSpy failures(&bridge, &EngineBridge::failed);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^cannot open")));
        QCORO_VERIFY(!co_await bridge.openModel(empty));
        QCORO_COMPARE(failures.count(), 1);
        const QString message = failures.takeFirst().at(0).toString();
        QCORO_VERIFY2(message.contains(QStringLiteral("empty-model: ")), qPrintable(message));
        QCORO_VERIFY2(!message.contains(QStringLiteral(" :")), qPrintable(message));
    }

    QCoro::Task<> engineErrorsArriveAsMessagesCoro()
    {
        EngineBridge bridge;
        QSignalSpy failures(&bridge, &EngineBridge::failed);
        // The bridge also logs each failure (edgert.bridge); expected here.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^cannot open")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^cannot open")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^run failed")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^run failed")));
        QCORO_VERIFY(!co_await bridge.openModel(QStringLiteral("/nonexistent/model.gguf")));
        QCORO_COMPARE(failures.count(), 1);
        QString message = failures.takeFirst().at(0).toString();
        QCORO_VERIFY(message.contains(QStringLiteral("model.gguf")));
        QCORO_VERIFY(!message.contains(QStringLiteral("QUnhandledException")));

        QTemporaryDir dir;
        const QString garbage = dir.filePath(QStringLiteral("garbage.gguf"));
        QFile file(garbage);
        QCORO_VERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        QCORO_VERIFY(!co_await bridge.openModel(garbage));
        message = failures.takeFirst().at(0).toString();
        QCORO_VERIFY2(message.contains(QStringLiteral("garbage.gguf")), qPrintable(message));
        QCORO_VERIFY(!bridge.hasModel());

        // A run error (an invalid sampler setting raised inside generate()) is a message too,
        // and the bridge stays usable.
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        RunRequest bad;
        bad.temperature = -1.0;
        const auto report = co_await bridge.run(bad);
        QCORO_VERIFY(!report.has_value());
        message = failures.takeLast().at(0).toString();
        QCORO_VERIFY2(message.contains(QStringLiteral("temperature")), qPrintable(message));
        QCORO_VERIFY(!bridge.isRunning());
        QCORO_COMPARE(bridge.poolUsedBytes(), quint64{0});

        // A prompt that does not fit the context.
        EngineBridge small;
        small.setContextTokens(8);
        QCORO_VERIFY(co_await small.openModel(kDefaultModel));
        QSignalSpy smallFailures(&small, &EngineBridge::failed);
        RunRequest longPrompt;
        longPrompt.prompt = QStringLiteral("Once upon a time there was a very long prompt that does not fit");
        QCORO_VERIFY(!(co_await small.run(longPrompt)).has_value());
        QCORO_COMPARE(smallFailures.count(), 1);
        QCORO_VERIFY(smallFailures.at(0).at(0).toString().contains(QStringLiteral("context")));
    }

    QCoro::Task<> thermalEventsReachSignalCoro(QString root, ThermalAction expected, double temperatureC)
    {
        EngineBridge bridge;
        bridge.setThermalRoot(root);
        ThermalPolicyConfig config;
        config.hardPauseTimeoutMs = 40;  // the fixture never cools down
        config.pollIntervalMs = 10;
        bridge.setThermalConfig(config);
        QCORO_VERIFY(co_await bridge.openModel(kDefaultModel));
        QSignalSpy marks(&bridge, &EngineBridge::thermalEvent);
        RunRequest request;
        request.maxTokens = 4;
        QCORO_VERIFY((co_await bridge.run(request)).has_value());
        QCORO_VERIFY(marks.count() >= 1);
        const auto mark = marks.at(0).at(0).value<ThermalMark>();
        QCORO_COMPARE(mark.action, expected);
        if (std::isnan(temperatureC))
            QCORO_VERIFY(std::isnan(mark.temperatureC));
        else
            QCORO_COMPARE(mark.temperatureC, temperatureC);
        QCORO_VERIFY(mark.ms >= 0.0);
        QCORO_VERIFY(!mark.reason.isEmpty());
        QCORO_COMPARE(bridge.thermalPolicyInert(), expected == ThermalAction::Inert);
    }

    QCoro::Task<> destroyingDuringRunStopsItCoro()
    {
        auto* bridge = new EngineBridge;
        QCORO_VERIFY(co_await bridge->openModel(kDefaultModel));
        bool deleted = false;
        connect(bridge, &EngineBridge::tokenGenerated, this, [&](const QString&, int index) {
            if (index == 2 && !deleted) {
                deleted = true;
                bridge->deleteLater();
            }
        });
        RunRequest request;
        request.maxTokens = kLongRunTokens;
        request.temperature = 0.8;
        bridge->start(request);
        QCORO_VERIFY(QTest::qWaitFor([&] { return deleted; }, 20000));
        QTest::qWait(200);  // the queued drains and the coroutine's resumption find it gone
        QCORO_VERIFY(deleted);
    }

private slots:
    void initTestCase() { EDGERT_REQUIRE_FILE(kDefaultModel); }

    void openDefaultModelEmitsModelAndPlan() { QCoro::waitFor(openDefaultModelEmitsModelAndPlanCoro()); }
    void budgetChangeReplans() { QCoro::waitFor(budgetChangeReplansCoro()); }
    void strategyChangeChangesPlan() { QCoro::waitFor(strategyChangeChangesPlanCoro()); }
    void dragCoalescesReplans() { QCoro::waitFor(dragCoalescesReplansCoro()); }

    void runStreamsReferenceTokens_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<bool>("minimumBudget");
        for (const auto& name : strategyNames()) {
            const QString s = QString::fromStdString(name);
            QTest::newRow(qPrintable(s + QStringLiteral("_everything_resident"))) << s << false;
            QTest::newRow(qPrintable(s + QStringLiteral("_minimum_budget_streams"))) << s << true;
        }
    }
    void runStreamsReferenceTokens()
    {
        QFETCH(QString, strategy);
        QFETCH(bool, minimumBudget);
        QCoro::waitFor(runStreamsReferenceTokensCoro(strategy, minimumBudget));
    }

    void autoStrategyRunsItsPick_data()
    {
        QTest::addColumn<bool>("streaming");
        QTest::newRow("all_resident") << false;
        QTest::newRow("smallest_budget_streams") << true;
    }
    void autoStrategyRunsItsPick()
    {
        QFETCH(bool, streaming);
        QCoro::waitFor(autoStrategyRunsItsPickCoro(streaming));
    }
    void weightReadsReachTheRun() { QCoro::waitFor(weightReadsReachTheRunCoro()); }
    void stalledGuiHoldsTheRunCloseToTheScreen() { QCoro::waitFor(stalledGuiHoldsTheRunCloseToTheScreenCoro()); }
    void stopMidRunCancelsAndReturnsPool() { QCoro::waitFor(stopMidRunCancelsAndReturnsPoolCoro()); }
    void engineErrorsArriveAsMessages() { QCoro::waitFor(engineErrorsArriveAsMessagesCoro()); }
    void opensHfFolderFromItsConfigJson()
    {
        EDGERT_REQUIRE_FILE(test::sharedModel(QStringLiteral("tinystories-656k/model.safetensors")));
        QCoro::waitFor(opensHfFolderFromItsConfigJsonCoro());
    }

    void thermalEventsReachSignal_data()
    {
        QTest::addColumn<QString>("root");
        QTest::addColumn<ThermalAction>("expected");
        QTest::addColumn<double>("temperatureC");
        QTest::newRow("x86_host_no_sensor_inert")
            << QStringLiteral(EDGERT_FIXTURES_DIR "/x86-host") << ThermalAction::Inert << std::nan("");
        QTest::newRow("rpi4_throttled_hard_pause")
            << QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4-throttled") << ThermalAction::HardPause << 83.214;
    }
    void thermalEventsReachSignal()
    {
        QFETCH(QString, root);
        QFETCH(ThermalAction, expected);
        QFETCH(double, temperatureC);
        QCoro::waitFor(thermalEventsReachSignalCoro(root, expected, temperatureC));
    }

    void destroyingDuringRunStopsIt() { QCoro::waitFor(destroyingDuringRunStopsItCoro()); }
};

QTEST_GUILESS_MAIN(TestEngineBridge)
#include "tst_engine_bridge.moc"
