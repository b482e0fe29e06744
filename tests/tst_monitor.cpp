// The resource monitor's parsers and readers over recorded /proc and /sys trees
// (tests/fixtures/{rpi4*,x86-host,broken-*}) and inline text: values are asserted, and every
// unavailable value must carry a reason naming the cause.
#include "edgert/monitor/cpu-frequency.h"
#include "edgert/monitor/cpu-info.h"
#include "edgert/monitor/cpu-stat.h"
#include "edgert/monitor/memory-info.h"
#include "edgert/monitor/process-memory.h"
#include "edgert/monitor/ring-buffer.h"
#include "edgert/monitor/thermal-zones.h"
#include "edgert/monitor/throttling.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>

using namespace edgert;

namespace {

/// Temperatures and frequencies are decimal kHz / millidegrees divided by 1000: exact to rounding.
constexpr double kDecimalTolerance = 1e-9;
/// Percentages computed from tick ratios.
constexpr double kPercentTolerance = 1e-9;
constexpr qint64 kNotAvailable = -1;  // table sentinel for byte values that must be n/a

std::filesystem::path fixture(const QString& name)
{
    return std::filesystem::path(EDGERT_FIXTURES_DIR) / name.toStdString();
}

QString reasonOf(const std::string& reason)
{
    return QString::fromStdString(reason);
}

/// Asserts a byte reading against `expected` (kNotAvailable: must be unavailable with a reason).
bool checkBytes(const Reading<std::uint64_t>& r, qint64 expected, const char* what)
{
    if (expected == kNotAvailable) {
        if (r.available()) {
            qWarning("%s: expected n/a, got %llu", what, static_cast<unsigned long long>(*r));
            return false;
        }
        if (r.reason().empty()) {
            qWarning("%s: n/a without a reason", what);
            return false;
        }
        return true;
    }
    if (!r.available()) {
        qWarning("%s: expected %lld, got n/a (%s)", what, expected, r.reason().c_str());
        return false;
    }
    if (*r != static_cast<std::uint64_t>(expected)) {
        qWarning("%s: expected %lld, got %llu", what, expected, static_cast<unsigned long long>(*r));
        return false;
    }
    return true;
}

/// "1010" -> now(UnderVoltage)=1, now(FrequencyCapped)=0, ... in kThrottleConditions order.
QString flagString(const ThrottleFlags& f, bool sinceBoot)
{
    QString s;
    for (ThrottleCondition c : kThrottleConditions) s += (sinceBoot ? f.sinceBoot(c) : f.now(c)) ? u'1' : u'0';
    return s;
}

}  // namespace

class TestMonitor : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void procStatFromFixtures_data();
    void procStatFromFixtures();
    void procStatText_data();
    void procStatText();
    void cpuUsageFromCounterDeltas_data();
    void cpuUsageFromCounterDeltas();
    void cpuUsageOfCoreMissingFromEarlierSampleIsUnavailable();

    void cpuFrequencies_data();
    void cpuFrequencies();
    void kiloHertzText_data();
    void kiloHertzText();

    void memoryInfo_data();
    void memoryInfo();
    void processMemory_data();
    void processMemory();
    void readProcessMemoryMeasuresThisProcess();

    void thermalZones_data();
    void thermalZones();
    void millidegreesText_data();
    void millidegreesText();

    void throttledText_data();
    void throttledText();
    void throttlingFromFixtures_data();
    void throttlingFromFixtures();

    void cpuInfoOfRecordedPi();
    void cpuInfoOfThisMachineMatchesProc();
    void cpuInfoText_data();
    void cpuInfoText();
    void systemInfoLineNamesKernelsThreadsAndCpu();

    void ringBufferKeepsNewest_data();
    void ringBufferKeepsNewest();
    void unavailableValueThrowsLogicErrorWithReason();

private:
    QTemporaryDir m_scratch;  ///< roots that git cannot store (an empty /sys/class/thermal)
};

