// edge-rt run: generate text from a model under a memory budget, streaming tokens to stdout,
// then a report (load, prefill/decode tokens/s, plan, pool peak, measured peak RSS) to stderr.
#include "budget-option.h"
#include "cli-common.h"
#include "cli-config.h"
#include "commands.h"

#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "edgert/monitor/memory-info.h"
#include "edgert/monitor/process-memory.h"
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
    StreamingPrinter(const Tokenizer& tokenizer, bool printIds, const std::string& promptText)
        : m_streamer(tokenizer, !promptText.empty()), m_printIds(printIds)
    {
        // The prompt as typed, then the continuation (as llama.cpp's main prints it).
        if (!printIds && !promptText.empty()) std::fputs(promptText.c_str(), stdout);
    }
    void onToken(TokenId id, std::size_t index) override
    {
        if (m_printIds) std::printf("%s%d", index ? " " : "", id);
        else std::fputs(m_streamer.push(id).c_str(), stdout);
        std::fflush(stdout);
    }
    void finish()
    {
        if (!m_printIds) std::fputs(m_streamer.flush().c_str(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }

private:
    TextStreamer m_streamer;
    bool m_printIds;
};

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace

int runCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Generate text from a GGUF or HF SafeTensors model under a memory budget."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("GGUF file or HF SafeTensors model directory (default: $EDGERT_MODEL or ../shared/models/tinystories-656k-q8_0.gguf)."), QStringLiteral("path")},
        {QStringLiteral("memory-budget"), QStringLiteral("Memory budget: bytes or 512K, 64M, 1G, or auto (what MemAvailable / the cgroup leaves, minus headroom) (default: enough to keep every weight resident)."), QStringLiteral("size")},
        {QStringLiteral("strategy"), QStringLiteral("Partition strategy: sequential, greedy-grouping, speculative-prefetch."), QStringLiteral("name"), QStringLiteral("greedy-grouping")},
        {QStringLiteral("prompt"), QStringLiteral("Prompt text (default: empty, generation starts from BOS)."), QStringLiteral("text")},
        {QStringList{QStringLiteral("n"), QStringLiteral("max-tokens")}, QStringLiteral("Tokens to generate."), QStringLiteral("N"), QStringLiteral("100")},
        {QStringLiteral("temp"), QStringLiteral("Sampling temperature; 0 = greedy."), QStringLiteral("T"), QStringLiteral("0")},
        {QStringLiteral("top-k"), QStringLiteral("Top-k cut (0 = off)."), QStringLiteral("K"), QStringLiteral("40")},
        {QStringLiteral("top-p"), QStringLiteral("Nucleus (top-p) cut in (0, 1]."), QStringLiteral("P"), QStringLiteral("0.95")},
        {QStringLiteral("seed"), QStringLiteral("RNG seed for sampling."), QStringLiteral("S"), QStringLiteral("0")},
        {QStringLiteral("threads"), QStringLiteral("Compute threads (default: physical cores)."), QStringLiteral("T")},
        {QStringLiteral("ctx"), QStringLiteral("KV-cache context in tokens (default: prompt + n)."), QStringLiteral("N")},
        {QStringLiteral("batch"), QStringLiteral("Prompt tokens per prefill pass (default 32)."), QStringLiteral("N"), QStringLiteral("32")},
        {QStringLiteral("ids"), QStringLiteral("Print token ids instead of text.")},
        {QStringLiteral("report"), QStringLiteral("Report format on stderr: text or json."), QStringLiteral("format"), QStringLiteral("text")},
        {QStringLiteral("soft-limit"), QStringLiteral("Thermal soft limit in °C: fewer threads and cool-down pauses above it."), QStringLiteral("C"), QStringLiteral("75")},
        {QStringLiteral("hard-limit"), QStringLiteral("Thermal hard limit in °C: compute pauses above it."), QStringLiteral("C"), QStringLiteral("82")},
        {QStringLiteral("sysfs-root"), QStringLiteral("Read /proc and /sys below this directory (testing; also $EDGERT_SYSFS_ROOT)."), QStringLiteral("dir")},
        {QStringLiteral("strict-memory"), QStringLiteral("Fail instead of warning when the budget exceeds MemAvailable.")},
    });
    parser.addOption(configOption());
    if (!parseWithConfig(parser, arguments, ConfigUse::Run)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    rejectPositional(parser);
    const QString reportFormat = parser.value(QStringLiteral("report"));
    if (reportFormat != QLatin1String("text") && reportFormat != QLatin1String("json"))
        throw UsageError("--report expects 'text' or 'json', got '" + reportFormat.toStdString() + "'");

    const auto strategy = makeStrategy(parser.value(QStringLiteral("strategy")).toStdString());
    GenerationParams gen;
    gen.maxTokens = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("n"), 1, 1u << 20));
    gen.sampler.temperature = static_cast<float>(parseDouble(parser, QStringLiteral("temp")));
    gen.sampler.topK = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("top-k"), 0, 1u << 24));
    gen.sampler.topP = static_cast<float>(parseDouble(parser, QStringLiteral("top-p")));
    gen.sampler.seed = parseUnsigned(parser, QStringLiteral("seed"), 0, ~0ull);
    Sampler validateSampler(gen.sampler);  // throws on bad temperature / top-p before loading
    const int threads = parser.isSet(QStringLiteral("threads"))
                            ? static_cast<int>(parseUnsigned(parser, QStringLiteral("threads"), 1, 256))
                            : defaultThreads();
    const auto nBatch = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("batch"), 1, 4096));
    std::uint64_t budget = 0;
    if (parser.isSet(QStringLiteral("memory-budget")))
        budget = parseBudget(parser.value(QStringLiteral("memory-budget")).toStdString());
    const std::string modelPath = resolveModelPath(parser.value(QStringLiteral("model")));
    ThermalPolicyConfig thermal;
    thermal.softLimitC = parseDouble(parser, QStringLiteral("soft-limit"));
    thermal.hardLimitC = parseDouble(parser, QStringLiteral("hard-limit"));
    if (!(thermal.softLimitC > 0 && thermal.softLimitC < thermal.hardLimitC && thermal.hardLimitC < 150))
        throw UsageError("thermal limits must satisfy 0 < --soft-limit < --hard-limit < 150 °C");
    QString sysfsRoot = parser.value(QStringLiteral("sysfs-root"));
    if (sysfsRoot.isEmpty()) sysfsRoot = qEnvironmentVariable("EDGERT_SYSFS_ROOT", QStringLiteral("/"));
    const std::filesystem::path root = sysfsRoot.toStdString();

    // ---- measure from here: everything the model and the run hold counts against the budget.
    const bool peakReset = resetPeakRss();
    const auto baseline = readProcessMemory();

    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(modelPath).validate());
    if (graph->displayName().find("synthetic") != std::string::npos)
        std::fprintf(stderr, "edge-rt run: warning: '%s' has random weights (edge-rt synth): the generated text is "
                     "meaningless; use it to measure speed and memory\n", graph->displayName().c_str());
    IdleEngine idle(graph, EngineOptions{threads});
    const auto& hp = graph->hparams();
    std::vector<TokenId> prompt = idle.tokenizer().encode(parser.value(QStringLiteral("prompt")).toStdString(), true);
    if (prompt.empty()) prompt.push_back(idle.tokenizer().bos());

    RunShape shape;
    shape.nCtx = parser.isSet(QStringLiteral("ctx"))
                     ? static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("ctx"), 1, hp.contextLength))
                     : std::min<std::uint32_t>(hp.contextLength, static_cast<std::uint32_t>(prompt.size()) + gen.maxTokens);
    if (prompt.size() >= shape.nCtx)
        throw UsageError("the prompt has " + std::to_string(prompt.size()) + " tokens, which leaves no room in the " +
                         std::to_string(shape.nCtx) + "-token context");
    shape.nBatch = std::min<std::uint32_t>(nBatch, static_cast<std::uint32_t>(prompt.size()));
    if (budget == 0) budget = fullBudget(*strategy, makePlanInput(*graph, shape));

    // The budget against what the system can give (MemAvailable), before anything is leased.
    const auto memory = readMemoryInfo(root);
    if (memory.availableBytes.available() && budget > *memory.availableBytes) {
        const std::string msg = "memory budget " + formatBytes(budget) + " (" + std::to_string(budget) +
                                " bytes) exceeds MemAvailable " + formatBytes(*memory.availableBytes) + " (" +
                                std::to_string(*memory.availableBytes) + " bytes)";
        if (parser.isSet(QStringLiteral("strict-memory"))) throw BudgetError(msg + " (--strict-memory)");
        std::fprintf(stderr, "edge-rt run: warning: %s; the system may swap or kill the process\n", msg.c_str());
    } else if (!memory.availableBytes.available() && parser.isSet(QStringLiteral("strict-memory"))) {
        throw BudgetError("--strict-memory: MemAvailable is not available (" + memory.availableBytes.reason() + ")");
    }

    auto planned = std::move(idle).plan(*strategy, budget, shape);
    MemoryPool pool(budget);
    std::optional<GenerationResult> result;
    std::vector<ThermalEvent> thermalEvents;
    double loadMs = 0.0;
    PartitionPlan plan = planned.plan();
    {
        auto ready = std::move(planned).prepare(pool);
        loadMs = ready.loadMs();
        StreamingPrinter printer(ready.tokenizer(), parser.isSet(QStringLiteral("ids")),
                                 parser.value(QStringLiteral("prompt")).toStdString());
        ThermalPolicy::Environment env;
        env.readTemperatureC = thermalZoneTemperatureSource(root);
        ThermalPolicy policy(thermal, threads, env);
        policy.setEventSink([&](const ThermalEvent& e) {
            if (e.action != ThermalAction::Hold) thermalEvents.push_back(e);
        });
        ThermalGovernor governor(policy, &printer);
        result = ready.generate(prompt, gen, &governor);
        printer.finish();
    }
    const auto after = readProcessMemory();
    const std::uint64_t baseRss = baseline.rssBytes.valueOr(0);
    const std::uint64_t peakRss = after.peakRssBytes.valueOr(0);
    const std::uint64_t peakAbove = peakRss > baseRss ? peakRss - baseRss : 0;
    const double allowed = static_cast<double>(budget) * 1.05 + 4.0 * 1024 * 1024;

    if (reportFormat == QLatin1String("json")) {
        QJsonObject o;
        o[QStringLiteral("model")] = QString::fromStdString(modelPath);
        o[QStringLiteral("strategy")] = QString::fromStdString(plan.strategy);
        o[QStringLiteral("budget_bytes")] = static_cast<double>(budget);
        o[QStringLiteral("groups")] = static_cast<int>(plan.groups.size());
        o[QStringLiteral("streamed_groups")] = static_cast<int>(plan.streamedGroupCount());
        o[QStringLiteral("pinned_bytes")] = static_cast<double>(plan.pinnedBytes);
        o[QStringLiteral("streamed_bytes_per_pass")] = static_cast<double>(plan.streamedBytesPerPass);
        o[QStringLiteral("load_ms")] = loadMs;
        o[QStringLiteral("prompt_tokens")] = static_cast<int>(result->promptTokens);
        o[QStringLiteral("generated_tokens")] = static_cast<int>(result->tokens.size());
        o[QStringLiteral("prefill_tokens_per_second")] = result->prefillTokensPerSecond();
        o[QStringLiteral("decode_tokens_per_second")] = result->decodeTokensPerSecond();
        o[QStringLiteral("time_to_first_token_ms")] = result->timeToFirstTokenMs;
        o[QStringLiteral("pool_peak_bytes")] = static_cast<double>(pool.peakBytes());
        o[QStringLiteral("pool_end_bytes")] = static_cast<double>(pool.usedBytes());
        o[QStringLiteral("baseline_rss_bytes")] = static_cast<double>(baseRss);
        o[QStringLiteral("peak_rss_bytes")] = static_cast<double>(peakRss);
        o[QStringLiteral("peak_rss_above_baseline_bytes")] = static_cast<double>(peakAbove);
        o[QStringLiteral("peak_rss_measured")] = peakReset && after.peakRssBytes.available();
        o[QStringLiteral("streamed_bytes_read")] = static_cast<double>(result->streamedBytesRead);
        o[QStringLiteral("stop_reason")] = QString::fromLatin1(stopReasonName(result->stopReason));
        QJsonArray thermalArray;
        for (const auto& e : thermalEvents) {
            QJsonObject t;
            t[QStringLiteral("action")] = QString::fromUtf8(describe(e.action).data(), static_cast<qsizetype>(describe(e.action).size()));
            if (e.temperatureC) t[QStringLiteral("temperature_c")] = *e.temperatureC;
            t[QStringLiteral("threads_before")] = e.threadsBefore;
            t[QStringLiteral("threads_after")] = e.threadsAfter;
            t[QStringLiteral("pause_ms")] = e.pauseMs;
            t[QStringLiteral("reason")] = QString::fromStdString(e.reason);
            thermalArray.append(t);
        }
        o[QStringLiteral("thermal_events")] = thermalArray;
        QJsonArray ids;
        for (auto id : result->tokens) ids.append(id);
        o[QStringLiteral("tokens")] = ids;
        std::fprintf(stderr, "%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    std::fprintf(stderr, "\n--- edge-rt run: %s ---\n", graph->displayName().c_str());
    std::fprintf(stderr, "model      %s (%s, %u layers, dim %u, vocab %u, %s weights)\n",
                 std::filesystem::path(graph->path()).filename().c_str(), architectureName(hp.arch), hp.nLayers, hp.dim,
                 hp.vocabSize, formatBytes(graph->weightBytes()).c_str());
    std::fprintf(stderr, "plan       %s, budget %s: %zu groups (%zu streamed), pinned %s, streamed %s per pass\n",
                 plan.strategy.c_str(), formatBytes(budget).c_str(), plan.groups.size(), plan.streamedGroupCount(),
                 formatBytes(plan.pinnedBytes).c_str(), formatBytes(plan.streamedBytesPerPass).c_str());
    std::fprintf(stderr, "load       %.1f ms (KV cache, scratch and pinned weights, %d threads)\n", loadMs, threads);
    std::fprintf(stderr, "prefill    %u tokens in %.2f ms = %.1f tokens/s\n", result->promptTokens, result->prefillMs,
                 result->prefillTokensPerSecond());
    std::fprintf(stderr, "decode     %zu tokens in %.2f ms = %.1f tokens/s (first token after %.2f ms; stop: %s)\n",
                 result->tokens.size(), result->decodeMs, result->decodeTokensPerSecond(), result->timeToFirstTokenMs,
                 stopReasonName(result->stopReason));
    std::fprintf(stderr, "streamed   %s read from disk over %llu forward passes\n",
                 formatBytes(result->streamedBytesRead).c_str(), static_cast<unsigned long long>(result->forwardPasses));
    std::fprintf(stderr, "pool peak  %s of the %s budget (%s in use after the run)\n",
                 formatBytes(pool.peakBytes()).c_str(), formatBytes(budget).c_str(), formatBytes(pool.usedBytes()).c_str());
    for (const auto& e : thermalEvents)
        std::fprintf(stderr, "thermal    %s: %s\n", describe(e.action).data(), e.reason.c_str());
    if (peakReset && after.peakRssBytes.available())
        std::fprintf(stderr, "peak RSS   %.2f MiB above the pre-load baseline of %.2f MiB (VmHWM %.2f MiB, /proc/self/status); "
                     "limit budget+5%%+4 MiB = %.2f MiB: %s\n",
                     mib(peakAbove), mib(baseRss), mib(peakRss), allowed / (1024.0 * 1024.0),
                     static_cast<double>(peakAbove) <= allowed ? "within" : "EXCEEDED");
    else
        std::fprintf(stderr, "peak RSS   not measured (%s)\n",
                     after.peakRssBytes.available() ? "kernel refused to reset VmHWM" : after.peakRssBytes.reason().c_str());
    return 0;
}

}  // namespace edgert::cli
