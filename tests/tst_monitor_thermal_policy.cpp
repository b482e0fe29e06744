// ThermalPolicy driven by a fake temperature source and a fake clock whose sleep advances time:
// single decisions through the thresholds, hard pauses (cooled, timed out, sensor lost, stuck
// clock), rate limiting, the inert policy on a machine without thermal zones, and a simulated hot
// run where a heat model responds to the thread count the policy chooses.
#include "edgert/error.h"
#include "edgert/thermal-policy.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <vector>

using namespace edgert;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(edgert::ThermalAction)

namespace QTest {
template <>
char* toString(const edgert::ThermalAction& action)
{
    return qstrdup(std::string(edgert::describe(action)).c_str());
}
}  // namespace QTest

namespace {

constexpr double kDecimalTolerance = 1e-9;

std::filesystem::path fixture(const char* name)
{
    return std::filesystem::path(EDGERT_FIXTURES_DIR) / name;
}

/// A clock that only moves when someone sleeps (or the test advances it) and a sensor that is a
/// function of that clock.
struct FakeMachine {
    ThermalPolicy::Clock::time_point now{};
    std::function<std::optional<double>(double seconds)> sensor = [](double) { return 50.0; };
    std::function<void(int ms)> onSleep;  // e.g. a heat model cooling down while paused
    std::vector<int> sleepsMs;
    int reads = 0;
    bool stuckClock = false;

    double seconds() const { return std::chrono::duration<double>(now.time_since_epoch()).count(); }
    void advance(std::chrono::milliseconds d) { now += d; }

    ThermalPolicy::Environment environment()
    {
        return {[this] {
                    ++reads;
                    return sensor(seconds());
                },
                [this] { return now; },
                [this](std::chrono::milliseconds d) {
                    sleepsMs.push_back(static_cast<int>(d.count()));
                    if (onSleep) onSleep(static_cast<int>(d.count()));
                    if (!stuckClock) now += d;
                }};
    }
    int totalSleptMs() const
    {
        int total = 0;
        for (int ms : sleepsMs) total += ms;
        return total;
    }
};

/// First-order thermal model of a passively cooled board: each compute thread heats the SoC by
/// heatPerThreadCPerS, and it loses coolingPerS * (T - ambient) per second.
struct HeatModel {
    double temperatureC = 55.0;
    double ambientC = 40.0;
    double heatPerThreadCPerS = 0.9;
    double coolingPerS = 0.08;

    void run(double seconds, int threads)
    {
        constexpr double kStepS = 0.01;
        for (double t = 0.0; t < seconds - 1e-12; t += kStepS)
            temperatureC += kStepS * (heatPerThreadCPerS * threads - coolingPerS * (temperatureC - ambientC));
    }
    double steadyStateC(int threads) const { return ambientC + heatPerThreadCPerS * threads / coolingPerS; }
};

}  // namespace

class TestMonitorThermalPolicy : public QObject {
    Q_OBJECT

private slots:
    void decideThroughTheThresholds_data();
    void decideThroughTheThresholds();
    void hardPause_data();
    void hardPause();
    void threadChangesAreRateLimited();
    void restoresThreadsOneStepAtATimeWhenCool();
    void sensorIsReadAtMostEveryReadInterval();
    void inertWithoutThermalZoneAndSaysSoOnce();
    void temperatureSourceReadsTheHottestZone_data();
    void temperatureSourceReadsTheHottestZone();
    void invalidConfigurationIsRejected();
    void simulatedHotRunSettlesOnFewerThreads();
    void simulatedHeatwavePausesAndNeverOverheats();
};

