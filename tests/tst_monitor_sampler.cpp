// ResourceSampler: manual stepping over fixture trees, the bounded history, the background thread's
// period and shutdown, utilisation on the real machine, and the measured CPU cost per sample.
#include "edgert/monitor/resource-sampler.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

using namespace edgert;

namespace {

constexpr double kDecimalTolerance = 1e-9;
/// Generous: the machine is shared; a 20 ms period must still give a handful of samples per second.
constexpr int kThreadTimeoutMs = 5000;

std::filesystem::path fixture(const char* name)
{
    return std::filesystem::path(EDGERT_FIXTURES_DIR) / name;
}

/// Number of "cpuN" lines in this machine's /proc/stat.
int onlineCpuLines()
{
    std::ifstream in("/proc/stat");
    int n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.size() > 3 && line.starts_with("cpu") && line[3] != ' ') ++n;
    return n;
}

}  // namespace

class TestMonitorSampler : public QObject {
    Q_OBJECT

private slots:
    void manualStepsReadTheFixture_data();
    void manualStepsReadTheFixture();
    void historyIsBoundedOldestFirst_data();
    void historyIsBoundedOldestFirst();
    void utilisationOnThisMachineIsAPercentage();
    void backgroundThreadSamplesEveryPeriodAndStops();
    void destructorJoinsARunningThread();
    void costPerSampleIsMeasured_data();
    void costPerSampleIsMeasured();
    void invalidOptionsAreRejected();
};

void TestMonitorSampler::manualStepsReadTheFixture_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<double>("temperatureC");  // NaN: no zone
    QTest::addColumn<uint>("throttled");       // 0xffffffff: not a Pi
    QTest::addColumn<int>("nFrequencies");     // -1: no cpufreq
    QTest::addColumn<qulonglong>("memTotalBytes");

    QTest::newRow("rpi4") << "rpi4" << 54.53 << 0u << 4 << 3881780ull * 1024;
    QTest::newRow("rpi4_throttled") << "rpi4-throttled" << 83.214 << 0xe000eu << 4 << 3881780ull * 1024;
    QTest::newRow("x86_host") << "x86-host" << qQNaN() << 0xffffffffu << -1 << 24684084ull * 1024;
}

void TestMonitorSampler::manualStepsReadTheFixture()
{
    QFETCH(QString, root);
    QFETCH(double, temperatureC);
    QFETCH(uint, throttled);
    QFETCH(int, nFrequencies);
    QFETCH(qulonglong, memTotalBytes);

    ResourceSampler sampler({.root = fixture(qPrintable(root)), .periodMs = 500, .historyCapacity = 8, .onSample = {}});
    QVERIFY(!sampler.running());
    const ResourceSnapshot first = sampler.sampleNow();
    const ResourceSnapshot second = sampler.sampleNow();

    QCOMPARE(first.sequence, 0u);
    QCOMPARE(second.sequence, 1u);
    QVERIFY(second.monotonicTime >= first.monotonicTime);
    // Utilisation needs two samples; a static fixture's counters do not advance.
    QVERIFY(!first.cpuUsage);
    QVERIFY(QString::fromStdString(first.cpuUsage.reason()).contains("needs two samples"));
    QVERIFY(second.cpuUsage);
    QVERIFY(!second.cpuUsage->totalBusyPercent);
    QVERIFY(QString::fromStdString(second.cpuUsage->totalBusyPercent.reason()).contains("did not advance"));

    QVERIFY(second.memory.totalBytes);
    QCOMPARE(*second.memory.totalBytes, memTotalBytes);
    const Reading<double> hottest = hottestTemperatureC(second.thermalZones);
    if (std::isnan(temperatureC)) {
        QVERIFY(!hottest);
    } else {
        QVERIFY2(hottest, hottest.reason().c_str());
        QVERIFY(std::abs(*hottest - temperatureC) < kDecimalTolerance);
    }
    if (throttled == 0xffffffffu)
        QVERIFY(!second.throttling);
    else
        QCOMPARE(second.throttling.valueOr({}).raw, throttled);
    if (nFrequencies < 0)
        QVERIFY(!second.frequencies);
    else
        QCOMPARE(static_cast<int>(second.frequencies.valueOr({}).size()), nFrequencies);

    QCOMPARE(sampler.history().size(), 2u);
    QCOMPARE(sampler.latest()->sequence, 1u);
}

