// `edge-rt run -c FILE` as a user runs it (QProcess on the built CLI): the file supplies the
// settings, flags on the command line override them, a shipped preset runs the default model,
// and a bad file stops the command with the file, line and key before anything loads.
#include "test-support.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Result {
    int exitCode = -1;
    QString out, err;
};

Result runCli(const QStringList& arguments)
{
    QProcess p;
    p.start(QStringLiteral(EDGERT_CLI_PATH), arguments);
    if (!p.waitForFinished(120000)) {
        p.kill();
        return {-2, {}, QStringLiteral("edge-rt did not finish: ") + p.errorString()};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    const QString path = QDir(dir.path()).filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(text);
    return path;
}

QStringList ids(const QString& out)
{
    return out.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

/// A configuration file running `model`: "[engine]" with its model key and `engineKeys`, then
/// "[generation]" asking for 6 tokens.
QByteArray defaultModelConfig(const QString& model, const QByteArray& engineKeys)
{
    return "[engine]\nmodel = \"" + model.toUtf8() + "\"\n" + engineKeys + "[generation]\nmax_tokens = 6\n";
}

/// Empty when `out` (--ids) is exactly the first 6 golden greedy ids of the default model from a
/// BOS prompt; otherwise what differs.
QString goldenMismatch(const QString& out)
{
    const QStringList got = ids(out);
    const auto& golden = edgert::test::goldenIdsTinyStories656K();
    QStringList want;
    for (int i = 0; i < 6; ++i) want << QString::number(golden[static_cast<std::size_t>(i)]);
    return got == want ? QString() : QStringLiteral("ids %1, golden %2").arg(got.join(u' '), want.join(u' '));
}

}  // namespace

class TestConfigCli : public QObject {
    Q_OBJECT
private slots:
    void fileSuppliesSettings()
    {
        const QString model = edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        QTemporaryDir dir;
        const QString cfg = writeFile(dir, QStringLiteral("run.toml"),
                                      defaultModelConfig(model, "strategy = \"sequential\"\nthreads = 1\n"));
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("-c"), cfg, QStringLiteral("--ids"),
                               QStringLiteral("--report"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("\"strategy\":\"sequential\"")), qPrintable(r.err));
        // The golden greedy ids of the default model (BOS prompt): the file's settings ran it.
        QCOMPARE(goldenMismatch(r.out), QString());
    }

    void flagsOverrideTheFile()
    {
        const QString model = edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        QTemporaryDir dir;
        const QString cfg = writeFile(dir, QStringLiteral("run.toml"),
                                      "[engine]\nmodel = \"/nonexistent/model.gguf\"\nstrategy = \"sequential\"\n"
                                      "[generation]\nmax_tokens = 6\n");
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("--config"), cfg, QStringLiteral("--model"), model,
                               QStringLiteral("-n"), QStringLiteral("3"), QStringLiteral("--strategy=greedy-grouping"),
                               QStringLiteral("--ids"), QStringLiteral("--report=json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(ids(r.out).size(), 3);
        QVERIFY2(r.err.contains(QLatin1String("\"strategy\":\"greedy-grouping\"")), qPrintable(r.err));
    }

    void fileCanChooseAutoStrategyBudgetAndReads()
    {
        const QString model = edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        QTemporaryDir dir;
        const QString cfg = writeFile(dir, QStringLiteral("auto.toml"),
                                      defaultModelConfig(model,
                                                         "strategy = \"auto\"\nmemory_budget = \"auto\"\n"
                                                         "weight_reads = \"buffered\"\nthreads = 1\n"));
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("-c"), cfg, QStringLiteral("--ids"),
                               QStringLiteral("--report"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // The budget came from the machine, the strategy from the cost model, the reads as asked.
        QVERIFY2(r.err.contains(QLatin1String("memory budget auto: ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("\"strategy_auto\":\"")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("\"weight_reads\":\"buffered\"")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("\"weight_reads_reason\":\"--weight-reads buffered\"")),
                 qPrintable(r.err));
        QCOMPARE(goldenMismatch(r.out), QString());
    }

    void badAutoValueNamesFileKeyAndAllowedValues()
    {
        QTemporaryDir dir;
        const QString cfg = writeFile(dir, QStringLiteral("bad.toml"), "[engine]\nweight_reads = \"cached\"\n");
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("-c"), cfg});
        QVERIFY2(r.exitCode == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(cfg + QStringLiteral(":2:16: engine.weight_reads: 'cached' is not one of auto, direct, "
                                                     "buffered")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void shippedPresetRuns()
    {
        const QString model = edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        const QString preset = QStringLiteral(EDGERT_FIXTURES_DIR "/../../resources/configs/constrained_2gb.toml");
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("-c"), preset, QStringLiteral("--model"), model,
                               QStringLiteral("-n"), QStringLiteral("4"), QStringLiteral("--ids")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(ids(r.out).size(), 4);
        QVERIFY2(r.err.contains(QLatin1String("greedy-grouping, budget 640.0 MiB")), qPrintable(r.err));
    }

    void badFileStopsWithFileLineAndKey()
    {
        QTemporaryDir dir;
        const QString cfg = writeFile(dir, QStringLiteral("bad.toml"), "[generation]\ntop_p = 2\n");
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("-c"), cfg});
        QVERIFY2(r.exitCode == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(cfg + QStringLiteral(":2:9: generation.top_p: must be in (0, 1], got 2")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void missingFileIsAnError()
    {
        const auto r = runCli({QStringLiteral("benchmark"), QStringLiteral("-c"), QStringLiteral("/nonexistent.toml")});
        QVERIFY2(r.exitCode == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("cannot open configuration file '/nonexistent.toml'")),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestConfigCli)
#include "tst_config_cli.moc"