void TestMonitorThermalPolicy::decideThroughTheThresholds_data()
{
    QTest::addColumn<double>("temperatureC");  // NaN: no sensor
    QTest::addColumn<int>("currentThreads");
    QTest::addColumn<ThermalAction>("action");
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("pauseMs");
    QTest::addColumn<QString>("reasonContains");

    // Defaults: soft 75, hard 82, resume below 72, minThreads 1, maxThreads 4, cool-down 200 ms,
    // hard-pause timeout 30000 ms.
    QTest::newRow("no_sensor_is_inert") << qQNaN() << 4 << ThermalAction::Inert << 4 << 0 << "no thermal zone";
    QTest::newRow("cool_at_max_threads_holds") << 50.0 << 4 << ThermalAction::Hold << 4 << 0 << "no change";
    QTest::newRow("cool_below_max_restores_one")
        << 60.0 << 2 << ThermalAction::RestoreThreads << 3 << 0 << "2 -> 3 threads";
    QTest::newRow("inside_resume_margin_holds") << 73.5 << 2 << ThermalAction::Hold << 2 << 0 << "no change";
    QTest::newRow("just_below_soft_holds") << 74.99 << 4 << ThermalAction::Hold << 4 << 0 << "no change";
    QTest::newRow("exactly_soft_reduces_one")
        << 75.0 << 4 << ThermalAction::ReduceThreads << 3 << 0 << "75.0 °C >= soft limit 75.0 °C: 4 -> 3 threads";
    QTest::newRow("above_soft_reduces_one") << 79.0 << 2 << ThermalAction::ReduceThreads << 1 << 0 << "2 -> 1 thread";
    QTest::newRow("above_soft_at_min_threads_pauses")
        << 79.0 << 1 << ThermalAction::CoolDownPause << 1 << 200 << "cool-down pause of 200 ms";
    QTest::newRow("exactly_hard_pauses_and_halves")
        << 82.0 << 4 << ThermalAction::HardPause << 2 << 30000 << "82.0 °C >= hard limit 82.0 °C";
    QTest::newRow("far_above_hard_at_one_thread")
        << 95.0 << 1 << ThermalAction::HardPause << 1 << 30000 << "then 1 thread";
    QTest::newRow("odd_thread_count_halves_down")
        << 85.0 << 3 << ThermalAction::HardPause << 1 << 30000 << "then 1 thread";
}

void TestMonitorThermalPolicy::decideThroughTheThresholds()
{
    QFETCH(double, temperatureC);
    QFETCH(int, currentThreads);
    QFETCH(ThermalAction, action);
    QFETCH(int, threads);
    QFETCH(int, pauseMs);
    QFETCH(QString, reasonContains);

    FakeMachine machine;
    const ThermalPolicy policy({}, 4, machine.environment());
    const std::optional<double> reading = std::isnan(temperatureC) ? std::nullopt : std::optional<double>(temperatureC);
    const ThermalDecision d = policy.decide(reading, currentThreads, machine.now);

    QCOMPARE(d.event.action, action);
    QCOMPARE(d.threads, threads);
    QCOMPARE(d.pauseMs, pauseMs);
    QCOMPARE(d.event.threadsBefore, currentThreads);
    QCOMPARE(d.event.threadsAfter, threads);
    QCOMPARE(d.event.pauseMs, pauseMs);
    QCOMPARE(d.event.temperatureC.has_value(), !std::isnan(temperatureC));
    QCOMPARE(d.event.reason, d.reason);
    QVERIFY2(QString::fromStdString(d.reason).contains(reasonContains), d.reason.c_str());
    // decide() is pure: no sensor read, no sleep.
    QCOMPARE(machine.reads, 0);
    QVERIFY(machine.sleepsMs.empty());
}

void TestMonitorThermalPolicy::hardPause_data()
{
    QTest::addColumn<double>("startC");
    QTest::addColumn<double>("coolingCPerS");   // fake sensor: startC - coolingCPerS * t
    QTest::addColumn<double>("sensorLostAtS");  // NaN: never
    QTest::addColumn<bool>("stuckClock");
    QTest::addColumn<int>("expectedPauseMs");
    QTest::addColumn<int>("expectedSleeps");
    QTest::addColumn<bool>("timedOut");
    QTest::addColumn<int>("threadsAfter");
    QTest::addColumn<QString>("reasonContains");

    const double never = qQNaN();
    // 85 °C falling 2 °C/s: below 75 after 5 s; the first 250 ms poll that sees it is at 5.25 s.
    QTest::newRow("cools_below_soft") << 85.0 << 2.0 << never << false << 5250 << 21 << false << 2
                                      << "cooled to 74.5 °C";
    QTest::newRow("never_cools_times_out")
        << 90.0 << 0.0 << never << false << 30000 << 120 << true << 1 << "still 90.0 °C after the 30000 ms timeout";
    QTest::newRow("sensor_disappears") << 90.0 << 0.0 << 1.0 << false << 1000 << 4 << false << 2
                                       << "the sensor disappeared during the pause";
    // A clock that never advances must not hang the runtime: the poll count is bounded.
    QTest::newRow("stuck_clock_is_bounded") << 90.0 << 0.0 << never << true << 0 << 30000 / 250 + 2 << true << 1
                                            << "after 122 polls (the clock did not advance; giving up)";
}