void TestMonitor::initTestCase()
{
    QVERIFY(QDir(QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4")).exists());
    QVERIFY(m_scratch.isValid());
    QVERIFY(QDir(m_scratch.path()).mkpath(QStringLiteral("empty-thermal/sys/class/thermal/cooling_device0")));
}

// ---- /proc/stat -------------------------------------------------------------------------------------

void TestMonitor::procStatFromFixtures_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<bool>("available");
    QTest::addColumn<int>("nCores");
    QTest::addColumn<qulonglong>("totalUser");
    QTest::addColumn<qulonglong>("totalIdle");
    QTest::addColumn<qulonglong>("lastCoreSystem");
    QTest::addColumn<QString>("reasonContains");

    QTest::newRow("rpi4_four_cores") << "rpi4" << true << 4 << 1412389ull << 28433790ull << 74655ull << QString();
    QTest::newRow("x86_host_captured_two_cores")
        << "x86-host" << true << 2 << 15533ull << 119308ull << 1010ull << QString();
    QTest::newRow("truncated_mid_line") << "broken-truncated" << false << 0 << 0ull << 0ull << 0ull
                                        << "malformed line 'cpu2 351420 498'";
    QTest::newRow("garbage_in_counter") << "broken-garbage" << false << 0 << 0ull << 0ull << 0ull << "30x552";
    QTest::newRow("three_column_cpu_line")
        << "broken-missing-fields" << false << 0 << 0ull << 0ull << 0ull << "expected at least 4 numeric tick counters";
    QTest::newRow("missing_root") << "no-such-root" << false << 0 << 0ull << 0ull << 0ull
                                  << "no-such-root/proc/stat: No such file or directory";
}

void TestMonitor::procStatFromFixtures()
{
    QFETCH(QString, root);
    QFETCH(bool, available);
    QFETCH(int, nCores);
    QFETCH(qulonglong, totalUser);
    QFETCH(qulonglong, totalIdle);
    QFETCH(qulonglong, lastCoreSystem);
    QFETCH(QString, reasonContains);

    const Reading<CpuStat> stat = readProcStat(fixture(root));
    QCOMPARE(stat.available(), available);
    if (!available) {
        QVERIFY2(reasonOf(stat.reason()).contains(reasonContains), stat.reason().c_str());
        return;
    }
    QVERIFY(stat.reason().empty());
    QCOMPARE(static_cast<int>(stat->cores.size()), nCores);
    QCOMPARE(stat->total.user, totalUser);
    QCOMPARE(stat->total.idle, totalIdle);
    QCOMPARE(stat->cores.back().times.system, lastCoreSystem);
    for (int i = 0; i < nCores; ++i) QCOMPARE(stat->cores[i].cpu, i);
}

void TestMonitor::procStatText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("available");
    QTest::addColumn<qulonglong>("busyTicks");
    QTest::addColumn<qulonglong>("idleTicks");
    QTest::addColumn<QString>("reasonContains");

    // busy = user + nice + system + irq + softirq + steal; guest columns are inside user/nice.
    QTest::newRow("all_ten_columns") << "cpu  10 20 30 400 50 6 7 8 0 0\ncpu0 10 20 30 400 50 6 7 8 0 0\n"
                                     << true << 81ull << 450ull << QString();
    QTest::newRow("guest_not_counted_twice") << "cpu  100 20 30 400 50 0 0 0 60 10\n"
                                             << true << 150ull << 450ull << QString();
    QTest::newRow("old_kernel_four_columns") << "cpu 1 2 3 4\n" << true << 6ull << 4ull << QString();
    QTest::newRow("no_newline_at_end") << "cpu  1 2 3 4 5 6 7 8" << true << 27ull << 9ull << QString();
    QTest::newRow("other_lines_ignored") << "intr 1 2 3\ncpu  1 0 0 1 0 0 0 0 0 0\nctxt 99\n"
                                         << true << 1ull << 1ull << QString();
    QTest::newRow("no_aggregate_line") << "cpu0 1 2 3 4\ncpu1 1 2 3 4\n"
                                       << false << 0ull << 0ull << "no aggregate 'cpu' line";
    QTest::newRow("empty_file") << "" << false << 0ull << 0ull << "no aggregate 'cpu' line";
    QTest::newRow("negative_counter") << "cpu  -1 2 3 4\n" << false << 0ull << 0ull << "malformed line";
    QTest::newRow("bad_cpu_label") << "cpu  1 2 3 4\ncpuX 1 2 3 4\n"
                                   << false << 0ull << 0ull << "unexpected label in line 'cpuX 1 2 3 4'";
    QTest::newRow("counter_overflows_64_bits") << "cpu  99999999999999999999 0 0 0\n"
                                               << false << 0ull << 0ull << "malformed line";
}

void TestMonitor::procStatText()
{
    QFETCH(QString, text);
    QFETCH(bool, available);
    QFETCH(qulonglong, busyTicks);
    QFETCH(qulonglong, idleTicks);
    QFETCH(QString, reasonContains);

    const Reading<CpuStat> stat = parseProcStat(text.toStdString());
    QCOMPARE(stat.available(), available);
    if (!available) {
        QVERIFY2(reasonOf(stat.reason()).contains(reasonContains), stat.reason().c_str());
        return;
    }
    QCOMPARE(stat->total.busyTicks(), busyTicks);
    QCOMPARE(stat->total.idleTicks(), idleTicks);
}

