// The edge-rt-dashboard executable: --screenshot renders real PNGs of each page at the kiosk and
// desktop sizes (after a demo generation, in English and German), and bad options fail clearly.
#include "test-support.h"

#include <QColor>
#include <QDir>
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

Result runDashboard(const QStringList& arguments)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir::tempPath() + QStringLiteral("/edgert-dashboard-test-config"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(EDGERT_DASHBOARD_PATH), arguments);
    if (!p.waitForFinished(kProcessTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
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
        QVERIFY2(bad.err.contains(QStringLiteral("edge-rt.toml:2")) && bad.err.contains(QStringLiteral("engine.strategy")),
                 qPrintable(bad.err));
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
