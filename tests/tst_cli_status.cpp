// `edge-rt status` run as a user would (QProcess on the built CLI) against the Raspberry Pi 4
// fixtures, a tree without thermal zone, broken trees and this machine: table lines, --json,
// --verbose reasons, --watch with --count and with Ctrl-C, EDGERT_SYSFS_ROOT, and bad options.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <cmath>
#include <csignal>

namespace {

constexpr int kTimeoutMs = 30000;
constexpr double kDecimalTolerance = 1e-9;

QString fixture(const QString& name)
{
    return QStringLiteral(EDGERT_FIXTURES_DIR "/") + name;
}

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

Result runCli(const QStringList& arguments,
              const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(environment);
    p.start(QStringLiteral(EDGERT_CLI_PATH), arguments);
    if (!p.waitForFinished(kTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString(), QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

/// True when some line of `text` matches `pattern` as a whole (leading/trailing spaces allowed).
bool hasLine(const QString& text, const QString& pattern)
{
    const QRegularExpression re(QStringLiteral("^\\s*") + pattern + QStringLiteral("\\s*$"),
                                QRegularExpression::MultilineOption);
    return re.match(text).hasMatch();
}

QJsonObject singleJsonObject(const QString& out)
{
    const QStringList lines = out.split(u'\n', Qt::SkipEmptyParts);
    if (lines.size() != 1) return {};
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(lines.first().toUtf8(), &error);
    return error.error == QJsonParseError::NoError ? doc.object() : QJsonObject();
}

}  // namespace

class TestCliStatus : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void tableShowsTemperatureAndThrottling_data();
    void tableShowsTemperatureAndThrottling();
    void jsonHasValuesAndReasons_data();
    void jsonHasValuesAndReasons();
    void rootWithoutThermalZoneSaysAbsent();
    void verboseGivesReasonsForNotAvailable();
    void environmentVariableSelectsTheRoot();
    void watchPrintsOneJsonObjectPerSample();
    void watchStopsCleanlyOnCtrlC();
    void thisMachine();
    void badOptionsAreUsageErrors_data();
    void badOptionsAreUsageErrors();
};

void TestCliStatus::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(EDGERT_CLI_PATH)), "build the edge-rt target first");
}

void TestCliStatus::tableShowsTemperatureAndThrottling_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<QStringList>("expectedLines");  // regular expressions, each must match a line

    QTest::newRow("rpi4_idle") << "rpi4"
                               << QStringList{
                                      R"(cpu_thermal\s+thermal_zone0\s+54\.5 °C\s+trip points: critical 110\.0 °C)",
                                      R"(Throttling \(get_throttled 0x0\)\s+now\s+since boot)",
                                      R"(under-voltage\s+no\s+no)",
                                      R"(throttled\s+no\s+no)",
                                      R"(cpu0\s+n/a\s+1500 MHz\s+1800 MHz)",
                                      R"(total\s+3\.70 GiB)",
                                      R"(swap used\s+50\.0 MiB\s+of 200\.0 MiB)",
                                      R"(RSS\s+784\.0 MiB)",
                                      R"(peak RSS\s+824\.0 MiB)"};
    QTest::newRow("rpi4_thermal_throttling") << "rpi4-throttled"
                                             << QStringList{R"(cpu_thermal\s+thermal_zone0\s+83\.2 °C.*)",
                                                            R"(Throttling \(get_throttled 0xe000e\).*)",
                                                            R"(under-voltage\s+no\s+no)",
                                                            R"(ARM frequency capped\s+YES\s+YES)",
                                                            R"(throttled\s+YES\s+YES)",
                                                            R"(soft temperature limit\s+YES\s+YES)",
                                                            R"(cpu3\s+n/a\s+600 MHz\s+1800 MHz)"};
    QTest::newRow("rpi4_under_voltage") << "rpi4-undervoltage"
                                        << QStringList{R"(cpu_thermal\s+thermal_zone0\s+61\.0 °C.*)",
                                                       R"(under-voltage\s+YES\s+YES)", R"(throttled\s+YES\s+YES)",
                                                       R"(ARM frequency capped\s+no\s+no)"};
    QTest::newRow("rpi4_soft_limit_history")
        << "rpi4-soft-limit-history"
        << QStringList{R"(soft temperature limit\s+no\s+YES)", R"(under-voltage\s+no\s+no)"};
}

void TestCliStatus::tableShowsTemperatureAndThrottling()
{
    QFETCH(QString, root);
    QFETCH(QStringList, expectedLines);

    const Result r = runCli({QStringLiteral("status"), QStringLiteral("--root"), fixture(root)});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    for (const QString& line : expectedLines) QVERIFY2(hasLine(r.out, line), qPrintable(line + u'\n' + r.out));
    // Without --verbose no reasons are printed.
    QVERIFY(!r.out.contains(QStringLiteral("did not advance")));
}

