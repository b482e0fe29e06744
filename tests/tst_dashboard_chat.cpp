// The dashboard's Chat page driven as a user would: type a message and Send, tap a preset, Stop an
// answer, New chat, in the kiosk window. Each turn goes through EngineBridge::chatTurn
// (edgert::ChatSession): the second turn reuses the first from the KV cache, the answers equal an
// in-process ChatSession's on the same model, New chat and a Run page run release the chat's
// engine (pool back to 0).
#include "chat-page.h"
#include "elided-button.h"
#include "main-window.h"
#include "theme.h"

#include "edgert/chat-session.h"
#include "test-support.h"

#include <QApplication>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTextBrowser>

#include <qcoro/qcorotask.h>

using namespace edgert;
using namespace edgert::ui;
using edgert::qt::ChatReport;

namespace {

constexpr int kTurnTimeoutMs = 60000;
// A plan, an auto choice or a monitor sample produced on a worker thread: QTRY_*'s 5 s default is
// too short under ASan on a loaded 2-core CI machine (the wait ends as soon as the condition holds).
constexpr int kWorkerTimeoutMs = 60000;
const QString kChatModel = test::sharedModel(QStringLiteral("kit/arch/qwen2-Q8_0.gguf"));

/// The answers an in-process ChatSession gives on the bridge's shape, greedy.
std::vector<std::string> expectedAnswers(const QString& model, RunShape shape, const std::vector<std::string>& lines,
                                         std::uint32_t maxTokens)
{
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(model.toStdString()).validate());
    const auto strategy = makeStrategy("greedy-grouping");
    const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
    auto engine = IdleEngine(graph, EngineOptions{1}).plan(*strategy, budget, shape).prepare();
    ChatSession chat(engine, resolveChatTemplate(model.toStdString(), {}));
    GenerationParams params;
    params.maxTokens = maxTokens;
    std::vector<std::string> out;
    for (const std::string& line : lines) out.push_back(chat.say(line, params).turn.text);
    return out;
}

}  // namespace