void TestMonitor::cpuUsageFromCounterDeltas_data()
{
    QTest::addColumn<QString>("earlier");
    QTest::addColumn<QString>("later");
    QTest::addColumn<double>("totalPercent");  // NaN: must be unavailable
    QTest::addColumn<double>("cpu0Percent");
    QTest::addColumn<QString>("reasonContains");

    const double na = qQNaN();
    QTest::newRow("half_busy") << "cpu 100 0 100 800\ncpu0 100 0 100 800\n"
                               << "cpu 150 0 150 900\ncpu0 200 0 100 800\n"
                               << 50.0 << 100.0 << QString();
    QTest::newRow("idle") << "cpu 1 1 1 1\ncpu0 1 1 1 1\n"
                          << "cpu 1 1 1 101\ncpu0 1 1 1 51\n"
                          << 0.0 << 0.0 << QString();
    QTest::newRow("steal_and_irq_count_as_busy") << "cpu 0 0 0 0 0 0 0 0\n"
                                                 << "cpu 0 0 0 75 0 10 5 10\n"
                                                 << 25.0 << na << QString();
    // iowait decreasing (tickless kernels) must not wrap around to 2^64: it is clamped to 0.
    QTest::newRow("iowait_went_backwards_is_clamped") << "cpu 100 0 0 100 500\ncpu0 100 0 0 100 500\n"
                                                      << "cpu 150 0 0 150 400\ncpu0 200 0 0 100 10\n"
                                                      << 50.0 << 100.0 << QString();
    // A CPU taken offline and back restarts at 0: every delta clamps to 0, no time elapsed.
    QTest::newRow("all_counters_went_backwards") << "cpu 900 0 900 900\ncpu0 900 0 900 900\n"
                                                 << "cpu 10 0 10 10\ncpu0 10 0 10 10\n"
                                                 << na << na << "no CPU time elapsed";
    QTest::newRow("same_reading_twice") << "cpu 5 5 5 5\ncpu0 5 5 5 5\n"
                                        << "cpu 5 5 5 5\ncpu0 5 5 5 5\n"
                                        << na << na << "no CPU time elapsed";
}

void TestMonitor::cpuUsageFromCounterDeltas()
{
    QFETCH(QString, earlier);
    QFETCH(QString, later);
    QFETCH(double, totalPercent);
    QFETCH(double, cpu0Percent);
    QFETCH(QString, reasonContains);

    const auto a = parseProcStat(earlier.toStdString());
    const auto b = parseProcStat(later.toStdString());
    QVERIFY2(a && b, (a.reason() + b.reason()).c_str());
    const CpuUsage usage = computeCpuUsage(*a, *b);
    if (std::isnan(totalPercent)) {
        QVERIFY(!usage.totalBusyPercent);
        QVERIFY2(reasonOf(usage.totalBusyPercent.reason()).contains(reasonContains),
                 usage.totalBusyPercent.reason().c_str());
    } else {
        QVERIFY2(usage.totalBusyPercent, usage.totalBusyPercent.reason().c_str());
        QVERIFY(std::abs(*usage.totalBusyPercent - totalPercent) < kPercentTolerance);
    }
    QCOMPARE(usage.cores.size(), b->cores.size());
    if (!usage.cores.empty()) {
        QCOMPARE(usage.cores[0].cpu, 0);
        if (std::isnan(cpu0Percent)) {
            QVERIFY(!usage.cores[0].busyPercent);
        } else {
            QVERIFY2(usage.cores[0].busyPercent, usage.cores[0].busyPercent.reason().c_str());
            QVERIFY(std::abs(*usage.cores[0].busyPercent - cpu0Percent) < kPercentTolerance);
        }
    }
}

void TestMonitor::cpuUsageOfCoreMissingFromEarlierSampleIsUnavailable()
{
    const auto a = parseProcStat("cpu 0 0 0 0\ncpu0 0 0 0 0\n");
    const auto b = parseProcStat("cpu 10 0 0 10\ncpu0 5 0 0 5\ncpu1 5 0 0 5\n");
    QVERIFY(a && b);
    const CpuUsage usage = computeCpuUsage(*a, *b);
    QCOMPARE(usage.cores.size(), 2u);
    QVERIFY(usage.cores[0].busyPercent);
    QCOMPARE(*usage.cores[0].busyPercent, 50.0);
    QCOMPARE(usage.cores[1].cpu, 1);
    QVERIFY(!usage.cores[1].busyPercent);
    QVERIFY(reasonOf(usage.cores[1].busyPercent.reason()).contains("cpu1 was not in the previous sample"));
}

// ---- cpufreq -----------------------------------------------------------------------------------------

void TestMonitor::cpuFrequencies_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<bool>("available");
    QTest::addColumn<int>("nCores");
    QTest::addColumn<int>("cpu");
    QTest::addColumn<double>("currentMHz");  // NaN: n/a
    QTest::addColumn<double>("maxMHz");      // NaN: n/a
    QTest::addColumn<QString>("reasonContains");

    const double na = qQNaN();
    QTest::newRow("rpi4_cpu0_1500_of_1800") << "rpi4" << true << 4 << 0 << 1500.0 << 1800.0 << QString();
    QTest::newRow("rpi4_cpu3_1500_of_1800") << "rpi4" << true << 4 << 3 << 1500.0 << 1800.0 << QString();
    QTest::newRow("rpi4_throttled_at_600") << "rpi4-throttled" << true << 4 << 2 << 600.0 << 1800.0 << QString();
    QTest::newRow("x86_host_has_no_cpufreq") << "x86-host" << false << 0 << 0 << na << na << "no CPU frequency scaling";
    QTest::newRow("truncated_empty_file")
        << "broken-truncated" << true << 4 << 2 << na << 1800.0 << "scaling_cur_freq: malformed value ''";
    QTest::newRow("garbage_unknown") << "broken-garbage" << true << 4 << 0 << na << 1800.0
                                     << "malformed value '<unknown>'";
    QTest::newRow("garbage_word_in_max") << "broken-garbage" << true << 4 << 1 << 1500.0 << na
                                         << "malformed value 'fast'";
    QTest::newRow("garbage_zero_khz") << "broken-garbage" << true << 4 << 2 << na << 1800.0
                                      << "implausible frequency 0 kHz";
    QTest::newRow("missing_max_file") << "broken-missing-fields" << true << 2 << 0 << 1500.0 << na
                                      << "scaling_max_freq: No such file or directory";
    QTest::newRow("core_without_cpufreq") << "broken-missing-fields" << true << 2 << 1 << na << na
                                          << "cpu1/cpufreq/scaling_cur_freq: No such file or directory";
    QTest::newRow("missing_root") << "no-such-root" << false << 0 << 0 << na << na << "No such file or directory";
}

