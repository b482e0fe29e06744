// Chat templates against llama.cpp's own test cases (../shared/reference/chat-templates.json,
// extracted from llama.cpp tests/test-chat-template.cpp and re-checked against libllama): every
// template edge-rt recognises renders byte-identically to llama_chat_apply_template's output, and
// one it does not recognise is an error naming it.
#include "test-support.h"

#include "edgert/chat-template.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace edgert;

namespace {

QString referencePath()
{
    return QStringLiteral(EDGERT_SHARED_DIR "/reference/chat-templates.json");
}

std::vector<ChatMessage> messagesOf(const nlohmann::json& list)
{
    std::vector<ChatMessage> out;
    for (const auto& m : list) out.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
    return out;
}

/// Bytes of `s` around the first difference from `expected`, for a failure message.
QByteArray firstDifference(const std::string& s, const std::string& expected)
{
    std::size_t i = 0;
    while (i < s.size() && i < expected.size() && s[i] == expected[i]) ++i;
    return QByteArray("at byte ") + QByteArray::number(qulonglong(i)) + ": got \"" +
           QByteArray::fromStdString(s.substr(i, 40)).toPercentEncoding(" <>|[]/") + "\" expected \"" +
           QByteArray::fromStdString(expected.substr(i, 40)).toPercentEncoding(" <>|[]/") + "\"";
}

}  // namespace

class TestChatTemplate : public QObject {
    Q_OBJECT

    nlohmann::json m_reference;

private slots:
    void initTestCase()
    {
        QFile f(referencePath());
        if (!f.exists()) {
            if (edgertModelsRequired()) QFAIL(qPrintable(referencePath() + QStringLiteral(" is missing")));
            QSKIP(qPrintable(referencePath() + QStringLiteral(" is missing")));
        }
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_reference = nlohmann::json::parse(f.readAll().toStdString());
        QVERIFY(m_reference.at("cases").size() >= 30);
    }

