#include "run-page.h"

#include "stepper.h"
#include "theme.h"
#include "timeline-view.h"

#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QScroller>
#include <QStyle>
#include <QVBoxLayout>

#include <cmath>

namespace edgert::ui {

using edgert::qt::EngineBridge;
using edgert::qt::formatBytes;
using edgert::qt::RunReport;
using edgert::qt::RunRequest;
using edgert::qt::RunStats;

RunPage::RunPage(EngineBridge* bridge, QWidget* parent) : QWidget(parent), m_bridge(bridge)
{
    setObjectName(QStringLiteral("page"));
    const ThemeSizes& s = Theme::sizes();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(s.margin, s.margin, s.margin, s.margin);
    layout->setSpacing(s.spacing);

    // Prompt, Run, Stop
    auto* promptRow = new QHBoxLayout;
    promptRow->setSpacing(s.spacing);
    m_prompt = new QLineEdit;
    m_prompt->setPlaceholderText(tr("Prompt — leave empty and the model starts a story"));
    m_prompt->setAccessibleName(tr("Prompt"));
    m_prompt->setClearButtonEnabled(true);
    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("primary"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("danger"));
    m_stop->setEnabled(false);
    for (QPushButton* b : {m_run, m_stop}) b->setMinimumWidth(s.control >= 48 ? 110 : 90);
    promptRow->addWidget(m_prompt, 1);
    promptRow->addWidget(m_run);
    promptRow->addWidget(m_stop);
    layout->addLayout(promptRow);

    // Settings
    auto* settingsRow = new QHBoxLayout;
    settingsRow->setSpacing(s.spacing * 2);
    m_maxTokens = new Stepper(tr("Max tokens"), 1, 511, 16, 0);
    m_maxTokens->setValue(64);
    m_temperature = new Stepper(tr("Temperature"), 0.0, 2.0, 0.1, 1);
    m_temperature->setSpecialValueText(0.0, tr("greedy"));
    m_temperature->setValue(0.0);
    settingsRow->addWidget(m_maxTokens);
    settingsRow->addWidget(m_temperature);
    settingsRow->addStretch();
    layout->addLayout(settingsRow);

    // The CLI warns about synthetic models; so does this page, where the text appears.
    m_synthetic =
        new QLabel(tr("This model has random weights (edge-rt synth): its text is meaningless. "
                      "Use it to measure speed and memory."));
    m_synthetic->setProperty("role", "chip");
    m_synthetic->setProperty("state", "warning");
    m_synthetic->setWordWrap(true);
    m_synthetic->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    m_synthetic->hide();
    layout->addWidget(m_synthetic);

    // Streamed text
    m_text = new QPlainTextEdit;
    m_text->setReadOnly(true);
    m_text->setAccessibleName(tr("Generated text"));
    m_text->setPlaceholderText(tr("The generated text appears here, token by token."));
    m_text->setMinimumHeight(s.control + 16);
    QScroller::grabGesture(m_text->viewport(), QScroller::LeftMouseButtonGesture);
    layout->addWidget(m_text, 3);

    // Figures
    auto* figuresRow = new QHBoxLayout;
    figuresRow->setSpacing(s.spacing);
    const std::pair<const char*, QString> figures[] = {
        {"prefill", tr("prefill tokens/s")}, {"decode", tr("decode tokens/s")},
        {"ttft", tr("first token")},         {"tokens", tr("tokens")},
        {"pool", tr("pool now / peak")},
    };
    for (const auto& [name, caption] : figures) {
        auto* tile = new QFrame;
        tile->setObjectName(QStringLiteral("card"));
        auto* tileLayout = new QVBoxLayout(tile);
        tileLayout->setContentsMargins(8, 2, 8, 2);
        tileLayout->setSpacing(0);
        auto* value = new QLabel(QStringLiteral("–"));
        value->setProperty("role", "value");
        value->setAlignment(Qt::AlignCenter);
        auto* label = new QLabel(caption);
        label->setProperty("role", "muted");
        label->setAlignment(Qt::AlignCenter);
        tileLayout->addWidget(value);
        tileLayout->addWidget(label);
        figuresRow->addWidget(tile, 1);
        m_figures.append(Figure{QString::fromLatin1(name), value, label});
    }
    layout->addLayout(figuresRow);

    // Timeline
    auto* timelineCard = new QFrame;
    timelineCard->setObjectName(QStringLiteral("card"));
    auto* timelineLayout = new QVBoxLayout(timelineCard);
    timelineLayout->setContentsMargins(6, 2, 6, 2);
    m_timeline = new TimelineView;
    timelineLayout->addWidget(m_timeline);
    layout->addWidget(timelineCard, 3);

    m_status = new QLabel;
    m_status->setProperty("role", "muted");
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    layout->addWidget(m_status);

    connect(m_run, &QPushButton::clicked, this, &RunPage::startRun);
    connect(m_prompt, &QLineEdit::returnPressed, this, [this] {
        if (m_run->isEnabled()) startRun();
    });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_stop->setEnabled(false);
        m_status->setText(tr("Stopping after the current layer group…"));
        m_bridge->stop();
    });
    connect(m_bridge, &EngineBridge::runningChanged, this, &RunPage::onRunningChanged);
    connect(m_bridge, &EngineBridge::runStarted, this, &RunPage::onStarted);
    connect(m_bridge, &EngineBridge::tokenGenerated, this, &RunPage::onToken);
    connect(m_bridge, &EngineBridge::statsUpdated, this, &RunPage::onStats);
    connect(m_bridge, &EngineBridge::finished, this, &RunPage::onFinished);
    connect(m_bridge, &EngineBridge::failed, this, &RunPage::onFailed);
    connect(m_bridge, &EngineBridge::groupTimed, m_timeline, &TimelineView::addTiming);
    connect(m_bridge, &EngineBridge::thermalEvent, m_timeline, &TimelineView::addThermal);
    connect(m_bridge, &EngineBridge::modelChanged, this, [this](const edgert::qt::ModelInfo& model) {
        const double most = std::max(1, static_cast<int>(model.shape.nCtx) - 1);
        if (m_maxTokens->value() > most) m_maxTokens->setValue(most);
        m_synthetic->setVisible(model.synthetic());
        updateRunEnabled();
    });
    connect(m_bridge, &EngineBridge::planningChanged, this, &RunPage::updateRunEnabled);
    applyTheme();
    updateRunEnabled();
}

