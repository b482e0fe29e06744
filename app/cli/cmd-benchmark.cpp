// edge-rt benchmark: load, prefill and decode speed and memory for every combination of
// strategy × memory budget × thread count, with warm-up and repetitions (mean ± sd), a summary,
// an optional roofline (machine memory and file read bandwidth) and an execution timeline.
// Numbers come from real runs of the engine; peak RSS is measured per combination from
// /proc/self/status after resetting VmHWM.
#include "background-load.h"
#include "budget-option.h"
#include "cli-common.h"
#include "generation-setup.h"
#include "cli-config.h"
#include "commands.h"
#include "interrupt.h"
#include "llama-bench-compare.h"

#include "edgert/auto-choice.h"
#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "edgert/monitor/cpu-info.h"
#include "edgert/monitor/process-memory.h"
#include "edgert/roofline.h"
#include "edgert/session.h"
#include "edgert/units.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <thread>
#include <utility>

#include <unistd.h>

namespace edgert::cli {

namespace {

struct Stat {
    double mean = 0, sd = 0;
    static Stat of(const std::vector<double>& v)
    {
        Stat s;
        if (v.empty()) return s;
        for (double x : v) s.mean += x;
        s.mean /= static_cast<double>(v.size());
        if (v.size() > 1) {
            for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
            s.sd = std::sqrt(s.sd / static_cast<double>(v.size() - 1));
        }
        return s;
    }
};

struct Row {
    std::string strategy;
    std::string budgetSpec;  // as given to --sweep-memory ("min", "full" or bytes)
    std::uint64_t budget = 0;
    int threads = 1;
    std::string error;  // set when the combination could not run
    std::size_t groups = 0, streamedGroups = 0;
    std::uint64_t pinnedBytes = 0, streamedBytesPerPass = 0, weightBytesPerToken = 0;
    std::uint64_t poolPeak = 0, rssPeakAbove = 0;
    double loadMs = 0;
    Stat prefill, decode;  // tokens/s
    double overlapPercent = -1;
    bool directReads = false;   // layer groups read with O_DIRECT (after any fallback)
    std::string weightReadWhy;  // --weight-reads: why direct or buffered; a fallback note
    // --strategies auto: the row ran the strategy the cost model picked (autoPicked) at this
    // budget; after the sweep, its decode as a share of the best other row of the same threads
    // and budget (autoBest; < 0 when the sweep has no other row there).
    std::string autoPicked, autoChoice, autoBest;
    double autoPercentOfBest = -1;
    QJsonArray timeline;
    // Decode passes of the measured repetitions, and how many of them the adaptive team ran on the
    // calling thread alone (runtime/adaptive-team.h; 0 at 1 thread or EDGERT_ADAPTIVE_TEAM=0).
    std::size_t decodePasses = 0, soloDecodePasses = 0;
    int repetitions = 0;       // completed (the interrupted one is not counted)
    bool interrupted = false;  // a signal stopped this combination before all repetitions ran
};

// Records group events of the decode passes (from the first sampled token on) of an armed turn.
// Also counts the decode passes of every measured turn (counting) and those computed on one thread.
struct TimelineRecorder : RunObserver {
    std::vector<GroupEvent> events;
    bool armed = false;
    bool recording = false;
    bool counting = false, decoding = false;
    std::uint64_t lastPass = ~std::uint64_t{0};
    std::size_t decodePasses = 0, soloDecodePasses = 0;
    void onToken(TokenId /*id*/, std::size_t /*index*/) override
    {
        recording = armed;
        decoding = counting;
    }
    void onGroupEvent(const GroupEvent& e) override
    {
        if (recording) events.push_back(e);
        if (decoding && e.phase == GroupEvent::Phase::Compute && e.pass != lastPass) {
            lastPass = e.pass;  // a pass's first group stands for it (all its groups share the team)
            ++decodePasses;
            soloDecodePasses += e.threads == 1;
        }
    }
    // Share of the time spent loading streamed groups that ran while some group computed.
    double overlapPercent() const
    {
        double loadTotal = 0, overlapped = 0;
        for (const auto& l : events) {
            if (l.phase != GroupEvent::Phase::Load) continue;
            loadTotal += l.endMs - l.startMs;
            for (const auto& c : events) {
                if (c.phase != GroupEvent::Phase::Compute) continue;
                overlapped += std::max(0.0, std::min(l.endMs, c.endMs) - std::max(l.startMs, c.startMs));
            }
        }
        return loadTotal > 0 ? 100.0 * overlapped / loadTotal : -1.0;
    }
};

std::vector<std::string> splitList(const QString& text)
{
    std::vector<std::string> out;
    for (const auto& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(part.trimmed().toStdString());
    return out;
}

double mb(std::uint64_t bytes)
{
    return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

}  // namespace

int benchmarkCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measure load, prefill and decode speed and memory for strategies x budgets x threads."));
    addHelpOption(parser);
    addOptionsShowingDefaults(
        parser,
        {
            {QStringLiteral("model"), QStringLiteral("Model file (default: $EDGERT_MODEL or the default model)."),
             QStringLiteral("path")},
            {QStringLiteral("strategies"),
             QStringLiteral("Comma-separated strategies, and 'auto' for a row that runs what the cost model picks, "
                            "compared with the best other row (default: the three strategies)."),
             QStringLiteral("list")},
            {QStringLiteral("sweep-memory"),
             QStringLiteral("Comma-separated budgets, e.g. 256M,512M,1G, 'min', 'full' or 'auto' (default: full)."),
             QStringLiteral("list"), QStringLiteral("full")},
            {QStringLiteral("p"), QStringLiteral("Prompt tokens for the prefill test."), QStringLiteral("N"),
             QStringLiteral("128")},
            {QStringLiteral("n"), QStringLiteral("Tokens to decode."), QStringLiteral("N"), QStringLiteral("64")},
            {QStringLiteral("r"), QStringLiteral("Repetitions (after one warm-up)."), QStringLiteral("N"),
             QStringLiteral("5")},
            {QStringLiteral("threads"), QStringLiteral("Comma-separated thread counts (default: physical cores)."),
             QStringLiteral("list")},
            {QStringLiteral("batch"), QStringLiteral("Prompt tokens per prefill pass."), QStringLiteral("N"),
             QStringLiteral("64")},
            {QStringLiteral("output"), QStringLiteral("table, csv or json."), QStringLiteral("format"),
             QStringLiteral("table")},
            {QStringLiteral("weight-reads"),
             QStringLiteral("How layer groups are read: direct (O_DIRECT), buffered (page cache) or auto (direct when "
                            "the page cache cannot keep the streamed bytes beside the budget), per combination."),
             QStringLiteral("mode"), QStringLiteral("auto")},
            {QStringLiteral("roofline"),
             QStringLiteral("Measure memory and file read bandwidth and relate the results to them.")},
            {QStringLiteral("timeline"),
             QStringLiteral("Write per-group load/compute intervals of the last decode repetition to FILE.json."),
             QStringLiteral("file")},
            {QStringLiteral("background-load"),
             QStringLiteral("Spin N other processes for the whole benchmark (a shared core)."), QStringLiteral("N"),
             QStringLiteral("0")},
            {QStringLiteral("compare-llama-bench"),
             QStringLiteral(
                 "Also run this llama-bench binary on the same model, threads, -p, -n and -r, after edge-rt at "
                 "each thread count, and print both and the ratio."),
             QStringLiteral("path")},
        });
    parser.addOption(configOption());
    if (!parseWithConfig(parser, arguments, ConfigUse::Benchmark)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    const QString output = parser.value(QStringLiteral("output"));
    if (output != QLatin1String("table") && output != QLatin1String("csv") && output != QLatin1String("json"))
        throw UsageError("--output expects table, csv or json, got '" + output.toStdString() + "'");
    const auto nPrompt = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("p"), 1, 1u << 16));
    const auto nDecode = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("n"), 1, 1u << 16));
    const auto reps = static_cast<int>(parseUnsigned(parser, QStringLiteral("r"), 1, 1000));
    const auto batch = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("batch"), 1, 4096));
    const auto backgroundProcesses = static_cast<int>(parseUnsigned(parser, QStringLiteral("background-load"), 0, 64));
    const std::string llamaBench = parser.value(QStringLiteral("compare-llama-bench")).toStdString();
    std::vector<std::string> strategies = parser.isSet(QStringLiteral("strategies"))
                                              ? splitList(parser.value(QStringLiteral("strategies")))
                                              : strategyNames();
    for (const auto& s : strategies)
        if (s != "auto") makeStrategy(s);  // validates names up front
    std::vector<int> threadCounts;
    if (parser.isSet(QStringLiteral("threads"))) {
        for (const auto& t : splitList(parser.value(QStringLiteral("threads")))) {
            bool ok = false;
            const int v = QString::fromStdString(t).toInt(&ok);
            if (!ok || v < 1 || v > 256) throw UsageError("--threads expects numbers from 1 to 256, got '" + t + "'");
            threadCounts.push_back(v);
        }
    } else {
        threadCounts.push_back(defaultThreads());
    }
    const std::string weightReads = parser.value(QStringLiteral("weight-reads")).toStdString();
    resolveWeightReads(weightReads, 0, 0);  // validates the word before loading
    auto budgetSpecs = splitList(parser.value(QStringLiteral("sweep-memory")));
    for (auto& b : budgetSpecs)
        if (b != "min" && b != "full") b = std::to_string(parseBudget(b));  // "auto" resolves once, here
    const std::string modelPath = resolveModelPath(parser.value(QStringLiteral("model")));

    // From here SIGINT/SIGTERM stop the benchmark at the next layer-group boundary: the rows
    // measured so far are printed (marked interrupted) and the exit status is 128 + signal.
    const InterruptScope interrupt;
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(modelPath).validate());
    const auto& hp = graph->hparams();
    if (nPrompt + nDecode > hp.contextLength)
        throw UsageError("-p + -n = " + std::to_string(nPrompt + nDecode) + " exceeds the model's context of " +
                         std::to_string(hp.contextLength));
    const RunShape shape{nPrompt + nDecode, std::min(batch, nPrompt)};
    const PlanInput input = makePlanInput(*graph, shape);
    std::mt19937 rng(42);
    std::uniform_int_distribution<TokenId> pick(3, static_cast<TokenId>(hp.vocabSize) - 1);
    std::vector<TokenId> prompt(nPrompt);
    for (auto& t : prompt) t = pick(rng);
    std::uint64_t weightBytesPerToken = 0;
    for (const auto& u : input.units) weightBytesPerToken += u.weightBytes;

    const bool synthetic = graph->displayName().find("synthetic") != std::string::npos;
    std::fprintf(stderr,
                 "benchmark: %s — %s, %u layers, %s weights; prefill %s (batch %u), decode %s, "
                 "%s after a warm-up%s\n",
                 graph->displayName().c_str(), architectureName(hp.arch), hp.nLayers,
                 formatBytes(graph->weightBytes()).c_str(), countOf(nPrompt, "token", "tokens").c_str(), shape.nBatch,
                 countOf(nDecode, "token", "tokens").c_str(),
                 countOf(static_cast<unsigned>(reps), "repetition", "repetitions").c_str(),
                 synthetic ? " (random weights: speed and memory only)" : "");

    std::fprintf(stderr, "system: %s kernels · %s\n", std::string(activeKernelTableName()).c_str(),
                 cpuDescription().c_str());
    const BackgroundLoad background(backgroundProcesses);
    if (background.size() > 0)
        std::fprintf(stderr, "background load: %d spinning processes for the duration of the benchmark\n",
                     background.size());
    std::map<int, LlamaBenchResult> llama;
    std::vector<Row> rows;
    const std::size_t total = threadCounts.size() * strategies.size() * budgetSpecs.size();
    std::size_t done = 0;
    TimelineRecorder recorder;
    // The \r progress line only on a terminal; in a log it would pile up as ^M-joined text.
    const bool progressOnTty = ::isatty(STDERR_FILENO) != 0;
    for (int threads : threadCounts)
        for (const auto& name : strategies)
            for (const auto& spec : budgetSpecs) {
                if (InterruptScope::requested()) break;
                Row row;
                row.strategy = name;
                row.budgetSpec = spec;
                row.threads = threads;
                std::unique_ptr<PartitionStrategy> strategy;
                if (name == "auto") {
                    // The smallest budget any strategy plans at ("min"), the one that keeps every
                    // weight resident in the fewest groups ("full"), or the sweep's bytes.
                    std::uint64_t least = ~0ull;
                    for (const auto& n : strategyNames())
                        least = std::min(least, makeStrategy(n)->minimumBudget(input));
                    row.budget = spec == "min"    ? least
                                 : spec == "full" ? fullBudget(*makeStrategy("greedy-grouping"), input)
                                                  : std::stoull(spec);
                } else {
                    strategy = makeStrategy(name);
                    row.budget = spec == "min"    ? strategy->minimumBudget(input)
                                 : spec == "full" ? fullBudget(*strategy, input)
                                                  : std::stoull(spec);
                }
                ++done;
                std::fprintf(stderr, progressOnTty ? "\r[%zu/%zu] %s, %s, %s ...        " : "[%zu/%zu] %s, %s, %s\n",
                             done, total, name.c_str(), formatBytes(row.budget).c_str(),
                             countOf(static_cast<unsigned>(threads), "thread", "threads").c_str());
                std::fflush(stderr);
                try {
                    // One path with run/chat (edgert/auto-choice.h): auto measures the bandwidths
                    // when something would stream, then this row runs its pick like any other.
                    const RunChoice choice = resolveRunChoice(
                        input, name, row.budget, weightReads, [&](std::uint64_t budgetBytes, bool direct) {
                            return probeMachineBandwidth(modelPath, threads, budgetBytes, direct);
                        });
                    if (!strategy) {
                        strategy = makeStrategy(choice.strategy);
                        row.autoPicked = choice.strategy;
                        row.autoChoice = choice.autoChoice;
                    }
                    const WeightReadChoice& reads = choice.reads;
                    row.weightReadWhy = reads.reason;
                    auto planned =
                        IdleEngine(graph, EngineOptions{threads, reads.direct}).plan(*strategy, row.budget, shape);
                    const auto& plan = planned.plan();
                    row.groups = plan.groups.size();
                    row.streamedGroups = plan.streamedGroupCount();
                    row.pinnedBytes = plan.pinnedBytes;
                    row.streamedBytesPerPass = plan.streamedBytesPerPass;
                    row.weightBytesPerToken = weightBytesPerToken;
                    resetPeakRss();
                    const auto baseline = readProcessMemory().rssBytes.valueOr(0);
                    std::shared_ptr<const MemoryPool> pool;
                    {
                        auto ready = std::move(planned).prepare();
                        pool = ready.pool();
                        row.loadMs = ready.loadMs();
                        // One turn of a Session per repetition: prefill of the prompt, then nDecode
                        // greedy decode passes (the first sampled token comes from the prefill).
                        Session session(ready);
                        GenerationParams params;
                        params.maxTokens = nDecode + 1;
                        params.stopAtEos = false;
                        std::vector<double> prefillRates, decodeRates;
                        InterruptObserver observer(&recorder);
                        for (int rep = -1; rep < reps; ++rep) {  // rep -1 is the warm-up
                            session.reset();
                            session.append(prompt);
                            recorder.events.clear();
                            recorder.armed = rep == reps - 1;
                            recorder.counting = rep >= 0;
                            const TurnResult turn = session.generate(params, &observer);
                            recorder.armed = recorder.recording = recorder.counting = recorder.decoding = false;
                            if (turn.generation.stopReason == StopReason::Cancelled || InterruptScope::requested()) {
                                row.interrupted = true;  // a cut repetition's rates would mislead
                                recorder.events.clear();
                                break;
                            }
                            if (rep < 0) continue;
                            ++row.repetitions;
                            prefillRates.push_back(turn.generation.prefillTokensPerSecond());
                            decodeRates.push_back(turn.generation.decodeTokensPerSecond());
                        }
                        row.prefill = Stat::of(prefillRates);
                        row.decode = Stat::of(decodeRates);
                        row.overlapPercent = recorder.overlapPercent();
                        row.decodePasses = std::exchange(recorder.decodePasses, 0);
                        row.soloDecodePasses = std::exchange(recorder.soloDecodePasses, 0);
                        row.directReads = ready.directReads();
                        if (const auto note = ready.weightReadNotes(); !note.empty()) row.weightReadWhy += "; " + note;
                        for (const auto& e : recorder.events) {
                            QJsonObject o;
                            o[QStringLiteral("group")] = static_cast<int>(e.group);
                            o[QStringLiteral("phase")] =
                                e.phase == GroupEvent::Phase::Load ? QStringLiteral("load") : QStringLiteral("compute");
                            o[QStringLiteral("pass")] = static_cast<double>(e.pass);
                            o[QStringLiteral("start_ms")] = e.startMs;
                            o[QStringLiteral("end_ms")] = e.endMs;
                            o[QStringLiteral("worker")] = e.onWorker;
                            row.timeline.append(o);
                        }
                    }
                    row.poolPeak = pool->peakBytes();
                    const auto peak = readProcessMemory().peakRssBytes.valueOr(0);
                    row.rssPeakAbove = peak > baseline ? peak - baseline : 0;
                } catch (const BudgetError& e) {
                    row.error = e.what();
                }
                rows.push_back(std::move(row));
                if (!llamaBench.empty() && name == strategies.back() && spec == budgetSpecs.back() &&
                    !InterruptScope::requested()) {
                    // Back to back with edge-rt's runs at this thread count, under the same load.
                    std::fprintf(
                        stderr,
                        progressOnTty ? "\r[llama-bench] %s ...                              " : "[llama-bench] %s\n",
                        countOf(static_cast<unsigned>(threads), "thread", "threads").c_str());
                    std::fflush(stderr);
                    llama[threads] =
                        runLlamaBench(llamaBench, modelPath, {threads}, nPrompt, nDecode, reps, 1800).at(threads);
                }
            }
    if (progressOnTty) std::fprintf(stderr, "\r%60s\r", "");

    // --strategies auto: each auto row against the best named strategy of its threads and budget.
    bool hasAuto = false;
    for (auto& a : rows) {
        if (a.strategy != "auto") continue;
        hasAuto = true;
        if (!a.error.empty() || a.repetitions == 0) continue;
        const Row* best = nullptr;
        for (const auto& r : rows)
            if (r.strategy != "auto" && r.threads == a.threads && r.budgetSpec == a.budgetSpec && r.error.empty() &&
                r.repetitions > 0 && (!best || r.decode.mean > best->decode.mean))
                best = &r;
        if (!best || best->decode.mean <= 0) continue;
        a.autoBest = best->strategy;
        a.autoPercentOfBest = 100.0 * a.decode.mean / best->decode.mean;
    }

    // ---- roofline ---------------------------------------------------------------------------
    std::map<int, double> memoryBandwidth;
    FileReadBandwidth fileBandwidth;
    double directBandwidth = 0;  // O_DIRECT read rate of the model file (0: refused)
    const bool interrupted = InterruptScope::requested();
    const int exitStatus = interrupted ? InterruptScope::exitStatus() : 0;
    if (interrupted)
        std::fprintf(stderr, "benchmark interrupted by %s: %zu of %zu combinations ran; printing what was measured\n",
                     InterruptScope::signalName(), rows.size(), total);
    const bool roofline = parser.isSet(QStringLiteral("roofline")) && !interrupted;
    if (interrupted && parser.isSet(QStringLiteral("roofline")))
        std::fprintf(stderr, "roofline: skipped (interrupted)\n");
    if (roofline) {
        std::fprintf(stderr, "roofline: measuring memory read bandwidth and file read bandwidth ...\n");
        // 512 MiB, or half of what the machine / its cgroup has left (a cgroup sized for the budget).
        const std::uint64_t probe = std::clamp<std::uint64_t>(
            autoMemoryBudget().availableBytes / 2 / (16ull << 20) * (16ull << 20), 16ull << 20, 512ull << 20);
        for (int t : threadCounts) memoryBandwidth[t] = measureMemoryReadBandwidth(t, probe);
        fileBandwidth = measureFileReadBandwidth(modelPath);
        directBandwidth = measureDirectReadBandwidth(modelPath);
    }
    const auto achievedGBs = [&](const Row& r) {
        return static_cast<double>(r.weightBytesPerToken) * r.decode.mean / 1e9;
    };
    // The file rate a row's streamed reads can reach: the device's (O_DIRECT) or the page cache's.
    const auto fileRate = [&](const Row& r) {
        return r.directReads && directBandwidth > 0 ? directBandwidth : fileBandwidth.warmBytesPerSecond;
    };
    const auto diskBoundTokS = [&](const Row& r) {
        return r.streamedBytesPerPass > 0 ? fileRate(r) / static_cast<double>(r.streamedBytesPerPass) : 0.0;
    };

    if (parser.isSet(QStringLiteral("timeline"))) {
        QJsonArray runs;
        for (const auto& r : rows) {
            if (!r.error.empty()) continue;
            QJsonObject o;
            o[QStringLiteral("strategy")] = QString::fromStdString(r.strategy);
            o[QStringLiteral("budget_bytes")] = static_cast<double>(r.budget);
            o[QStringLiteral("threads")] = r.threads;
            o[QStringLiteral("overlap_percent")] = r.overlapPercent;
            o[QStringLiteral("events")] = r.timeline;
            runs.append(o);
        }
        QFile f(parser.value(QStringLiteral("timeline")));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw IoError("cannot write timeline '" + f.fileName().toStdString() +
                          "': " + f.errorString().toStdString());
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("model"), QString::fromStdString(modelPath)},
                                          {QStringLiteral("runs"), runs}})
                    .toJson());
    }

    // ---- output -----------------------------------------------------------------------------
    if (output == QLatin1String("json")) {
        QJsonArray arr;
        for (const auto& r : rows) {
            QJsonObject o;
            o[QStringLiteral("strategy")] = QString::fromStdString(r.strategy);
            o[QStringLiteral("budget_bytes")] = static_cast<double>(r.budget);
            o[QStringLiteral("threads")] = r.threads;
            if (!r.error.empty()) {
                o[QStringLiteral("error")] = QString::fromStdString(r.error);
                arr.append(o);
                continue;
            }
            o[QStringLiteral("repetitions_completed")] = r.repetitions;
            o[QStringLiteral("interrupted")] = r.interrupted;
            o[QStringLiteral("groups")] = static_cast<int>(r.groups);
            o[QStringLiteral("streamed_groups")] = static_cast<int>(r.streamedGroups);
            o[QStringLiteral("pinned_bytes")] = static_cast<double>(r.pinnedBytes);
            o[QStringLiteral("streamed_bytes_per_pass")] = static_cast<double>(r.streamedBytesPerPass);
            o[QStringLiteral("pool_peak_bytes")] = static_cast<double>(r.poolPeak);
            o[QStringLiteral("peak_rss_above_baseline_bytes")] = static_cast<double>(r.rssPeakAbove);
            o[QStringLiteral("load_ms")] = r.loadMs;
            o[QStringLiteral("prefill_tokens_per_second")] = r.prefill.mean;
            o[QStringLiteral("prefill_sd")] = r.prefill.sd;
            o[QStringLiteral("decode_tokens_per_second")] = r.decode.mean;
            o[QStringLiteral("decode_sd")] = r.decode.sd;
            if (r.overlapPercent >= 0) o[QStringLiteral("prefetch_overlap_percent")] = r.overlapPercent;
            o[QStringLiteral("decode_passes")] = static_cast<double>(r.decodePasses);
            o[QStringLiteral("solo_decode_passes")] = static_cast<double>(r.soloDecodePasses);
            o[QStringLiteral("weight_reads")] = r.directReads ? QStringLiteral("direct") : QStringLiteral("buffered");
            o[QStringLiteral("weight_reads_reason")] = QString::fromStdString(r.weightReadWhy);
            if (!r.autoPicked.empty()) {
                o[QStringLiteral("auto_strategy")] = QString::fromStdString(r.autoPicked);
                o[QStringLiteral("auto_choice")] = QString::fromStdString(r.autoChoice);
                if (r.autoPercentOfBest >= 0) {
                    o[QStringLiteral("auto_best_strategy")] = QString::fromStdString(r.autoBest);
                    o[QStringLiteral("auto_percent_of_best")] = r.autoPercentOfBest;
                }
            }
            if (roofline) {
                o[QStringLiteral("decode_gb_per_second")] = achievedGBs(r);
                o[QStringLiteral("memory_bandwidth_gb_per_second")] = memoryBandwidth[r.threads] / 1e9;
                if (r.streamedBytesPerPass) o[QStringLiteral("disk_bound_tokens_per_second")] = diskBoundTokS(r);
            }
            arr.append(o);
        }
        QJsonObject root{{QStringLiteral("model"), QString::fromStdString(modelPath)},
                         {QStringLiteral("prompt_tokens"), static_cast<int>(nPrompt)},
                         {QStringLiteral("decode_tokens"), static_cast<int>(nDecode)},
                         {QStringLiteral("repetitions"), reps},
                         {QStringLiteral("interrupted"), interrupted},
                         {QStringLiteral("results"), arr}};
        if (interrupted) root[QStringLiteral("signal")] = QString::fromLatin1(InterruptScope::signalName());
        if (roofline) {
            QJsonObject bw;
            for (auto [t, v] : memoryBandwidth) bw[QString::number(t)] = v / 1e9;
            root[QStringLiteral("memory_read_gb_per_second_by_threads")] = bw;
            root[QStringLiteral("file_read_warm_gb_per_second")] = fileBandwidth.warmBytesPerSecond / 1e9;
            root[QStringLiteral("file_read_cold_gb_per_second")] = fileBandwidth.coldBytesPerSecond / 1e9;
            root[QStringLiteral("file_read_direct_gb_per_second")] = directBandwidth / 1e9;
        }
        if (!llama.empty()) {
            QJsonArray lb;
            for (const auto& [t, l] : llama)
                lb.append(QJsonObject{{QStringLiteral("threads"), t},
                                      {QStringLiteral("pp_tokens_per_second"), l.pp.mean},
                                      {QStringLiteral("pp_sd"), l.pp.sd},
                                      {QStringLiteral("tg_tokens_per_second"), l.tg.mean},
                                      {QStringLiteral("tg_sd"), l.tg.sd}});
            root[QStringLiteral("llama_bench")] = lb;
            root[QStringLiteral("background_load_processes")] = background.size();
        }
        std::printf("%s\n", QJsonDocument(root).toJson(QJsonDocument::Indented).constData());
        return exitStatus;
    }

    const bool csv = output == QLatin1String("csv");
    if (csv)
        std::printf(
            "strategy,budget_bytes,threads,groups,streamed_groups,pinned_mib,streamed_mib_per_pass,pool_peak_mib,"
            "peak_rss_mib,load_ms,prefill_tok_s,prefill_sd,decode_tok_s,decode_sd,overlap_pct,repetitions,"
            "interrupted%s%s\n",
            roofline ? ",decode_gb_s,mem_bw_gb_s,disk_bound_tok_s" : "",
            hasAuto ? ",auto_strategy,auto_pct_of_best" : "");
    else
        std::printf("%-21s %9s %3s %6s %9s %9s %8s %8s %8s %16s %16s%s\n", "strategy", "budget", "thr", "groups",
                    "pinned MiB", "stream MiB", "pool MiB", "RSS MiB", "load ms", "prefill tok/s", "decode tok/s",
                    roofline ? "   decode GB/s (% of mem BW)  disk-bound tok/s" : "");
    for (const auto& r : rows) {
        if (!r.error.empty()) {
            if (csv)  // every column of the header, empty
                std::printf("%s,%llu,%d,,,,,,,,,,,,,,%s%s\n", r.strategy.c_str(),
                            static_cast<unsigned long long>(r.budget), r.threads, roofline ? ",,," : "",
                            hasAuto ? ",," : "");
            else
                std::printf("%-21s %9s %3d  cannot plan: %s\n", r.strategy.c_str(), formatBytes(r.budget).c_str(),
                            r.threads, r.error.c_str());
            continue;
        }
        if (csv) {
            std::printf("%s,%llu,%d,%zu,%zu,%.2f,%.2f,%.2f,%.2f,%.1f,%.2f,%.2f,%.2f,%.2f,", r.strategy.c_str(),
                        static_cast<unsigned long long>(r.budget), r.threads, r.groups, r.streamedGroups,
                        mb(r.pinnedBytes), mb(r.streamedBytesPerPass), mb(r.poolPeak), mb(r.rssPeakAbove), r.loadMs,
                        r.prefill.mean, r.prefill.sd, r.decode.mean, r.decode.sd);
            if (r.overlapPercent >= 0) std::printf("%.1f", r.overlapPercent);  // empty: nothing streamed to overlap
            std::printf(",%d,%d", r.repetitions, r.interrupted ? 1 : 0);
            if (roofline)
                std::printf(",%.2f,%.2f,%.2f", achievedGBs(r), memoryBandwidth[r.threads] / 1e9, diskBoundTokS(r));
            if (hasAuto) {
                std::printf(",%s,", r.autoPicked.c_str());
                if (r.autoPercentOfBest >= 0) std::printf("%.1f", r.autoPercentOfBest);
            }
            std::printf("\n");
            continue;
        }
        char groups[32];
        std::snprintf(groups, sizeof groups, "%zu/%zu", r.groups, r.streamedGroups);
        char prefill[32], decode[32];
        std::snprintf(prefill, sizeof prefill, "%.1f ± %.1f", r.prefill.mean, r.prefill.sd);
        std::snprintf(decode, sizeof decode, "%.1f ± %.1f", r.decode.mean, r.decode.sd);
        std::printf("%-21s %9s %3d %6s %9.1f %9.1f %8.1f %8.1f %8.1f %16s %16s", r.strategy.c_str(),
                    formatBytes(r.budget).c_str(), r.threads, groups, mb(r.pinnedBytes), mb(r.streamedBytesPerPass),
                    mb(r.poolPeak), mb(r.rssPeakAbove), r.loadMs, prefill, decode);
        if (roofline) {
            std::printf("   %6.2f (%4.1f%%)", achievedGBs(r),
                        100.0 * achievedGBs(r) * 1e9 / memoryBandwidth[r.threads]);
            if (r.streamedBytesPerPass)
                std::printf("   %8.1f (achieved %4.1f%%)", diskBoundTokS(r), 100.0 * r.decode.mean / diskBoundTokS(r));
        }
        if (!r.autoPicked.empty()) {
            std::printf("   picked %s", r.autoPicked.c_str());
            if (r.autoPercentOfBest >= 0)
                std::printf(": %.1f%% of the best (%s)", r.autoPercentOfBest, r.autoBest.c_str());
        }
        if (r.interrupted) std::printf("   interrupted after %d of %d repetitions", r.repetitions, reps);
        std::printf("\n");
    }
    // In CSV mode stdout is the table alone (one header, one line per row); the summary and
    // notes go to stderr.
    FILE* const notes = csv ? stderr : stdout;
    // Summary.
    const Row* fastest = nullptr;
    const Row* leanest = nullptr;
    for (const auto& r : rows) {
        if (!r.error.empty() || r.repetitions == 0) continue;
        if (!fastest || r.decode.mean > fastest->decode.mean) fastest = &r;
        if (!leanest || r.rssPeakAbove < leanest->rssPeakAbove) leanest = &r;
    }
    if (fastest)
        std::fprintf(notes,
                     "\nfastest decode: %s at %s, %s: %.1f tokens/s\n"
                     "most memory-efficient: %s at %s, %s: peak RSS +%.1f MiB, %.1f tokens/s\n",
                     fastest->strategy.c_str(), formatBytes(fastest->budget).c_str(),
                     countOf(static_cast<unsigned>(fastest->threads), "thread", "threads").c_str(),
                     fastest->decode.mean, leanest->strategy.c_str(), formatBytes(leanest->budget).c_str(),
                     countOf(static_cast<unsigned>(leanest->threads), "thread", "threads").c_str(),
                     mb(leanest->rssPeakAbove), leanest->decode.mean);
    // The adaptive team (runtime/adaptive-team.h): how often a multi-thread row's decode ran alone.
    bool teamHeader = false;
    for (const auto& r : rows) {
        if (r.threads < 2 || r.decodePasses == 0) continue;
        if (!teamHeader)
            std::fprintf(notes,
                         "\nadaptive team (decode passes run on the calling thread alone, measured repetitions):\n");
        teamHeader = true;
        std::fprintf(notes, "  %s, %s, %d thr: %zu of %zu (%.0f%%)\n", r.strategy.c_str(),
                     formatBytes(r.budget).c_str(), r.threads, r.soloDecodePasses, r.decodePasses,
                     100.0 * static_cast<double>(r.soloDecodePasses) / static_cast<double>(r.decodePasses));
    }
    if (roofline) {
        std::fprintf(notes, "roofline: memory read");
        for (auto [t, v] : memoryBandwidth) std::fprintf(notes, " %.1f GB/s (%d thr)", v / 1e9, t);
        std::fprintf(notes,
                     "; model file read %.2f GB/s cached, %.2f GB/s cold (evicted), %.2f GB/s O_DIRECT; %s weights "
                     "read per token; the disk-bound limit uses the O_DIRECT rate for rows read with O_DIRECT, the "
                     "cached rate for the others\n",
                     fileBandwidth.warmBytesPerSecond / 1e9, fileBandwidth.coldBytesPerSecond / 1e9,
                     directBandwidth / 1e9, formatBytes(weightBytesPerToken).c_str());
    }
    if (!llama.empty()) {
        // edge-rt's fastest row per thread count against llama-bench at that thread count.
        std::fprintf(notes, "\nagainst llama.cpp (%s, same file, -p %u -n %u -r %d%s):\n", llamaBench.c_str(), nPrompt,
                     nDecode, reps,
                     background.size() ? (", background load " + std::to_string(background.size())).c_str() : "");
        std::fprintf(notes, "%3s %16s %16s %7s %16s %16s %7s\n", "thr", "edge-rt prefill", "llama.cpp pp", "ratio",
                     "edge-rt decode", "llama.cpp tg", "ratio");
        for (const auto& [t, l] : llama) {
            const Row* best = nullptr;
            for (const auto& r : rows)
                if (r.error.empty() && r.threads == t && (!best || r.decode.mean > best->decode.mean)) best = &r;
            if (!best) continue;
            char ep[32], lp[32], ed[32], lt[32];
            std::snprintf(ep, sizeof ep, "%.1f ± %.1f", best->prefill.mean, best->prefill.sd);
            std::snprintf(lp, sizeof lp, "%.1f ± %.1f", l.pp.mean, l.pp.sd);
            std::snprintf(ed, sizeof ed, "%.1f ± %.1f", best->decode.mean, best->decode.sd);
            std::snprintf(lt, sizeof lt, "%.1f ± %.1f", l.tg.mean, l.tg.sd);
            std::fprintf(notes, "%3d %16s %16s %6.2fx %16s %16s %6.2fx\n", t, ep, lp, best->prefill.mean / l.pp.mean,
                         ed, lt, best->decode.mean / l.tg.mean);
        }
    }
    if (roofline) {
        // --strategy auto's choice per (threads, budget) against the best measured row there.
        std::fprintf(notes,
                     "\nstrategy auto (cost model: every weight byte at the memory bandwidth, streamed bytes at the "
                     "file read rate of the rows' reads, O_DIRECT %.2f GB/s or cached %.2f GB/s, overlapped when "
                     "prefetching and the reads leave the compute cores free):\n",
                     directBandwidth / 1e9, fileBandwidth.warmBytesPerSecond / 1e9);
        for (int t : threadCounts)
            for (const auto& spec : budgetSpecs) {
                if (spec == "min") continue;  // each strategy's own minimum: no common budget to choose at
                const Row* best = nullptr;
                std::uint64_t budget = 0;
                bool direct = false;
                for (const auto& r : rows) {
                    if (r.threads != t || r.budgetSpec != spec || !r.error.empty() || r.strategy == "auto") continue;
                    budget = std::max(budget, r.budget);
                    direct = direct || (r.directReads && r.streamedBytesPerPass > 0);
                    if (!best || r.decode.mean > best->decode.mean) best = &r;
                }
                if (!best) continue;
                // O_DIRECT reads: the device copies, the worker sleeps, so they overlap compute. Buffered
                // reads copy out of the page cache on a CPU: they overlap only on a spare core.
                const MachineBandwidth bw =
                    direct && directBandwidth > 0
                        ? MachineBandwidth{memoryBandwidth[t], directBandwidth, true}
                        : MachineBandwidth{memoryBandwidth[t], fileBandwidth.warmBytesPerSecond,
                                           t < static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
                try {
                    const auto choice = autoStrategy(input, budget, bw);
                    const Row* picked = nullptr;
                    for (const auto& r : rows)
                        if (r.threads == t && r.budgetSpec == spec && r.error.empty() && r.strategy == choice.name)
                            picked = &r;
                    std::fprintf(notes, "  %d thr, %s: picks %s (predicted %.1f tok/s)", t, formatBytes(budget).c_str(),
                                 choice.name.c_str(), 1.0 / choice.predictedSeconds);
                    if (picked)
                        std::fprintf(
                            notes,
                            "; measured %.1f tok/s, best of the sweep %s %.1f tok/s: auto at %.1f%% of the best\n",
                            picked->decode.mean, best->strategy.c_str(), best->decode.mean,
                            100.0 * picked->decode.mean / best->decode.mean);
                    else
                        std::fprintf(notes, "; not in this sweep (--strategies)\n");
                } catch (const BudgetError& e) {
                    std::fprintf(notes, "  %d thr, %s: %s\n", t, formatBytes(budget).c_str(), e.what());
                }
            }
    }
    if (hasAuto) {
        std::fprintf(notes,
                     "\nstrategy auto rows (what the cost model picked and why; %% of the best other row of "
                     "the same threads and budget):\n");
        for (const auto& r : rows) {
            if (r.strategy != "auto") continue;
            if (!r.error.empty()) {
                std::fprintf(notes, "  %s, %d thr: %s\n", formatBytes(r.budget).c_str(), r.threads, r.error.c_str());
                continue;
            }
            std::fprintf(notes, "  %s, %d thr: %s\n", formatBytes(r.budget).c_str(), r.threads, r.autoChoice.c_str());
            if (r.autoPercentOfBest >= 0)
                std::fprintf(notes, "    measured %.1f tokens/s, best other row %s: auto at %.1f%% of the best%s\n",
                             r.decode.mean, r.autoBest.c_str(), r.autoPercentOfBest,
                             r.budgetSpec == "min" ? " (the other rows at their own minimum budgets)" : "");
            else
                std::fprintf(notes, "    measured %.1f tokens/s; no other strategy in this sweep to compare with\n",
                             r.decode.mean);
        }
    }
    std::fprintf(notes, "\nweight reads (--weight-reads %s):\n", weightReads.c_str());
    for (const auto& r : rows)
        if (r.error.empty())
            std::fprintf(notes, "  %s, %s, %d thr: %s (%s)\n", r.strategy.c_str(), formatBytes(r.budget).c_str(),
                         r.threads, r.directReads ? "O_DIRECT" : "page cache", r.weightReadWhy.c_str());
    std::fprintf(notes,
                 "measured: pool MiB = memory pool peak; RSS MiB = peak RSS above the pre-run baseline (VmHWM, "
                 "/proc/self/status); tokens/s = mean ± sd over %s.\n",
                 countOf(static_cast<unsigned>(reps), "repetition", "repetitions").c_str());
    if (interrupted)
        std::fprintf(notes, "interrupted by %s: %zu of %zu combinations measured\n", InterruptScope::signalName(),
                     rows.size(), total);
    return exitStatus;
}

}  // namespace edgert::cli
