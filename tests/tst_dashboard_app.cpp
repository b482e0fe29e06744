// The edge-rt-dashboard executable: --screenshot renders real PNGs of each page at the kiosk and
// desktop sizes (after a demo generation, in English and German), and bad options fail clearly.
#include "test-support.h"

#include <QColor>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kProcessTimeoutMs = 120000;
constexpr int kMinimumDistinctColours = 40;  // a blank or single-colour image has a handful

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

/// The dashboards this test starts keep their settings (recent models) here, not in the user's
/// configuration nor in a folder another test process shares.
QString configHome()
{
    static const QTemporaryDir dir;
    return dir.path();
}

/// `display` false: as on a console or over ssh, with no platform chosen and no display to reach.
Result runDashboard(const QStringList& arguments, bool display = true)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (display) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    } else {
        for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
            env.remove(QString::fromLatin1(name));
    }
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(EDGERT_DASHBOARD_PATH), arguments);
    if (!p.waitForFinished(kProcessTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString::fromUtf8(p.readAllStandardOutput()),
                QStringLiteral("(killed: still running after %1 ms) ").arg(kProcessTimeoutMs) +
                    QString::fromUtf8(p.readAllStandardError())};
    }
    const QString crashed = p.exitStatus() == QProcess::NormalExit ? QString() : QStringLiteral("(crashed) ");
    return {crashed.isEmpty() ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            crashed + QString::fromUtf8(p.readAllStandardError())};
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

}  // namespace

class TestDashboardApp : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        EDGERT_REQUIRE_FILE(edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf")));
    }

    void screenshotWritesANonBlankPng_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QSize>("size");
        QTest::newRow("kiosk_800x480_monitor") << QStringList{QStringLiteral("--kiosk")} << QSize(800, 480);
        QTest::newRow("kiosk_800x480_run_demo") << QStringList{QStringLiteral("--kiosk"), QStringLiteral("--page"),
                                                               QStringLiteral("run"), QStringLiteral("--demo")}
                                                << QSize(800, 480);
        QTest::newRow("kiosk_800x480_plan_german")
            << QStringList{QStringLiteral("--kiosk"), QStringLiteral("--page"), QStringLiteral("plan"),
                           QStringLiteral("--lang"), QStringLiteral("de")}
            << QSize(800, 480);
        QTest::newRow("kiosk_800x480_chat_demo_german")
            << QStringList{QStringLiteral("--kiosk"), QStringLiteral("--page"), QStringLiteral("chat"),
                           QStringLiteral("--demo"),  QStringLiteral("--lang"), QStringLiteral("de")}
            << QSize(800, 480);
        QTest::newRow("desktop_1280x720_plan_dark")
            << QStringList{QStringLiteral("--size"), QStringLiteral("1280x720"), QStringLiteral("--page"),
                           QStringLiteral("plan"),   QStringLiteral("--theme"),  QStringLiteral("dark")}
            << QSize(1280, 720);
    }
    void screenshotWritesANonBlankPng()
    {
        QFETCH(QStringList, options);
        QFETCH(QSize, size);
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("shot.png"));
        const Result r = runDashboard(
            QStringList{QStringLiteral("--screenshot"), file, QStringLiteral("--wait"), QStringLiteral("600")} +
            options);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(file));
        QImage image(file);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), size);
        QVERIFY2(distinctColours(image) >= kMinimumDistinctColours,
                 qPrintable(QString::number(distinctColours(image))));
    }

    void configurationFileSetsTheStart()
    {
        // The Pi's systemd unit starts the kiosk as `edge-rt-dashboard --kiosk -c /etc/edge-rt/edge-rt.toml`.
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("edge-rt.toml"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("[engine]\nmodel = \"%1\"\nstrategy = \"sequential\"\nthreads = 1\n"
                                  "[generation]\nprompt = \"Once upon a time\"\nmax_tokens = 8\n"
                                  "[thermal]\nsoft_limit_c = 70.0\nhard_limit_c = 80.0\n"
                                  "[dashboard]\nkiosk = true\nlanguage = \"de\"\ntheme = \"dark\"\n")
                       .arg(edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf")))
                       .toUtf8());
        file.close();
        const QString shot = dir.filePath(QStringLiteral("shot.png"));
        const Result r = runDashboard({QStringLiteral("-c"), config, QStringLiteral("--screenshot"), shot,
                                       QStringLiteral("--page"), QStringLiteral("run"), QStringLiteral("--demo"),
                                       QStringLiteral("--wait"), QStringLiteral("0")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QImage(shot).size(), QSize(800, 480));  // kiosk from the file

        // A broken file names the file, the line and the key, and the dashboard does not start.
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("[engine]\nstrategy = \"fastest\"\n");
        file.close();
        const Result bad = runDashboard({QStringLiteral("-c"), config});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(
            bad.err.contains(QStringLiteral("edge-rt.toml:2")) && bad.err.contains(QStringLiteral("engine.strategy")),
            qPrintable(bad.err));
    }

    void helpAndVersionNeedNoDisplay()
    {
        // They used to abort in QApplication ("could not connect to display").
        const Result help = runDashboard({QStringLiteral("--help")}, false);
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.contains(QStringLiteral("--screenshot")) && help.out.contains(QStringLiteral("eglfs")),
                 qPrintable(help.out + help.err));
        const Result version = runDashboard({QStringLiteral("--version")}, false);
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.contains(QStringLiteral("0.1.0")));
        // Without a display the dashboard says how to run it, rather than aborting.
        const Result none = runDashboard({}, false);
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains(QStringLiteral("QT_QPA_PLATFORM=eglfs")) &&
                     none.err.contains(QStringLiteral("QT_QPA_PLATFORM=offscreen")),
                 qPrintable(none.err));
        // A screenshot needs none: it renders offscreen by itself.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("shot.png"));
        const Result shot = runDashboard({QStringLiteral("--screenshot"), file, QStringLiteral("--kiosk"),
                                          QStringLiteral("--wait"), QStringLiteral("0")},
                                         false);
        QVERIFY2(shot.exitCode == 0, qPrintable(shot.err));
        QCOMPARE(QImage(file).size(), QSize(800, 480));
    }

    void badOptionsFailWithAMessage_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown_page") << QStringList{QStringLiteral("--screenshot"), QStringLiteral("/tmp/x.png"),
                                                     QStringLiteral("--page"), QStringLiteral("settings")}
                                      << QStringLiteral("unknown page");
        QTest::newRow("bad_size") << QStringList{QStringLiteral("--screenshot"), QStringLiteral("/tmp/x.png"),
                                                 QStringLiteral("--size"), QStringLiteral("big")}
                                  << QStringLiteral("--size");
        QTest::newRow("unknown_language")
            << QStringList{QStringLiteral("--lang"), QStringLiteral("fr")} << QStringLiteral("--lang");
        QTest::newRow("unknown_weight_reads")
            << QStringList{QStringLiteral("--weight-reads"), QStringLiteral("cached")}
            << QStringLiteral("--weight-reads expects auto, direct or buffered, got 'cached'");
        QTest::newRow("unknown_strategy_lists_auto")
            << QStringList{QStringLiteral("--strategy"), QStringLiteral("fastest")}
            << QStringLiteral("speculative-prefetch or auto, got 'fastest'");
        QTest::newRow("unknown_theme") << QStringList{QStringLiteral("--theme"), QStringLiteral("pink")}
                                       << QStringLiteral("--theme");
    }
    void badOptionsFailWithAMessage()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, message);
        const Result r = runDashboard(options);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestDashboardApp)
#include "tst_dashboard_app.moc"