void RunPage::applyTheme()
{
    const ThemeColors& c = Theme::colors();
    m_run->setIcon(Theme::icon(QStringLiteral("run"), c.accentText));
    m_stop->setIcon(Theme::icon(QStringLiteral("stop"), QColor(Qt::white)));
    m_maxTokens->applyTheme();
    m_temperature->applyTheme();
    m_timeline->update();
}

QString RunPage::figure(const QString& name) const
{
    for (const auto& f : m_figures)
        if (f.name == name) return f.value->text();
    return {};
}

RunRequest RunPage::request() const
{
    RunRequest r;
    r.prompt = m_prompt->text();
    r.maxTokens = static_cast<int>(m_maxTokens->value());
    r.temperature = m_temperature->value();
    r.seed = r.temperature > 0.0 ? m_seed.value_or(QRandomGenerator::global()->generate64()) : 0;
    r.topK = m_topK;
    r.topP = m_topP;
    return r;
}

void RunPage::setSamplingDefaults(std::optional<quint64> seed, int topK, double topP)
{
    m_seed = seed;
    m_topK = topK;
    m_topP = topP;
}

void RunPage::startRun()
{
    if (m_bridge->isRunning() || !m_bridge->hasModel()) return;
    m_bridge->start(request());
}

void RunPage::updateRunEnabled()
{
    const bool running = m_bridge->isRunning();
    m_run->setEnabled(!running && m_bridge->hasModel() && !m_bridge->isPlanning());
    m_stop->setEnabled(running);
    m_prompt->setReadOnly(running);
    m_maxTokens->setEnabled(!running);
    m_temperature->setEnabled(!running);
}

void RunPage::onRunningChanged(bool)
{
    updateRunEnabled();
}