void TestMonitorSampler::historyIsBoundedOldestFirst_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("nSamples");
    QTest::addColumn<int>("firstKept");
    QTest::newRow("under_capacity") << 4 << 3 << 0;
    QTest::newRow("over_capacity") << 3 << 5 << 2;
    QTest::newRow("capacity_one") << 1 << 3 << 2;
}

void TestMonitorSampler::historyIsBoundedOldestFirst()
{
    QFETCH(int, capacity);
    QFETCH(int, nSamples);
    QFETCH(int, firstKept);

    ResourceSampler sampler({.root = fixture("rpi4"),
                             .periodMs = 500,
                             .historyCapacity = static_cast<std::size_t>(capacity),
                             .onSample = {}});
    for (int i = 0; i < nSamples; ++i) sampler.sampleNow();
    const auto history = sampler.history();
    QCOMPARE(static_cast<int>(history.size()), std::min(capacity, nSamples));
    for (std::size_t i = 0; i < history.size(); ++i)
        QCOMPARE(history[i].sequence, static_cast<std::uint64_t>(firstKept) + i);
    QCOMPARE(sampler.cost().nSamples, static_cast<std::uint64_t>(nSamples));
}

void TestMonitorSampler::utilisationOnThisMachineIsAPercentage()
{
    ResourceSampler sampler;  // root "/"
    sampler.sampleNow();
    // Keep this thread busy for 150 ms so the counters advance by a measurable amount.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
    volatile unsigned spin = 0;
    while (std::chrono::steady_clock::now() < until) spin = spin + 1;
    const ResourceSnapshot s = sampler.sampleNow();

    QVERIFY2(s.cpuUsage, s.cpuUsage.reason().c_str());
    QVERIFY2(s.cpuUsage->totalBusyPercent, s.cpuUsage->totalBusyPercent.reason().c_str());
    const double total = *s.cpuUsage->totalBusyPercent;
    QVERIFY2(total > 0.0 && total <= 100.0, qPrintable(QString::number(total)));
    QCOMPARE(static_cast<int>(s.cpuUsage->cores.size()), onlineCpuLines());
    for (const CoreUsage& core : s.cpuUsage->cores) {
        if (!core.busyPercent) continue;  // a core may have had no tick in 150 ms
        QVERIFY(*core.busyPercent >= 0.0 && *core.busyPercent <= 100.0);
    }
    QVERIFY(s.memory.totalBytes && s.memory.availableBytes);
    QVERIFY(*s.memory.availableBytes <= *s.memory.totalBytes);
    QVERIFY(s.process.rssBytes && *s.process.rssBytes > 0u);
}

