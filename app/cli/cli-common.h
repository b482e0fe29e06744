// Helpers shared by the edge-rt subcommands: model path resolution, option parsing and
// process-memory measurement.
#pragma once

#include "edgert/partition-planner.h"

#include <QCommandLineParser>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace edgert::cli {

/// The model to use: --model, else $EDGERT_MODEL, else the default model
/// ../shared/models/tinystories-656k-q8_0.gguf beside the checkout. Throws UsageError saying
/// what to pass when none exists.
std::string resolveModelPath(const QString& option);

/// Parses an unsigned integer option; throws UsageError naming the option.
std::uint64_t parseUnsigned(const QCommandLineParser& parser, const QString& name, std::uint64_t minimum,
                            std::uint64_t maximum);
/// Parses a float option; throws UsageError naming the option.
double parseDouble(const QCommandLineParser& parser, const QString& name);

/// Why the pinned bytes of a full-budget plan are fewer than the model's weights: "" when every
/// weight is in a layer group, else a sentence naming the bytes outside them (the token
/// embedding, read one row per token from the mapped file and never pinned).
std::string weightsOutsideGroupsNote(std::uint64_t weightBytes, const std::vector<PlanUnit>& units);

/// "1 group", "3 groups": n and the noun in its singular or plural form, for report lines.
std::string countOf(std::uint64_t n, const char* singular, const char* plural);

/// Physical cores of this machine (the default thread count).
int defaultThreads();

/// The smallest budget at which `strategy` keeps every weight resident.
std::uint64_t fullBudget(const PartitionStrategy& strategy, const PlanInput& input);

/// Resets the kernel's peak-RSS counter (VmHWM) of this process (/proc/self/clear_refs "5"),
/// so the next reading measures from now. Returns false when the kernel refuses.
bool resetPeakRss();

/// Adds -h/--help (Qt's addHelpOption would also add --help-all, which lists Qt's own options).
void addHelpOption(QCommandLineParser& parser);
/// Adds `options`, appending " (default: X)" to the description of each one that has a default
/// value and does not already name its default.
void addOptionsShowingDefaults(QCommandLineParser& parser, QList<QCommandLineOption> options);
/// The help text with a usage line naming the command: "Usage: edge-rt run [options]"
/// (arguments[0] is "edge-rt <command>", as main() passes it).
QString commandHelp(const QCommandLineParser& parser, const QStringList& arguments);

/// Rejects positional arguments a command does not take.
void rejectPositional(const QCommandLineParser& parser);

}  // namespace edgert::cli
