#include "dashboard-settings.h"

#include "edgert/auto-choice.h"
#include "edgert/config.h"
#include "edgert/error.h"
#include "edgert/units.h"

#include <QRegularExpression>

namespace edgert::dashboard {

namespace {

const QStringList kStrategies = {QStringLiteral("sequential"), QStringLiteral("greedy-grouping"),
                                 QStringLiteral("speculative-prefetch"), QStringLiteral("auto")};
const QStringList kWeightReads = {QStringLiteral("auto"), QStringLiteral("direct"), QStringLiteral("buffered")};

QString option(const char* name)
{
    return QString::fromLatin1(name);
}

}  // namespace

void addOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {{QStringLiteral("c"), QStringLiteral("config")},
         QStringLiteral("TOML configuration file (e.g. resources/configs/rpi4_default.toml); options given here "
                        "override it."),
         QStringLiteral("file")},
        {option("kiosk"), QStringLiteral("Full screen for the 800x480 touchscreen: large controls, no cursor, no "
                                         "accidental quit (Ctrl+Alt+Q quits).")},
        {option("model"),
         QStringLiteral("GGUF model (default: $EDGERT_MODEL or ../shared/models/tinystories-656k-q8_0.gguf)."),
         QStringLiteral("path")},
        {option("lang"), QStringLiteral("User-interface language: en or de (default: the system's)."),
         QStringLiteral("code")},
        {option("theme"), QStringLiteral("light, dark or system (default)."), QStringLiteral("name")},
        {option("strategy"),
         QStringLiteral("Partition strategy to start with: sequential, greedy-grouping, speculative-prefetch, or auto "
                        "(a cost model fed by this machine's measured memory and file read bandwidth picks one) "
                        "(default: the one last picked on the Plan page)."),
         QStringLiteral("name")},
        {option("weight-reads"),
         QStringLiteral("How layer groups are read: direct (O_DIRECT into the pool buffers, no page-cache copy), "
                        "buffered (through the page cache), or auto (direct when the page cache cannot keep the "
                        "streamed bytes beside the budget)."),
         QStringLiteral("mode"), QStringLiteral("auto")},
        {option("budget"),
         QStringLiteral("Memory budget to start with: bytes or 512K, 64M, 1G, or auto (what MemAvailable / the cgroup "
                        "leaves, minus headroom) (clamped to what the strategy can plan)."),
         QStringLiteral("size")},
        {option("threads"), QStringLiteral("Compute threads (default: all cores)."), QStringLiteral("N")},
        {option("monitor-root"),
         QStringLiteral("Read /proc and /sys under DIR (a recorded machine, e.g. tests/fixtures/rpi4)."),
         QStringLiteral("dir")},
        {option("screenshot"), QStringLiteral("Render the window to FILE (PNG) and exit."), QStringLiteral("file")},
        {option("size"), QStringLiteral("Screenshot size WxH (default 1280x720; 800x480 with --kiosk)."),
         QStringLiteral("WxH")},
        {option("page"), QStringLiteral("Screenshot page: monitor, plan, run or chat."), QStringLiteral("name"),
         QStringLiteral("monitor")},
        {option("demo"), QStringLiteral("Before the screenshot, run a short generation (with speculative prefetch "
                                        "at its minimum budget unless --strategy/--budget say otherwise).")},
        {option("wait"), QStringLiteral("Before the screenshot, let the monitor sample for at least MS milliseconds."),
         QStringLiteral("ms"), QStringLiteral("1200")},
    });
}

