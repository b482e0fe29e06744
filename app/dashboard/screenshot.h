// --screenshot: render the dashboard to a PNG without a screen (QT_QPA_PLATFORM=offscreen works),
// optionally after a short demo generation on the model, and exit.
#pragma once

#include <QSize>
#include <QString>

#include <qcoro/qcorotask.h>

namespace edgert::ui {
class MainWindow;
}

namespace edgert::qt {
class EngineBridge;
}

namespace edgert::dashboard {

/// --strategy / --budget: the plan to start with (empty / 0: the bridge's defaults).
struct StartPlan {
    QString strategy;
    quint64 budgetBytes = 0;
};

/// Opens `modelPath` and applies `start` once its budget ranges are known. Returns success.
QCoro::Task<bool> openAndPlan(edgert::qt::EngineBridge& bridge, QString modelPath, StartPlan start);

struct ScreenshotRequest {
    QString file;
    QSize size{1280, 720};
    QString page = QStringLiteral("monitor");
    QString modelPath;  ///< empty: no model could be found
    bool demo = false;  ///< run a short generation first (with speculative prefetch unless `start` says otherwise)
    StartPlan start;
    int minimumMonitorMs = 1200;  ///< let the monitor collect a few samples first
};

/// Loads the model, runs the demo if asked, shows the page, grabs the window and saves it.
/// Returns the process exit code (0 on success) and prints what it wrote.
QCoro::Task<int> takeScreenshot(edgert::ui::MainWindow& window, ScreenshotRequest request);

}  // namespace edgert::dashboard
