#include "chat-page.h"

#include "elided-button.h"
#include "elided-label.h"
#include "theme.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputMethod>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QScroller>
#include <QStyle>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace edgert::ui {

using edgert::qt::ChatReport;
using edgert::qt::EngineBridge;
using edgert::qt::RunRequest;
using edgert::qt::RunStats;

ChatPage::ChatPage(EngineBridge* bridge, QWidget* parent) : QWidget(parent), m_bridge(bridge)
{
    setObjectName(QStringLiteral("page"));
    const ThemeSizes& s = Theme::sizes();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(s.margin, s.margin, s.margin, s.margin);
    layout->setSpacing(s.spacing);

    // The input line on top: on the touchscreen the virtual keyboard covers the lower half.
    auto* inputRow = new QHBoxLayout;
    inputRow->setSpacing(s.spacing);
    m_input = new QLineEdit;
    m_input->setPlaceholderText(tr("Message — tap here to type"));
    m_input->setAccessibleName(tr("Message"));
    m_input->setClearButtonEnabled(true);
    m_send = new QPushButton(tr("Send"));
    m_send->setObjectName(QStringLiteral("primary"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("danger"));
    m_stop->setEnabled(false);
    m_newChat = new QPushButton(tr("New chat"));
    for (QPushButton* b : {m_send, m_stop, m_newChat}) b->setMinimumWidth(s.control >= 48 ? 100 : 84);
    inputRow->addWidget(m_input, 1);
    inputRow->addWidget(m_send);
    inputRow->addWidget(m_stop);
    inputRow->addWidget(m_newChat);
    layout->addLayout(inputRow);

    m_presetRow = new QHBoxLayout;
    m_presetRow->setSpacing(s.spacing);
    layout->addLayout(m_presetRow);

    m_view = new QTextBrowser;
    m_view->setAccessibleName(tr("Conversation"));
    m_view->setOpenLinks(false);
    m_view->setMinimumHeight(s.control + 16);
    QScroller::grabGesture(m_view->viewport(), QScroller::LeftMouseButtonGesture);
    layout->addWidget(m_view, 1);

    // Context gauge, speed, what the KV cache did, status
    auto* statusRow = new QHBoxLayout;
    statusRow->setSpacing(s.spacing);
    m_context = new QProgressBar;
    m_context->setAccessibleName(tr("Context used"));
    m_context->setRange(0, 1);
    m_context->setValue(0);
    m_context->setTextVisible(false);  // the figure beside it stays readable over any fill
    m_context->setFixedWidth(s.control >= 48 ? 90 : 110);
    m_context->setMaximumHeight(s.fontSmall + 6);
    m_contextText = new QLabel(tr("context: no model"));
    m_rate = new QLabel(QStringLiteral("–"));
    m_rate->setProperty("role", "muted");
    m_cache = new ElidedLabel;
    m_cache->setProperty("role", "muted");
    m_status = new ElidedLabel;
    m_status->setProperty("role", "muted");
    statusRow->addWidget(m_context);
    statusRow->addWidget(m_contextText);
    statusRow->addWidget(m_rate);
    statusRow->addWidget(m_cache);
    statusRow->addWidget(m_status, 1);
    layout->addLayout(statusRow);

    connect(m_send, &QPushButton::clicked, this, [this] { send(); });
    connect(m_input, &QLineEdit::returnPressed, this, [this] { send(); });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_stop->setEnabled(false);
        setStatus(tr("Stopping after the current layer group…"));
        m_bridge->stop();
    });
    connect(m_newChat, &QPushButton::clicked, this, &ChatPage::newChat);
    connect(m_bridge, &EngineBridge::chatTokenGenerated, this, [this](const QString& text, int) {
        if (!m_turnActive || text.isEmpty() || m_messages.isEmpty()) return;
        m_messages.last().text += text;
        render();
    });
    connect(m_bridge, &EngineBridge::statsUpdated, this, [this](const RunStats& stats) {
        if (!m_turnActive) return;
        const double rate = stats.decodeTokensPerSecond;
        if (rate > 0) m_rate->setText(tr("%1 tokens/s").arg(QLocale().toString(rate, 'f', rate >= 100 ? 0 : 1)));
    });
    connect(m_bridge, &EngineBridge::chatTurnFinished, this, &ChatPage::onFinished);
    connect(m_bridge, &EngineBridge::failed, this, &ChatPage::onFailed);
    connect(m_bridge, &EngineBridge::runningChanged, this, &ChatPage::updateEnabled);
    connect(m_bridge, &EngineBridge::planningChanged, this, &ChatPage::updateEnabled);
    connect(m_bridge, &EngineBridge::chatReset, this, [this] {
        // The bridge started over (a new model, strategy or budget, or a run): so does the page.
        if (m_turnActive) return;
        if (!m_messages.isEmpty()) setStatus(tr("New conversation: the model or its plan changed."));
        m_messages.clear();
        render();
        m_context->setValue(0);
    });
    connect(m_bridge, &EngineBridge::modelChanged, this, [this](const edgert::qt::ModelInfo& model) {
        m_context->setRange(0, static_cast<int>(model.shape.nCtx));
        m_context->setValue(0);
        m_contextText->setText(tr("%1 of %2 tokens").arg(0).arg(model.shape.nCtx));
        m_cache->clear();
        m_rate->setText(QStringLiteral("–"));
        setStatus({});
    });
    setPresetPrompts({});
    applyTheme();
    updateEnabled();
}

