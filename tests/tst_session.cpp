// Session (edgert/session.h), the one generation path, on the real models: a conversation turn
// after turn keeps the KV cache (the second turn prefills only its new tokens) and gives the ids
// of one fresh run over the concatenated conversation; a full context stops with a reason or
// drops the oldest turns; a cancel mid-turn returns every streamed byte to the pool and the
// engine's whole lease when it goes; every strategy at its minimum budget gives the same ids;
// stop strings and end-of-generation tokens end a turn without being printed.
#include "edgert/error.h"
#include "edgert/session.h"
#include "test-support.h"

#include <QTest>

using namespace edgert;

namespace {

std::shared_ptr<const ValidatedModelGraph> openModel(const QString& path)
{
    return std::make_shared<const ValidatedModelGraph>(ModelGraph::open(path.toStdString()).validate());
}

ReadyEngine prepare(const std::shared_ptr<const ValidatedModelGraph>& graph, const RunShape& shape,
                    const std::string& strategyName = "greedy-grouping", bool minimum = false)
{
    const auto strategy = makeStrategy(strategyName);
    const auto input = makePlanInput(*graph, shape);
    const auto budget = minimum ? strategy->minimumBudget(input) : strategy->plan(input, 1ull << 40).plannedPeakBytes();
    return IdleEngine(graph, EngineOptions{2}).plan(*strategy, budget, shape).prepare();
}

GenerationParams greedy(std::uint32_t maxTokens)
{
    GenerationParams p;
    p.maxTokens = maxTokens;
    return p;
}

struct TwoTurns {
    std::vector<TokenId> first, second;
    TurnResult turn2;
    std::vector<TokenId> contextBeforeTurn2;  ///< everything turn 2 was conditioned on
};

TwoTurns converse(ReadyEngine& engine, const char* a, const char* b, std::uint32_t n)
{
    Session session(engine);
    session.prompt(a);
    TwoTurns out;
    out.first = session.generate(greedy(n)).generation.tokens;
    session.prompt(b);
    out.contextBeforeTurn2 = session.tokens();
    out.turn2 = session.generate(greedy(n));
    out.second = out.turn2.generation.tokens;
    return out;
}

/// Cancels after `after` group events.
struct CancelAfter : RunObserver {
    int after;
    int seen = 0;
    explicit CancelAfter(int n) : after(n) {}
    void onGroupEvent(const GroupEvent&) override { ++seen; }
    bool shouldStop() override { return seen >= after; }
};

struct TextCollector : RunObserver {
    std::string text;
    void onText(std::string_view t, std::size_t) override { text += t; }
};

}  // namespace