std::optional<QString> readSettings(const QCommandLineParser& parser, Settings& s)
{
    const auto isSet = [&](const char* name) { return parser.isSet(option(name)); };
    const auto value = [&](const char* name) { return parser.value(option(name)); };

    // The file first: the command line overrides what it sets.
    if (isSet("config")) {
        Config config;
        try {
            config = loadConfig(value("config").toStdString());
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        const auto has = [&](const char* key) { return config.isSet(key); };
        if (has("dashboard.kiosk")) s.kiosk = config.dashboard.kiosk;
        if (has("dashboard.language") && config.dashboard.language != "system")
            s.language = QString::fromStdString(config.dashboard.language);
        if (has("dashboard.theme")) s.theme = QString::fromStdString(config.dashboard.theme);
        for (const std::string& prompt : config.dashboard.chatPrompts) s.chatPrompts << QString::fromStdString(prompt);
        if (has("engine.model")) s.modelPath = QString::fromStdString(config.modelPath);
        if (has("engine.strategy")) s.strategy = QString::fromStdString(config.strategy);
        if (has("engine.weight_reads")) s.weightReads = QString::fromStdString(config.weightReads);
        if (has("engine.memory_budget") && config.memoryBudgetBytes) s.budgetBytes = *config.memoryBudgetBytes;
        if (has("engine.memory_budget") && config.memoryBudgetAuto) {
            // What the machine and its cgroup can give now, minus headroom (as `edge-rt run`).
            try {
                s.budgetBytes = autoMemoryBudget().bytes;
            } catch (const Error& e) {
                return QString::fromStdString(e.what());
            }
            if (s.budgetBytes == 0)
                return QStringLiteral("%1: engine.memory_budget = \"auto\": nothing is left beside the headroom")
                    .arg(value("config"));
        }
        if (has("engine.threads") && config.threads) s.threads = *config.threads;
        const auto& g = config.generation;
        if (has("generation.prompt")) s.prompt = QString::fromStdString(g.prompt);
        if (has("generation.max_tokens"))
            s.maxTokens = static_cast<int>(std::min<std::uint32_t>(g.maxTokens, 1u << 20));
        if (has("generation.temperature")) s.temperature = g.temperature;
        if (has("generation.seed")) s.seed = g.seed;
        if (has("generation.top_k")) s.topK = static_cast<int>(g.topK);
        if (has("generation.top_p")) s.topP = g.topP;
        if (has("generation.context") && g.contextTokens) s.contextTokens = static_cast<int>(*g.contextTokens);
        if (has("generation.batch")) s.batchTokens = static_cast<int>(g.batch);
        if (has("monitor.root")) s.monitorRoot = QString::fromStdString(config.monitor.root);
        if (has("monitor.period_ms")) s.monitorPeriodMs = config.monitor.periodMs;
        if (has("thermal.soft_limit_c")) s.thermal.softLimitC = config.thermal.softLimitC;
        if (has("thermal.hard_limit_c")) s.thermal.hardLimitC = config.thermal.hardLimitC;
    }

    if (isSet("kiosk")) s.kiosk = true;
    if (isSet("lang")) s.language = value("lang").toLower();
    if (!s.language.isEmpty() && s.language != QLatin1String("en") && s.language != QLatin1String("de"))
        return QStringLiteral("--lang expects en or de, got '%1'").arg(s.language);
    if (isSet("theme")) s.theme = value("theme").toLower();
    if (s.theme != QLatin1String("light") && s.theme != QLatin1String("dark") && s.theme != QLatin1String("system"))
        return QStringLiteral("--theme expects light, dark or system, got '%1'").arg(s.theme);
    if (isSet("model")) s.modelPath = value("model");
    if (isSet("strategy")) s.strategy = value("strategy");
    if (!s.strategy.isEmpty() && !kStrategies.contains(s.strategy))
        return QStringLiteral("--strategy expects sequential, greedy-grouping, speculative-prefetch or auto, got '%1'")
            .arg(s.strategy);
    if (isSet("weight-reads")) s.weightReads = value("weight-reads");
    if (!kWeightReads.contains(s.weightReads))
        return QStringLiteral("--weight-reads expects auto, direct or buffered, got '%1'").arg(s.weightReads);
    if (isSet("budget")) {
        try {
            s.budgetBytes = value("budget") == QLatin1String("auto") ? autoMemoryBudget().bytes
                                                                     : parseByteSize(value("budget").toStdString());
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        if (s.budgetBytes == 0 && value("budget") == QLatin1String("auto"))
            return QStringLiteral("--budget auto: nothing is left beside the headroom");
    }
    if (isSet("threads")) {
        bool ok = false;
        const int threads = value("threads").toInt(&ok);
        if (!ok || threads < 1 || threads > 256)
            return QStringLiteral("--threads expects a whole number from 1 to 256");
        s.threads = threads;
    }
    if (isSet("monitor-root")) s.monitorRoot = value("monitor-root");

    s.screenshotFile = value("screenshot");
    if (isSet("size")) {
        const auto match = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(value("size"));
        if (!match.hasMatch()) return QStringLiteral("--size expects WxH, e.g. 800x480");
        const QSize size(match.captured(1).toInt(), match.captured(2).toInt());
        if (size.width() < 320 || size.height() < 240) return QStringLiteral("--size must be at least 320x240");
        s.screenshotSize = size;
    }
    s.page = value("page");
    s.demo = isSet("demo");
    bool ok = false;
    s.waitMs = value("wait").toInt(&ok);
    if (!ok || s.waitMs < 0) return QStringLiteral("--wait expects milliseconds");
    return std::nullopt;
}

}  // namespace edgert::dashboard