void TestMonitorThermalPolicy::hardPause()
{
    QFETCH(double, startC);
    QFETCH(double, coolingCPerS);
    QFETCH(double, sensorLostAtS);
    QFETCH(bool, stuckClock);
    QFETCH(int, expectedPauseMs);
    QFETCH(int, expectedSleeps);
    QFETCH(bool, timedOut);
    QFETCH(int, threadsAfter);
    QFETCH(QString, reasonContains);

    FakeMachine machine;
    machine.stuckClock = stuckClock;
    machine.sensor = [&](double s) -> std::optional<double> {
        if (!std::isnan(sensorLostAtS) && s >= sensorLostAtS) return std::nullopt;
        return startC - coolingCPerS * s;
    };
    ThermalPolicy policy({}, 4, machine.environment());
    std::vector<ThermalEvent> sunk;
    policy.setEventSink([&](const ThermalEvent& e) { sunk.push_back(e); });

    const ThermalDecision d = policy.consult(4);
    QCOMPARE(d.event.action, ThermalAction::HardPause);
    QCOMPARE(d.pauseMs, expectedPauseMs);
    QCOMPARE(d.event.pauseMs, expectedPauseMs);
    QCOMPARE(static_cast<int>(machine.sleepsMs.size()), expectedSleeps);
    if (!stuckClock) QCOMPARE(machine.totalSleptMs(), expectedPauseMs);
    QVERIFY(std::all_of(machine.sleepsMs.begin(), machine.sleepsMs.end(), [](int ms) { return ms > 0 && ms <= 250; }));
    QCOMPARE(d.event.timedOut, timedOut);
    QCOMPARE(d.threads, threadsAfter);
    QCOMPARE(d.event.threadsAfter, threadsAfter);
    QVERIFY2(QString::fromStdString(d.reason).contains(reasonContains), d.reason.c_str());
    QVERIFY(d.event.temperatureC && std::abs(*d.event.temperatureC - startC) < kDecimalTolerance);
    if (!std::isnan(sensorLostAtS))
        QVERIFY(!d.event.endTemperatureC);
    else
        QVERIFY(d.event.endTemperatureC.has_value());

    // Reported: in the log and to the sink.
    QCOMPARE(policy.events().size(), 1u);
    QCOMPARE(sunk.size(), 1u);
    QCOMPARE(sunk.front().pauseMs, expectedPauseMs);
}

void TestMonitorThermalPolicy::threadChangesAreRateLimited()
{
    FakeMachine machine;
    machine.sensor = [](double) { return 78.0; };  // stays above soft
    ThermalPolicy policy({}, 4, machine.environment());

    QCOMPARE(policy.consult(4).threads, 3);
    machine.advance(500ms);
    const ThermalDecision held = policy.consult(3);
    QCOMPARE(held.event.action, ThermalAction::Hold);
    QCOMPARE(held.threads, 3);
    QVERIFY(QString::fromStdString(held.reason).contains("waiting for the last thread reduction"));
    machine.advance(1500ms);  // 2000 ms after the first reduction
    QCOMPARE(policy.consult(3).threads, 2);
    machine.advance(2000ms);
    QCOMPARE(policy.consult(2).threads, 1);
    machine.advance(100ms);
    const ThermalDecision paused = policy.consult(1);  // at min threads: pause, no rate limit
    QCOMPARE(paused.event.action, ThermalAction::CoolDownPause);
    QCOMPARE(paused.pauseMs, 200);
    QCOMPARE(machine.sleepsMs, std::vector<int>{200});

    // Hold decisions are not logged; the three reductions and the pause are.
    const auto events = policy.events();
    QCOMPARE(events.size(), 4u);
    QCOMPARE(events[0].action, ThermalAction::ReduceThreads);
    QCOMPARE(events[2].threadsAfter, 1);
    QCOMPARE(events[3].action, ThermalAction::CoolDownPause);
}

void TestMonitorThermalPolicy::restoresThreadsOneStepAtATimeWhenCool()
{
    FakeMachine machine;
    machine.sensor = [](double) { return 60.0; };
    ThermalPolicy policy({}, 4, machine.environment());

    std::vector<int> trace;
    int threads = 1;
    for (int i = 0; i < 12; ++i) {
        threads = policy.consult(threads).threads;
        trace.push_back(threads);
        machine.advance(1000ms);
    }
    // One step per 2 s adjust interval, never above maxThreads.
    QCOMPARE(trace, (std::vector<int>{2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4}));
}

