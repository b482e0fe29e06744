// edge-rt-dashboard: watch the machine and the model at once, drag a memory budget, pick a
// partition strategy, run a prompt. Desktop window by default; --kiosk for the Raspberry Pi
// 7" touchscreen (800x480, full screen, no decorations, no cursor); --screenshot renders a PNG.
#include "main-window.h"
#include "screenshot.h"
#include "theme.h"

#include "edgert-qt/model-locator.h"

#include "edgert/error.h"
#include "edgert/units.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QTranslator>

#include <qcoro/qcorotask.h>

#include <cstdio>

namespace {

/// Installs the German or English user interface; returns false for a language we do not have.
bool installLanguage(QApplication& app, const QString& requested)
{
    QString lang = requested.isEmpty() ? QLocale::system().name().left(2) : requested.left(2).toLower();
    if (lang != QLatin1String("de") && lang != QLatin1String("en")) {
        if (!requested.isEmpty()) return false;
        lang = QStringLiteral("en");  // a system language we have no translation for
    }
    if (lang == QLatin1String("de"))
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    else if (!requested.isEmpty())
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // English is a catalogue too: it holds the plural forms ("1 group", "3 groups").
    auto* ours = new QTranslator(&app);
    if (ours->load(QStringLiteral(":/i18n/edge-rt_%1.qm").arg(lang))) QApplication::installTranslator(ours);
    auto* qt = new QTranslator(&app);
    if (qt->load(QStringLiteral("qtbase_%1").arg(lang), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("edge-rt"));
    QApplication::setApplicationName(QStringLiteral("edge-rt-dashboard"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The edge-rt dashboard: live resource graphs, memory budget and partition plan, streamed generation."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("kiosk"), QStringLiteral("Full screen for the 800x480 touchscreen: large controls, no cursor, "
                                                 "no accidental quit (Ctrl+Alt+Q quits).")},
        {QStringLiteral("model"),
         QStringLiteral("GGUF model (default: $EDGERT_MODEL or ../shared/models/tinystories-656k-q8_0.gguf)."),
         QStringLiteral("path")},
        {QStringLiteral("lang"), QStringLiteral("User-interface language: en or de (default: the system's)."),
         QStringLiteral("code")},
        {QStringLiteral("theme"), QStringLiteral("light, dark or system (default)."), QStringLiteral("name"),
         QStringLiteral("system")},
        {QStringLiteral("strategy"),
         QStringLiteral("Partition strategy to start with: sequential, greedy-grouping, speculative-prefetch."),
         QStringLiteral("name")},
        {QStringLiteral("budget"),
         QStringLiteral("Memory budget to start with: bytes or 512K, 64M, 1G (clamped to what the strategy can plan)."),
         QStringLiteral("size")},
        {QStringLiteral("threads"), QStringLiteral("Compute threads (default: all cores)."), QStringLiteral("N")},
        {QStringLiteral("monitor-root"),
         QStringLiteral("Read /proc and /sys under DIR (a recorded machine, e.g. tests/fixtures/rpi4)."),
         QStringLiteral("dir"), QStringLiteral("/")},
        {QStringLiteral("screenshot"), QStringLiteral("Render the window to FILE (PNG) and exit."),
         QStringLiteral("file")},
        {QStringLiteral("size"), QStringLiteral("Screenshot size WxH (default 1280x720; 800x480 with --kiosk)."),
         QStringLiteral("WxH")},
        {QStringLiteral("page"), QStringLiteral("Screenshot page: monitor, plan or run."), QStringLiteral("name"),
         QStringLiteral("monitor")},
        {QStringLiteral("demo"),
         QStringLiteral("Before the screenshot, run a short generation with speculative prefetch.")},
        {QStringLiteral("wait"),
         QStringLiteral("Before the screenshot, let the monitor sample for at least MS milliseconds."),
         QStringLiteral("ms"), QStringLiteral("1200")},
    });
    parser.process(app);

