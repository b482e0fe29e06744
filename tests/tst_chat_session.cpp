// ChatSession (edgert/chat-session.h) on the kit's instruct-templated models and a real base
// model: a turn prefills only the text its user message adds (the rest is reused from the KV
// cache), the cache holds exactly the template's rendering of the conversation (an answer cut off
// by the token limit is closed by the next turn's text), the second answer equals a fresh run over
// the same tokens, reset starts over, a turn that cannot fit leaves the conversation unchanged, and
// the system prompt survives dropped turns.
#include "edgert/chat-session.h"
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "test-support.h"

#include <QTest>

#include <optional>

using namespace edgert;

namespace {

std::shared_ptr<const ValidatedModelGraph> openModel(const QString& path)
{
    return std::make_shared<const ValidatedModelGraph>(ModelGraph::open(path.toStdString()).validate());
}

ReadyEngine prepare(const std::shared_ptr<const ValidatedModelGraph>& graph, const RunShape& shape)
{
    const auto strategy = makeStrategy("greedy-grouping");
    const auto input = makePlanInput(*graph, shape);
    const auto budget = strategy->plan(input, 1ull << 40).plannedPeakBytes();
    return IdleEngine(graph, EngineOptions{2}).plan(*strategy, budget, shape).prepare();
}

GenerationParams greedy(std::uint32_t maxTokens)
{
    GenerationParams p;
    p.maxTokens = maxTokens;
    return p;
}

/// The text of `ids` with control tokens written out.
std::string piecesOf(const Tokenizer& tokenizer, std::span<const TokenId> ids)
{
    std::string text;
    for (const TokenId id : ids) text += tokenPiece(tokenizer, id, true);
    return text;
}

/// A chat on `model` whose context of `nCtx` tokens drops the oldest turns when full
/// (ContextPolicy::DropOldestTurns), with the system prompt "Be brief". Not movable: the chat
/// refers to the engine beside it.
struct DropOldestChat {
    DropOldestChat(const QString& model, std::uint32_t nCtx)
        : graph(openModel(model)),
          engine(prepare(graph, RunShape{nCtx, 16})),
          chat(engine, resolveChatTemplate(model.toStdString(), {}), options())
    {
        chat.setSystemPrompt("Be brief");
    }
    /// Says "Tell me about turn i" for i in [from, to), 10 greedy tokens each. Returns the turns
    /// dropped in all, or nullopt when a turn was not accepted.
    std::optional<std::uint32_t> sayTurns(int from, int to)
    {
        std::uint32_t dropped = 0;
        for (int i = from; i < to; ++i) {
            const auto t = chat.say("Tell me about turn " + std::to_string(i), greedy(10));
            if (!t.accepted) return std::nullopt;
            dropped += t.turn.droppedTurns;
        }
        return dropped;
    }
    DropOldestChat(const DropOldestChat&) = delete;
    DropOldestChat& operator=(const DropOldestChat&) = delete;
    static SessionOptions options()
    {
        SessionOptions o;
        o.contextPolicy = ContextPolicy::DropOldestTurns;
        return o;
    }
    std::shared_ptr<const ValidatedModelGraph> graph;
    ReadyEngine engine;
    ChatSession chat;
};

}  // namespace

