#include "screenshot.h"

#include "main-window.h"

#include "edgert-qt/engine-bridge.h"
#include "chat-page.h"
#include "plan-page.h"
#include "plan-view.h"
#include "run-page.h"
#include "stepper.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QLineEdit>
#include <QPixmap>

#include <qcoro/qcorosignal.h>
#include <qcoro/qcorotimer.h>

#include <cstdio>

namespace edgert::dashboard {

using namespace std::chrono_literals;

QCoro::Task<bool> openAndPlan(edgert::qt::EngineBridge& bridge, QString modelPath, StartPlan start)
{
    auto opening = bridge.openModel(modelPath);
    if (!co_await opening) co_return false;
    if (!start.strategy.isEmpty()) bridge.setStrategy(start.strategy);
    if (start.budgetBytes) bridge.setBudgetBytes(start.budgetBytes);
    auto planning = bridge.replan();
    co_return co_await planning;
}

QCoro::Task<int> takeScreenshot(edgert::ui::MainWindow& window, ScreenshotRequest request)
{
    QElapsedTimer clock;
    clock.start();
    window.resize(request.size);
    window.show();
    if (!window.showPage(request.page)) {
        std::fprintf(stderr, "edge-rt-dashboard: unknown page '%s' (monitor, plan, run, chat)\n",
                     qPrintable(request.page));
        co_return 2;
    }
    auto* bridge = window.bridge();
    if (request.demo && request.start.strategy.isEmpty()) {
        // Show streaming with prefetch: the smallest budget the strategy can plan, so every group
        // is read while the one before it computes.
        request.start.strategy = QStringLiteral("speculative-prefetch");
        if (!request.start.budgetBytes) request.start.budgetBytes = 1;  // clamped up to the minimum
    }
    // Tasks are named locals, never temporaries inside a co_await expression (see engine-bridge.cpp).
    bool planned = false;
    if (!request.modelPath.isEmpty()) {
        auto opening = openAndPlan(*bridge, request.modelPath, request.start);
        planned = co_await opening;
    }
    if (planned && request.demo && request.page.compare(QLatin1String("chat"), Qt::CaseInsensitive) == 0) {
        // The Chat page's demo: a conversation of two turns.
        auto* chat = window.chatPage();
        for (const QString& message : {QCoreApplication::translate("edgert::ui::ChatPage", "Tell me a story."),
                                       QCoreApplication::translate("edgert::ui::ChatPage", "What happened next?")}) {
            auto finished = qCoro(chat, &edgert::ui::ChatPage::turnFinished);
            if (!chat->send(message)) break;
            co_await finished;
        }
    } else if (planned && request.demo) {
        // main() filled in the demo's prompt and length unless the settings gave them.
        auto* run = window.runPage();
        const edgert::qt::RunRequest demo = run->request();
        auto running = bridge->run(demo);
        co_await running;
        // Select a group so the plan page shows its inspector too.
        window.planPage()->planView()->selectGroup(0);
    }
    while (clock.elapsed() < request.minimumMonitorMs) {
        auto pause = QCoro::sleepFor(100ms);
        co_await pause;
    }
    QApplication::processEvents();

    const QPixmap shot = window.grab();
    if (shot.isNull() || !shot.save(request.file, "PNG")) {
        std::fprintf(stderr, "edge-rt-dashboard: cannot write the screenshot to %s\n", qPrintable(request.file));
        co_return 1;
    }
    std::printf("%s: %dx%d, page %s%s\n", qPrintable(request.file), shot.width(), shot.height(),
                qPrintable(request.page), request.demo ? ", after a demo run" : "");
    co_return 0;
}

}  // namespace edgert::dashboard
