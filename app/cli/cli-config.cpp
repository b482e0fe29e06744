#include "cli-config.h"

#include <charconv>
#include <string>

namespace edgert::cli {

namespace {

const QString kConfig = QStringLiteral("config");

/// Shortest text that reads back as the same double ("0.95", not "0.94999999999999996").
QString number(double v)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return QString::fromLatin1(buffer, static_cast<qsizetype>(result.ptr - buffer));
}

}  // namespace

QCommandLineOption configOption()
{
    return QCommandLineOption(
        QStringList{QStringLiteral("c"), kConfig},
        QStringLiteral(
            "TOML configuration file (e.g. resources/configs/rpi4_default.toml); options given here override it."),
        QStringLiteral("file"));
}

QStringList configArguments(const Config& config, ConfigUse use)
{
    QStringList out;
    const auto add = [&](const char* key, const char* option, const QString& value) {
        if (config.isSet(key)) out << QStringLiteral("--%1=%2").arg(QLatin1String(option), value);
    };
    const auto& g = config.generation;
    add("engine.model", "model", QString::fromStdString(config.modelPath));
    add("engine.threads", "threads", QString::number(config.threads.value_or(0)));
    add("engine.weight_reads", "weight-reads", QString::fromStdString(config.weightReads));
    const QString budget =
        config.memoryBudgetAuto ? QStringLiteral("auto") : QString::number(config.memoryBudgetBytes.value_or(0));
    if (use == ConfigUse::Run) {
        add("engine.memory_budget", "memory-budget", budget);
        add("engine.strategy", "strategy", QString::fromStdString(config.strategy));
        add("generation.prompt", "prompt", QString::fromStdString(g.prompt));
        add("generation.max_tokens", "max-tokens", QString::number(g.maxTokens));
        add("generation.temperature", "temp", number(g.temperature));
        add("generation.top_k", "top-k", QString::number(g.topK));
        add("generation.top_p", "top-p", number(g.topP));
        add("generation.seed", "seed", QString::number(g.seed));
        add("generation.context", "ctx", QString::number(g.contextTokens.value_or(0)));
        add("generation.batch", "batch", QString::number(g.batch));
        add("thermal.soft_limit_c", "soft-limit", number(config.thermal.softLimitC));
        add("thermal.hard_limit_c", "hard-limit", number(config.thermal.hardLimitC));
        add("monitor.root", "sysfs-root", QString::fromStdString(config.monitor.root));
    } else {
        add("engine.memory_budget", "sweep-memory", budget);
        add("engine.strategy", "strategies", QString::fromStdString(config.strategy));
        add("generation.batch", "batch", QString::number(g.batch));
    }
    return out;
}

bool parseWithConfig(QCommandLineParser& parser, const QStringList& arguments, ConfigUse use)
{
    if (!parser.parse(arguments)) return false;
    if (!parser.isSet(kConfig)) return true;
    const Config config = loadConfig(parser.value(kConfig).toStdString());
    QStringList withFile = arguments.mid(0, 1);
    withFile << configArguments(config, use) << arguments.mid(1);
    return parser.parse(withFile);
}

}  // namespace edgert::cli