void TestMonitorThermalPolicy::sensorIsReadAtMostEveryReadInterval()
{
    FakeMachine machine;
    ThermalPolicy policy({}, 4, machine.environment());
    for (int i = 0; i < 10; ++i) {  // 10 consults within 100 ms: one read
        policy.consult(4);
        machine.advance(10ms);
    }
    QCOMPARE(machine.reads, 1);
    machine.advance(250ms);
    policy.consult(4);
    QCOMPARE(machine.reads, 2);
}

void TestMonitorThermalPolicy::inertWithoutThermalZoneAndSaysSoOnce()
{
    int sleeps = 0;
    ThermalPolicy policy(
        {}, 4,
        {thermalZoneTemperatureSource(fixture("x86-host")), nullptr, [&](std::chrono::milliseconds) { ++sleeps; }});
    QVERIFY(!policy.inert());  // not known until consulted
    for (int i = 0; i < 20; ++i) {
        const ThermalDecision d = policy.consult(4);
        QCOMPARE(d.threads, 4);
        QCOMPARE(d.pauseMs, 0);
        QCOMPARE(d.event.action, ThermalAction::Inert);
    }
    QVERIFY(policy.inert());
    QCOMPARE(sleeps, 0);
    const auto events = policy.events();
    QCOMPARE(events.size(), 1u);
    QCOMPARE(events.front().action, ThermalAction::Inert);
    QVERIFY(!events.front().temperatureC);
    QVERIFY(QString::fromStdString(events.front().reason)
                .contains("no thermal zone to read: threads and pauses stay as they are"));
}

void TestMonitorThermalPolicy::temperatureSourceReadsTheHottestZone_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<double>("celsius");  // NaN: no sensor
    QTest::newRow("rpi4_idle") << "rpi4" << 54.53;
    QTest::newRow("rpi4_hot") << "rpi4-throttled" << 83.214;
    QTest::newRow("broken_zone_skipped") << "broken-garbage" << 47.0;
    QTest::newRow("zone_without_temp") << "broken-missing-fields" << qQNaN();
    QTest::newRow("x86_host_no_zone") << "x86-host" << qQNaN();
}

void TestMonitorThermalPolicy::temperatureSourceReadsTheHottestZone()
{
    QFETCH(QString, root);
    QFETCH(double, celsius);
    const TemperatureSource source = thermalZoneTemperatureSource(fixture(qPrintable(root)));
    const std::optional<double> t = source();
    if (std::isnan(celsius)) {
        QVERIFY(!t);
    } else {
        QVERIFY(t);
        QVERIFY(std::abs(*t - celsius) < kDecimalTolerance);
    }
}

void TestMonitorThermalPolicy::invalidConfigurationIsRejected()
{
    FakeMachine machine;
    QVERIFY_THROWS_EXCEPTION(UsageError,
                             ThermalPolicy({.softLimitC = 82.0, .hardLimitC = 75.0}, 4, machine.environment()));
    QVERIFY_THROWS_EXCEPTION(UsageError,
                             ThermalPolicy({.softLimitC = 80.0, .hardLimitC = 80.0}, 4, machine.environment()));
    QVERIFY_THROWS_EXCEPTION(UsageError, ThermalPolicy({.minThreads = 0}, 4, machine.environment()));
    QVERIFY_THROWS_EXCEPTION(UsageError, ThermalPolicy({.minThreads = 2}, 1, machine.environment()));
    QVERIFY_THROWS_EXCEPTION(UsageError, ThermalPolicy({.pollIntervalMs = 0}, 4, machine.environment()));
    QVERIFY_THROWS_EXCEPTION(UsageError, ThermalPolicy({}, 4, ThermalPolicy::Environment{}));
}

