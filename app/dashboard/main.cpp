// edge-rt-dashboard: watch the machine and the model at once, drag a memory budget, pick a
// partition strategy, run a prompt. Desktop window by default; --kiosk for the Raspberry Pi
// 7" touchscreen (800x480, full screen, no decorations, no cursor); --screenshot renders a PNG.
#include "dashboard-settings.h"
#include "main-window.h"
#include "chat-page.h"
#include "plan-page.h"
#include "run-page.h"
#include "screenshot.h"
#include "stepper.h"
#include "theme.h"

#include "edgert-qt/model-locator.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QLocale>
#include <QScreen>
#include <QTranslator>

#include <qcoro/qcorotask.h>

#include <clocale>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>

namespace {

/// Installs the German or English catalogue ("" : the system's language, English if we have none).
void installLanguage(QApplication& app, const QString& requested)
{
    QString lang = requested.isEmpty() ? QLocale::system().name().left(2) : requested;
    if (lang != QLatin1String("de")) lang = QStringLiteral("en");
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
}

bool hasArgument(int argc, char** argv, std::initializer_list<const char*> names)
{
    for (int i = 1; i < argc; ++i)
        for (const char* name : names)
            if (std::strcmp(argv[i], name) == 0) return true;
    return false;
}

/// The value of `--name VALUE` or `--name=VALUE` on the command line, read before QApplication exists.
std::string argumentValue(int argc, char** argv, const char* name)
{
    const std::size_t length = std::strlen(name);
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0 && i + 1 < argc) return argv[i + 1];
        if (std::strncmp(argv[i], name, length) == 0 && argv[i][length] == '=') return argv[i] + length + 1;
    }
    return {};
}

void describe(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "The edge-rt dashboard: live resource graphs, memory budget and partition plan, streamed generation.\n"
        "Needs a display: a desktop session, QT_QPA_PLATFORM=eglfs on the Raspberry Pi's touchscreen, or "
        "QT_QPA_PLATFORM=offscreen with --screenshot (chosen by itself when there is no display)."));
    parser.addHelpOption();
    parser.addVersionOption();
    edgert::dashboard::addOptions(parser);
}

void nameApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("edge-rt"));
    QCoreApplication::setApplicationName(QStringLiteral("edge-rt-dashboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
}

/// The Run page starts from the settings' prompt and generation parameters.
void applyGeneration(edgert::ui::RunPage& run, const edgert::dashboard::Settings& s)
{
    if (s.prompt) run.promptEdit()->setText(*s.prompt);
    if (s.maxTokens) run.maxTokensStepper()->setValue(*s.maxTokens);
    if (s.temperature) run.temperatureStepper()->setValue(*s.temperature);
    run.setSamplingDefaults(s.seed, s.topK, s.topP);
}

}  // namespace

