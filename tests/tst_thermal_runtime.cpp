// The thermal policy drives a real generation: a fake temperature source (a function of a fake
// clock) takes the run through the soft and hard limits and back; the runtime's behaviour —
// threads used per group, pauses taken, events emitted — is asserted, and the output stays the
// reference greedy continuation.
#include "edgert/inference-engine.h"
#include "edgert/thermal-governor.h"
#include "test-support.h"

#include <QTest>

using namespace edgert;
using namespace std::chrono_literals;

namespace {

struct FakeMachine {
    ThermalPolicy::Clock::time_point now{};
    std::chrono::milliseconds slept{0};
    double temperatureAt() const
    {
        const double s = std::chrono::duration<double>(now.time_since_epoch()).count();
        if (s < 4) return 60;   // cool
        if (s < 14) return 78;  // above soft (75)
        if (s < 20) return 86;  // above hard (82)
        return 65;              // cooled down
    }
};

// Every pass on the policy's threads: the adaptive team (runtime/adaptive-team.h) would add its
// own solo decode passes to what these tests assert.
EngineOptions fixedTeam(int threads)
{
    EngineOptions o{threads};
    o.adaptiveTeam = false;
    return o;
}

struct ThreadRecorder : RunObserver {
    std::vector<int> computeThreads;
    void onGroupEvent(const GroupEvent& e) override
    {
        if (e.phase == GroupEvent::Phase::Compute) computeThreads.push_back(e.threads);
    }
};

}  // namespace

class TestThermalRuntime : public QObject {
    Q_OBJECT
private slots:
    void policyChangesThreadsAndPausesDuringAHotRun()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        FakeMachine machine;
        ThermalPolicy::Environment env;
        env.now = [&] {
            machine.now += 40ms;  // each look at the clock costs a little time
            return machine.now;
        };
        env.sleep = [&](std::chrono::milliseconds ms) {
            machine.now += ms;
            machine.slept += ms;
        };
        env.readTemperatureC = [&]() -> std::optional<double> { return machine.temperatureAt(); };
        ThermalPolicyConfig config;
        config.adjustIntervalMs = 500;
        config.readIntervalMs = 0;
        config.hardPauseTimeoutMs = 60000;
        ThermalPolicy policy(config, 4, env);

        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const RunShape shape{200, 1};
        const auto strategy = makeStrategy("sequential");
        const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
        MemoryPool pool(budget);
        auto engine = IdleEngine(graph, fixedTeam(4)).plan(*strategy, budget, shape).prepare(pool);
        ThreadRecorder recorder;
        ThermalGovernor governor(policy, &recorder);
        const TokenId bos[1] = {1};
        GenerationParams params;
        params.maxTokens = 160;
        params.stopAtEos = false;
        const auto result = engine.generate(bos, params, &governor);

        // Output unaffected by the thread changes.
        const auto& golden = test::goldenIdsStories260K();
        QVERIFY(std::equal(golden.begin(), golden.end(), result.tokens.begin()));

        // Threads: started at 4, went down while hot, came back up after cooling.
        const auto& t = recorder.computeThreads;
        QVERIFY(!t.empty());
        QCOMPARE(t.front(), 4);
        const int lowest = *std::min_element(t.begin(), t.end());
        QVERIFY2(lowest < 4, "the policy never reduced the threads");
        const auto firstLow = std::find(t.begin(), t.end(), lowest);
        QVERIFY2(std::find_if(firstLow, t.end(), [&](int x) { return x > lowest; }) != t.end(),
                 "threads were never restored after cooling down");

        // Events: reductions, a hard pause, restorations — and the pauses were really taken.
        const auto events = policy.events();
        const auto count = [&](ThermalAction a) {
            return std::count_if(events.begin(), events.end(), [&](const ThermalEvent& e) { return e.action == a; });
        };
        QVERIFY(count(ThermalAction::ReduceThreads) >= 1);
        QVERIFY(count(ThermalAction::HardPause) >= 1);
        QVERIFY(count(ThermalAction::RestoreThreads) >= 1);
        QVERIFY(machine.slept >= 1000ms);
        for (const auto& e : events) QVERIFY(!e.reason.empty());
        QCOMPARE(pool.peakBytes() <= budget, true);
    }

    void stuckAboveHardLimitStillProgressesWithBoundedPauses()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        FakeMachine machine;
        ThermalPolicy::Environment env;
        env.now = [&] { return machine.now += 10ms; };
        env.sleep = [&](std::chrono::milliseconds ms) {
            machine.now += ms;
            machine.slept += ms;
        };
        env.readTemperatureC = []() -> std::optional<double> { return 90.0; };  // never cools
        ThermalPolicyConfig config;
        config.hardPauseTimeoutMs = 5000;
        config.readIntervalMs = 0;
        ThermalPolicy policy(config, 2, env);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const RunShape shape{16, 1};
        const auto strategy = makeStrategy("greedy-grouping");
        const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
        MemoryPool pool(budget);
        auto engine = IdleEngine(graph, fixedTeam(2)).plan(*strategy, budget, shape).prepare(pool);
        ThermalGovernor governor(policy);
        const TokenId bos[1] = {1};
        GenerationParams params;
        params.maxTokens = 12;
        const auto result = engine.generate(bos, params, &governor);
        QCOMPARE(result.tokens.size(), std::size_t{12});
        const auto events = policy.events();
        const auto hard = std::count_if(events.begin(), events.end(),
                                        [](const ThermalEvent& e) { return e.action == ThermalAction::HardPause; });
        const auto cool = std::count_if(events.begin(), events.end(),
                                        [](const ThermalEvent& e) { return e.action == ThermalAction::CoolDownPause; });
        QCOMPARE(hard, 1);    // one timed-out hard pause, then back-off
        QVERIFY(cool >= 10);  // progress at minimum threads with cool-down pauses
        QVERIFY(machine.slept < std::chrono::milliseconds(5000 + 200 * (cool + 1)));
        QCOMPARE(governor.currentThreads(), 1);
    }

    void noSensorMeansInertPolicyAndUnchangedThreads()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        ThermalPolicy::Environment env;
        env.readTemperatureC = []() -> std::optional<double> { return std::nullopt; };
        ThermalPolicy policy(ThermalPolicyConfig{}, 2, env);
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model.toStdString()).validate());
        const RunShape shape{16, 1};
        const auto strategy = makeStrategy("greedy-grouping");
        const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
        MemoryPool pool(budget);
        auto engine = IdleEngine(graph, fixedTeam(2)).plan(*strategy, budget, shape).prepare(pool);
        ThreadRecorder recorder;
        ThermalGovernor governor(policy, &recorder);
        const TokenId bos[1] = {1};
        GenerationParams params;
        params.maxTokens = 8;
        engine.generate(bos, params, &governor);
        QVERIFY(policy.inert());
        for (int threads : recorder.computeThreads) QCOMPARE(threads, 2);
        const auto events = policy.events();
        QVERIFY(!events.empty());
        QCOMPARE(events.front().action, ThermalAction::Inert);
    }
};

QTEST_GUILESS_MAIN(TestThermalRuntime)
#include "tst_thermal_runtime.moc"
