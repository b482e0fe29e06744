// The dashboard window: a navigation rail (Monitor, Plan, Run, Chat, theme switch) beside the pages,
// under a header that always shows the run state and the machine's vital signs. Owns the
// EngineBridge and the MonitorBridge, so the pages share one engine and one history.
#pragma once

#include "edgert-qt/engine-bridge.h"
#include "edgert-qt/monitor-bridge.h"

#include <QWidget>

class QButtonGroup;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace edgert::ui {

class ChatPage;
class MonitorPage;
class PlanPage;
class RunPage;

struct DashboardOptions {
    bool kiosk = false;                         ///< 800x480 touchscreen: full screen, no way to close by accident
    QString monitorRoot = QStringLiteral("/");  ///< root of /proc and /sys for the monitor and thermal policy
    int monitorPeriodMs = 500;
    bool startMonitor = true;  ///< tests drive the monitor by hand
};

class MainWindow : public QWidget {
    Q_OBJECT
public:
    enum class Page { Monitor, Plan, Run, Chat };

    explicit MainWindow(const DashboardOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    edgert::qt::EngineBridge* bridge() const { return m_bridge; }
    edgert::qt::MonitorBridge* monitor() const { return m_monitor; }
    MonitorPage* monitorPage() const { return m_monitorPage; }
    PlanPage* planPage() const { return m_planPage; }
    RunPage* runPage() const { return m_runPage; }
    ChatPage* chatPage() const { return m_chatPage; }

    void showPage(Page page);
    /// "monitor", "plan", "run" or "chat"; false for an unknown name.
    bool showPage(const QString& name);
    Page currentPage() const;
    static QStringList pageNames();
    QToolButton* navButton(Page page) const;
    QToolButton* themeButton() const { return m_themeButton; }
    QString stateText() const;
    /// The error shown under the header ("" when there is none).
    QString errorText() const { return m_error; }

    /// The thermal policy's limits, for runs and for the temperature chart.
    void setThermalConfig(const ThermalPolicyConfig& config);
    /// Switches light/dark (restyles the whole application).
    void setDark(bool dark);
    bool isDark() const;
    /// Lets the next close() through in kiosk mode (the Ctrl+Alt+Q shortcut uses it).
    void allowClose() { m_allowClose = true; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void applyTheme();
    void updateState();

    DashboardOptions m_options;
    edgert::qt::EngineBridge* m_bridge;
    edgert::qt::MonitorBridge* m_monitor;
    QWidget* m_rail;
    QButtonGroup* m_nav;
    QToolButton* m_themeButton;
    QLabel* m_pageTitle;
    QLabel* m_state;
    QLabel* m_vitals;
    QLabel* m_errorBanner;
    QStackedWidget* m_pages;
    MonitorPage* m_monitorPage;
    PlanPage* m_planPage;
    RunPage* m_runPage;
    ChatPage* m_chatPage;
    QString m_error;
    double m_decodeRate = 0.0;
    bool m_allowClose = false;
};

}  // namespace edgert::ui
