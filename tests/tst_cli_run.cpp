// The edge-rt CLI as a user meets it: run and inspect on the real models, and every kind of bad
// input giving one clear line on stderr and a non-zero exit status — never a crash.
#include "test-support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <clocale>

namespace {

struct Outcome {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out, err;
};

Outcome runCli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(EDGERT_CLI_PATH), args);
    Outcome o;
    if (!p.waitForFinished(120000)) return o;
    o.exitCode = p.exitCode();
    o.status = p.exitStatus();
    o.out = QString::fromUtf8(p.readAllStandardOutput());
    o.err = QString::fromUtf8(p.readAllStandardError());
    return o;
}

}  // namespace

class TestCliRun : public QObject {
    Q_OBJECT
private slots:
    // inspect lists the tensor types of a mixture file (llama.cpp's Q3_K_M) with their counts, and
    // the K-quant file plans and validates (every type in it is computable).
    void inspectListsTensorTypes()
    {
        const QString model = edgert::test::sharedModel(QStringLiteral("kit/kquant/kq-llama-d256-Q3_K_M.gguf"));
        EDGERT_REQUIRE_FILE(model);
        const auto o = runCli({QStringLiteral("inspect"), QStringLiteral("--model"), model});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains(
                     QStringLiteral("types      Q3_K\u00d717, Q4_K\u00d710, F32\u00d79, Q5_K\u00d72, Q6_K\u00d71\n")),
                 qPrintable(o.out.left(400)));
    }

    void runPrintsReferenceTextAndReport()
    {
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto o = runCli(
            {QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("-n"), QStringLiteral("60")});
        QCOMPARE(o.status, QProcess::NormalExit);
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(
            o.out.startsWith(QStringLiteral("Once upon a time, there was a little girl named Lily. She loved to play "
                                            "outside in the park. One day, she saw a big, red ball.")),
            qPrintable(o.out));
        for (const char* field : {"load", "prefill", "decode", "plan", "pool peak", "peak RSS"})
            QVERIFY2(o.err.contains(QLatin1String(field)), field);
        // stories260K's token embedding is not tied to the head: the report says why fewer bytes
        // are pinned than the model has weights (issue 15 item 14).
        QVERIFY2(o.err.contains(QStringLiteral("(the token embedding) are read one row per token")), qPrintable(o.err));
    }

    // A run of one token says "1 token", the plan "1 group" (issue 15: "1 groups", "1 tokens").
    void reportCountsAgreeInNumber()
    {
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto o = runCli({QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("-n"),
                               QStringLiteral("1"), QStringLiteral("--prompt"), QStringLiteral("Once")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("decode +1 token in ")).match(o.err).hasMatch(), qPrintable(o.err));
        QVERIFY2(QRegularExpression(QStringLiteral(": 1 group \\(0 streamed\\)")).match(o.err).hasMatch(),
                 qPrintable(o.err));
        QVERIFY2(!o.err.contains(QStringLiteral("1 groups")) && !o.err.contains(QStringLiteral(" 1 tokens")),
                 qPrintable(o.err));
    }

    // benchmark --output csv: stdout is the CSV alone (header + one line per row, all with the
    // header's field count), "no overlap" is an empty field, and without a terminal the progress
    // on stderr is plain lines (no carriage returns).
    void benchmarkCsvIsCsvOnly()
    {
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto o =
            runCli({QStringLiteral("benchmark"), QStringLiteral("--model"), model, QStringLiteral("--output"),
                    QStringLiteral("csv"), QStringLiteral("--strategies"), QStringLiteral("sequential,greedy-grouping"),
                    QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("-p"), QStringLiteral("8"),
                    QStringLiteral("-n"), QStringLiteral("8"), QStringLiteral("-r"), QStringLiteral("1")});
        QCOMPARE(o.exitCode, 0);
        const QStringList lines = o.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);  // header + 2 strategies x 1 budget x 1 thread count
        const QStringList header = lines.first().split(QLatin1Char(','));
        const int overlap = static_cast<int>(header.indexOf(QStringLiteral("overlap_pct")));
        QVERIFY(overlap > 0);
        for (const QString& line : lines.mid(1)) {
            const QStringList fields = line.split(QLatin1Char(','));
            QCOMPARE(fields.size(), header.size());
            QVERIFY2(fields.at(overlap).isEmpty(), qPrintable(line));  // all resident: nothing to overlap
        }
        QVERIFY2(!o.err.contains(QLatin1Char('\r')), qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("fastest decode:")), qPrintable(o.err));  // the summary, on stderr
    }

    // benchmark --strategies auto: the auto row runs what the cost model picks at the sweep's budget
    // and says what that was and its decode as a share of the best other row of the same threads
    // and budget, in CSV (two more columns), JSON (auto_* fields) and the table's notes. At a budget
    // where something streams the pick must be one of the strategies and the auto row's plan that
    // strategy's plan (same groups and streamed bytes as the named row).
    void benchmarkAutoRowNamesItsPickAndShareOfTheBest()
    {
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const QStringList common = {QStringLiteral("benchmark"),
                                    QStringLiteral("--model"),
                                    model,
                                    QStringLiteral("--strategies"),
                                    QStringLiteral("sequential,greedy-grouping,speculative-prefetch,auto"),
                                    QStringLiteral("--sweep-memory"),
                                    QStringLiteral("full,600K"),
                                    QStringLiteral("--threads"),
                                    QStringLiteral("1"),
                                    QStringLiteral("-p"),
                                    QStringLiteral("8"),
                                    QStringLiteral("-n"),
                                    QStringLiteral("8"),
                                    QStringLiteral("-r"),
                                    QStringLiteral("1")};
        const auto csv = runCli(common + QStringList{QStringLiteral("--output"), QStringLiteral("csv")});
        QVERIFY2(csv.exitCode == 0, qPrintable(csv.err));
        const QStringList lines = csv.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 4 * 2);
        const QStringList header = lines.first().split(QLatin1Char(','));
        const auto column = [&](const char* name) { return static_cast<int>(header.indexOf(QLatin1String(name))); };
        QVERIFY(column("auto_strategy") > 0 && column("auto_pct_of_best") > 0);
        const QStringList names = {QStringLiteral("sequential"), QStringLiteral("greedy-grouping"),
                                   QStringLiteral("speculative-prefetch")};
        int autoRows = 0;
        for (const QString& line : lines.mid(1)) {
            const QStringList f = line.split(QLatin1Char(','));
            QCOMPARE(f.size(), header.size());
            if (f.first() != QLatin1String("auto")) {
                QVERIFY2(f.at(column("auto_strategy")).isEmpty(), qPrintable(line));
                continue;
            }
            ++autoRows;
            const QString picked = f.at(column("auto_strategy"));
            QVERIFY2(names.contains(picked), qPrintable(line));
            bool ok = false;
            const double percent = f.at(column("auto_pct_of_best")).toDouble(&ok);
            QVERIFY2(ok && percent > 0, qPrintable(line));
            // The named row of the pick at the same budget plans the same groups and streamed bytes.
            bool matched = false;
            for (const QString& other : lines.mid(1)) {
                const QStringList g = other.split(QLatin1Char(','));
                if (g.first() != picked || g.at(column("budget_bytes")) != f.at(column("budget_bytes"))) continue;
                QCOMPARE(g.at(column("groups")), f.at(column("groups")));
                QCOMPARE(g.at(column("streamed_mib_per_pass")), f.at(column("streamed_mib_per_pass")));
                matched = true;
            }
            QVERIFY2(matched, qPrintable(line));
        }
        QCOMPARE(autoRows, 2);
        QVERIFY2(csv.err.contains(QLatin1String("strategy auto rows")), qPrintable(csv.err));
        QVERIFY2(csv.err.contains(QLatin1String("of the best")), qPrintable(csv.err));

        const auto json = runCli(common + QStringList{QStringLiteral("--output"), QStringLiteral("json")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const auto results =
            QJsonDocument::fromJson(json.out.toUtf8()).object().value(QLatin1String("results")).toArray();
        QCOMPARE(results.size(), 8);
        int jsonAuto = 0;
        for (const auto& v : results) {
            const QJsonObject r = v.toObject();
            if (r.value(QLatin1String("strategy")).toString() != QLatin1String("auto")) {
                QVERIFY(!r.contains(QLatin1String("auto_strategy")));
                continue;
            }
            ++jsonAuto;
            QVERIFY(names.contains(r.value(QLatin1String("auto_strategy")).toString()));
            QVERIFY(!r.value(QLatin1String("auto_choice")).toString().isEmpty());
            QVERIFY(names.contains(r.value(QLatin1String("auto_best_strategy")).toString()));
            QVERIFY(r.value(QLatin1String("auto_percent_of_best")).toDouble() > 0);
        }
        QCOMPARE(jsonAuto, 2);

        const auto table = runCli(common);
        QVERIFY2(table.exitCode == 0, qPrintable(table.err));
        QVERIFY2(
            QRegularExpression(QStringLiteral("\\nauto .* picked (sequential|greedy-grouping|speculative-prefetch): "
                                              "[0-9.]+% of the best"))
                .match(table.out)
                .hasMatch(),
            qPrintable(table.out));
    }

    // Under a German locale (decimal comma) the CSV keeps one field per column and the JSON report
    // its numbers: QCoreApplication adopts LANG, and printf would otherwise write "1,36".
    void numbersStayCFormattedUnderAGermanLocale()
    {
        if (locale_t german = newlocale(LC_ALL_MASK, "de_DE.UTF-8", nullptr))
            freelocale(german);
        else
            QSKIP("the de_DE.UTF-8 locale is not installed here (CI generates it: deploy/ci/locales.sh)");
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LANG"), QStringLiteral("de_DE.UTF-8"));
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("de_DE.UTF-8"));
        const auto csv =
            runCli({QStringLiteral("benchmark"), QStringLiteral("--model"), model, QStringLiteral("--output"),
                    QStringLiteral("csv"), QStringLiteral("--strategies"), QStringLiteral("sequential"),
                    QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("-p"), QStringLiteral("8"),
                    QStringLiteral("-n"), QStringLiteral("8"), QStringLiteral("-r"), QStringLiteral("1")},
                   env);
        QCOMPARE(csv.exitCode, 0);
        const QStringList lines = csv.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(1).split(QLatin1Char(',')).size(), lines.at(0).split(QLatin1Char(',')).size());
        const auto run =
            runCli({QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("-n"), QStringLiteral("8"),
                    QStringLiteral("--temp"), QStringLiteral("0.5"), QStringLiteral("--seed"), QStringLiteral("3")},
                   env);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains(QStringLiteral("sampling   temperature 0.50, top-k 40, top-p 0.95")),
                 qPrintable(run.err));
        QVERIFY2(QRegularExpression(QStringLiteral("decode +8 tokens in [0-9]+\\.[0-9]+ ms")).match(run.err).hasMatch(),
                 qPrintable(run.err));
    }

    // run --report json carries the generated text, the threads, the context and the architecture.
    void jsonReportHasTextThreadsContextArchitecture()
    {
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto o = runCli({QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("-n"),
                               QStringLiteral("20"), QStringLiteral("--threads"), QStringLiteral("1"),
                               QStringLiteral("--report"), QStringLiteral("json")});
        QCOMPARE(o.exitCode, 0);
        const auto lines = o.err.trimmed().split(QLatin1Char('\n'));
        const QJsonObject report = QJsonDocument::fromJson(lines.last().toUtf8()).object();
        QVERIFY2(!report.isEmpty(), qPrintable(o.err));
        const QString text = report.value(QStringLiteral("text")).toString();
        QVERIFY(!text.isEmpty());
        QVERIFY2(o.out.contains(text), qPrintable(text));
        QCOMPARE(report.value(QStringLiteral("threads")).toInt(), 1);
        QVERIFY(report.value(QStringLiteral("context_tokens")).toInt() >= 20);
        QCOMPARE(report.value(QStringLiteral("architecture")).toString(), QStringLiteral("llama"));
        QVERIFY(!report.value(QStringLiteral("kernels")).toString().isEmpty());
    }

    void defaultModelIsUsedWithoutModelFlag()
    {
        EDGERT_REQUIRE_FILE(edgert::test::sharedModel("tinystories-656k-q8_0.gguf"));
        auto env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("EDGERT_MODEL"));
        const auto o =
            runCli({QStringLiteral("run"), QStringLiteral("-n"), QStringLiteral("24"), QStringLiteral("--ids")}, env);
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out.trimmed(),
                 QStringLiteral("147 201 282 215 286 598 1662 356 499 826 1363 1145 1652 615 242 1482 951 "
                                "628 499 826 872 921 318 385"));
    }

    // --strategy auto: at a budget where strategies stream, the report says what the cost model
    // picked and why, and the tokens are those of every other strategy (bit-identical results).
    void strategyAutoPicksAndExplains()
    {
        const QString model = edgert::test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        const QStringList common{QStringLiteral("run"),
                                 QStringLiteral("--model"),
                                 model,
                                 QStringLiteral("-n"),
                                 QStringLiteral("24"),
                                 QStringLiteral("--ids"),
                                 QStringLiteral("--memory-budget"),
                                 QStringLiteral("600K")};
        const auto picked = runCli(common + QStringList{QStringLiteral("--strategy"), QStringLiteral("auto")});
        QVERIFY2(picked.exitCode == 0, qPrintable(picked.err));
        const QRegularExpression line(QStringLiteral(
            R"(\nauto       (sequential|greedy-grouping|speculative-prefetch): \d+ groups? \(\d+ streamed\), predicted )"
            R"([0-9.]+ tokens/s \(.*memory [0-9.]+ GB/s, file [0-9.]+ GB/s)"));
        const auto match = line.match(picked.err);
        QVERIFY2(match.hasMatch(), qPrintable(picked.err));
        QVERIFY2(picked.err.contains(QStringLiteral("plan       ") + match.captured(1) +
                                     QStringLiteral(", budget 600.0 KiB")),
                 qPrintable(picked.err));
        const auto sequential =
            runCli(common + QStringList{QStringLiteral("--strategy"), QStringLiteral("sequential")});
        QVERIFY2(sequential.exitCode == 0, qPrintable(sequential.err));
        QCOMPARE(picked.out.trimmed(), sequential.out.trimmed());
        QCOMPARE(picked.out.trimmed(),
                 QStringLiteral("147 201 282 215 286 598 1662 356 499 826 1363 1145 1652 615 242 1482 951 "
                                "628 499 826 872 921 318 385"));

        // Too small for every strategy: one error naming each, exit 1 (no crash).
        const auto tooSmall = runCli({QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("-n"),
                                      QStringLiteral("4"), QStringLiteral("--strategy"), QStringLiteral("auto"),
                                      QStringLiteral("--memory-budget"), QStringLiteral("16K")});
        QCOMPARE(tooSmall.status, QProcess::NormalExit);
        QVERIFY(tooSmall.exitCode != 0);
        QVERIFY2(tooSmall.err.contains(QStringLiteral("--strategy auto: no strategy fits the budget")),
                 qPrintable(tooSmall.err));
    }

    // Issue 15 item 13: the usage line names the subcommand, Qt's --help-all is not offered, and
    // options with a default show it.
    void helpNamesTheCommandAndShowsDefaults_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("expectedDefault");
        QTest::newRow("run") << "run"
                             << "(default: 100)";
        QTest::newRow("inspect") << "inspect"
                                 << "";
        QTest::newRow("synth") << "synth"
                               << "";
        QTest::newRow("benchmark") << "benchmark"
                                   << "(default: 64)";
    }
    void helpNamesTheCommandAndShowsDefaults()
    {
        QFETCH(QString, command);
        QFETCH(QString, expectedDefault);
        const auto o = runCli({command, QStringLiteral("--help")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out.section(QLatin1Char('\n'), 0, 0), QStringLiteral("Usage: edge-rt %1 [options]").arg(command));
        QVERIFY2(!o.out.contains(QStringLiteral("--help-all")), qPrintable(o.out));
        if (!expectedDefault.isEmpty()) QVERIFY2(o.out.simplified().contains(expectedDefault), qPrintable(o.out));
    }

    void inspectShowsTensorsAndPlans()
    {
        const QString model = edgert::test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto o = runCli({QStringLiteral("inspect"), QStringLiteral("--model"), model, QStringLiteral("--tensors"),
                               QStringLiteral("--memory-budget"), QStringLiteral("2M")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(QStringLiteral("blk.1.ffn_down.weight")));
        QVERIFY(o.out.contains(QStringLiteral("Q8_0")));
        QVERIFY(o.out.contains(QStringLiteral("embeddings tied")));
        for (const char* s : {"sequential", "greedy-grouping", "speculative-prefetch"})
            QVERIFY(o.out.contains(QLatin1String(s)));
        QVERIFY(o.out.contains(QStringLiteral("minimum budget")));
        QVERIFY(o.out.contains(QStringLiteral("group 0")));
    }

    void badInputFailsWithOneClearLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        QTest::newRow("bad_budget_suffix") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                          QStringLiteral("--memory-budget"), QStringLiteral("64Q")}
                                           << QStringLiteral("invalid byte size '64Q'");
        QTest::newRow("budget_not_a_number") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                            QStringLiteral("--memory-budget"), QStringLiteral("lots")}
                                             << QStringLiteral("invalid byte size 'lots'");
        QTest::newRow("budget_below_minimum") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                             QStringLiteral("--memory-budget"), QStringLiteral("64K")}
                                              << QStringLiteral("minimum budget");
        QTest::newRow("missing_model_file")
            << QStringList{QStringLiteral("run"), QStringLiteral("--model"), QStringLiteral("/nonexistent/model.gguf")}
            << QStringLiteral("/nonexistent/model.gguf");
        QTest::newRow("unknown_strategy") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                         QStringLiteral("--strategy"), QStringLiteral("fastest")}
                                          << QStringLiteral("unknown partition strategy 'fastest'");
        QTest::newRow("unknown_option") << QStringList{QStringLiteral("run"), QStringLiteral("--frobnicate")}
                                        << QStringLiteral("frobnicate");
        QTest::newRow("negative_temperature") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                             QStringLiteral("--temp"), QStringLiteral("-1")}
                                              << QStringLiteral("temperature");
        QTest::newRow("top_p_out_of_range") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                           QStringLiteral("--top-p"), QStringLiteral("1.5")}
                                            << QStringLiteral("top-p");
        QTest::newRow("zero_tokens") << QStringList{QStringLiteral("run"), QStringLiteral("--model"), model,
                                                    QStringLiteral("-n"), QStringLiteral("0")}
                                     << QStringLiteral("--n expects");
        QTest::newRow("unknown_command") << QStringList{QStringLiteral("fly")}
                                         << QStringLiteral("unknown command 'fly'");
    }
    void badInputFailsWithOneClearLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        EDGERT_REQUIRE_FILE(edgert::test::sharedModel("stories260K.gguf"));
        const auto o = runCli(args);
        QCOMPARE(o.status, QProcess::NormalExit);
        QVERIFY2(o.exitCode != 0, qPrintable(o.err));
        QVERIFY2(o.err.contains(expected), qPrintable(o.err));
        QVERIFY2(!o.err.contains(QStringLiteral("internal error")), qPrintable(o.err));
    }

    void corruptModelFilesFailCleanly()
    {
        const QString model = edgert::test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        QFile f(model);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QTemporaryDir dir;
        struct Variant {
            const char* name;
            QByteArray data;
            const char* expected;
        };
        QByteArray badMagic = bytes;
        badMagic[0] = 'X';
        QByteArray badType = bytes;
        // First tensor info's type field: find "output_norm.weight" and patch the u32 after its dims.
        const auto at = badType.indexOf("output_norm.weight");
        QVERIFY(at > 0);
        const qsizetype typeOffset = at + 18 + 4 + 8;  // name, n_dims (1), dims[0]
        badType[typeOffset] = 12;                      // Q4_K: a 256-value block type on a 288-long row
        const Variant variants[] = {
            {"truncated_header.gguf", bytes.left(3000), "truncated"},
            {"truncated_data.gguf", bytes.left(bytes.size() - 1000), "past the end of the file"},
            {"bad_magic.gguf", badMagic, "magic"},
            {"q4_k_tensor.gguf", badType, "Q4_K"},
            {"empty.gguf", QByteArray(), "empty file (0 bytes)"},
        };
        for (const auto& v : variants) {
            const QString path = dir.filePath(QLatin1String(v.name));
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(v.data);
            out.close();
            for (const char* command : {"run", "inspect"}) {
                const auto o = runCli({QLatin1String(command), QStringLiteral("--model"), path});
                QCOMPARE(o.status, QProcess::NormalExit);
                QVERIFY2(o.exitCode == 1, qPrintable(QStringLiteral("%1 %2: exit %3: %4")
                                                         .arg(QLatin1String(command), QLatin1String(v.name))
                                                         .arg(o.exitCode)
                                                         .arg(o.err)));
                QVERIFY2(o.err.contains(QLatin1String(v.expected)), qPrintable(o.err));
                QVERIFY2(o.err.contains(path), qPrintable(o.err));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"