void TestMonitor::cpuFrequencies()
{
    QFETCH(QString, root);
    QFETCH(bool, available);
    QFETCH(int, nCores);
    QFETCH(int, cpu);
    QFETCH(double, currentMHz);
    QFETCH(double, maxMHz);
    QFETCH(QString, reasonContains);

    const auto cores = readCpuFrequencies(fixture(root));
    QCOMPARE(cores.available(), available);
    if (!available) {
        QVERIFY2(reasonOf(cores.reason()).contains(reasonContains), cores.reason().c_str());
        return;
    }
    QCOMPARE(static_cast<int>(cores->size()), nCores);
    const CoreFrequency& f = (*cores)[static_cast<std::size_t>(cpu)];
    QCOMPARE(f.cpu, cpu);
    QString reasons;
    for (const auto* r : {&f.currentMHz, &f.maxMHz}) reasons += reasonOf(r->reason());
    if (std::isnan(currentMHz)) {
        QVERIFY(!f.currentMHz);
    } else {
        QVERIFY2(f.currentMHz, f.currentMHz.reason().c_str());
        QVERIFY(std::abs(*f.currentMHz - currentMHz) < kDecimalTolerance);
    }
    if (std::isnan(maxMHz)) {
        QVERIFY(!f.maxMHz);
    } else {
        QVERIFY2(f.maxMHz, f.maxMHz.reason().c_str());
        QVERIFY(std::abs(*f.maxMHz - maxMHz) < kDecimalTolerance);
    }
    if (!reasonContains.isEmpty()) QVERIFY2(reasons.contains(reasonContains), qPrintable(reasons));
}

void TestMonitor::kiloHertzText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("mhz");  // NaN: n/a
    QTest::newRow("pi4_max") << "1800000\n" << 1800.0;
    QTest::newRow("fractional_mhz") << "1416000" << 1416.0;
    QTest::newRow("odd_khz") << "2995201\n" << 2995.201;
    QTest::newRow("unknown") << "<unknown>\n" << qQNaN();
    QTest::newRow("empty") << "" << qQNaN();
    QTest::newRow("zero") << "0\n" << qQNaN();
    QTest::newRow("negative") << "-600000\n" << qQNaN();
}

void TestMonitor::kiloHertzText()
{
    QFETCH(QString, text);
    QFETCH(double, mhz);
    const auto r = parseKiloHertzAsMHz(text.toStdString());
    if (std::isnan(mhz)) {
        QVERIFY(!r);
        QVERIFY(!r.reason().empty());
    } else {
        QVERIFY2(r, r.reason().c_str());
        QVERIFY(std::abs(*r - mhz) < kDecimalTolerance);
    }
}

// ---- memory --------------------------------------------------------------------------------------------

void TestMonitor::memoryInfo_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("available");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<qint64>("swapTotal");
    QTest::addColumn<qint64>("swapFree");
    QTest::addColumn<qint64>("used");
    QTest::addColumn<qint64>("swapUsed");
    QTest::addColumn<QString>("reasonContains");  // in at least one n/a reason

    constexpr qint64 K = 1024;
    const qint64 na = kNotAvailable;
    QTest::newRow("rpi4_4gb") << "rpi4" << 3881780 * K << 3126208 * K << 773924 * K << 204796 * K << 153600 * K
                              << (3881780 - 3126208) * K << (204796 - 153600) * K << QString();
    QTest::newRow("x86_host_captured_no_swap") << "x86-host" << 24684084 * K << 24013400 * K << 1535988 * K << 0ll
                                               << 0ll << (24684084 - 24013400) * K << 0ll << QString();
    QTest::newRow("truncated_after_key") << "broken-truncated" << 3881780 * K << na << na << na << na << na << na
                                         << "MemAvailable: malformed value ''";
    QTest::newRow("garbage_values_and_units")
        << "broken-garbage" << na << na << na << na << 153600 * K << na << na << "Cached: malformed value '773924 MB'";
    QTest::newRow("old_kernel_without_memavailable")
        << "broken-missing-fields" << 3881780 * K << na << na << 204796 * K << 153600 * K << na << (204796 - 153600) * K
        << "no 'MemAvailable' line";
    QTest::newRow("missing_root") << "no-such-root" << na << na << na << na << na << na << na
                                  << "proc/meminfo: No such file or directory";
}

