// `-c/--config FILE` for the edge-rt subcommands: the file's settings become the defaults of the
// command's own options, and flags given on the command line override them.
//
//   parser.addOption(configOption());
//   if (!parseWithConfig(parser, arguments, ConfigUse::Run)) throw UsageError(parser.errorText()...);
//
// parseWithConfig() parses once to find -c; with a file it loads it (edgert::loadConfig: errors
// name file, line and key) and parses again with the file's settings inserted as options ahead
// of the user's, so QCommandLineParser::value() — which returns the last occurrence — yields the
// command line's value when both give one, and isSet() is true for settings from the file.
#pragma once

#include "edgert/config.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QStringList>

namespace edgert::cli {

/// Which command reads the file: decides which settings map to which of its options.
enum class ConfigUse {
    Run,        ///< edge-rt run and chat: engine.*, generation.*, thermal.*, monitor.root
    Benchmark,  ///< edge-rt benchmark: engine.model, engine.memory_budget (sweep), engine.strategy,
                ///< engine.threads, engine.weight_reads, generation.batch
};

/// The -c/--config FILE option.
QCommandLineOption configOption();

/// The options `config` contributes to the command `use`, for the keys the file set, as
/// "--name=value" arguments ("--strategy=sequential", "--memory-budget=536870912", ...).
QStringList configArguments(const Config& config, ConfigUse use);

/// Parses `arguments` (arguments[0] is the command's name) with the file given by -c/--config, if
/// any, supplying defaults. Returns false on a command-line error, like QCommandLineParser::parse.
/// Throws IoError / ConfigError when the file cannot be read or is not a valid configuration.
bool parseWithConfig(QCommandLineParser& parser, const QStringList& arguments, ConfigUse use);

}  // namespace edgert::cli
