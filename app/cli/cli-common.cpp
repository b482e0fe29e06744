#include "cli-common.h"

#include "edgert/error.h"
#include "edgert/units.h"

#include <QDir>
#include <QFileInfo>

#include <fstream>
#include <limits>
#include <thread>
#include <unistd.h>

namespace edgert::cli {

namespace {
constexpr const char* kDefaultModelRelative = "../shared/models/tinystories-656k-q8_0.gguf";
}

std::string resolveModelPath(const QString& option)
{
    if (!option.isEmpty()) return option.toStdString();
    const QString env = qEnvironmentVariable("EDGERT_MODEL");
    if (!env.isEmpty()) return env.toStdString();
    const QString candidates[] = {
        QDir(QStringLiteral(EDGERT_SOURCE_DIR)).filePath(QLatin1String(kDefaultModelRelative)),
        QDir::current().filePath(QLatin1String(kDefaultModelRelative)),
    };
    for (const auto& c : candidates)
        if (QFileInfo(c).isFile()) return QDir::cleanPath(c).toStdString();
    throw UsageError("no model given and the default model was not found at '" +
                     QDir::cleanPath(candidates[0]).toStdString() +
                     "'; pass --model PATH.gguf or set EDGERT_MODEL=PATH.gguf");
}

std::uint64_t parseUnsigned(const QCommandLineParser& parser, const QString& name, std::uint64_t minimum,
                            std::uint64_t maximum)
{
    bool ok = false;
    const QString text = parser.value(name);
    const qulonglong v = text.toULongLong(&ok);
    if (!ok || v < minimum || v > maximum)
        throw UsageError("--" + name.toStdString() + " expects a whole number from " + std::to_string(minimum) +
                         " to " + std::to_string(maximum) + ", got '" + text.toStdString() + "'");
    return v;
}

double parseDouble(const QCommandLineParser& parser, const QString& name)
{
    bool ok = false;
    const QString text = parser.value(name);
    const double v = text.toDouble(&ok);
    if (!ok) throw UsageError("--" + name.toStdString() + " expects a number, got '" + text.toStdString() + "'");
    return v;
}

std::string weightsOutsideGroupsNote(std::uint64_t weightBytes, const std::vector<PlanUnit>& units)
{
    std::uint64_t inUnits = 0;
    for (const auto& unit : units) inUnits += unit.weightBytes;
    if (inUnits >= weightBytes) return {};
    return formatBytes(inUnits) + " of the " + formatBytes(weightBytes) +
           " of weights are in layer groups; the other " + formatBytes(weightBytes - inUnits) +
           " (the token embedding) are read one row per token from the mapped file and never pinned";
}

std::string countOf(std::uint64_t n, const char* singular, const char* plural)
{
    return std::to_string(n) + ' ' + (n == 1 ? singular : plural);
}

int defaultThreads()
{
    // Physical cores: count distinct (physical id, core id) pairs; fall back to logical CPUs.
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    std::string physical = "0";
    std::vector<std::string> cores;
    while (std::getline(cpuinfo, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const auto key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
        const auto value = line.substr(colon + 1);
        if (key == "physical id") physical = value;
        if (key == "core id") {
            const auto id = physical + "/" + value;
            if (std::find(cores.begin(), cores.end(), id) == cores.end()) cores.push_back(id);
        }
    }
    if (!cores.empty()) return static_cast<int>(cores.size());
    return std::max(1u, std::thread::hardware_concurrency());
}

std::uint64_t fullBudget(const PartitionStrategy& strategy, const PlanInput& input)
{
    const auto generous = strategy.plan(input, std::numeric_limits<std::uint64_t>::max() / 4);
    return generous.plannedPeakBytes();
}

bool resetPeakRss()
{
    std::ofstream f("/proc/self/clear_refs");
    if (!f) return false;
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

void addHelpOption(QCommandLineParser& parser)
{
    parser.addOption(
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help and exit.")));
}

void addOptionsShowingDefaults(QCommandLineParser& parser, QList<QCommandLineOption> options)
{
    for (auto& o : options) {
        const QStringList defaults = o.defaultValues();
        if (defaults.isEmpty() || o.description().contains(QLatin1String("default"))) continue;
        QString text = o.description();
        if (text.endsWith(QLatin1Char('.'))) text.chop(1);
        o.setDescription(text + QStringLiteral(" (default: %1).").arg(defaults.join(QLatin1Char(','))));
    }
    parser.addOptions(options);
}

QString commandHelp(const QCommandLineParser& parser, const QStringList& arguments)
{
    QString text = parser.helpText();
    const auto end = text.indexOf(u'\n');
    const QString usage = text.left(end);
    const auto options = usage.indexOf(QLatin1String(" [options]"));
    // Keep what follows "[options]" (positional arguments), replace the executable's path.
    text.replace(0, end,
                 QStringLiteral("Usage: %1%2").arg(arguments.value(0), options >= 0 ? usage.mid(options) : QString()));
    return text;
}

void rejectPositional(const QCommandLineParser& parser)
{
    if (!parser.positionalArguments().isEmpty())
        throw UsageError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
}

}  // namespace edgert::cli