void TestMonitor::memoryInfo()
{
    QFETCH(QString, root);
    QFETCH(qint64, total);
    QFETCH(qint64, available);
    QFETCH(qint64, cached);
    QFETCH(qint64, swapTotal);
    QFETCH(qint64, swapFree);
    QFETCH(qint64, used);
    QFETCH(qint64, swapUsed);
    QFETCH(QString, reasonContains);

    const MemoryInfo m = readMemoryInfo(fixture(root));
    QVERIFY(checkBytes(m.totalBytes, total, "MemTotal"));
    QVERIFY(checkBytes(m.availableBytes, available, "MemAvailable"));
    QVERIFY(checkBytes(m.cachedBytes, cached, "Cached"));
    QVERIFY(checkBytes(m.swapTotalBytes, swapTotal, "SwapTotal"));
    QVERIFY(checkBytes(m.swapFreeBytes, swapFree, "SwapFree"));
    QVERIFY(checkBytes(m.usedBytes(), used, "used"));
    QVERIFY(checkBytes(m.swapUsedBytes(), swapUsed, "swap used"));
    if (!reasonContains.isEmpty()) {
        QString reasons;
        for (const auto* r : {&m.totalBytes, &m.availableBytes, &m.cachedBytes, &m.swapTotalBytes, &m.swapFreeBytes})
            reasons += reasonOf(r->reason()) + u'\n';
        QVERIFY2(reasons.contains(reasonContains), qPrintable(reasons));
    }
}

void TestMonitor::processMemory_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<qint64>("rss");
    QTest::addColumn<qint64>("peak");
    QTest::addColumn<QString>("reasonContains");

    constexpr qint64 K = 1024;
    const qint64 na = kNotAvailable;
    QTest::newRow("rpi4_edge_rt") << "rpi4" << 802816 * K << 843776 * K << QString();
    QTest::newRow("x86_host_captured") << "x86-host" << 2232 * K << 2232 * K << QString();
    QTest::newRow("truncated_mid_number") << "broken-truncated" << na << na << "VmHWM: malformed value '8437'";
    QTest::newRow("garbage_hex_and_trailing_token")
        << "broken-garbage" << na << na << "VmRSS: malformed value '802816 kB 17'";
    QTest::newRow("kernel_thread_without_vm_lines") << "broken-missing-fields" << na << na << "no 'VmRSS' line";
}

void TestMonitor::processMemory()
{
    QFETCH(QString, root);
    QFETCH(qint64, rss);
    QFETCH(qint64, peak);
    QFETCH(QString, reasonContains);

    const ProcessMemory p = readProcessMemory(fixture(root));
    QVERIFY(checkBytes(p.rssBytes, rss, "VmRSS"));
    QVERIFY(checkBytes(p.peakRssBytes, peak, "VmHWM"));
    if (!reasonContains.isEmpty()) {
        const QString reasons = reasonOf(p.rssBytes.reason()) + u'\n' + reasonOf(p.peakRssBytes.reason());
        QVERIFY2(reasons.contains(reasonContains), qPrintable(reasons));
    }
}

void TestMonitor::readProcessMemoryMeasuresThisProcess()
{
    const ProcessMemory before = readProcessMemory();
    QVERIFY2(before.rssBytes && before.peakRssBytes, (before.rssBytes.reason() + before.peakRssBytes.reason()).c_str());
    QVERIFY(*before.rssBytes > 1024u * 1024u);  // a Qt test process is at least a few MiB
    QVERIFY(*before.peakRssBytes >= *before.rssBytes);

    // Touch 64 MiB: the peak must rise by about that much and stay after the memory is freed.
    constexpr std::size_t kTouched = 64u << 20;
    {
        std::vector<char> block(kTouched, 1);
        QVERIFY(block[kTouched / 2] == 1);
    }
    const ProcessMemory after = readProcessMemory();
    QVERIFY(after.peakRssBytes);
    QVERIFY2(*after.peakRssBytes >= *before.peakRssBytes + kTouched * 9 / 10,
             qPrintable(QStringLiteral("peak %1 -> %2").arg(*before.peakRssBytes).arg(*after.peakRssBytes)));
}

// ---- thermal ---------------------------------------------------------------------------------------------

