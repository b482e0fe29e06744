// edge-rt command-line entry point: dispatches to a subcommand and is the error boundary —
// every edgert::Error becomes one line on stderr and a non-zero exit status.
#include "commands.h"

#include "edgert/error.h"

#include <QCoreApplication>
#include <QTextStream>

#include <clocale>
#include <cstdio>
#include <exception>

namespace {

struct Command {
    const char* name;
    int (*handler)(const QStringList&);
    const char* summary;
};

const Command kCommands[] = {
    {"run", edgert::cli::runCommand, "generate text from a model under a memory budget"},
    {"inspect", edgert::cli::inspectCommand, "show a model's metadata, tensors and partition plans"},
    {"benchmark", edgert::cli::benchmarkCommand,
     "measure load, prefill and decode speed and memory across strategies and budgets"},
    {"status", edgert::cli::statusCommand, "show CPU, memory, temperature and throttling of this machine"},
    {"synth", edgert::cli::synthCommand, "write a GGUF with a real model's shape and random weights"},
    {"chat", edgert::cli::chatCommand, "talk to an instruct model turn by turn (its chat template, one KV cache)"},
    {"template", edgert::cli::templateCommand, "print the prompt a conversation becomes with a model's chat template"},
    {"tokenize", edgert::cli::tokenizeCommand, "show the token ids and pieces a text becomes"},
    {"logits", edgert::cli::logitsCommand,
     "teacher-forced logits of one batch: top-K, argmax, log-sum-exp per position"},
    {"perplexity", edgert::cli::perplexityCommand,
     "perplexity of a text (llama-perplexity's scoring), KL divergence to a base model"},
    {"quantize", edgert::cli::quantizeCommand,
     "rewrite an F32/F16/BF16 GGUF in Q4_K_M, Q8_0, ... with llama-quantize's per-tensor rules"},
};

void printUsage(FILE* out)
{
    std::fprintf(out, "usage: edge-rt <command> [options]\n\ncommands:\n");
    for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
    std::fprintf(out, "\n'edge-rt <command> --help' shows a command's options.\n");
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    // QCoreApplication adopts the environment's locale (setlocale(LC_ALL, "")). Under a German
    // LANG the C library would then write and read "1,5" for 1.5: CSV, JSON and every printed
    // figure stay in the C format, and so do the numbers edge-rt parses (--temp, logits ids).
    std::setlocale(LC_NUMERIC, "C");
    QCoreApplication::setApplicationName(QStringLiteral("edge-rt"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")) {
        printUsage(args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == QLatin1String("--version")) {
        std::printf("edge-rt %s\n", qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    const QString name = args[1];
    for (const auto& c : kCommands) {
        if (name != QLatin1String(c.name)) continue;
        QStringList sub = args.mid(2);
        sub.prepend(QStringLiteral("edge-rt ") + name);
        try {
            return c.handler(sub);
        } catch (const edgert::Error& e) {
            std::fprintf(stderr, "edge-rt %s: error: %s\n", c.name, e.what());
            return 1;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "edge-rt %s: internal error: %s\n", c.name, e.what());
            return 3;
        }
    }
    std::fprintf(stderr, "edge-rt: unknown command '%s'\n\n", qPrintable(name));
    printUsage(stderr);
    return 2;
}
