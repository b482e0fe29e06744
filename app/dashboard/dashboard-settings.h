// What the dashboard starts with: its command line, over an optional configuration file
// (`-c FILE`, edgert/config.h: [engine], [generation], [monitor], [thermal], [dashboard]).
// A flag given on the command line wins over the file; the file wins over the defaults.
#pragma once

#include "edgert/thermal-policy.h"

#include <QCommandLineParser>
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace edgert::dashboard {

struct Settings {
    // window
    bool kiosk = false;
    QString language;  ///< "en", "de" or "" (the system's)
    QString theme = QStringLiteral("system");
    // engine
    QString modelPath;  ///< "" : the default model
    QString strategy;   ///< "" : the one last picked on the Plan page, else the bridge's default; or "auto"
    QString weightReads = QStringLiteral("auto");  ///< "auto", "direct" (O_DIRECT) or "buffered"
    quint64 budgetBytes = 0;                       ///< 0 : every weight resident
    std::optional<int> threads;
    std::optional<int> contextTokens;
    std::optional<int> batchTokens;
    // generation (the Run page's controls and sampling)
    std::optional<QString> prompt;
    std::optional<int> maxTokens;
    std::optional<double> temperature;
    std::optional<quint64> seed;
    int topK = 40;
    double topP = 0.95;
    QStringList chatPrompts;  ///< the Chat page's presets ("" : its defaults)
    // monitor and thermal policy
    QString monitorRoot = QStringLiteral("/");
    int monitorPeriodMs = 500;
    ThermalPolicyConfig thermal;
    // --screenshot
    QString screenshotFile;
    std::optional<QSize> screenshotSize;
    QString page = QStringLiteral("monitor");
    bool demo = false;
    int waitMs = 1200;
};

/// Adds every option of edge-rt-dashboard to `parser`.
void addOptions(QCommandLineParser& parser);

/// Reads the parsed command line and the file given with -c. Returns the error message (naming
/// the option, or the file, line and key) when something is not acceptable.
std::optional<QString> readSettings(const QCommandLineParser& parser, Settings& settings);

}  // namespace edgert::dashboard