void TestMonitor::thermalZones_data()
{
    QTest::addColumn<QString>("root");  // relative to the fixtures, or absolute
    QTest::addColumn<bool>("available");
    QTest::addColumn<int>("nZones");
    QTest::addColumn<QString>("zone0Type");  // empty: n/a
    QTest::addColumn<double>("zone0TempC");  // NaN: n/a
    QTest::addColumn<int>("zone0Trips");
    QTest::addColumn<double>("trip0TempC");  // NaN: n/a
    QTest::addColumn<QString>("trip0Type");  // empty: n/a
    QTest::addColumn<double>("hottestC");    // NaN: n/a
    QTest::addColumn<QString>("reasonContains");

    const double na = qQNaN();
    QTest::newRow("rpi4_cpu_thermal") << "rpi4" << true << 1 << "cpu_thermal" << 54.53 << 1 << 110.0 << "critical"
                                      << 54.53 << QString();
    QTest::newRow("rpi4_hot") << "rpi4-throttled" << true << 1 << "cpu_thermal" << 83.214 << 1 << 110.0 << "critical"
                              << 83.214 << QString();
    QTest::newRow("x86_host_has_no_zone")
        << "x86-host" << false << 0 << QString() << na << 0 << na << QString() << na << "no thermal zones";
    QTest::newRow("empty_thermal_directory") << m_scratch.filePath("empty-thermal") << false << 0 << QString() << na
                                             << 0 << na << QString() << na << "no thermal_zone* entries";
    QTest::newRow("truncated_empty_temp") << "broken-truncated" << true << 1 << "cpu_thermal" << na << 1 << 110.0
                                          << "critical" << na << "temp: malformed value ''";
    QTest::newRow("garbage_temp_second_zone_intact") << "broken-garbage" << true << 2 << "cpu_thermal" << na << 1 << na
                                                     << "critical" << 47.0 << "implausible temperature";
    QTest::newRow("zone_without_temp_trip_without_type")
        << "broken-missing-fields" << true << 1 << "cpu_thermal" << na << 1 << 110.0 << QString() << na
        << "thermal_zone0/temp: No such file or directory";
}

void TestMonitor::thermalZones()
{
    QFETCH(QString, root);
    QFETCH(bool, available);
    QFETCH(int, nZones);
    QFETCH(QString, zone0Type);
    QFETCH(double, zone0TempC);
    QFETCH(int, zone0Trips);
    QFETCH(double, trip0TempC);
    QFETCH(QString, trip0Type);
    QFETCH(double, hottestC);
    QFETCH(QString, reasonContains);

    const auto path = QDir::isAbsolutePath(root) ? std::filesystem::path(root.toStdString()) : fixture(root);
    const auto zones = readThermalZones(path);
    QCOMPARE(zones.available(), available);
    const Reading<double> hottest = hottestTemperatureC(zones);
    if (!available) {
        QVERIFY2(reasonOf(zones.reason()).contains(reasonContains), zones.reason().c_str());
        QVERIFY(!hottest);
        return;
    }
    QCOMPARE(static_cast<int>(zones->size()), nZones);
    const ThermalZone& z = zones->front();
    QCOMPARE(z.index, 0);
    QCOMPARE(QString::fromStdString(z.name), QStringLiteral("thermal_zone0"));
    QString reasons = reasonOf(z.type.reason()) + reasonOf(z.temperatureC.reason());

    if (zone0Type.isEmpty())
        QVERIFY(!z.type);
    else
        QCOMPARE(QString::fromStdString(z.type.valueOr("n/a")), zone0Type);
    if (std::isnan(zone0TempC)) {
        QVERIFY(!z.temperatureC);
    } else {
        QVERIFY2(z.temperatureC, z.temperatureC.reason().c_str());
        QVERIFY(std::abs(*z.temperatureC - zone0TempC) < kDecimalTolerance);
    }
    QCOMPARE(static_cast<int>(z.tripPoints.size()), zone0Trips);
    if (zone0Trips > 0) {
        const TripPoint& p = z.tripPoints.front();
        reasons += reasonOf(p.temperatureC.reason()) + reasonOf(p.type.reason());
        QCOMPARE(p.index, 0);
        if (std::isnan(trip0TempC))
            QVERIFY(!p.temperatureC);
        else
            QVERIFY(p.temperatureC && std::abs(*p.temperatureC - trip0TempC) < kDecimalTolerance);
        if (trip0Type.isEmpty())
            QVERIFY(!p.type);
        else
            QCOMPARE(QString::fromStdString(p.type.valueOr("n/a")), trip0Type);
    }
    if (std::isnan(hottestC)) {
        QVERIFY(!hottest);
    } else {
        QVERIFY2(hottest, hottest.reason().c_str());
        QVERIFY(std::abs(*hottest - hottestC) < kDecimalTolerance);
    }
    if (!reasonContains.isEmpty()) QVERIFY2(reasons.contains(reasonContains), qPrintable(reasons));
}

void TestMonitor::millidegreesText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("celsius");  // NaN: n/a
    QTest::newRow("pi4_idle") << "54530\n" << 54.53;
    QTest::newRow("padded") << "  61032  \n" << 61.032;
    QTest::newRow("below_zero") << "-5000\n" << -5.0;
    QTest::newRow("zero") << "0\n" << 0.0;
    QTest::newRow("word") << "hot\n" << qQNaN();
    QTest::newRow("empty") << "" << qQNaN();
    QTest::newRow("decimal_point") << "54.5\n" << qQNaN();
    QTest::newRow("absolute_zero_sentinel") << "-273150\n" << qQNaN();
    QTest::newRow("implausibly_hot") << "250000\n" << qQNaN();
}