void TestMonitorSampler::backgroundThreadSamplesEveryPeriodAndStops()
{
    std::atomic<int> callbacks = 0;
    ResourceSampler sampler(
        {.root = fixture("rpi4"), .periodMs = 20, .historyCapacity = 100, .onSample = [&](const ResourceSnapshot&) {
             ++callbacks;
         }});
    const auto started = std::chrono::steady_clock::now();
    sampler.start();
    sampler.start();  // idempotent
    QVERIFY(sampler.running());
    QTRY_VERIFY_WITH_TIMEOUT(sampler.history().size() >= 5, kThreadTimeoutMs);
    sampler.stop();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    QVERIFY(!sampler.running());

    const auto history = sampler.history();
    QCOMPARE(callbacks.load(), static_cast<int>(history.size()));
    // Samples are a period apart: 5 samples cannot come in under 4 periods.
    QVERIFY(elapsed >= std::chrono::milliseconds(4 * 20));
    // The sampler keeps a fixed rate (a tick that woke late is followed by one on schedule, none
    // before it), so single intervals may be shorter under load, but sample N is never taken
    // before N periods have passed since start(): a bound that holds however late any tick is
    // (comparing the span with (N - 1) periods did not: a first sample delayed by more than the
    // slack, as a loaded or sanitized run can be, made a correct sampler fail).
    for (std::size_t i = 0; i < history.size(); ++i) {
        if (i > 0) {
            QCOMPARE(history[i].sequence, history[i - 1].sequence + 1);
            QVERIFY(history[i].monotonicTime > history[i - 1].monotonicTime);
        }
        const auto earliest = started + std::chrono::milliseconds(20) * static_cast<int>(history[i].sequence);
        QVERIFY2(history[i].monotonicTime >= earliest,
                 qPrintable(
                     QStringLiteral("sample %1 taken %2 us before %1 periods had passed")
                         .arg(history[i].sequence)
                         .arg(std::chrono::duration_cast<std::chrono::microseconds>(earliest - history[i].monotonicTime)
                                  .count())));
    }
    // Stopped means stopped.
    QTest::qWait(100);
    QCOMPARE(sampler.history().size(), history.size());
    sampler.stop();  // idempotent
}

void TestMonitorSampler::destructorJoinsARunningThread()
{
    std::atomic<int> callbacks = 0;
    {
        ResourceSampler sampler(
            {.root = fixture("rpi4"), .periodMs = 5, .historyCapacity = 4, .onSample = [&](const ResourceSnapshot&) {
                 ++callbacks;
             }});
        sampler.start();
        QTRY_VERIFY_WITH_TIMEOUT(callbacks.load() >= 2, kThreadTimeoutMs);
    }  // joins here
    const int atDestruction = callbacks.load();
    QTest::qWait(50);
    QCOMPARE(callbacks.load(), atDestruction);
}

void TestMonitorSampler::costPerSampleIsMeasured_data()
{
    QTest::addColumn<QString>("root");  // empty: the real "/"
    QTest::newRow("this_machine") << QString();
    // The Pi's file set: 8 cpufreq files, a thermal zone with a trip point, get_throttled.
    QTest::newRow("rpi4_file_set") << "rpi4";
}

void TestMonitorSampler::costPerSampleIsMeasured()
{
    QFETCH(QString, root);
    constexpr int kSamples = 200;
    ResourceSampler sampler({.root = root.isEmpty() ? std::filesystem::path("/") : fixture(qPrintable(root)),
                             .periodMs = 500,
                             .historyCapacity = 240,
                             .onSample = {}});
    for (int i = 0; i < kSamples; ++i) sampler.sampleNow();
    const SamplerCost cost = sampler.cost();
    QCOMPARE(cost.nSamples, static_cast<std::uint64_t>(kSamples));
    QVERIFY(cost.meanCpuUs > 0.0);
    QVERIFY(cost.maxCpuUs >= cost.meanCpuUs);
    QVERIFY(cost.lastWallUs > 0.0);
    // Budget: at the default 500 ms period, under 0.5 % of one core (2.5 ms per sample).
    QVERIFY2(cost.meanCpuUs < 2500.0, qPrintable(QString::number(cost.meanCpuUs)));
    qInfo(
        "sampler cost (%s): mean %.0f us CPU per sample, max %.0f us over %d samples; at the 500 ms default "
        "that is %.3f %% of one core",
        root.isEmpty() ? "/" : qPrintable(root), cost.meanCpuUs, cost.maxCpuUs, kSamples,
        cost.meanCpuUs / 500'000.0 * 100.0);
}

void TestMonitorSampler::invalidOptionsAreRejected()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             ResourceSampler({.root = "/", .periodMs = 0, .historyCapacity = 4, .onSample = {}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             ResourceSampler({.root = "/", .periodMs = 500, .historyCapacity = 0, .onSample = {}}));
}

QTEST_GUILESS_MAIN(TestMonitorSampler)
#include "tst_monitor_sampler.moc"