class TestDashboardChat : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> m_window;

    ChatPage* page() const { return m_window->chatPage(); }
    qt::EngineBridge* bridge() const { return m_window->bridge(); }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        EDGERT_REQUIRE_FILE(kChatModel);
    }

    void init()
    {
        Theme::apply(*qApp, false, true);
        DashboardOptions options;
        options.kiosk = true;
        options.monitorRoot = QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4");
        options.startMonitor = false;
        m_window = std::make_unique<MainWindow>(options);
        m_window->resize(800, 480);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->showPage(MainWindow::Page::Chat);
        QVERIFY(QCoro::waitFor(bridge()->openModel(kChatModel)));
        QTRY_VERIFY_WITH_TIMEOUT(!bridge()->isPlanning(), kWorkerTimeoutMs);
    }

    void cleanup() { m_window.reset(); }

    void typeSendThenPresetKeepsTheConversation()
    {
        page()->setGeneration(16, 0.0);
        QSignalSpy finished(page(), &ChatPage::turnFinished);
        QVERIFY(page()->sendButton()->isEnabled());
        QTest::mouseClick(page()->inputEdit(), Qt::LeftButton);
        QTest::keyClicks(page()->inputEdit(), QStringLiteral("Once upon a time"));
        QTest::mouseClick(page()->sendButton(), Qt::LeftButton);
        QVERIFY(page()->inputEdit()->text().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTurnTimeoutMs);
        const auto first = finished.at(0).at(0).value<ChatReport>();
        QVERIFY(first.accepted);
        QCOMPARE(first.reusedTokens, 0);
        QCOMPARE(first.templateName, QStringLiteral("chatml"));
        QCOMPARE(page()->messages().size(), 2);
        QVERIFY(!page()->messages().at(1).text.isEmpty());
        QCOMPARE(page()->contextGauge()->value(), first.contextUsed);

        // Second turn from a preset button: the first is reused from the KV cache.
        QTRY_VERIFY_WITH_TIMEOUT(page()->presetButtons().first()->isEnabled(), kWorkerTimeoutMs);
        const QString preset = page()->presetButtons().last()->text();
        QTest::mouseClick(page()->presetButtons().last(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTurnTimeoutMs);
        const auto second = finished.at(1).at(0).value<ChatReport>();
        QVERIFY(second.accepted);
        QCOMPARE(second.reusedTokens, first.contextUsed - 1);  // all but turn 1's last sampled token
        QVERIFY(second.prefilledTokens < second.reusedTokens);
        QCOMPARE(page()->messages().size(), 4);
        QCOMPARE(page()->messages().at(2).text, preset);

        // The same answers as an in-process ChatSession (the one Session path, greedy).
        const auto expected =
            expectedAnswers(kChatModel, bridge()->model().shape, {"Once upon a time", preset.toStdString()}, 16);
        QCOMPARE(page()->messages().at(1).text.toStdString(), expected[0]);
        QCOMPARE(page()->messages().at(3).text.toStdString(), expected[1]);
        QVERIFY(page()->conversationView()->toPlainText().contains(preset));

        // New chat: the conversation and the chat's engine are gone, every pool byte is back.
        QVERIFY(bridge()->hasChat());
        QVERIFY(bridge()->poolUsedBytes() > 0);  // the KV cache is kept between turns
        QTest::mouseClick(page()->newChatButton(), Qt::LeftButton);
        QVERIFY(!bridge()->hasChat());
        QCOMPARE(bridge()->poolUsedBytes(), quint64{0});
        QVERIFY(page()->messages().isEmpty());
        QCOMPARE(page()->contextGauge()->value(), 0);
    }

    void stopEndsTheAnswerAndTheChatGoesOn()
    {
        page()->setGeneration(400, 0.0);
        QSignalSpy finished(page(), &ChatPage::turnFinished);
        QVERIFY(page()->send(QStringLiteral("Tell me everything")));
        QVERIFY(!page()->sendButton()->isEnabled());
        // Stop at once: the tiny model would finish 400 tokens before a test could react to one.
        QVERIFY(page()->stopButton()->isEnabled());
        QTest::mouseClick(page()->stopButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTurnTimeoutMs);
        const auto stopped = finished.at(0).at(0).value<ChatReport>();
        QVERIFY(stopped.cancelled());
        QVERIFY(stopped.stats.generatedTokens < 400);
        QVERIFY(!bridge()->isRunning());
        QVERIFY(page()->sendButton()->isEnabled());

        page()->setGeneration(4, 0.0);
        QVERIFY(page()->send(QStringLiteral("And then?")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTurnTimeoutMs);
        // Stopped before its prefill completed, the first turn's tokens are prefilled now.
        const auto next = finished.at(1).at(0).value<ChatReport>();
        QVERIFY(next.accepted);
        QCOMPARE(next.reusedTokens + next.prefilledTokens + next.stats.generatedTokens, next.contextUsed);
        QCOMPARE(page()->messages().size(), 4);
    }

    void presetsFromTheConfiguration()
    {
        page()->setPresetPrompts({QStringLiteral("Hello there"), QStringLiteral("Bye")});
        QCOMPARE(page()->presetButtons().size(), 2);
        QCOMPARE(page()->presetButtons().at(0)->text(), QStringLiteral("Hello there"));
        QTRY_VERIFY_WITH_TIMEOUT(page()->presetButtons().at(0)->height() >= 48,
                                 kWorkerTimeoutMs);  // a touch target in the kiosk
        page()->setPresetPrompts({});
        QCOMPARE(page()->presetButtons().size(), 3);  // the defaults
    }

    /// Prompts from the configuration can be any length: the buttons elide them (the whole prompt
    /// stays the button's text, what a tap sends, and its tooltip), so the page never asks for
    /// more than the 800 px of the kiosk display, whatever the prompts or the font.
    void longPresetsStillFitTheKioskWidth()
    {
        const QStringList prompts{
            QStringLiteral("Erzähl mir eine lange Geschichte über einen Drachen, der das Fliegen verlernt hat."),
            QStringLiteral("Schreib ein Gedicht über den Raspberry Pi und seinen kleinen Lüfter im Sommer."),
            QStringLiteral("Was ist der Unterschied zwischen einem Transformer und einem rekurrenten Netz?")};
        page()->setPresetPrompts(prompts);
        QApplication::processEvents();
        QVERIFY2(m_window->minimumSizeHint().width() <= 800,
                 qPrintable(QStringLiteral("needs %1 px").arg(m_window->minimumSizeHint().width())));
        // The configuration allows up to 8 (edge-rt.toml [dashboard] chat_prompts).
        page()->setPresetPrompts(prompts + prompts + prompts.mid(0, 2));
        QCOMPARE(page()->presetButtons().size(), 8);
        QApplication::processEvents();
        QVERIFY2(m_window->minimumSizeHint().width() <= 800,
                 qPrintable(QStringLiteral("8 presets need %1 px").arg(m_window->minimumSizeHint().width())));
        QCOMPARE(m_window->size(), QSize(800, 480));
        page()->setPresetPrompts(prompts);
        QApplication::processEvents();
        QVERIFY2(m_window->minimumSizeHint().width() <= 800,
                 qPrintable(QStringLiteral("needs %1 px").arg(m_window->minimumSizeHint().width())));
        QCOMPARE(m_window->size(), QSize(800, 480));
        QCOMPARE(page()->presetButtons().size(), 3);
        QCOMPARE(page()->presetButtons().at(1)->text(), prompts.at(1));
        QCOMPARE(page()->presetButtons().at(1)->toolTip(), prompts.at(1));
        for (QPushButton* b : page()->presetButtons()) {
            QVERIFY(b->width() >= 48 && b->height() >= 48);
            b->grab();  // paints it: the label is drawn elided, not clipped at both ends
            QVERIFY(qobject_cast<ElidedButton*>(b)->isElided());
        }
        page()->setPresetPrompts({QStringLiteral("Hi")});
        page()->presetButtons().at(0)->grab();
        QVERIFY(!qobject_cast<ElidedButton*>(page()->presetButtons().at(0))->isElided());
        page()->setPresetPrompts({});
    }

    /// A run on the Run page needs the memory: the chat's engine goes first, and the page says so.
    void runReleasesTheChat()
    {
        page()->setGeneration(4, 0.0);
        QSignalSpy finished(page(), &ChatPage::turnFinished);
        QVERIFY(page()->send(QStringLiteral("Hi")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTurnTimeoutMs);
        QSignalSpy reset(bridge(), &qt::EngineBridge::chatReset);
        qt::RunRequest request;
        request.maxTokens = 4;
        QVERIFY(QCoro::waitFor(bridge()->run(request)).has_value());
        QCOMPARE(reset.count(), 1);
        QVERIFY(!bridge()->hasChat());
        QCOMPARE(bridge()->poolUsedBytes(), quint64{0});
        QVERIFY(page()->messages().isEmpty());
    }
};

QTEST_MAIN(TestDashboardChat)
#include "tst_dashboard_chat.moc"