void TestMonitor::millidegreesText()
{
    QFETCH(QString, text);
    QFETCH(double, celsius);
    const auto r = parseMillidegreesCelsius(text.toStdString());
    if (std::isnan(celsius)) {
        QVERIFY(!r);
        QVERIFY(!r.reason().empty());
    } else {
        QVERIFY2(r, r.reason().c_str());
        QVERIFY(std::abs(*r - celsius) < kDecimalTolerance);
    }
}

// ---- get_throttled -----------------------------------------------------------------------------------------

void TestMonitor::throttledText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("available");
    QTest::addColumn<uint>("raw");
    QTest::addColumn<QString>("now");        // under-voltage, capped, throttled, soft limit
    QTest::addColumn<QString>("sinceBoot");  // same order

    QTest::newRow("nothing") << "0\n"
                             << true << 0x0u << "0000"
                             << "0000";
    QTest::newRow("under_voltage_now_and_since_boot") << "50005\n"
                                                      << true << 0x50005u << "1010"
                                                      << "1010";
    QTest::newRow("thermal_throttling_now") << "e000e\n"
                                            << true << 0xe000eu << "0111"
                                            << "0111";
    QTest::newRow("soft_limit_occurred_only") << "80000\n"
                                              << true << 0x80000u << "0000"
                                              << "0001";
    QTest::newRow("vcgencmd_style_prefix") << "0x50000" << true << 0x50000u << "0000"
                                           << "1010";
    QTest::newRow("upper_case_hex") << "E000E\n"
                                    << true << 0xe000eu << "0111"
                                    << "0111";
    QTest::newRow("garbage") << "0xZZ\n" << false << 0u << QString() << QString();
    QTest::newRow("empty") << "" << false << 0u << QString() << QString();
    QTest::newRow("prefix_only") << "0x" << false << 0u << QString() << QString();
    QTest::newRow("wider_than_32_bits") << "1ffffffff\n" << false << 0u << QString() << QString();
    QTest::newRow("negative") << "-1\n" << false << 0u << QString() << QString();
}

void TestMonitor::throttledText()
{
    QFETCH(QString, text);
    QFETCH(bool, available);
    QFETCH(uint, raw);
    QFETCH(QString, now);
    QFETCH(QString, sinceBoot);

    const auto r = parseThrottled(text.toStdString());
    QCOMPARE(r.available(), available);
    if (!available) {
        QVERIFY(reasonOf(r.reason()).contains("malformed value"));
        return;
    }
    QCOMPARE(r->raw, raw);
    QCOMPARE(flagString(*r, false), now);
    QCOMPARE(flagString(*r, true), sinceBoot);
    QCOMPARE(r->any(), raw != 0);
}

void TestMonitor::throttlingFromFixtures_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<bool>("available");
    QTest::addColumn<uint>("raw");
    QTest::addColumn<QString>("reasonContains");

    QTest::newRow("rpi4_clean") << "rpi4" << true << 0x0u << QString();
    QTest::newRow("rpi4_thermal_throttling") << "rpi4-throttled" << true << 0xe000eu << QString();
    QTest::newRow("rpi4_under_voltage") << "rpi4-undervoltage" << true << 0x50005u << QString();
    QTest::newRow("rpi4_soft_limit_history") << "rpi4-soft-limit-history" << true << 0x80000u << QString();
    QTest::newRow("x86_host_not_a_pi") << "x86-host" << false << 0u << "not a Raspberry Pi";
    QTest::newRow("truncated_empty") << "broken-truncated" << false << 0u << "get_throttled: malformed value ''";
    QTest::newRow("garbage") << "broken-garbage" << false << 0u << "malformed value '0xZZ'";
    QTest::newRow("missing_file") << "broken-missing-fields" << false << 0u << "No such file or directory";
}

void TestMonitor::throttlingFromFixtures()
{
    QFETCH(QString, root);
    QFETCH(bool, available);
    QFETCH(uint, raw);
    QFETCH(QString, reasonContains);

    const auto r = readThrottling(fixture(root));
    QCOMPARE(r.available(), available);
    if (available)
        QCOMPARE(r->raw, raw);
    else
        QVERIFY2(reasonOf(r.reason()).contains(reasonContains), r.reason().c_str());
}

// ---- ring buffer and Reading -------------------------------------------------------------------------------

void TestMonitor::ringBufferKeepsNewest_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("nPushed");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("empty") << 3 << 0 << QList<int>{};
    QTest::newRow("partly_filled") << 3 << 2 << QList<int>{0, 1};
    QTest::newRow("exactly_full") << 3 << 3 << QList<int>{0, 1, 2};
    QTest::newRow("wrapped_once") << 3 << 5 << QList<int>{2, 3, 4};
    QTest::newRow("wrapped_many_times") << 3 << 11 << QList<int>{8, 9, 10};
    QTest::newRow("capacity_one") << 1 << 4 << QList<int>{3};
}

