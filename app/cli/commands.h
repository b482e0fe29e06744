// The edge-rt subcommands. Each parses its own options with QCommandLineParser from `arguments`
// (arguments[0] is "edge-rt <command>"), prints results to stdout, diagnostics to stderr, and
// returns the process exit status. Engine errors (edgert::Error) are caught in main().
#pragma once

#include <QStringList>

namespace edgert::cli {

int runCommand(const QStringList& arguments);
int inspectCommand(const QStringList& arguments);
int statusCommand(const QStringList& arguments);
int synthCommand(const QStringList& arguments);
int benchmarkCommand(const QStringList& arguments);
int tokenizeCommand(const QStringList& arguments);
int logitsCommand(const QStringList& arguments);
int perplexityCommand(const QStringList& arguments);
int templateCommand(const QStringList& arguments);
int chatCommand(const QStringList& arguments);
int quantizeCommand(const QStringList& arguments);

}  // namespace edgert::cli