    void upstreamCases_data()
    {
        QTest::addColumn<int>("index");
        const auto& cases = m_reference.at("cases");
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].at("name").get<std::string>().c_str()) << int(i);
    }
    /// Every upstream case: recognised, and rendered byte-identically to expected_legacy.
    void upstreamCases()
    {
        QFETCH(int, index);
        const auto& c = m_reference.at("cases")[std::size_t(index)];
        QVERIFY(c.at("verified_legacy").get<bool>());
        const std::string text = c.at("template").get<std::string>();
        const std::optional<ChatFormat> format = detectChatFormat(text);
        QVERIFY2(format.has_value(), "template not recognised");
        // The reference's own family label (where it gives one) agrees with the detection.
        if (c.at("family").is_string()) {
            const std::string family = c.at("family").get<std::string>();
            const std::string name = chatFormatName(*format);
            // llama.cpp's "mistral" label covers its [INST] families: mistral-v* and llama2*.
            const bool inst = family == "mistral" && name.rfind("llama2", 0) == 0;
            QVERIFY2(inst || name.rfind(family, 0) == 0, qPrintable(QString::fromStdString(name + " vs " + family)));
        }
        const std::string expected = c.at("expected_legacy").get<std::string>();
        const std::string got =
            renderChat(*format, messagesOf(c.at("messages")), c.at("add_generation_prompt").get<bool>());
        QVERIFY2(got == expected, firstDifference(got, expected).constData());
    }

    void formatSingle_data()
    {
        QTest::addColumn<int>("index");
        const auto& cases = m_reference.at("format_single_cases");
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(
                (cases[i].at("builtin_template").get<std::string>() + " " + cases[i].at("kind").get<std::string>())
                    .c_str())
                << int(i);
    }
    /// llama.cpp's common_chat_format_single cases with built-in names: the text one new message
    /// adds, which is what a chat turn prefills.
    void formatSingle()
    {
        QFETCH(int, index);
        const auto& c = m_reference.at("format_single_cases")[std::size_t(index)];
        // Recognised as llama.cpp does: a name, or (for "mistral") a template text starting so.
        const std::optional<ChatFormat> format = detectChatFormat(c.at("builtin_template").get<std::string>());
        QVERIFY(format.has_value());
        std::string got;
        if (c.at("kind") == "system") {
            got = renderChatDelta(*format, {}, {"system", "You are a helpful assistant"}, false);
        } else {
            const std::vector<ChatMessage> history{
                {"system", "You are a helpful assistant"}, {"user", "Hello"}, {"assistant", "I am assistant"}};
            got = renderChatDelta(*format, history, {"user", "How are you"}, true);
        }
        const std::string expected = c.at("expected").get<std::string>();
        QVERIFY2(got == expected, firstDifference(got, expected).constData());
    }

    void realTemplates_data()
    {
        QTest::addColumn<int>("index");
        const auto& extra = m_reference.at("llama_cpp_rendered_extra");
        for (std::size_t i = 0; i < extra.size(); ++i)
            QTest::newRow(extra[i].at("name").get<std::string>().c_str()) << int(i);
    }
    /// The real Qwen2.5 / Llama-3.x / Gemma-2 / Phi-3.5 / Mistral-Nemo templates, the built-in
    /// name zephyr and a TinyLlama-style template: what llama.cpp's legacy formatter renders.
    void realTemplates()
    {
        QFETCH(int, index);
        const auto& c = m_reference.at("llama_cpp_rendered_extra")[std::size_t(index)];
        const std::optional<ChatFormat> format = detectChatFormat(c.at("template").get<std::string>());
        QVERIFY(format.has_value());
        const std::string expected = c.at("legacy_llama_chat_apply_template").get<std::string>();
        const std::string got =
            renderChat(*format, messagesOf(c.at("messages")), c.at("add_generation_prompt").get<bool>());
        QVERIFY2(got == expected, firstDifference(got, expected).constData());
    }

    void namesRoundTrip()
    {
        for (const std::string& name : chatFormatNames()) {
            const auto format = chatFormatFromName(name);
            QVERIFY(format.has_value());
            QCOMPARE(std::string(chatFormatName(*format)), name);
            QCOMPARE(detectChatFormat(name), format);
        }
        QVERIFY(!chatFormatFromName("llama9").has_value());
    }

    /// A template of no known family: ChatTemplateError naming where it came from and its start.
    void unknownTemplateIsAnError()
    {
        const std::string text = "{% for m in messages %}<<<{{ m['content'] }}>>>{% endfor %}";
        QVERIFY(!detectChatFormat(text).has_value());
        try {
            ChatTemplate::fromText(text, "'my.jinja'");
            QFAIL("no error");
        } catch (const ChatTemplateError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(QStringLiteral("'my.jinja'")), e.what());
            QVERIFY2(what.contains(QStringLiteral("<<<{{ m['content'] }}>>>")), e.what());
            QVERIFY2(what.contains(QStringLiteral("chatml")), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(UsageError, ChatTemplate::fromName("nonesuch"));
    }

    /// resolveChatTemplate: the GGUF's own template, a name, a file, both (an error), and the plain
    /// format with a note for a base model.
    void resolveFromModels()
    {
        const QString qwen = test::sharedModel(QStringLiteral("vocab/ggml-vocab-qwen2.gguf"));
        const QString llama3 = test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-bpe.gguf"));
        const QString base = test::sharedModel(QStringLiteral("stories260K.gguf"));
        for (const QString& f : {qwen, llama3, base})
            if (!QFileInfo::exists(f)) {
                if (edgertModelsRequired()) QFAIL(qPrintable(f + QStringLiteral(" is missing")));
                QSKIP(qPrintable(f + QStringLiteral(" is missing")));
            }
        QCOMPARE(resolveChatTemplate(qwen.toStdString(), {}).format, ChatFormat::ChatML);
        QCOMPARE(resolveChatTemplate(llama3.toStdString(), {}).format, ChatFormat::Llama3);
        const ChatTemplate plain = resolveChatTemplate(base.toStdString(), {});
        QCOMPARE(plain.format, ChatFormat::Plain);
        QVERIFY(!plain.note.empty());
        QCOMPARE(resolveChatTemplate(base.toStdString(), {"gemma", ""}).format, ChatFormat::Gemma);

        QTemporaryDir dir;
        const std::string file = (dir.path() + QStringLiteral("/t.jinja")).toStdString();
        std::ofstream(file) << "{{ '<start_of_turn>' }}";
        QCOMPARE(resolveChatTemplate(base.toStdString(), {"", file}).format, ChatFormat::Gemma);
        QVERIFY_THROWS_EXCEPTION(UsageError, resolveChatTemplate(base.toStdString(), {"gemma", file}));
        QVERIFY_THROWS_EXCEPTION(IoError, resolveChatTemplate(base.toStdString(), {"", file + ".missing"}));
    }

    /// A HF model directory: tokenizer_config.json's chat_template, as a string and as a list.
    void resolveFromHfConfig()
    {
        QTemporaryDir dir;
        const std::string config = (dir.path() + QStringLiteral("/tokenizer_config.json")).toStdString();
        std::ofstream(config) << R"({"chat_template": "{% for m in messages %}<|im_start|>{% endfor %}"})";
        QCOMPARE(resolveChatTemplate(dir.path().toStdString(), {}).format, ChatFormat::ChatML);
        std::ofstream(config) << R"({"chat_template": [{"name": "tool_use", "template": "<|im_start|>"},
                                    {"name": "default", "template": "<start_of_turn>"}]})";
        QCOMPARE(resolveChatTemplate(dir.path().toStdString(), {}).format, ChatFormat::Gemma);
        std::ofstream(config) << R"({"chat_template": 7})";
        QVERIFY_THROWS_EXCEPTION(FormatError, resolveChatTemplate(dir.path().toStdString(), {}));
        std::ofstream(config) << R"({"bos_token": "<s>"})";
        QCOMPARE(resolveChatTemplate(dir.path().toStdString(), {}).format, ChatFormat::Plain);
    }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "tst_chat_template.moc"
