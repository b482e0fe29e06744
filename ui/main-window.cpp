#include "main-window.h"

#include "edgert/monitor/cpu-info.h"

#include "chat-page.h"
#include "monitor-page.h"
#include "plan-page.h"
#include "run-page.h"
#include "elided-label.h"
#include "theme.h"

#include <QApplication>
#include <QButtonGroup>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QShortcut>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace edgert::ui {

using edgert::qt::EngineBridge;
using edgert::qt::MonitorBridge;

MainWindow::MainWindow(const DashboardOptions& options, QWidget* parent) : QWidget(parent), m_options(options)
{
    setObjectName(QStringLiteral("dashboardRoot"));
    setWindowTitle(tr("edge-rt dashboard"));
    setWindowIcon(QIcon(QStringLiteral(":/edgert/icons/edge-rt.svg")));
    m_bridge = new EngineBridge(this);
    m_bridge->setThermalRoot(options.monitorRoot);
    m_monitor = new MonitorBridge(options.monitorRoot, options.monitorPeriodMs, this);

    const ThemeSizes& s = Theme::sizes();
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    // Navigation rail
    m_rail = new QWidget;
    m_rail->setObjectName(QStringLiteral("navRail"));
    m_rail->setAttribute(Qt::WA_StyledBackground);
    auto* rail = new QVBoxLayout(m_rail);
    rail->setContentsMargins(6, 8, 6, 8);
    rail->setSpacing(6);
    auto* logo = new QLabel;
    logo->setPixmap(QIcon(QStringLiteral(":/edgert/icons/edge-rt.svg")).pixmap(s.control >= 48 ? 36 : 30));
    logo->setAlignment(Qt::AlignCenter);
    logo->setToolTip(tr("edge-rt"));
    rail->addWidget(logo);
    rail->addSpacing(4);
    m_nav = new QButtonGroup(this);
    const std::pair<Page, QString> entries[] = {
        {Page::Monitor, tr("Monitor")}, {Page::Plan, tr("Plan")}, {Page::Run, tr("Run")}, {Page::Chat, tr("Chat")}};
    for (const auto& [page, text] : entries) {
        auto* button = new QToolButton;
        button->setObjectName(QStringLiteral("navButton"));
        button->setText(text);
        button->setCheckable(true);
        button->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        m_nav->addButton(button, static_cast<int>(page));
        rail->addWidget(button);
    }
    rail->addStretch();
    m_themeButton = new QToolButton;
    m_themeButton->setObjectName(QStringLiteral("navButton"));
    m_themeButton->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    m_themeButton->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    rail->addWidget(m_themeButton);
    outer->addWidget(m_rail);

    // Header and pages
    auto* content = new QVBoxLayout;
    content->setContentsMargins(0, 0, 0, 0);
    content->setSpacing(0);
    auto* header = new QHBoxLayout;
    header->setContentsMargins(s.margin + 2, 6, s.margin + 2, 0);
    header->setSpacing(s.spacing);
    m_pageTitle = new QLabel;
    m_pageTitle->setProperty("role", "title");
    m_vitals = new ElidedLabel;
    m_vitals->setProperty("role", "muted");
    m_state = new QLabel;
    m_state->setProperty("role", "chip");
    header->addWidget(m_pageTitle);
    header->addStretch();
    header->addWidget(m_vitals);
    header->addWidget(m_state);
    content->addLayout(header);
    // Errors are shown, not hidden in a tooltip (there is no hover on a touchscreen).
    m_errorBanner = new QLabel;
    m_errorBanner->setProperty("role", "chip");
    m_errorBanner->setProperty("state", "error");
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->hide();
    auto* bannerRow = new QHBoxLayout;
    bannerRow->setContentsMargins(s.margin, 4, s.margin, 0);
    bannerRow->addWidget(m_errorBanner);
    content->addLayout(bannerRow);

    m_pages = new QStackedWidget;
    m_monitorPage = new MonitorPage;
    m_planPage = new PlanPage(m_bridge);
    m_runPage = new RunPage(m_bridge);
    m_pages->addWidget(m_monitorPage);
    m_pages->addWidget(m_planPage);
    m_pages->addWidget(m_runPage);
    m_chatPage = new ChatPage(m_bridge);
    m_pages->addWidget(m_chatPage);
    content->addWidget(m_pages, 1);
    outer->addLayout(content, 1);

    m_monitorPage->setThermalLimits(m_bridge->thermalConfig().softLimitC, m_bridge->thermalConfig().hardLimitC);
    // The CPU is the monitor root's (a recorded Pi shows its Cortex-A72); the kernels are this binary's.
    const auto cpu = edgert::readCpuInfo(options.monitorRoot.toStdString());
    const QString kernels = QString::fromLatin1(edgert::activeKernelTableName().data(),
                                                static_cast<qsizetype>(edgert::activeKernelTableName().size()));
    const QString cpuModel = cpu ? QString::fromStdString(cpu->model) : QString();
    const int logicalCpus = cpu ? cpu->logicalCpus : 0;
    const QString cpuReason = cpu ? QString() : QString::fromStdString(cpu.reason());
    const auto showSystem = [this, kernels, cpuModel, logicalCpus, cpuReason](int threads) {
        m_monitorPage->setSystemInfo(kernels, threads, cpuModel, logicalCpus, cpuReason);
    };
    showSystem(m_bridge->threads());
    connect(m_bridge, &EngineBridge::threadsChanged, this, showSystem);
    connect(m_bridge, &EngineBridge::thermalEvent, this, [showSystem](const edgert::qt::ThermalMark& mark) {
        if (mark.threadsAfter > 0) showSystem(mark.threadsAfter);
    });
    connect(m_bridge, &EngineBridge::runningChanged, this, [this, showSystem](bool running) {
        if (!running) showSystem(m_bridge->threads());
    });

    connect(m_nav, &QButtonGroup::idClicked, this, [this](int id) { showPage(static_cast<Page>(id)); });
    connect(m_themeButton, &QToolButton::clicked, this, [this] { setDark(!isDark()); });
    connect(m_monitor, &MonitorBridge::sampled, m_monitorPage, &MonitorPage::addSample);
    connect(m_monitorPage, &MonitorPage::summaryChanged, m_vitals, &QLabel::setText);
    connect(m_bridge, &EngineBridge::budgetChanged, m_monitorPage, &MonitorPage::setBudgetBytes);
    connect(m_bridge, &EngineBridge::runningChanged, this, [this](bool running) {
        m_planPage->setLocked(running);
        if (running) {
            m_error.clear();
            m_decodeRate = 0.0;
        }
        updateState();
    });
    connect(m_bridge, &EngineBridge::planningChanged, this, &MainWindow::updateState);
    connect(m_bridge, &EngineBridge::modelChanged, this, [this] {
        m_error.clear();
        updateState();
    });
    connect(m_bridge, &EngineBridge::planChanged, this, [this] {
        m_error.clear();
        updateState();
    });
    connect(m_bridge, &EngineBridge::statsUpdated, this, [this](const edgert::qt::RunStats& stats) {
        m_decodeRate = stats.decodeTokensPerSecond;
        if (m_bridge->isRunning()) updateState();
    });
    connect(m_bridge, &EngineBridge::failed, this, [this](const QString& message) {
        m_error = message;
        updateState();
    });

    // Kiosk: a keyboard-only way out (there is no close button and no window manager).
    auto* quit = new QShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+Q")), this);
    connect(quit, &QShortcut::activated, this, [this] {
        allowClose();
        close();
    });

    showPage(Page::Monitor);
    applyTheme();
    updateState();
    if (options.startMonitor) {
        m_monitor->sampleNow();
        m_monitor->start();
    }
}