void RunPage::onStarted(const PartitionPlan& plan)
{
    m_generated.clear();
    m_text->clear();
    if (!m_prompt->text().isEmpty()) {
        // The prompt in bold, the continuation in the normal weight.
        QTextCharFormat bold;
        bold.setFontWeight(QFont::Bold);
        QTextCursor cursor = m_text->textCursor();
        cursor.insertText(m_prompt->text(), bold);
        cursor.setCharFormat(QTextCharFormat());
        m_text->setTextCursor(cursor);
    }
    for (const auto& f : m_figures) f.value->setText(QStringLiteral("–"));
    m_timeline->reset(plan);
    m_status->setProperty("role", "muted");
    m_status->style()->unpolish(m_status);
    m_status->style()->polish(m_status);
    const QString strategy = edgert::qt::strategyTitle(QString::fromStdString(plan.strategy));
    m_status->setText(
        m_bridge->strategy() == QLatin1String("auto")
            ? tr("Running %1 (chosen by Auto) with a %2 budget…").arg(strategy, formatBytes(plan.budgetBytes))
            : tr("Running %1 with a %2 budget…").arg(strategy, formatBytes(plan.budgetBytes)));
}

void RunPage::onToken(const QString& text, int)
{
    if (text.isEmpty()) return;
    m_generated += text;
    QTextCursor cursor = m_text->textCursor();
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, QTextCharFormat());
    QScrollBar* bar = m_text->verticalScrollBar();
    bar->setValue(bar->maximum());
}

void RunPage::onStats(const RunStats& stats)
{
    const QLocale locale;
    const auto rate = [&](double v) { return v > 0 ? locale.toString(v, 'f', v >= 100 ? 0 : 1) : QStringLiteral("–"); };
    for (const auto& f : m_figures) {
        if (f.name == QLatin1String("prefill")) f.value->setText(rate(stats.prefillTokensPerSecond));
        if (f.name == QLatin1String("decode")) f.value->setText(rate(stats.decodeTokensPerSecond));
        if (f.name == QLatin1String("ttft"))
            f.value->setText(stats.timeToFirstTokenMs >= 0
                                 ? tr("%1 ms").arg(locale.toString(stats.timeToFirstTokenMs, 'f', 0))
                                 : QStringLiteral("–"));
        if (f.name == QLatin1String("tokens")) f.value->setText(QString::number(stats.generatedTokens));
        if (f.name == QLatin1String("pool"))
            f.value->setText(tr("%1 / %2").arg(formatBytes(stats.poolUsedBytes), formatBytes(stats.poolPeakBytes)));
    }
}

void RunPage::onFinished(const RunReport& report)
{
    const QLocale locale;
    QString text = report.cancelled() ? tr("Stopped after %n token(s).", nullptr, report.stats.generatedTokens)
                                      : tr("Done: %1 · %n token(s).", nullptr, report.stats.generatedTokens)
                                            .arg(edgert::qt::stopReasonText(report.stopReason));
    const QString loadMs = locale.toString(report.stats.loadMs, 'f', report.stats.loadMs < 10 ? 1 : 0);
    text += QLatin1Char(' ');
    text += report.poolEndBytes == 0
                ? tr("Loaded in %1 ms, %2 read from disk; every pool byte returned.")
                      .arg(loadMs, formatBytes(report.streamedBytesRead))
                : tr("Loaded in %1 ms, %2 read from disk; %3 still leased from the pool!")
                      .arg(loadMs, formatBytes(report.streamedBytesRead), formatBytes(report.poolEndBytes));
    // What auto chose, and how the weights were read (O_DIRECT keeps them out of the page cache).
    if (report.autoChoice.valid())
        text += QLatin1Char('\n') + edgert::qt::autoChoiceText(report.autoChoice) + QLatin1Char('.');
    text += QLatin1Char('\n');
    text += report.directReads ? tr("Weights read with O_DIRECT (no page-cache copy).")
                               : tr("Weights read through the page cache.");
    if (!report.weightReadNote.isEmpty())
        text += QLatin1Char(' ') + tr("O_DIRECT was refused here: %1").arg(report.weightReadNote);
    m_status->setText(text);
}

void RunPage::onFailed(const QString& message)
{
    m_status->setProperty("role", "error");
    m_status->style()->unpolish(m_status);
    m_status->style()->polish(m_status);
    m_status->setText(message);
}

}  // namespace edgert::ui