void TestMonitor::ringBufferKeepsNewest()
{
    QFETCH(int, capacity);
    QFETCH(int, nPushed);
    QFETCH(QList<int>, expected);

    RingBuffer<int> ring(static_cast<std::size_t>(capacity));
    for (int i = 0; i < nPushed; ++i) ring.push(i);
    const std::vector<int> items = ring.toVector();
    QCOMPARE(QList<int>(items.begin(), items.end()), expected);
    QCOMPARE(static_cast<int>(ring.size()), static_cast<int>(expected.size()));
    if (!expected.isEmpty()) QCOMPARE(ring.back(), expected.back());
}

void TestMonitor::unavailableValueThrowsLogicErrorWithReason()
{
    const Reading<int> r = Unavailable{"sensor gone"};
    QVERIFY(!r);
    QCOMPARE(r.valueOr(7), 7);
    try {
        (void)r.value();
        QFAIL("value() of an unavailable reading must throw");
    } catch (const std::logic_error& e) {
        QVERIFY(QString::fromUtf8(e.what()).contains("sensor gone"));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RingBuffer<int>(0));
}

QTEST_GUILESS_MAIN(TestMonitor)
void TestMonitor::cpuInfoOfRecordedPi()
{
    const auto cpu = readCpuInfo(fixture(QStringLiteral("rpi4")));
    QVERIFY2(cpu.available(), cpu.available() ? "" : cpu.reason().c_str());
    QCOMPARE(QString::fromStdString(cpu->model), QStringLiteral("Arm Cortex-A72 (Raspberry Pi 4 Model B Rev 1.4)"));
    QCOMPARE(cpu->logicalCpus, 4);
    // The throttled variant records no cpuinfo: unavailable, naming the file.
    const auto missing = readCpuInfo(fixture(QStringLiteral("rpi4-throttled")));
    QVERIFY(!missing.available());
    QVERIFY2(reasonOf(missing.reason()).contains(QStringLiteral("proc/cpuinfo")), missing.reason().c_str());
}

void TestMonitor::cpuInfoOfThisMachineMatchesProc()
{
    // The real /proc/cpuinfo: as many processors as the file lists, the first model name it gives.
    QFile file(QStringLiteral("/proc/cpuinfo"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    const auto cpu = readCpuInfo("/");
    QVERIFY2(cpu.available(), cpu.available() ? "" : cpu.reason().c_str());
    QCOMPARE(cpu->logicalCpus, static_cast<int>(text.count(QRegularExpression(QStringLiteral("^processor\\s*:"),
                                                                              QRegularExpression::MultilineOption))));
    const auto model =
        QRegularExpression(QStringLiteral("^model name\\s*:\\s*(.*)$"), QRegularExpression::MultilineOption)
            .match(text);
    if (model.hasMatch()) QCOMPARE(QString::fromStdString(cpu->model), model.captured(1).trimmed());
    QVERIFY(!cpu->model.empty());
}

void TestMonitor::cpuInfoText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("model");  // "" : unavailable
    QTest::addColumn<int>("cpus");
    QTest::newRow("unknown_arm_part_named_by_numbers")
        << QStringLiteral("processor\t: 0\nCPU implementer\t: 0x51\nCPU part\t: 0x802\n")
        << QStringLiteral("Arm part 0x51:0x802") << 1;
    QTest::newRow("no_processor") << QStringLiteral("model name\t: X\n") << QString() << 0;
    QTest::newRow("no_model") << QStringLiteral("processor\t: 0\nflags\t: fpu\n") << QString() << 0;
    QTest::newRow("empty") << QString() << QString() << 0;
}

void TestMonitor::cpuInfoText()
{
    QFETCH(QString, text);
    QFETCH(QString, model);
    QFETCH(int, cpus);
    const auto cpu = parseCpuInfo(text.toStdString());
    QCOMPARE(cpu.available(), !model.isEmpty());
    if (!cpu.available()) {
        QVERIFY(!cpu.reason().empty());
        return;
    }
    QCOMPARE(QString::fromStdString(cpu->model), model);
    QCOMPARE(cpu->logicalCpus, cpus);
}

void TestMonitor::systemInfoLineNamesKernelsThreadsAndCpu()
{
    const QString line = QString::fromStdString(systemInfoLine(2, fixture(QStringLiteral("rpi4"))));
    QCOMPARE(line,
             QString::fromUtf8(activeKernelTableName().data(), static_cast<qsizetype>(activeKernelTableName().size())) +
                 QStringLiteral(" kernels · 2 threads · Arm Cortex-A72 (Raspberry Pi 4 Model B Rev 1.4) (4 CPUs)"));
    const QString one = QString::fromStdString(systemInfoLine(1, fixture(QStringLiteral("rpi4-throttled"))));
    QVERIFY2(one.contains(QStringLiteral(" kernels · 1 thread · CPU unknown (")), qPrintable(one));
}

#include "tst_monitor.moc"
