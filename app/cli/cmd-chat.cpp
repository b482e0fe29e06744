// edge-rt chat: a conversation with an instruct model. Each line typed is a user turn, rendered
// with the model's chat template and run through edgert::ChatSession (the one Session path), so a
// turn prefills only its own new tokens; the answer streams to stdout until an end-of-generation
// token. Line editing and history come from libedit (BSD-licensed, Debian libedit-dev) when stdin
// is a terminal; otherwise one user turn is read per line and each answer is followed by a blank
// line, so chat is scriptable. Per-turn statistics (tokens reused from the KV cache and prefilled,
// tokens/s, context used) go to stderr: always when stdin is not a terminal, with --verbose or
// /stats interactively.
#include "cli-common.h"
#include "cli-config.h"
#include "commands.h"
#include "generation-setup.h"
#include "interrupt.h"
#include "prompt-input.h"

#include "edgert/chat-session.h"
#include "edgert/error.h"
#include "edgert/monitor/process-memory.h"
#include "edgert/units.h"

#include <QCommandLineParser>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <editline/readline.h>

namespace edgert::cli {

namespace {

/// Streams the answer's text to stdout. Wrapped in an InterruptObserver, so the answer stops at
/// the next layer-group boundary once SIGINT or SIGTERM arrived.
class AnswerPrinter : public RunObserver {
public:
    void onText(std::string_view text, std::size_t /*index*/) override
    {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    }
};

/// What a first Ctrl-C at the prompt says (InterruptScope::setIdle): the chat goes on.
constexpr const char* kIdleInterruptNote = "\n[Ctrl-C again exits now; /exit or Ctrl-D leaves the chat]\n";

/// One line from the user: libedit with history on a terminal, else a plain line of stdin.
/// nullopt at end of input (Ctrl-D).
std::optional<std::string> readUserLine(bool terminal)
{
    if (terminal) {
        char* line = readline("> ");
        if (!line) return std::nullopt;
        std::string text(line);
        std::free(line);
        if (!text.empty()) add_history(text.c_str());
        return text;
    }
    std::string text;
    if (!std::getline(std::cin, text)) return std::nullopt;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

void printTurnStats(std::size_t turnNumber, const ChatTurnResult& r, const Session& session)
{
    const GenerationResult& g = r.turn.generation;
    std::fprintf(stderr,
                 "[turn %zu: %u tokens reused from the KV cache, %u prefilled (%.1f tokens/s); %zu generated "
                 "(%.1f tokens/s), stop: %s; context %u of %u tokens]\n",
                 turnNumber, r.turn.reusedTokens, r.turn.prefilledTokens, g.prefillTokensPerSecond(), g.tokens.size(),
                 g.decodeTokensPerSecond(), stopReasonName(g.stopReason), session.tokensUsed(), session.contextSize());
}

void printHelp()
{
    std::fprintf(stderr,
                 "commands: /reset (new conversation), /stats (last turn, context, memory), /exit or /quit "
                 "(or Ctrl-D) to leave; Ctrl-C stops an answer\n");
}

}  // namespace

int chatCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Talk to an instruct model: each line is a user turn, rendered with the model's chat template; the answer "
        "streams until the model ends its turn. A turn prefills only its new tokens (the KV cache keeps the "
        "conversation). With stdin not a terminal: one user turn per line, each answer followed by a blank line."));
    parser.addHelpOption();
    addGenerationOptions(parser, "256");
    parser.addOptions({
        {QStringLiteral("system"), QStringLiteral("System prompt of the conversation."), QStringLiteral("text")},
        {QStringLiteral("chat-template"),
         QStringLiteral("Template family instead of the model's own (chatml, llama3, llama2, llama2-sys, zephyr, "
                        "gemma, phi3, ...; see edge-rt template --help)."),
         QStringLiteral("name")},
        {QStringLiteral("chat-template-file"),
         QStringLiteral("Read the template text (Jinja, recognised as llama.cpp does) from this file."),
         QStringLiteral("file")},
        {QStringLiteral("context-policy"),
         QStringLiteral("When the context is full: stop (the turn ends and says so) or drop-oldest (forget the "
                        "oldest turns after the system prompt; with Gemma's template, after the first user message, "
                        "which carries it)."),
         QStringLiteral("policy"), QStringLiteral("stop")},
        {QStringLiteral("verbose"), QStringLiteral("Print each turn's statistics line on a terminal too.")},
    });
    parser.addOption(configOption());
    if (!parseWithConfig(parser, arguments, ConfigUse::Run)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    rejectPositional(parser);
    GenerationSetup setup = parseGenerationOptions(parser);
    const QString policy = parser.value(QStringLiteral("context-policy"));
    if (policy == QLatin1String("stop"))
        setup.session.contextPolicy = ContextPolicy::Stop;
    else if (policy == QLatin1String("drop-oldest"))
        setup.session.contextPolicy = ContextPolicy::DropOldestTurns;
    else
        throw UsageError("--context-policy expects 'stop' or 'drop-oldest', got '" + policy.toStdString() + "'");

    ChatTemplate chatTemplate =
        resolveChatTemplate(setup.modelPath, {parser.value(QStringLiteral("chat-template")).toStdString(),
                                              parser.value(QStringLiteral("chat-template-file")).toStdString()});
    const bool terminal = stdinIsTerminal();
    const bool verbose = parser.isSet(QStringLiteral("verbose")) || !terminal;

    LoadedEngine loaded = loadEngine(setup, "chat", [&](const Tokenizer&, std::uint32_t modelContext) {
        // A conversation wants room: the model's context up to 2048 tokens unless --ctx says.
        return RunShape{std::min<std::uint32_t>(modelContext, 2048), setup.nBatch};
    });
    printSetupReport(setup, loaded);
    // Ctrl-C (SIGINT) stops the answer being generated at the next layer-group boundary and the
    // chat goes on; a second one while that answer stops, or two at the prompt, exit at once.
    // SIGTERM stops the answer and ends the chat (status 143), or exits at once at the prompt.
    // Installed before the template line, so a front end that sees that line can signal.
    InterruptScope interrupts;
    std::fprintf(stderr, "template   %s (from %s); context policy: %s\n", chatTemplate.name().c_str(),
                 chatTemplate.source.c_str(), contextPolicyName(setup.session.contextPolicy));
    if (!chatTemplate.note.empty()) std::fprintf(stderr, "note       %s\n", chatTemplate.note.c_str());
    if (terminal) printHelp();

    std::size_t turns = 0;
    {
        ChatSession chat(*loaded.engine, std::move(chatTemplate), setup.session);
        chat.setSystemPrompt(parser.value(QStringLiteral("system")).toStdString());
        if (terminal) rl_catch_signals = 0;  // SIGINT is ours: it stops an answer
        std::optional<ChatTurnResult> last;
        for (;;) {
            InterruptScope::setIdle(true, kIdleInterruptNote);
            // A SIGTERM that came while an answer or a command ran ends the chat here; one that
            // comes from now on while idle exits at once.
            if (InterruptScope::signalNumber() == SIGTERM) break;
            const std::optional<std::string> line = readUserLine(terminal);
            InterruptScope::setIdle(false);
            InterruptScope::clear();  // a Ctrl-C at the prompt does not stop the next answer
            if (!line) break;
            if (*line == "/exit" || *line == "/quit") break;
            if (*line == "/help") {
                printHelp();
                continue;
            }
            if (*line == "/reset") {
                chat.reset();
                last.reset();
                std::fprintf(stderr, "[new conversation]\n");
                continue;
            }
            if (*line == "/stats") {
                if (last)
                    printTurnStats(turns, *last, chat.session());
                else
                    std::fprintf(stderr, "[no turn yet; context %u of %u tokens]\n", chat.session().tokensUsed(),
                                 chat.session().contextSize());
                printMemoryReport(loaded);
                continue;
            }
            if (line->empty()) continue;

            AnswerPrinter printer;
            InterruptObserver observer(&printer);
            ChatTurnResult r = chat.say(*line, setup.params, &observer);
            ++turns;
            std::fputs("\n\n", stdout);
            std::fflush(stdout);
            if (!r.accepted)
                std::fprintf(stderr, "[context full: %s]\n", r.turn.message.c_str());
            else if (r.turn.generation.stopReason == StopReason::Cancelled)
                std::fprintf(stderr, "[stopped by %s]\n", InterruptScope::signalName());
            else if (!r.turn.message.empty())
                std::fprintf(stderr, "[%s]\n", r.turn.message.c_str());
            if (verbose) printTurnStats(turns, r, chat.session());
            last = std::move(r);
        }
    }
    if (terminal) std::fputc('\n', stdout);
    recordReads(loaded);
    loaded.engine.reset();  // every lease back in the pool before the report reads it
    const bool terminated = InterruptScope::signalNumber() == SIGTERM;
    std::fprintf(stderr, "--- edge-rt chat: %zu turn(s)%s ---\n", turns, terminated ? " (ended by SIGTERM)" : "");
    printMemoryReport(loaded);
    return terminated ? InterruptScope::exitStatus() : 0;
}

}  // namespace edgert::cli