class TestSession : public QObject {
    Q_OBJECT
private slots:
    void secondTurnPrefillsOnlyItsTokensAndMatchesFreshRun_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("stories260K") << test::sharedModel("stories260K.gguf");
        QTest::newRow("tinystories656k_q8_0") << test::sharedModel("tinystories-656k-q8_0.gguf");
        QTest::newRow("tinystories656k_hf_safetensors") << test::sharedModel("tinystories-656k");
    }
    void secondTurnPrefillsOnlyItsTokensAndMatchesFreshRun()
    {
        QFETCH(QString, model);
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{160, 8});
        const auto conversation = converse(engine, "Once upon a time", " Then the dog said", 24);
        QCOMPARE(conversation.first.size(), std::size_t{24});
        QVERIFY(!conversation.second.empty());

        // Turn 2 ran only its own text plus the last token of turn 1 (sampled, not yet run).
        const auto newTokens = encodePrompt(engine.tokenizer(), " Then the dog said", false, false);
        QCOMPARE(conversation.turn2.prefilledTokens, static_cast<std::uint32_t>(newTokens.size() + 1));
        QCOMPARE(conversation.turn2.reusedTokens + conversation.turn2.prefilledTokens,
                 static_cast<std::uint32_t>(conversation.contextBeforeTurn2.size()));

        // One fresh run over the concatenated conversation gives the same continuation.
        Session fresh(engine);
        fresh.append(conversation.contextBeforeTurn2);
        const auto again = fresh.generate(greedy(24));
        QCOMPARE(again.reusedTokens, 0u);
        QCOMPARE(again.generation.tokens, conversation.second);
    }

    void everyStrategyAtMinimumBudgetGivesTheSameConversation()
    {
        const QString model = test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        const RunShape shape{96, 4};
        auto reference = prepare(graph, shape);
        const auto expected = converse(reference, "The cat", " The bird", 16);
        for (const auto& name : strategyNames()) {
            auto engine = prepare(graph, shape, name, /*minimum=*/true);
            QVERIFY2(engine.plan().streamedGroupCount() > 0, name.c_str());
            const auto got = converse(engine, "The cat", " The bird", 16);
            QVERIFY2(got.first == expected.first, name.c_str());
            QVERIFY2(got.second == expected.second, name.c_str());
        }
    }

    void contextFullStopsWithAReason()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{32, 8});
        Session session(engine);
        session.prompt("Once upon a time");
        const auto turn = session.generate(greedy(1000));
        QCOMPARE(turn.generation.stopReason, StopReason::ContextFull);
        QVERIFY2(QString::fromStdString(turn.message).contains(QStringLiteral("context is full")),
                 turn.message.c_str());
        QCOMPARE(session.tokensUsed(), session.contextSize() + 1);  // the last sampled token never ran

        // The next input cannot fit: nothing runs, the input is taken back, the message says why.
        const auto before = session.tokensUsed();
        session.prompt(" The dog ran to the park and");
        const auto refused = session.generate(greedy(10));
        QCOMPARE(refused.generation.stopReason, StopReason::ContextFull);
        QCOMPARE(refused.prefilledTokens, 0u);
        QVERIFY(refused.generation.tokens.empty());
        QVERIFY2(QString::fromStdString(refused.message).contains(QStringLiteral("context full")),
                 refused.message.c_str());
        QCOMPARE(session.tokensUsed(), before);

        // A prompt longer than the context, as ReadyEngine::generate reports it.
        std::vector<TokenId> tooLong(40, engine.tokenizer().bos());
        QVERIFY_THROWS_EXCEPTION(UsageError, engine.generate(tooLong, greedy(4)));
    }

    void contextFullDropsTheOldestTurnsAfterTheSystemPrompt()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{64, 8});
        SessionOptions options;
        options.contextPolicy = ContextPolicy::DropOldestTurns;
        Session session(engine, options);
        session.prompt("Lily and Tom");
        session.keepPrefix();
        const std::vector<TokenId> system = session.tokens();
        std::uint32_t dropped = 0;
        for (const char* line : {" One day", " The sun", " Then they", " At night", " In the end"}) {
            session.prompt(line);
            const auto turn = session.generate(greedy(14));
            QCOMPARE(turn.generation.tokens.size(), std::size_t{14});  // never stopped by the context
            QVERIFY(session.tokensUsed() <= session.contextSize() + 1);
            if (turn.droppedTurns > 0) {
                QVERIFY2(QString::fromStdString(turn.message).contains(QStringLiteral("dropped")),
                         turn.message.c_str());
                QVERIFY(turn.reusedTokens >= system.size());  // the kept prefix stayed in the KV cache
            }
            dropped += turn.droppedTurns;
            QVERIFY(std::equal(system.begin(), system.end(), session.tokens().begin()));
        }
        QVERIFY(dropped > 0);
    }

    void cancelMidTurnReturnsEveryPoolByte_data()
    {
        QTest::addColumn<int>("afterEvents");
        QTest::newRow("during_prefill") << 3;
        QTest::newRow("during_decode") << 40;
    }
    void cancelMidTurnReturnsEveryPoolByte()
    {
        QFETCH(int, afterEvents);
        const QString model = test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        std::shared_ptr<const MemoryPool> pool;
        {
            auto engine = prepare(graph, RunShape{128, 4}, "speculative-prefetch", /*minimum=*/true);
            QVERIFY(engine.plan().streamedGroupCount() > 0);
            pool = engine.pool();
            const auto leasedByEngine = pool->usedBytes();
            Session session(engine);
            session.prompt("Once upon a time there was a big dog who liked to run and play in the park");
            CancelAfter cancel(afterEvents);
            const auto turn = session.generate(greedy(64), &cancel);
            QCOMPARE(turn.generation.stopReason, StopReason::Cancelled);
            QCOMPARE(pool->usedBytes(), leasedByEngine);  // streamed groups all went back
            // The session goes on from what completed.
            const auto next = session.generate(greedy(4));
            QCOMPARE(next.generation.tokens.size(), std::size_t{4});
        }
        QCOMPARE(pool->usedBytes(), std::uint64_t{0});
        QCOMPARE(pool->liveBuffers(), std::uint64_t{0});
    }

    void stopStringEndsTheTurnAndIsNotPrinted()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{96, 8});
        // Greedy from "Once upon a time" says "... a little girl named Lily. She loved ...".
        SessionOptions options;
        options.stopStrings = {"Lily"};
        Session session(engine, options);
        session.prompt("Once upon a time");
        TextCollector printed;
        const auto turn = session.generate(greedy(60), &printed);
        QCOMPARE(turn.generation.stopReason, StopReason::StopString);
        QCOMPARE(turn.stopString, std::string("Lily"));
        QCOMPARE(printed.text, turn.text);
        QVERIFY2(QString::fromStdString(turn.text).endsWith(QStringLiteral("named ")), turn.text.c_str());
    }

    void endOfGenerationTokenEndsTheTurnAndIsNotPrinted()
    {
        const QString model = test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(model);
        auto graph = openModel(model);
        auto engine = prepare(graph, RunShape{512, 32});
        const Tokenizer& tok = engine.tokenizer();
        QVERIFY(isEndOfGeneration(tok, tok.eos()));
        Session session(engine);
        session.prompt("Once upon a time");
        TextCollector printed;
        const auto turn = session.generate(greedy(480), &printed);
        // This model spells "<|end_story|>" in text pieces before its EOS token: the EOS text ends
        // the turn too, reported as the model's end of sequence (stopString says it came as text).
        QCOMPARE(turn.generation.stopReason, StopReason::EndOfSequence);
        const bool spelled = turn.stopString == tok.tokenText(tok.eos());
        QVERIFY(std::none_of(turn.generation.tokens.begin(), turn.generation.tokens.end(),
                             [&](TokenId id) { return isEndOfGeneration(tok, id); }));
        if (!spelled) QVERIFY(isEndOfGeneration(tok, session.tokens().back()));  // the conversation holds it
        QCOMPARE(printed.text, turn.text);
        QVERIFY(!printed.text.empty());
        QVERIFY(printed.text.find("</s>") == std::string::npos);
        QVERIFY(printed.text.find("<|") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
