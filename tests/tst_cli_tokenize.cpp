// `edge-rt tokenize` run as a user would (QProcess on the built CLI): llama-tokenize's `id -> 'piece'`
// lines and --ids for the Qwen2 and Llama-3 vocabularies (ids checked against llama.cpp's kit
// reference and the in-process tokenizer), --no-bos, --parse-special, -f FILE, a HF directory,
// --help, and the errors for bad options and unsupported pre-tokenizers.
#include "edgert/gguf-reader.h"
#include "edgert/tokenizer.h"
#include "test-support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace edgert;

namespace {

constexpr int kTimeoutMs = 60000;

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

Result runCli(const QStringList& arguments)
{
    QProcess p;
    p.start(QStringLiteral(EDGERT_CLI_PATH), QStringList{QStringLiteral("tokenize")} + arguments);
    if (!p.waitForFinished(kTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString(), QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString kitModel(const char* name)
{
    return test::sharedModel(QStringLiteral("kit/arch/") + QLatin1String(name));
}

QString idList(const std::vector<TokenId>& ids)
{
    QStringList parts;
    for (const TokenId id : ids) parts << QString::number(id);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

std::vector<TokenId> referencePromptIds(const QString& referenceJson)
{
    QFile f(referenceJson);
    if (!f.open(QIODevice::ReadOnly)) return {};
    std::vector<TokenId> ids;
    for (const auto v : QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("prompt_ids")].toArray())
        ids.push_back(v.toInt());
    return ids;
}

}  // namespace

class TestCliTokenize : public QObject {
    Q_OBJECT
private slots:
    void idsMatchLlamaCppPromptIds_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("reference");
        const QString ref = QStringLiteral(EDGERT_SHARED_DIR "/reference/kit/arch/");
        QTest::newRow("qwen2") << kitModel("qwen2-F32.gguf") << ref + QStringLiteral("qwen2-F32.once-upon.json");
        QTest::newRow("smollm2like") << kitModel("smollm2like-Q8_0.gguf")
                                     << ref + QStringLiteral("smollm2like-Q8_0.tom-and-sue.json");
        QTest::newRow("llama3rope") << kitModel("llama3rope-F32.gguf")
                                    << ref + QStringLiteral("llama3rope-F32.once-upon.json");
    }
    void idsMatchLlamaCppPromptIds()
    {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        EDGERT_REQUIRE_FILE(model);
        EDGERT_REQUIRE_FILE(reference);
        QFile f(reference);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString prompt = QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("prompt")].toString();
        const Result r =
            runCli({QStringLiteral("--model"), model, QStringLiteral("--prompt"), prompt, QStringLiteral("--ids")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), idList(referencePromptIds(reference)));
    }

    void linesShowIdAndPiece()
    {
        const QString model = kitModel("llama3rope-F32.gguf");
        EDGERT_REQUIRE_FILE(model);
        const Result r =
            runCli({QStringLiteral("--model"), model, QStringLiteral("--prompt"), QStringLiteral("Tom and Sue")});
        QCOMPARE(r.exitCode, 0);
        const GgufFile gguf(model.toStdString());
        const auto tokenizer = Tokenizer::fromGguf(gguf);
        const auto ids = tokenizer->encode("Tom and Sue");
        QStringList expected;
        for (const TokenId id : ids)
            expected << QStringLiteral("%1 -> '%2'").arg(id, 6).arg(QString::fromStdString(tokenizer->piece(id, true)));
        QCOMPARE(r.out, expected.join(QLatin1Char('\n')) + QLatin1Char('\n'));
        QVERIFY(r.out.startsWith(QStringLiteral("  4096 -> '<|begin_of_text|>'\n")));  // BOS by add_bos_token
        QVERIFY(r.out.contains(QStringLiteral("   323 -> ' and'\n")));
    }

    void noBosAndParseSpecial()
    {
        const QString model = kitModel("llama3rope-F32.gguf");
        EDGERT_REQUIRE_FILE(model);
        const QString text = QStringLiteral("<|start_header_id|>user<|end_header_id|>");
        const Result plain = runCli({QStringLiteral("--model"), model, QStringLiteral("-p"), text,
                                     QStringLiteral("--ids"), QStringLiteral("--no-bos")});
        QCOMPARE(plain.exitCode, 0);
        QVERIFY2(!plain.out.contains(QStringLiteral("4096")) && !plain.out.contains(QStringLiteral("4102")),
                 qPrintable(plain.out));
        const Result special =
            runCli({QStringLiteral("--model"), model, QStringLiteral("-p"), text, QStringLiteral("--ids"),
                    QStringLiteral("--no-bos"), QStringLiteral("--parse-special")});
        QCOMPARE(special.exitCode, 0);
        QVERIFY2(special.out.startsWith(QStringLiteral("[4102, ")) &&
                     special.out.trimmed().endsWith(QStringLiteral(", 4103]")),
                 qPrintable(special.out));
    }

    void readsTheTextFromAFile()
    {
        const QString model = kitModel("qwen2-F32.gguf");
        EDGERT_REQUIRE_FILE(model);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("prompt.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Once upon a time there was");
        f.close();
        const Result r =
            runCli({QStringLiteral("--model"), model, QStringLiteral("-f"), path, QStringLiteral("--ids")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), idList(referencePromptIds(QStringLiteral(
                                      EDGERT_SHARED_DIR "/reference/kit/arch/qwen2-F32.once-upon.json"))));
    }

    void hfDirectoryUsesItsTokenizerJson()
    {
        const QString dir = test::sharedModel(QStringLiteral("tinystories-656k"));
        EDGERT_REQUIRE_FILE(dir);
        const Result r = runCli({QStringLiteral("--model"), dir, QStringLiteral("-p"),
                                 QStringLiteral("Once upon a time"), QStringLiteral("--ids")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QLatin1Char('[')) && r.out.trimmed().endsWith(QLatin1Char(']')), qPrintable(r.out));
    }

    void helpAndErrors()
    {
        const Result help = runCli({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char* option : {"--prompt", "--file", "--ids", "--no-bos", "--parse-special", "--model"})
            QVERIFY2(help.out.contains(QLatin1String(option)), option);

        const QString model = kitModel("qwen2-F32.gguf");
        EDGERT_REQUIRE_FILE(model);
        const Result neither = runCli({QStringLiteral("--model"), model});
        QVERIFY(neither.exitCode != 0);
        QVERIFY2(neither.err.contains(QStringLiteral("--prompt")), qPrintable(neither.err));
        const Result both = runCli({QStringLiteral("--model"), model, QStringLiteral("-p"), QStringLiteral("a"),
                                    QStringLiteral("-f"), QStringLiteral("/nonexistent")});
        QVERIFY(both.exitCode != 0);
        const Result missing =
            runCli({QStringLiteral("--model"), model, QStringLiteral("-f"), QStringLiteral("/nonexistent/prompt.txt")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains(QStringLiteral("/nonexistent/prompt.txt")), qPrintable(missing.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTokenize)
#include "tst_cli_tokenize.moc"