void TestCliStatus::jsonHasValuesAndReasons_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<double>("temperatureC");
    QTest::addColumn<QString>("throttledRaw");
    QTest::addColumn<bool>("throttledNow");
    QTest::addColumn<bool>("underVoltageSinceBoot");
    QTest::addColumn<double>("frequencyMHz");

    QTest::newRow("rpi4_idle") << "rpi4" << 54.53 << "0x0" << false << false << 1500.0;
    QTest::newRow("rpi4_thermal_throttling") << "rpi4-throttled" << 83.214 << "0xe000e" << true << false << 600.0;
    QTest::newRow("rpi4_under_voltage") << "rpi4-undervoltage" << 61.032 << "0x50005" << true << true << 600.0;
}

void TestCliStatus::jsonHasValuesAndReasons()
{
    QFETCH(QString, root);
    QFETCH(double, temperatureC);
    QFETCH(QString, throttledRaw);
    QFETCH(bool, throttledNow);
    QFETCH(bool, underVoltageSinceBoot);
    QFETCH(double, frequencyMHz);

    const Result r =
        runCli({QStringLiteral("status"), QStringLiteral("--json"), QStringLiteral("--root"), fixture(root)});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = singleJsonObject(r.out);
    QVERIFY2(!o.isEmpty(), qPrintable(r.out));

    const QJsonArray zones = o[u"thermal_zones"].toArray();
    QCOMPARE(zones.size(), 1);
    QCOMPARE(zones[0][u"type"].toString(), QStringLiteral("cpu_thermal"));
    QCOMPARE(zones[0][u"zone"].toString(), QStringLiteral("thermal_zone0"));
    QVERIFY(std::abs(zones[0][u"temperature_c"].toDouble() - temperatureC) < kDecimalTolerance);
    QCOMPARE(zones[0][u"trip_points"][0][u"type"].toString(), QStringLiteral("critical"));
    QCOMPARE(zones[0][u"trip_points"][0][u"temperature_c"].toDouble(), 110.0);

    const QJsonObject throttling = o[u"throttling"].toObject();
    QCOMPARE(throttling[u"raw"].toString(), throttledRaw);
    QCOMPARE(throttling[u"throttled"][u"now"].toBool(), throttledNow);
    QCOMPARE(throttling[u"under_voltage"][u"since_boot"].toBool(), underVoltageSinceBoot);

    QCOMPARE(o[u"memory"][u"total_bytes"].toInteger(), 3881780ll * 1024);
    QCOMPARE(o[u"memory"][u"used_bytes"].toInteger(), (3881780ll - 3126208ll) * 1024);
    QCOMPARE(o[u"process"][u"peak_rss_bytes"].toInteger(), 843776ll * 1024);
    const QJsonArray cores = o[u"cpu"][u"cores"].toArray();
    QCOMPARE(cores.size(), 4);
    QCOMPARE(cores[3][u"cpu"].toInt(), 3);
    QCOMPARE(cores[3][u"frequency_mhz"].toDouble(), frequencyMHz);
    QCOMPARE(cores[3][u"max_frequency_mhz"].toDouble(), 1800.0);
    // A static tree's counters do not advance: utilisation is null, and the reason is given.
    QVERIFY(o[u"cpu"][u"busy_percent"].isNull());
    QVERIFY(o[u"unavailable"][u"cpu.busy_percent"].toString().contains(QStringLiteral("did not advance")));
    QVERIFY(o[u"sampler"][u"mean_cpu_us"].toDouble() > 0.0);
}

void TestCliStatus::rootWithoutThermalZoneSaysAbsent()
{
    const Result table =
        runCli({QStringLiteral("status"), QStringLiteral("--root"), fixture(QStringLiteral("x86-host"))});
    QCOMPARE(table.exitCode, 0);
    QVERIFY2(table.out.contains(QStringLiteral("Temperature\n  absent: this machine has no thermal zone\n")),
             qPrintable(table.out));
    QVERIFY(table.out.contains(QStringLiteral("Throttling (Raspberry Pi firmware)\n  absent: not a Raspberry Pi")));
    QVERIFY(hasLine(table.out, QStringLiteral(R"(cpu1\s+n/a\s+n/a\s+n/a)")));
    QVERIFY(hasLine(table.out, QStringLiteral(R"(swap\s+none)")));

    const Result json = runCli({QStringLiteral("status"), QStringLiteral("--json"), QStringLiteral("--root"),
                                fixture(QStringLiteral("x86-host"))});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject o = singleJsonObject(json.out);
    QVERIFY2(!o.isEmpty(), qPrintable(json.out));
    QVERIFY(o[u"thermal_zones"].isNull());
    QVERIFY(o[u"throttling"].isNull());
    QVERIFY(o[u"unavailable"][u"thermal_zones"].toString().startsWith(QStringLiteral("no thermal zones")));
    QVERIFY(o[u"unavailable"][u"throttling"].toString().contains(QStringLiteral("not a Raspberry Pi")));
    QCOMPARE(o[u"memory"][u"total_bytes"].toInteger(), 24684084ll * 1024);
    QCOMPARE(o[u"cpu"][u"cores"].toArray().size(), 2);
}