MainWindow::~MainWindow()
{
    // Stop the sampler before the pages it feeds go away.
    m_monitor->stop();
}

QStringList MainWindow::pageNames()
{
    return {QStringLiteral("monitor"), QStringLiteral("plan"), QStringLiteral("run"), QStringLiteral("chat")};
}

bool MainWindow::showPage(const QString& name)
{
    const auto index = pageNames().indexOf(name.toLower());
    if (index < 0) return false;
    showPage(static_cast<Page>(index));
    return true;
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(static_cast<int>(page));
    if (auto* b = m_nav->button(static_cast<int>(page))) b->setChecked(true);
    switch (page) {
        case Page::Monitor: m_pageTitle->setText(tr("Live monitor")); break;
        case Page::Plan: m_pageTitle->setText(tr("Partition plan")); break;
        case Page::Run: m_pageTitle->setText(tr("Run a prompt")); break;
        case Page::Chat: m_pageTitle->setText(tr("Chat with the model")); break;
    }
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

QToolButton* MainWindow::navButton(Page page) const
{
    return static_cast<QToolButton*>(m_nav->button(static_cast<int>(page)));
}

void MainWindow::setThermalConfig(const ThermalPolicyConfig& config)
{
    m_bridge->setThermalConfig(config);
    m_monitorPage->setThermalLimits(config.softLimitC, config.hardLimitC);
}

bool MainWindow::isDark() const
{
    return Theme::isDark();
}

void MainWindow::setDark(bool dark)
{
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance()))
        Theme::apply(*app, dark, Theme::isKiosk());
    applyTheme();
}