int main(int argc, char** argv)
{
    // --help and --version need no display: answer them before a GUI application exists (it
    // aborts when no platform plugin can start).
    if (hasArgument(argc, argv, {"-h", "--help", "-?", "--help-all", "-v", "--version"})) {
        QCoreApplication core(argc, argv);
        nameApplication();
        QCommandLineParser parser;
        describe(parser);
        parser.process(core);  // prints and exits
        return 0;
    }
    // No platform chosen and no display to reach: a screenshot renders offscreen; anything else
    // says how to start the dashboard instead of Qt's abort.
    const bool platformChosen =
        !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || hasArgument(argc, argv, {"-platform", "--platform"});
    const bool display = !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    if (!platformChosen && !display) {
        if (hasArgument(argc, argv, {"--screenshot"})) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
        } else {
            std::fprintf(stderr,
                         "edge-rt-dashboard: no display (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                         "  On the Raspberry Pi's touchscreen: QT_QPA_PLATFORM=eglfs edge-rt-dashboard --kiosk\n"
                         "  A PNG without a display:           edge-rt-dashboard --screenshot shot.png "
                         "(QT_QPA_PLATFORM=offscreen)\n"
                         "  See edge-rt-dashboard --help.\n");
            return 1;
        }
    }

    // Touchscreen text entry: Qt Virtual Keyboard (Debian qt6-virtualkeyboard-plugin) opens for
    // every text field in kiosk mode. The input method is chosen when the application starts, so
    // this reads the command line (the deploy/rpi4 systemd units pass --kiosk); a kiosk set only
    // by the configuration file needs QT_IM_MODULE=qtvirtualkeyboard in the environment. An
    // explicit QT_IM_MODULE wins.
    if (hasArgument(argc, argv, {"--kiosk"}) && qEnvironmentVariableIsEmpty("QT_IM_MODULE"))
        qputenv("QT_IM_MODULE", "qtvirtualkeyboard");
    // The virtual keyboard's layout follows the system locale, not the UI language: with
    // `--lang de` on a Pi whose system is en_GB (Raspberry Pi OS's default) it would offer QWERTY
    // without umlauts. `--lang` therefore sets LANG before Qt reads it (an LC_ALL in the
    // environment still wins; numbers stay C-formatted below); a language set only by the
    // configuration file does not.
    if (const std::string lang = argumentValue(argc, argv, "--lang"); lang == "de")
        qputenv("LANG", "de_DE.UTF-8");
    else if (lang == "en")
        qputenv("LANG", "en_US.UTF-8");

    QApplication app(argc, argv);
    // The engine's C-library number parsing and printing stay in the C format under any LANG (QApplication
    // adopted the environment's locale); the UI formats numbers with QLocale.
    std::setlocale(LC_NUMERIC, "C");
    nameApplication();

    QCommandLineParser parser;
    describe(parser);
    parser.process(app);

    edgert::dashboard::Settings settings;
    if (const auto error = edgert::dashboard::readSettings(parser, settings)) {
        std::fprintf(stderr, "edge-rt-dashboard: %s\n", qPrintable(*error));
        return 2;
    }
    installLanguage(app, settings.language);
    const bool dark = settings.theme == QLatin1String("system") ? edgert::ui::Theme::systemPrefersDark()
                                                                : settings.theme == QLatin1String("dark");
    edgert::ui::Theme::apply(app, dark, settings.kiosk);

    edgert::ui::DashboardOptions options;
    options.kiosk = settings.kiosk;
    options.monitorRoot = settings.monitorRoot;
    options.monitorPeriodMs = settings.monitorPeriodMs;
    edgert::ui::MainWindow window(options);
    auto* bridge = window.bridge();
    window.setThermalConfig(settings.thermal);
    if (settings.threads) bridge->setThreads(*settings.threads);
    if (settings.contextTokens) bridge->setContextTokens(*settings.contextTokens);
    if (settings.batchTokens) bridge->setBatchTokens(*settings.batchTokens);
    bridge->setWeightReads(settings.weightReads);
    applyGeneration(*window.runPage(), settings);
    window.chatPage()->setPresetPrompts(settings.chatPrompts);

    QString modelPath = settings.modelPath.isEmpty() ? edgert::qt::defaultModelPath() : settings.modelPath;
    if (modelPath.isEmpty())
        std::fprintf(stderr, "edge-rt-dashboard: no model given and none found at %s; open one on the Plan page\n",
                     qPrintable(edgert::qt::defaultModelCandidate()));
    // No --strategy and none in the file: the one the user last picked on the Plan page (not for
    // --screenshot, whose renderings depend on their options alone).
    const QString strategy = settings.strategy.isEmpty() && settings.screenshotFile.isEmpty()
                                 ? edgert::ui::PlanPage::rememberedStrategy()
                                 : settings.strategy;
    const edgert::dashboard::StartPlan start{strategy, settings.budgetBytes};

    if (!settings.screenshotFile.isEmpty()) {
        edgert::dashboard::ScreenshotRequest request;
        request.file = settings.screenshotFile;
        request.size = settings.screenshotSize.value_or(settings.kiosk ? QSize(800, 480) : QSize(1280, 720));
        request.page = settings.page;
        request.modelPath = modelPath;
        request.demo = settings.demo;
        request.start = start;
        request.minimumMonitorMs = settings.waitMs;
        if (settings.demo && !settings.prompt)
            window.runPage()->promptEdit()->setText(QStringLiteral("Once upon a time"));
        if (settings.demo && !settings.maxTokens) window.runPage()->maxTokensStepper()->setValue(96);
        return QCoro::waitFor(edgert::dashboard::takeScreenshot(window, request));
    }

    if (settings.kiosk) {
        window.setWindowFlags(Qt::Window | Qt::FramelessWindowHint);
        QApplication::setOverrideCursor(Qt::BlankCursor);
        // Without a window manager (X started by xinit for the dashboard alone) nothing acts on
        // the full-screen request, so the window also takes the screen's geometry itself.
        if (const QScreen* screen = window.screen()) window.setGeometry(screen->geometry());
        window.showFullScreen();
    } else {
        window.resize(1280, 760);
        window.show();
    }
    if (!modelPath.isEmpty()) edgert::dashboard::openAndPlan(*bridge, modelPath, start);
    return QApplication::exec();
}