void TestCliStatus::verboseGivesReasonsForNotAvailable()
{
    const Result r = runCli({QStringLiteral("status"), QStringLiteral("--verbose"), QStringLiteral("--root"),
                             fixture(QStringLiteral("broken-garbage"))});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(hasLine(r.out, QStringLiteral(R"(cpu_thermal\s+thermal_zone0\s+n/a\s+trip points: critical n/a)")));
    QVERIFY(hasLine(r.out, QStringLiteral(R"(gpu_thermal\s+thermal_zone1\s+47\.0 °C)")));
    for (const char* reason : {"thermal_zone0/temp: malformed value 'hot'", "MemTotal: malformed value 'lots kB'",
                               "get_throttled: malformed value '0xZZ'", "malformed value '<unknown>' (expected kHz)",
                               "implausible temperature", "sampler: "})
        QVERIFY2(r.out.contains(QString::fromUtf8(reason)), reason);
}

void TestCliStatus::environmentVariableSelectsTheRoot()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("EDGERT_SYSFS_ROOT"), fixture(QStringLiteral("rpi4-throttled")));
    const Result r = runCli({QStringLiteral("status")}, env);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(hasLine(r.out, QStringLiteral(R"(cpu_thermal\s+thermal_zone0\s+83\.2 °C.*)")));

    // --root wins over the environment.
    const Result overridden =
        runCli({QStringLiteral("status"), QStringLiteral("--root"), fixture(QStringLiteral("rpi4"))}, env);
    QVERIFY(hasLine(overridden.out, QStringLiteral(R"(cpu_thermal\s+thermal_zone0\s+54\.5 °C.*)")));
}

void TestCliStatus::watchPrintsOneJsonObjectPerSample()
{
    const Result r = runCli({QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("--json"),
                             QStringLiteral("--interval"), QStringLiteral("50"), QStringLiteral("--count"),
                             QStringLiteral("3"), QStringLiteral("--root"), fixture(QStringLiteral("rpi4"))});
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    qint64 previousSequence = 0;
    for (const QString& line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        QVERIFY2(!o.isEmpty(), qPrintable(line));
        QCOMPARE(o[u"sequence"].toInteger(), previousSequence + 1);  // the first print is sample 1
        previousSequence = o[u"sequence"].toInteger();
        QCOMPARE(o[u"root"].toString(), fixture(QStringLiteral("rpi4")));
    }
}

void TestCliStatus::watchStopsCleanlyOnCtrlC()
{
    QProcess p;
    p.start(QStringLiteral(EDGERT_CLI_PATH),
            {QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("--interval"), QStringLiteral("100"),
             QStringLiteral("--root"), fixture(QStringLiteral("rpi4"))});
    QVERIFY(p.waitForStarted(kTimeoutMs));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).count("Temperature") >= 2, kTimeoutMs);
    QCOMPARE(::kill(static_cast<pid_t>(p.processId()), SIGINT), 0);
    QVERIFY(p.waitForFinished(kTimeoutMs));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);  // handled, not killed by the signal
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardError().isEmpty());
}

void TestCliStatus::thisMachine()
{
    const Result r = runCli({QStringLiteral("status"), QStringLiteral("--interval"), QStringLiteral("100")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(hasLine(r.out, QStringLiteral(R"(total\s+\d+\.\d %)")));  // utilisation from two real samples
    QVERIFY(r.out.contains(QStringLiteral("Process (this edge-rt, pid ")));
    QVERIFY(hasLine(r.out, QStringLiteral(R"(peak RSS\s+\d+(\.\d+)? (KiB|MiB))")));
}

void TestCliStatus::badOptionsAreUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("interval_too_small") << QStringList{QStringLiteral("--interval"), QStringLiteral("5")}
                                        << "invalid --interval '5'";
    QTest::newRow("interval_not_a_number")
        << QStringList{QStringLiteral("--interval"), QStringLiteral("soon")} << "invalid --interval 'soon'";
    QTest::newRow("count_without_watch") << QStringList{QStringLiteral("--count"), QStringLiteral("2")}
                                         << "--count needs --watch";
    QTest::newRow("root_not_a_directory") << QStringList{QStringLiteral("--root"), QStringLiteral("/no/such/dir")}
                                          << "--root '/no/such/dir' is not a directory";
    QTest::newRow("unknown_option") << QStringList{QStringLiteral("--frobnicate")} << "frobnicate";
}

void TestCliStatus::badOptionsAreUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Result r = runCli(QStringList{QStringLiteral("status")} + arguments);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestCliStatus)
#include "tst_cli_status.moc"
