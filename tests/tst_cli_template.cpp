// `edge-rt template` run as a user would (QProcess on the built CLI): the conversation of
// llama.cpp's template tests rendered with the templates that vocabulary-only and kit GGUFs carry
// (byte-identical to llama.cpp's llama_chat_apply_template, from ../shared/reference), the
// overrides, the plain format's note for a base model, and the errors for bad input.
#include "test-support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kTimeoutMs = 60000;

struct Result {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Result runCli(const QStringList& arguments)
{
    QProcess p;
    p.start(QStringLiteral(EDGERT_CLI_PATH), QStringList{QStringLiteral("template")} + arguments);
    if (!p.waitForFinished(kTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QByteArray(), QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

/// The reference file's "extra" entry named `name` (llama.cpp's rendering of a real template).
QJsonObject referenceExtra(const QString& name)
{
    QFile f(QStringLiteral(EDGERT_SHARED_DIR "/reference/chat-templates.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    for (const auto v :
         QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("llama_cpp_rendered_extra")].toArray())
        if (v.toObject()[QStringLiteral("name")].toString() == name) return v.toObject();
    return {};
}

bool requireFile(const QString& path)
{
    if (QFileInfo::exists(path)) return true;
    if (edgertModelsRequired())
        QTest::qFail(qPrintable(path + QStringLiteral(" is missing")), __FILE__, __LINE__);
    else
        QTest::qSkip(qPrintable(path + QStringLiteral(" is missing")), __FILE__, __LINE__);
    return false;
}

}  // namespace

class TestCliTemplate : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_messages;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QJsonObject ref = referenceExtra(QStringLiteral("Qwen2.5-7B-Instruct"));
        if (ref.isEmpty() && !requireFile(QStringLiteral(EDGERT_SHARED_DIR "/reference/chat-templates.json"))) return;
        QVERIFY(!ref.isEmpty());
        m_messages = m_dir.filePath(QStringLiteral("messages.json"));
        QFile f(m_messages);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(ref[QStringLiteral("messages")].toArray()).toJson());
    }

    void rendersModelTemplate_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("reference");
        // The vocab files carry the real Qwen2.5 / Llama-3 templates; the kit's arch files the real
        // Gemma-2 and Phi-3 ones.
        QTest::newRow("qwen2 vocab") << edgert::test::sharedModel(QStringLiteral("vocab/ggml-vocab-qwen2.gguf"))
                                     << QStringLiteral("Qwen2.5-7B-Instruct");
        QTest::newRow("llama-bpe vocab") << edgert::test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-bpe.gguf"))
                                         << QStringLiteral("Llama-3.1-8B-Instruct");
        QTest::newRow("gemma2 kit") << edgert::test::sharedModel(QStringLiteral("kit/arch/gemma2-Q8_0.gguf"))
                                    << QStringLiteral("gemma-2-2b-it");
        QTest::newRow("phi3 kit") << edgert::test::sharedModel(QStringLiteral("kit/arch/phi3-Q8_0.gguf"))
                                  << QStringLiteral("Phi-3.5-mini-instruct");
    }
    void rendersModelTemplate()
    {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        if (!requireFile(model)) return;
        const Result r = runCli({QStringLiteral("--model"), model, QStringLiteral("--messages"), m_messages});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QByteArray expected =
            referenceExtra(reference)[QStringLiteral("legacy_llama_chat_apply_template")].toString().toUtf8();
        QVERIFY(!expected.isEmpty());
        QCOMPARE(r.out, expected);
    }

    void overridesAndGenerationPrompt()
    {
        const QString base = edgert::test::sharedModel(QStringLiteral("stories260K.gguf"));
        if (!requireFile(base)) return;
        Result r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), m_messages,
                           QStringLiteral("--chat-template"), QStringLiteral("zephyr")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, referenceExtra(QStringLiteral(
                            "zephyr (llama.cpp built-in name)"))[QStringLiteral("legacy_llama_chat_apply_template")]
                            .toString()
                            .toUtf8());

        r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), m_messages,
                    QStringLiteral("--chat-template"), QStringLiteral("chatml"),
                    QStringLiteral("--no-generation-prompt")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.endsWith("<|im_start|>user\nAnother question<|im_end|>\n"));

        const QString file = m_dir.filePath(QStringLiteral("t.jinja"));
        QFile t(file);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>{% endfor %}");
        t.close();
        r = runCli({QStringLiteral("--model"), base, QStringLiteral("--chat-template-file"), file,
                    QStringLiteral("--show-template")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("llama3 (from '"), r.out.constData());
    }

    /// A base model has no template: the plain transcript, and a note on stderr saying so.
    void baseModelGetsPlainFormat()
    {
        const QString base = edgert::test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        if (!requireFile(base)) return;
        const Result r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), m_messages});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.startsWith("You are a helpful assistant\n\nUser: Hello\nAssistant: Hi there\n"));
        QVERIFY(r.out.endsWith("User: Another question\nAssistant:"));
        QVERIFY2(r.err.contains(QStringLiteral("no chat template")), qPrintable(r.err));
    }

    void badInput()
    {
        const QString base = edgert::test::sharedModel(QStringLiteral("stories260K.gguf"));
        if (!requireFile(base)) return;
        const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"([{"role": "user", "content": "hi"}, {"role": "user"}])");
        f.close();
        Result r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("message [1] has no \"content\"")), qPrintable(r.err));

        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(R"([{"role": "user", "content": "hi"})");
        f.close();
        r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("malformed JSON at byte")), qPrintable(r.err));

        r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), m_messages,
                    QStringLiteral("--chat-template"), QStringLiteral("nonesuch")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("unknown chat template 'nonesuch'")), qPrintable(r.err));

        const QString unknown = m_dir.filePath(QStringLiteral("unknown.jinja"));
        QFile u(unknown);
        QVERIFY(u.open(QIODevice::WriteOnly));
        u.write("{% for m in messages %}### {{ m.content }}{% endfor %}");
        u.close();
        r = runCli({QStringLiteral("--model"), base, QStringLiteral("--messages"), m_messages,
                    QStringLiteral("--chat-template-file"), unknown});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("is of no family edge-rt renders")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("### {{ m.content }}")), qPrintable(r.err));

        r = runCli({QStringLiteral("--model"), base});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("--messages")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTemplate)
#include "tst_cli_template.moc"