void MainWindow::applyTheme()
{
    const ThemeColors& c = Theme::colors();
    const int icon = Theme::sizes().control >= 48 ? 28 : 24;
    const char* icons[] = {"monitor", "plan", "run", "chat"};
    for (int i = 0; i < 4; ++i) {
        auto* b = m_nav->button(i);
        b->setIcon(Theme::icon(QString::fromLatin1(icons[i]), c.text));
        static_cast<QToolButton*>(b)->setIconSize(QSize(icon, icon));
    }
    m_themeButton->setIcon(Theme::icon(QStringLiteral("theme"), c.text));
    m_themeButton->setIconSize(QSize(icon, icon));
    m_themeButton->setText(Theme::isDark() ? tr("Light") : tr("Dark"));
    m_themeButton->setAccessibleName(Theme::isDark() ? tr("Switch to the light theme")
                                                     : tr("Switch to the dark theme"));
    m_monitorPage->applyTheme();
    m_planPage->applyTheme();
    m_runPage->applyTheme();
    m_chatPage->applyTheme();
    update();
}

QString MainWindow::stateText() const
{
    return m_state->text();
}

void MainWindow::updateState()
{
    QString state;
    QString key = QStringLiteral("idle");
    if (m_bridge->isRunning()) {
        key = QStringLiteral("running");
        state = m_decodeRate > 0 ? tr("Running · %1 tokens/s").arg(QLocale().toString(m_decodeRate, 'f', 0))
                                 : tr("Running…");
    } else if (!m_error.isEmpty()) {
        key = QStringLiteral("error");
        state = tr("Error");
    } else if (!m_bridge->hasModel()) {
        state = tr("No model");
    } else if (m_bridge->isPlanning()) {
        state = tr("Planning…");
    } else {
        state = tr("Ready");
    }
    m_state->setText(state);
    m_errorBanner->setText(m_error);
    m_errorBanner->setVisible(!m_error.isEmpty());
    if (m_state->property("state").toString() != key) {
        m_state->setProperty("state", key);
        m_state->style()->unpolish(m_state);
        m_state->style()->polish(m_state);
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_options.kiosk && !m_allowClose) {
        event->ignore();
        return;
    }
    m_bridge->stop();
    QWidget::closeEvent(event);
}

}  // namespace edgert::ui