void ChatPage::setPresetPrompts(const QStringList& prompts)
{
    const QStringList chosen = prompts.isEmpty()
                                   ? QStringList{tr("Tell me a story."), tr("What can you do?"), tr("Once upon a time")}
                                   : prompts;
    qDeleteAll(m_presetButtons);
    m_presetButtons.clear();
    for (const QString& configured : chosen) {
        // A configured prompt that is one of the defaults shows in the user's language.
        const QString prompt = QCoreApplication::translate("edgert::ui::ChatPage", configured.toUtf8().constData());
        auto* b = new ElidedButton(prompt);
        b->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        connect(b, &QPushButton::clicked, this, [this, prompt] { send(prompt); });
        m_presetRow->addWidget(b, 1);
        m_presetButtons.append(b);
    }
    updateEnabled();
}

void ChatPage::setGeneration(int maxTokens, double temperature)
{
    m_maxTokens = std::max(1, maxTokens);
    m_temperature = std::max(0.0, temperature);
}

bool ChatPage::send(const QString& text)
{
    const QString message = (text.isEmpty() ? m_input->text() : text).trimmed();
    if (message.isEmpty() || !m_bridge->hasModel() || m_bridge->isRunning()) return false;
    RunRequest request;
    request.prompt = message;
    request.maxTokens = m_maxTokens;
    request.temperature = m_temperature;
    m_messages.append({true, message});
    m_messages.append({false, QString()});
    m_input->clear();
    QGuiApplication::inputMethod()->hide();  // the answer needs the screen
    m_turnActive = true;
    setStatus(tr("The model is answering…"));
    render();
    m_bridge->startChatTurn(request, m_system);
    return true;
}

void ChatPage::newChat()
{
    if (m_turnActive) m_bridge->stop();
    m_bridge->resetChat();
    m_messages.clear();
    m_cache->clear();
    m_rate->setText(QStringLiteral("–"));
    m_context->setValue(0);
    m_contextText->setText(tr("%1 of %2 tokens").arg(0).arg(m_context->maximum()));
    setStatus(tr("New conversation."));
    render();
}

void ChatPage::onFinished(const ChatReport& report)
{
    if (!m_turnActive) return;
    m_turnActive = false;
    if (!report.accepted) {
        // The message did not fit: take it back off the view, say why.
        if (m_messages.size() >= 2) m_messages.resize(m_messages.size() - 2);
        setStatus(tr("The context is full: start a new chat."), true);
    } else {
        if (!m_messages.isEmpty()) m_messages.last().text = report.text;
        if (report.cancelled())
            setStatus(tr("Stopped."));
        else if (report.droppedTurns > 0)
            setStatus(tr("The context was full: the %n oldest turn(s) were forgotten.", nullptr, report.droppedTurns));
        else if (!report.templateNote.isEmpty())
            setStatus(tr("No chat template: plain User/Assistant format"));
        else
            setStatus(tr("Template: %1").arg(report.templateName));
    }
    m_context->setRange(0, std::max(1, report.contextSize));
    m_context->setValue(std::min(report.contextUsed, report.contextSize));
    m_contextText->setText(tr("%1 of %2 tokens").arg(report.contextUsed).arg(report.contextSize));
    m_cache->setText(tr("reused %1 · prefilled %2").arg(report.reusedTokens).arg(report.prefilledTokens));
    render();
    updateEnabled();
    emit turnFinished(report);
}

void ChatPage::onFailed(const QString& message)
{
    if (!m_turnActive) return;
    m_turnActive = false;
    if (!m_messages.isEmpty() && !m_messages.last().user && m_messages.last().text.isEmpty()) m_messages.removeLast();
    setStatus(message, true);
    render();
    updateEnabled();
}

void ChatPage::updateEnabled()
{
    const bool running = m_bridge->isRunning();
    const bool ready = m_bridge->hasModel() && !running;
    m_send->setEnabled(ready);
    for (QPushButton* b : m_presetButtons) b->setEnabled(ready);
    m_stop->setEnabled(running && m_turnActive);
    m_newChat->setEnabled(!running || m_turnActive);
    if (!m_bridge->hasModel()) setStatus(tr("Open a model on the Plan page to chat."));
}

void ChatPage::setStatus(const QString& text, bool error)
{
    m_status->setProperty("role", error ? "error" : "muted");
    m_status->style()->unpolish(m_status);
    m_status->style()->polish(m_status);
    m_status->setText(text);
}

void ChatPage::render()
{
    const ThemeColors& c = Theme::colors();
    QString html = QStringLiteral("<body style=\"color:%1\">").arg(c.text.name());
    if (m_messages.isEmpty())
        html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                    .arg(c.muted.name(), tr("Type a message or tap a suggestion. The model answers turn by turn and "
                                            "keeps the conversation in its KV cache."));
    for (const Message& m : m_messages) {
        const QString who = m.user ? tr("You") : tr("Model");
        QString body = m.text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
        if (!m.user && body.isEmpty()) body = QStringLiteral("…");
        const QString bubble = QStringLiteral("<td bgcolor=\"%1\" style=\"color:%2\"><b>%3</b><br>%4</td>")
                                   .arg((m.user ? c.accentSoft : c.surfaceAlt).name(), c.text.name(), who, body);
        const QString gap = QStringLiteral("<td width=\"18%\"></td>");
        html += QStringLiteral(
                    "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"8\" style=\"margin-bottom:6px\"><tr>") +
                (m.user ? gap + bubble : bubble + gap) + QStringLiteral("</tr></table>");
    }
    html += QStringLiteral("</body>");
    m_view->setHtml(html);
    QScrollBar* bar = m_view->verticalScrollBar();
    bar->setValue(bar->maximum());
}

void ChatPage::applyTheme()
{
    const ThemeSizes& s = Theme::sizes();
    QFont f = m_view->font();
    f.setPixelSize(s.fontText);
    m_view->setFont(f);
    render();
}

}  // namespace edgert::ui
