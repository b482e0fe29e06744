// edge-rt run: generate text from a model under a memory budget, streaming tokens to stdout,
// then a report (load, prefill/decode tokens/s, plan, pool peak, measured peak RSS) to stderr.
// One turn of an edgert::Session: the prompt pipeline (encoding, BOS, context check, EOG) is the
// engine's, shared with chat, benchmark and the dashboard.
#include "cli-common.h"
#include "cli-config.h"
#include "commands.h"
#include "generation-setup.h"
#include "interrupt.h"
#include "prompt-input.h"

#include "edgert/error.h"
#include "edgert/monitor/cpu-info.h"
#include "edgert/monitor/process-memory.h"
#include "edgert/session.h"
#include "edgert/thermal-governor.h"
#include "edgert/units.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <filesystem>

namespace edgert::cli {

namespace {

class StreamingPrinter : public RunObserver {
public:
    StreamingPrinter(bool printIds, const std::string& promptText) : m_printIds(printIds)
    {
        // The prompt as typed, then the continuation (as llama.cpp's main prints it).
        if (!printIds && !promptText.empty()) {
            std::fputs(promptText.c_str(), stdout);
            std::fflush(stdout);
        }
    }
    void onToken(TokenId id, std::size_t index) override
    {
        if (!m_printIds) return;
        std::printf("%s%d", index ? " " : "", id);
        std::fflush(stdout);
    }
    void onText(std::string_view text, std::size_t /*index*/) override
    {
        if (m_printIds) return;
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    }
    void finish()
    {
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }

private:
    bool m_printIds;
};

}  // namespace

int runCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Generate text from a GGUF or HF SafeTensors model under a memory budget."));
    addHelpOption(parser);
    addGenerationOptions(parser, "100");
    addOptionsShowingDefaults(
        parser,
        {
            {QStringLiteral("prompt"),
             QStringLiteral("Prompt text; '-' reads it from stdin (default: empty, generation starts from BOS)."),
             QStringLiteral("text")},
            {QStringList{QStringLiteral("f"), QStringLiteral("file")},
             QStringLiteral("Read the prompt from FILE (wins over --prompt)."), QStringLiteral("file")},
            {QStringLiteral("ids"), QStringLiteral("Print token ids instead of text.")},
            {QStringLiteral("report"), QStringLiteral("Report format on stderr: text or json."),
             QStringLiteral("format"), QStringLiteral("text")},
        });
    parser.addOption(configOption());
    if (!parseWithConfig(parser, arguments, ConfigUse::Run)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    const QString reportFormat = parser.value(QStringLiteral("report"));
    if (reportFormat != QLatin1String("text") && reportFormat != QLatin1String("json"))
        throw UsageError("--report expects 'text' or 'json', got '" + reportFormat.toStdString() + "'");
    const GenerationSetup setup = parseGenerationOptions(parser);

    std::string promptText;
    if (parser.isSet(QStringLiteral("file"))) {
        promptText = readPromptFile(parser.value(QStringLiteral("file")).toStdString());
    } else if (parser.value(QStringLiteral("prompt")) == QLatin1String("-")) {
        promptText = readPromptStdin();
    } else {
        promptText = parser.value(QStringLiteral("prompt")).toStdString();
        if (stdinHasPipedInput())
            std::fprintf(stderr,
                         "edge-rt run: note: stdin is piped but ignored; use --prompt - (or -f FILE) to read "
                         "the prompt from it\n");
    }

    // From here SIGINT/SIGTERM stop the run at the next layer-group boundary and the report is
    // still printed (marked interrupted); a second signal exits at once. Installed after the
    // prompt is read, so Ctrl-C while typing a prompt on stdin still ends the process directly.
    const InterruptScope interrupt;
    LoadedEngine loaded = loadEngine(setup, "run", [&](const Tokenizer& tokenizer, std::uint32_t) {
        // Context: prompt + n; prefill passes no larger than the prompt (its scratch counts).
        const auto promptTokens = static_cast<std::uint32_t>(
            std::max<std::size_t>(encodePrompt(tokenizer, promptText, true, false).size(), 1));
        return RunShape{promptTokens + setup.params.maxTokens, promptTokens};
    });
    TurnResult turn;
    std::vector<ThermalEvent> thermalEvents;
    {
        Session session(*loaded.engine, setup.session);
        session.prompt(promptText);
        StreamingPrinter printer(parser.isSet(QStringLiteral("ids")), promptText);
        ThermalPolicy::Environment env;
        env.readTemperatureC = thermalZoneTemperatureSource(setup.sysfsRoot);
        ThermalPolicy policy(setup.thermal, setup.threads, env);
        policy.setEventSink([&](const ThermalEvent& e) {
            if (e.action != ThermalAction::Hold) thermalEvents.push_back(e);
        });
        ThermalGovernor governor(policy, &printer);
        InterruptObserver stopper(&governor);
        turn = session.generate(setup.params, &stopper);
        if (turn.generation.stopReason == StopReason::ContextFull && turn.prefilledTokens == 0)
            throw UsageError(turn.message);
        printer.finish();
    }
    const double loadMs = loaded.loadMs;
    recordReads(loaded);
    loaded.engine.reset();  // every lease back in the pool before the report reads it
    const GenerationResult& result = turn.generation;
    const auto& plan = loaded.plan;
    const auto& pool = *loaded.pool;
    // A signal that arrived after the last token still ends the process with 128 + signal.
    const bool interrupted = InterruptScope::requested();
    const int exitStatus = interrupted ? InterruptScope::exitStatus() : 0;

    if (reportFormat == QLatin1String("json")) {
        const auto after = readProcessMemory();
        const std::uint64_t baseRss = loaded.baselineRssBytes;
        const std::uint64_t peakRss = after.peakRssBytes.valueOr(0);
        QJsonObject o;
        o[QStringLiteral("model")] = QString::fromStdString(setup.modelPath);
        o[QStringLiteral("architecture")] = QString::fromLatin1(architectureName(loaded.graph->hparams().arch));
        o[QStringLiteral("threads")] = setup.threads;
        o[QStringLiteral("context_tokens")] = static_cast<int>(loaded.shape.nCtx);
        o[QStringLiteral("kernels")] =
            QString::fromLatin1(activeKernelTableName().data(), static_cast<qsizetype>(activeKernelTableName().size()));
        o[QStringLiteral("text")] =
            QString::fromStdString(turn.text);  // what was printed (control tokens per --special)
        o[QStringLiteral("strategy")] = QString::fromStdString(plan.strategy);
        if (!loaded.autoChoice.empty()) o[QStringLiteral("strategy_auto")] = QString::fromStdString(loaded.autoChoice);
        o[QStringLiteral("budget_bytes")] = static_cast<double>(loaded.budgetBytes);
        o[QStringLiteral("groups")] = static_cast<int>(plan.groups.size());
        o[QStringLiteral("streamed_groups")] = static_cast<int>(plan.streamedGroupCount());
        o[QStringLiteral("pinned_bytes")] = static_cast<double>(plan.pinnedBytes);
        o[QStringLiteral("streamed_bytes_per_pass")] = static_cast<double>(plan.streamedBytesPerPass);
        o[QStringLiteral("load_ms")] = loadMs;
        o[QStringLiteral("prompt_tokens")] = static_cast<int>(result.promptTokens);
        o[QStringLiteral("generated_tokens")] = static_cast<int>(result.tokens.size());
        o[QStringLiteral("prefill_tokens_per_second")] = result.prefillTokensPerSecond();
        o[QStringLiteral("decode_tokens_per_second")] = result.decodeTokensPerSecond();
        o[QStringLiteral("time_to_first_token_ms")] = result.timeToFirstTokenMs;
        o[QStringLiteral("seed")] = QString::number(setup.params.sampler.seed);
        o[QStringLiteral("pool_peak_bytes")] = static_cast<double>(pool.peakBytes());
        o[QStringLiteral("pool_end_bytes")] = static_cast<double>(pool.usedBytes());
        o[QStringLiteral("baseline_rss_bytes")] = static_cast<double>(baseRss);
        o[QStringLiteral("peak_rss_bytes")] = static_cast<double>(peakRss);
        o[QStringLiteral("peak_rss_above_baseline_bytes")] =
            static_cast<double>(peakRss > baseRss ? peakRss - baseRss : 0);
        o[QStringLiteral("peak_rss_measured")] = loaded.peakReset && after.peakRssBytes.available();
        o[QStringLiteral("streamed_bytes_read")] = static_cast<double>(result.streamedBytesRead);
        o[QStringLiteral("weight_reads")] = loaded.reads.direct ? QStringLiteral("direct") : QStringLiteral("buffered");
        o[QStringLiteral("weight_reads_reason")] = QString::fromStdString(loaded.weightReadReason);
        o[QStringLiteral("weight_reads_note")] = QString::fromStdString(loaded.reads.notes);
        o[QStringLiteral("direct_bytes_read")] = static_cast<double>(loaded.reads.directBytes);
        o[QStringLiteral("buffered_bytes_read")] = static_cast<double>(loaded.reads.bufferedBytes);
        o[QStringLiteral("stop_reason")] = QString::fromLatin1(stopReasonName(result.stopReason));
        o[QStringLiteral("interrupted")] = interrupted;
        if (interrupted) o[QStringLiteral("signal")] = QString::fromLatin1(InterruptScope::signalName());
        QJsonArray thermalArray;
        for (const auto& e : thermalEvents) {
            QJsonObject t;
            t[QStringLiteral("action")] =
                QString::fromUtf8(describe(e.action).data(), static_cast<qsizetype>(describe(e.action).size()));
            if (e.temperatureC) t[QStringLiteral("temperature_c")] = *e.temperatureC;
            t[QStringLiteral("threads_before")] = e.threadsBefore;
            t[QStringLiteral("threads_after")] = e.threadsAfter;
            t[QStringLiteral("pause_ms")] = e.pauseMs;
            t[QStringLiteral("reason")] = QString::fromStdString(e.reason);
            thermalArray.append(t);
        }
        o[QStringLiteral("thermal_events")] = thermalArray;
        QJsonArray ids;
        for (auto id : result.tokens) ids.append(id);
        o[QStringLiteral("tokens")] = ids;
        std::fprintf(stderr, "%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return exitStatus;
    }

    std::fprintf(stderr, "\n--- edge-rt run: %s%s ---\n", loaded.graph->displayName().c_str(),
                 interrupted ? " (interrupted)" : "");
    if (interrupted)
        std::fprintf(stderr, "interrupted by %s: %s; the numbers below cover what ran until then\n",
                     InterruptScope::signalName(),
                     result.stopReason == StopReason::Cancelled ? "stopped at a layer-group boundary"
                                                                : "the generation had already ended");
    printSetupReport(setup, loaded);
    std::fprintf(stderr, "prefill    %s in %.2f ms = %.1f tokens/s\n",
                 countOf(result.promptTokens, "token", "tokens").c_str(), result.prefillMs,
                 result.prefillTokensPerSecond());
    std::fprintf(stderr, "decode     %s in %.2f ms = %.1f tokens/s (first token after %.2f ms; stop: %s%s%s)\n",
                 countOf(result.tokens.size(), "token", "tokens").c_str(), result.decodeMs,
                 result.decodeTokensPerSecond(), result.timeToFirstTokenMs, stopReasonName(result.stopReason),
                 turn.stopString.empty() ? "" : " ",
                 turn.stopString.empty() ? "" : ("'" + turn.stopString + "'").c_str());
    if (!turn.message.empty()) std::fprintf(stderr, "context    %s\n", turn.message.c_str());
    std::fprintf(stderr,
                 "streamed   %s read from disk over %s (all loads: %s with O_DIRECT, %s through the page cache)\n",
                 formatBytes(result.streamedBytesRead).c_str(),
                 countOf(result.forwardPasses, "forward pass", "forward passes").c_str(),
                 formatBytes(loaded.reads.directBytes).c_str(), formatBytes(loaded.reads.bufferedBytes).c_str());
    for (const auto& e : thermalEvents)
        std::fprintf(stderr, "thermal    %s: %s\n", describe(e.action).data(), e.reason.c_str());
    printMemoryReport(loaded);
    return exitStatus;
}

}  // namespace edgert::cli