namespace {

struct RunResult {
    double maxTemperatureC = 0.0;
    int finalThreads = 0;
    int minThreadsUsed = 1 << 30;
    int maxThreadsUsed = 0;
    int pausedMs = 0;
    std::vector<ThermalEvent> events;
};

/// A runtime stand-in: `nGroups` layer groups of 100 ms each; before each, the policy is consulted
/// (when given) and the heat model advances with the threads in use; pauses cool the model.
RunResult simulateRun(HeatModel model, int nGroups, bool withPolicy)
{
    FakeMachine machine;
    machine.sensor = [&](double) { return model.temperatureC; };
    machine.onSleep = [&](int ms) { model.run(ms / 1000.0, 0); };
    ThermalPolicy policy({}, 4, machine.environment());
    RunResult result;
    policy.setEventSink([&](const ThermalEvent& e) { result.events.push_back(e); });  // the log keeps 256
    int threads = 4;
    for (int group = 0; group < nGroups; ++group) {
        if (withPolicy) {
            const ThermalDecision d = policy.consult(threads);
            threads = d.threads;
            result.pausedMs += d.pauseMs;
        }
        result.minThreadsUsed = std::min(result.minThreadsUsed, threads);
        result.maxThreadsUsed = std::max(result.maxThreadsUsed, threads);
        model.run(0.1, threads);
        machine.advance(100ms);
        result.maxTemperatureC = std::max(result.maxTemperatureC, model.temperatureC);
    }
    result.finalThreads = threads;
    return result;
}

}  // namespace

void TestMonitorThermalPolicy::simulatedHotRunSettlesOnFewerThreads()
{
    // Passive cooling: 4 threads would settle at 85 °C (above the hard limit), 3 at 73.75 °C.
    const HeatModel model;
    QVERIFY(model.steadyStateC(4) > 82.0 && model.steadyStateC(3) < 75.0);
    constexpr int kGroups = 3000;  // 5 minutes of fake time

    const RunResult unmanaged = simulateRun(model, kGroups, false);
    QVERIFY2(unmanaged.maxTemperatureC > 82.0, qPrintable(QString::number(unmanaged.maxTemperatureC)));

    const RunResult managed = simulateRun(model, kGroups, true);
    QCOMPARE(managed.maxThreadsUsed, 4);
    QCOMPARE(managed.finalThreads, 3);
    QCOMPARE(managed.minThreadsUsed, 3);
    QCOMPARE(managed.pausedMs, 0);
    QVERIFY2(managed.maxTemperatureC < 75.5, qPrintable(QString::number(managed.maxTemperatureC)));
    QCOMPARE(managed.events.size(), 1u);
    QCOMPARE(managed.events.front().action, ThermalAction::ReduceThreads);
    QVERIFY(*managed.events.front().temperatureC >= 75.0);
}

void TestMonitorThermalPolicy::simulatedHeatwavePausesAndNeverOverheats()
{
    // Hot room: even one thread settles at 78.75 °C (above soft), four at 135 °C.
    HeatModel model;
    model.ambientC = 60.0;
    model.heatPerThreadCPerS = 1.5;
    QVERIFY(model.steadyStateC(1) > 75.0);
    constexpr int kGroups = 3000;

    const RunResult r = simulateRun(model, kGroups, true);
    // The policy sees a reading up to readIntervalMs (250) old and acts before the next 100 ms
    // group: the overshoot is at most 4 threads * 1.5 °C/s * 0.35 s = 2.1 °C past the hard limit.
    constexpr double kMaxOvershootC = 4 * 1.5 * (0.25 + 0.1);
    QVERIFY2(r.maxTemperatureC < 82.0 + kMaxOvershootC, qPrintable(QString::number(r.maxTemperatureC)));
    QCOMPARE(r.minThreadsUsed, 1);
    QCOMPARE(r.finalThreads, 1);
    QVERIFY(r.pausedMs > 0);

    int reductions = 0, coolDowns = 0, hardPauses = 0;
    for (const ThermalEvent& e : r.events) {
        reductions += e.action == ThermalAction::ReduceThreads;
        coolDowns += e.action == ThermalAction::CoolDownPause;
        if (e.action == ThermalAction::HardPause) {
            ++hardPauses;
            QVERIFY(!e.timedOut);
            QVERIFY(e.endTemperatureC && *e.endTemperatureC < 75.0);
        }
    }
    QCOMPARE(r.events.front().action, ThermalAction::ReduceThreads);  // threads go first, then pauses
    QVERIFY(reductions >= 1);
    QVERIFY(coolDowns + hardPauses >= 1);
    qInfo("heatwave run: %d reductions, %d cool-down pauses, %d hard pauses, %.1f s paused of %.1f s, max %.2f °C",
          reductions, coolDowns, hardPauses, r.pausedMs / 1000.0, kGroups * 0.1, r.maxTemperatureC);
}

QTEST_GUILESS_MAIN(TestMonitorThermalPolicy)
#include "tst_monitor_thermal_policy.moc"