class TestChatSession : public QObject {
    Q_OBJECT
private slots:
    void turnsPrefillOnlyTheirNewText_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("format");
        QTest::newRow("qwen2 chatml") << test::sharedModel("kit/arch/qwen2-Q8_0.gguf") << int(ChatFormat::ChatML);
        QTest::newRow("llama3rope llama3")
            << test::sharedModel("kit/arch/llama3rope-Q8_0.gguf") << int(ChatFormat::Llama3);
        QTest::newRow("phi3 phi3") << test::sharedModel("kit/arch/phi3-Q8_0.gguf") << int(ChatFormat::Phi3);
        QTest::newRow("gemma2 gemma") << test::sharedModel("kit/arch/gemma2-Q8_0.gguf") << int(ChatFormat::Gemma);
        QTest::newRow("tinystories plain") << test::sharedModel("tinystories-656k-q8_0.gguf") << int(ChatFormat::Plain);
    }
    void turnsPrefillOnlyTheirNewText()
    {
        QFETCH(QString, model);
        QFETCH(int, format);
        EDGERT_REQUIRE_FILE(model);
        const ChatTemplate chat = resolveChatTemplate(model.toStdString(), {});
        QCOMPARE(int(chat.format), format);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{256, 16});
        ChatSession session(engine, chat);
        session.setSystemPrompt("You are a helpful assistant");

        const auto t1 = session.say("Once upon a time", greedy(12));
        QVERIFY(t1.accepted);
        QCOMPARE(t1.turn.reusedTokens, 0u);
        QVERIFY(!t1.turn.generation.tokens.empty());
        const std::vector<TokenId> afterTurn1 = session.session().tokens();
        const bool eog1 = t1.turn.generation.stopReason == StopReason::EndOfSequence;
        QCOMPARE(std::size_t{t1.turn.prefilledTokens}, afterTurn1.size() - t1.turn.generation.tokens.size() - eog1);

        const auto t2 = session.say("The dog", greedy(12));
        QVERIFY(t2.accepted);
        // Turn 2 reused all of turn 1 but its last sampled token (never run), and prefilled that
        // token plus the tokens of the text the new message adds.
        const auto newTokens = encodePrompt(engine.tokenizer(), t2.promptText, false, true);
        QCOMPARE(t2.turn.reusedTokens, static_cast<std::uint32_t>(afterTurn1.size() - 1));
        QCOMPARE(t2.turn.prefilledTokens, static_cast<std::uint32_t>(newTokens.size() + 1));

        // The KV cache holds the template's own rendering of the conversation up to the answer:
        // system, user 1, answer 1 (closed as the template closes it), user 2, the opening.
        const auto& messages = session.messages();
        QCOMPARE(messages.size(), std::size_t{5});
        QCOMPARE(messages[0].role, std::string("system"));
        QCOMPARE(messages[3].content, std::string("The dog"));
        const std::vector<ChatMessage> untilUser2(messages.begin(), messages.begin() + 4);
        const std::vector<TokenId>& all = session.session().tokens();
        const std::size_t promptEnd = all.size() - t2.turn.generation.tokens.size() -
                                      (t2.turn.generation.stopReason == StopReason::EndOfSequence ? 1 : 0);
        std::string cached = piecesOf(engine.tokenizer(), std::span(all).first(promptEnd));
        if (engine.tokenizer().addsBos()) cached.erase(0, tokenPiece(engine.tokenizer(), all[0], true).size());
        // (Compared as text where the pieces spell it: a SentencePiece vocabulary's tokenizer puts
        // a space prefix after every control token, as llama.cpp's does, so its pieces differ.)
        const bool spm = GgufFile(model.toStdString()).findString("tokenizer.ggml.model") == "llama";
        if (!spm && t1.turn.text == piecesOf(engine.tokenizer(), t1.turn.generation.tokens)) {
            // cached = R1 + answer as generated + X, and the template renders R1 + answer (or the
            // answer trimmed, as Llama-3 and Gemma do) + X.
            const std::vector<ChatMessage> untilUser1(messages.begin(), messages.begin() + 2);
            const std::string r1 = renderChat(chat.format, untilUser1, true);
            const std::string& answer = t1.turn.text;
            QVERIFY(cached.starts_with(r1 + answer));
            const std::string x = cached.substr(r1.size() + answer.size());
            const std::string rendered = renderChat(chat.format, untilUser2, true);
            std::string trimmed = answer;
            trimmed.erase(0, trimmed.find_first_not_of(" \t\n\r"));
            trimmed.erase(trimmed.find_last_not_of(" \t\n\r") + 1);
            QVERIFY2(rendered == r1 + answer + x || rendered == r1 + trimmed + x, cached.c_str());
            QVERIFY(!x.empty());
        }

        // One fresh run over the same tokens gives the same second answer.
        Session fresh(engine, {});
        fresh.append(std::span(all).first(all.size() - t2.turn.generation.tokens.size() -
                                          (t2.turn.generation.stopReason == StopReason::EndOfSequence ? 1 : 0)));
        if (chat.format == ChatFormat::Plain) {
            SessionOptions o;
            o.stopStrings = {"\nUser:"};
            fresh.setOptions(o);
        }
        const auto again = fresh.generate(greedy(12));
        QCOMPARE(again.generation.tokens, t2.turn.generation.tokens);

        // reset(): the first turn again, from nothing.
        session.reset();
        QVERIFY(session.messages().empty());
        const auto t1again = session.say("Once upon a time", greedy(12));
        QCOMPARE(t1again.turn.reusedTokens, 0u);
        QCOMPARE(t1again.turn.generation.tokens, t1.turn.generation.tokens);
    }

    /// The plain format's stop string keeps a base model from writing the user's next line.
    void plainFormatStopsAtUserLine()
    {
        const QString model = test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{256, 16});
        ChatSession session(engine, ChatTemplate::plain("test"));
        const auto& stops = session.session().options().stopStrings;
        QVERIFY(std::find(stops.begin(), stops.end(), "\nUser:") != stops.end());
        const auto t = session.say("Once upon a time there was a girl.", greedy(40));
        QVERIFY(t.promptText.ends_with("User: Once upon a time there was a girl.\nAssistant:"));
        QVERIFY(t.turn.text.find("\nUser:") == std::string::npos);
    }

    /// A message that cannot fit: refused with a reason, the conversation unchanged.
    void turnThatCannotFitChangesNothing()
    {
        const QString model = test::sharedModel("kit/arch/qwen2-Q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{64, 16});
        ChatSession session(engine, resolveChatTemplate(model.toStdString(), {}));
        QVERIFY(session.say("Hi", greedy(4)).accepted);
        const auto messages = session.messages();
        const auto tokens = session.session().tokens();
        std::string longText;
        for (int i = 0; i < 40; ++i) longText += "the cat sat on the mat ";
        const auto refused = session.say(longText, greedy(4));
        QVERIFY(!refused.accepted);
        QCOMPARE(refused.turn.generation.stopReason, StopReason::ContextFull);
        QVERIFY(!refused.turn.message.empty());
        QCOMPARE(session.messages().size(), messages.size());
        QCOMPARE(session.session().tokens(), tokens);
        // And the conversation goes on.
        QVERIFY(session.say("Bye", greedy(2)).accepted);
    }

    /// ContextPolicy::DropOldestTurns: old turns go, the system prompt and the messages list stay
    /// consistent with what the KV cache holds.
    void droppedTurnsKeepTheSystemPrompt()
    {
        const QString model = test::sharedModel("kit/arch/qwen2-Q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        DropOldestChat fixture(model, 96);
        ChatSession& session = fixture.chat;
        const ReadyEngine& engine = fixture.engine;
        const auto turns = fixture.sayTurns(0, 8);
        QVERIFY(turns.has_value());
        const std::uint32_t dropped = *turns;
        QVERIFY(dropped > 0);
        QCOMPARE(session.messages().front().role, std::string("system"));
        QCOMPARE(session.messages().size(), std::size_t{1 + 2 * (8 - dropped)});
        QVERIFY(session.session().tokensUsed() <= session.session().contextSize() + 1);
        QVERIFY(piecesOf(engine.tokenizer(), session.session().tokens()).starts_with("<|im_start|>system\nBe brief"));
    }

    /// Gemma has no system role: its template puts the system text into the first user message.
    /// Under DropOldestTurns that message is kept with the system text (one kept prefix, encoded
    /// as the whole first rendering is), and only later turns go: the first answer alone, then
    /// user/assistant pairs.
    void droppedTurnsKeepASystemPromptMergedIntoTheFirstUserMessage()
    {
        const QString model = test::sharedModel("kit/arch/gemma2-Q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        DropOldestChat fixture(model, 128);
        ChatSession& session = fixture.chat;
        const ReadyEngine& engine = fixture.engine;
        QCOMPARE(int(session.chatTemplate().format), int(ChatFormat::Gemma));
        const std::string firstUser = "Tell me about turn 0";
        const auto first = session.say(firstUser, greedy(10));
        QVERIFY(first.accepted);
        // Split into kept prefix and turn, the first prompt is still the tokens of its whole text.
        const std::vector<ChatMessage> opening{{"system", "Be brief"}, {"user", firstUser}};
        const auto whole = encodePrompt(engine.tokenizer(), renderChat(ChatFormat::Gemma, opening, true), true, true);
        const auto& tokens = session.session().tokens();
        QVERIFY(tokens.size() >= whole.size());
        QVERIFY(std::equal(whole.begin(), whole.end(), tokens.begin()));

        const auto turns = fixture.sayTurns(1, 8);
        QVERIFY(turns.has_value());
        const std::uint32_t dropped = *turns;
        QVERIFY(dropped > 0);
        const auto& messages = session.messages();
        QCOMPARE(messages[0].role, std::string("system"));
        QCOMPARE(messages[1].role, std::string("user"));
        QCOMPARE(messages[1].content, firstUser);
        QCOMPARE(messages[2].role, std::string("user"));  // the first answer went with the first dropped turn
        QCOMPARE(messages.size(), std::size_t{1 + 2 * 8 - (2 * dropped - 1)});
        QVERIFY(session.session().tokensUsed() <= session.session().contextSize() + 1);
        // The oldest turns went first: the first answer, then user/assistant pairs 1, 2, ...
        QCOMPARE(messages[2].content, "Tell me about turn " + std::to_string(dropped));
        // The KV cache still opens with the whole first user message, system text included.
        const auto kept = encodePrompt(engine.tokenizer(), renderChat(ChatFormat::Gemma, opening, false), true, true);
        QVERIFY(session.session().tokens().size() >= kept.size());
        QVERIFY(std::equal(kept.begin(), kept.end(), session.session().tokens().begin()));
        QVERIFY(piecesOf(engine.tokenizer(), kept).ends_with("<end_of_turn>\n"));
    }
};

QTEST_GUILESS_MAIN(TestChatSession)
#include "tst_chat_session.moc"