    const auto fail = [](const QString& message) {
        std::fprintf(stderr, "edge-rt-dashboard: %s\n", qPrintable(message));
        return 2;
    };
    if (!installLanguage(app, parser.value(QStringLiteral("lang"))))
        return fail(QStringLiteral("--lang expects en or de, got '%1'").arg(parser.value(QStringLiteral("lang"))));

    const QString themeName = parser.value(QStringLiteral("theme")).toLower();
    if (themeName != QLatin1String("light") && themeName != QLatin1String("dark") &&
        themeName != QLatin1String("system"))
        return fail(QStringLiteral("--theme expects light, dark or system, got '%1'").arg(themeName));
    const bool kiosk = parser.isSet(QStringLiteral("kiosk"));
    const bool dark = themeName == QLatin1String("system") ? edgert::ui::Theme::systemPrefersDark()
                                                           : themeName == QLatin1String("dark");
    edgert::ui::Theme::apply(app, dark, kiosk);

    edgert::ui::DashboardOptions options;
    options.kiosk = kiosk;
    options.monitorRoot = parser.value(QStringLiteral("monitor-root"));
    edgert::ui::MainWindow window(options);
    if (parser.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        const int threads = parser.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || threads < 1) return fail(QStringLiteral("--threads expects a positive whole number"));
        window.bridge()->setThreads(threads);
    }

    edgert::dashboard::StartPlan start;
    start.strategy = parser.value(QStringLiteral("strategy"));
    if (!start.strategy.isEmpty() && !QStringList{QStringLiteral("sequential"), QStringLiteral("greedy-grouping"),
                                                  QStringLiteral("speculative-prefetch")}
                                          .contains(start.strategy))
        return fail(QStringLiteral("--strategy expects sequential, greedy-grouping or speculative-prefetch, got '%1'")
                        .arg(start.strategy));
    if (parser.isSet(QStringLiteral("budget"))) {
        try {
            start.budgetBytes = edgert::parseByteSize(parser.value(QStringLiteral("budget")).toStdString());
        } catch (const edgert::Error& e) {
            return fail(QString::fromStdString(e.what()));
        }
    }

    QString modelPath = parser.value(QStringLiteral("model"));
    if (modelPath.isEmpty()) modelPath = edgert::qt::defaultModelPath();
    if (modelPath.isEmpty())
        std::fprintf(stderr, "edge-rt-dashboard: no model given and none found at %s; open one on the Plan page\n",
                     qPrintable(edgert::qt::defaultModelCandidate()));

    if (parser.isSet(QStringLiteral("screenshot"))) {
        edgert::dashboard::ScreenshotRequest request;
        request.file = parser.value(QStringLiteral("screenshot"));
        request.size = kiosk ? QSize(800, 480) : QSize(1280, 720);
        if (parser.isSet(QStringLiteral("size"))) {
            const auto match =
                QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(parser.value(QStringLiteral("size")));
            if (!match.hasMatch()) return fail(QStringLiteral("--size expects WxH, e.g. 800x480"));
            request.size = QSize(match.captured(1).toInt(), match.captured(2).toInt());
            if (request.size.width() < 320 || request.size.height() < 240)
                return fail(QStringLiteral("--size must be at least 320x240"));
        }
        request.page = parser.value(QStringLiteral("page"));
        request.modelPath = modelPath;
        request.demo = parser.isSet(QStringLiteral("demo"));
        request.start = start;
        request.minimumMonitorMs = parser.value(QStringLiteral("wait")).toInt();
        return QCoro::waitFor(edgert::dashboard::takeScreenshot(window, request));
    }

    if (kiosk) {
        window.setWindowFlags(Qt::Window | Qt::FramelessWindowHint);
        QApplication::setOverrideCursor(Qt::BlankCursor);
        window.showFullScreen();
    } else {
        window.resize(1280, 760);
        window.show();
    }
    if (!modelPath.isEmpty()) edgert::dashboard::openAndPlan(*window.bridge(), modelPath, start);
    return QApplication::exec();
}
