// `edge-rt chat` run as a user would, with stdin not a terminal (one user turn per line): the
// kit's instruct-templated Qwen2 answers twice, exits 0, prints no control token, gives exactly the
// answers of an in-process ChatSession, and reports per turn the tokens reused from the KV cache
// and prefilled; /reset starts over, /exit quits, a base model gets the plain format and a note, a
// turn that does not fit the context says so and the chat goes on, bad options are errors.
#include "edgert/chat-session.h"
#include "test-support.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace edgert;

namespace {

constexpr int kTimeoutMs = 120000;

struct Result {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Result runChat(const QStringList& arguments, const QByteArray& input)
{
    QProcess p;
    p.start(QStringLiteral(EDGERT_CLI_PATH), QStringList{QStringLiteral("chat")} + arguments);
    if (!p.waitForStarted(kTimeoutMs)) return {-1, {}, QStringLiteral("did not start")};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(kTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

struct TurnLine {
    int reused = -1;
    int prefilled = -1;
};

std::vector<TurnLine> turnLines(const QString& err)
{
    static const QRegularExpression re(
        QStringLiteral(R"(\[turn (\d+): (\d+) tokens reused from the KV cache, (\d+) prefilled)"));
    std::vector<TurnLine> out;
    for (auto it = re.globalMatch(err); it.hasNext();) {
        const auto m = it.next();
        out.push_back({m.captured(2).toInt(), m.captured(3).toInt()});
    }
    return out;
}

/// The answers an in-process ChatSession gives, as chat prints them (answer, blank line).
QByteArray expectedAnswers(const QString& model, const std::vector<std::string>& lines, std::uint32_t maxTokens,
                           std::uint32_t nCtx)
{
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(model.toStdString()).validate());
    const RunShape shape{nCtx, 32};
    const auto strategy = makeStrategy("greedy-grouping");
    const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
    auto engine = IdleEngine(graph, EngineOptions{1}).plan(*strategy, budget, shape).prepare();
    ChatSession chat(engine, resolveChatTemplate(model.toStdString(), {}));
    GenerationParams params;
    params.maxTokens = maxTokens;
    QByteArray out;
    for (const std::string& line : lines) out += QByteArray::fromStdString(chat.say(line, params).turn.text) + "\n\n";
    return out;
}

}  // namespace

class TestCliChat : public QObject {
    Q_OBJECT
private slots:
    void pipedTurnsAnswerTwice()
    {
        const QString model = test::sharedModel(QStringLiteral("kit/arch/qwen2-Q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        const Result r = runChat({QStringLiteral("--model"), model, QStringLiteral("--temp"), QStringLiteral("0"),
                                  QStringLiteral("-n"), QStringLiteral("24"), QStringLiteral("--ctx"),
                                  QStringLiteral("512"), QStringLiteral("--threads"), QStringLiteral("1")},
                                 "Once upon a time\nThe dog\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* control : {"<|im_start|>", "<|im_end|>", "<|endoftext|>"})
            QVERIFY2(!r.out.contains(control), r.out.constData());
        QCOMPARE(r.out, expectedAnswers(model, {"Once upon a time", "The dog"}, 24, 512));

        const auto turns = turnLines(r.err);
        QCOMPARE(turns.size(), std::size_t{2});
        QCOMPARE(turns[0].reused, 0);
        QVERIFY(turns[0].prefilled > 0);
        // Turn 2 reuses turn 1 (but its last sampled token) and prefills only the new message.
        QVERIFY2(turns[1].reused >= turns[0].prefilled, qPrintable(r.err));
        QVERIFY2(turns[1].prefilled < turns[1].reused, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("template   chatml (from the GGUF's tokenizer.chat_template)")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("peak RSS")), qPrintable(r.err));
    }

    void resetAndExit()
    {
        const QString model = test::sharedModel(QStringLiteral("kit/arch/qwen2-Q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        const Result r = runChat({QStringLiteral("--model"), model, QStringLiteral("-n"), QStringLiteral("8"),
                                  QStringLiteral("--system"), QStringLiteral("Be brief")},
                                 "Hello\n/reset\nHello\n/stats\n/exit\nnot read\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto turns = turnLines(r.err);
        QCOMPARE(turns.size(), std::size_t{3});  // two turns, then /stats repeats the last one
        QCOMPARE(turns[1].reused, 0);            // after /reset nothing is reused
        QCOMPARE(turns[1].prefilled, turns[0].prefilled);
        QCOMPARE(turns[2].prefilled, turns[1].prefilled);
        QVERIFY(r.err.contains(QStringLiteral("[new conversation]")));
        QVERIFY(r.err.contains(QStringLiteral("pool peak")));
        QVERIFY(r.out.size() > 0);
        QCOMPARE(r.out.left(r.out.size() / 2), r.out.mid(r.out.size() / 2));  // the same answer twice
    }

    void baseModelGetsPlainFormatAndNote()
    {
        const QString model = test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        const Result r = runChat({QStringLiteral("--model"), model, QStringLiteral("-n"), QStringLiteral("32")},
                                 "Tell me a story about a cat.\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("note       the model has no chat template")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("template   plain")), qPrintable(r.err));
        QVERIFY(!r.out.contains("\nUser:"));
        QCOMPARE(turnLines(r.err).size(), std::size_t{1});
    }

    void contextFullIsReportedAndTheChatGoesOn()
    {
        const QString model = test::sharedModel(QStringLiteral("kit/arch/qwen2-Q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        QByteArray longLine;
        for (int i = 0; i < 30; ++i) longLine += "the cat sat on the mat ";
        const Result r = runChat({QStringLiteral("--model"), model, QStringLiteral("-n"), QStringLiteral("4"),
                                  QStringLiteral("--ctx"), QStringLiteral("64")},
                                 "Hi\n" + longLine + "\nBye\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("[context full:")), qPrintable(r.err));
        QCOMPARE(turnLines(r.err).size(), std::size_t{3});

        const Result dropped = runChat(
            {QStringLiteral("--model"), model, QStringLiteral("-n"), QStringLiteral("16"), QStringLiteral("--ctx"),
             QStringLiteral("64"), QStringLiteral("--context-policy"), QStringLiteral("drop-oldest")},
            "Hi there\nHow are you\nTell me more\nAnd more\nAnd again\n");
        QVERIFY2(dropped.exitCode == 0, qPrintable(dropped.err));
        QVERIFY2(dropped.err.contains(QStringLiteral("dropped")), qPrintable(dropped.err));
    }

    void badOptions()
    {
        const QString model = test::sharedModel(QStringLiteral("kit/arch/qwen2-Q8_0.gguf"));
        EDGERT_REQUIRE_FILE(model);
        Result r =
            runChat({QStringLiteral("--model"), model, QStringLiteral("--context-policy"), QStringLiteral("x")}, {});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("--context-policy expects")), qPrintable(r.err));
        r = runChat({QStringLiteral("--model"), model, QStringLiteral("--chat-template"), QStringLiteral("x")}, {});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("unknown chat template 'x'")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliChat)
#include "tst_cli_chat.moc"
