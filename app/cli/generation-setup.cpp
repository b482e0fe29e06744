#include "generation-setup.h"

#include "budget-option.h"
#include "cli-common.h"

#include "edgert/auto-choice.h"
#include "edgert/error.h"
#include "edgert/monitor/cpu-info.h"
#include "edgert/monitor/memory-info.h"
#include "edgert/monitor/process-memory.h"
#include "edgert/monitor/thermal-zones.h"
#include "edgert/roofline.h"
#include "edgert/units.h"

#include <cstdio>
#include <algorithm>
#include <random>
#include <thread>

namespace edgert::cli {

namespace {
double mib(std::uint64_t bytes)
{
    return static_cast<double>(bytes) / (1024.0 * 1024.0);
}
}  // namespace

void addGenerationOptions(QCommandLineParser& parser, const char* maxTokensDefault)
{
    addOptionsShowingDefaults(
        parser,
        {
            {QStringLiteral("model"),
             QStringLiteral("GGUF file, .safetensors file or HF model directory (default: $EDGERT_MODEL or "
                            "../shared/models/tinystories-656k-q8_0.gguf)."),
             QStringLiteral("path")},
            {QStringLiteral("memory-budget"),
             QStringLiteral(
                 "Memory budget: bytes or 512K, 64M, 1G, or auto (what MemAvailable / the cgroup leaves, minus "
                 "headroom) (default: enough to keep every weight resident)."),
             QStringLiteral("size")},
            {QStringLiteral("strategy"),
             QStringLiteral("Partition strategy: sequential, greedy-grouping, speculative-prefetch, or auto (a cost "
                            "model fed by this machine's measured memory and file read bandwidth picks one)."),
             QStringLiteral("name"), QStringLiteral("greedy-grouping")},
            {QStringLiteral("weight-reads"),
             QStringLiteral("How layer groups are read: direct (O_DIRECT into the pool buffers, no page-cache "
                            "copy), buffered (through the page cache), or auto (direct when the page cache cannot "
                            "keep the streamed bytes beside the budget)."),
             QStringLiteral("mode"), QStringLiteral("auto")},
            {QStringList{QStringLiteral("n"), QStringLiteral("max-tokens")},
             QStringLiteral("Tokens to generate (per answer in chat)."), QStringLiteral("N"),
             QString::fromLatin1(maxTokensDefault)},
            {QStringLiteral("temp"), QStringLiteral("Sampling temperature; 0 = greedy."), QStringLiteral("T"),
             QStringLiteral("0")},
            {QStringLiteral("top-k"), QStringLiteral("Top-k cut (0 = off)."), QStringLiteral("K"),
             QStringLiteral("40")},
            {QStringLiteral("top-p"), QStringLiteral("Nucleus (top-p) cut in (0, 1]."), QStringLiteral("P"),
             QStringLiteral("0.95")},
            {QStringLiteral("seed"),
             QStringLiteral("RNG seed for sampling (default with --temp > 0: random, printed in the report)."),
             QStringLiteral("S")},
            {QStringLiteral("threads"), QStringLiteral("Compute threads (default: physical cores)."),
             QStringLiteral("T")},
            {QStringLiteral("ctx"), QStringLiteral("KV-cache context in tokens."), QStringLiteral("N")},
            {QStringLiteral("batch"), QStringLiteral("Prompt tokens per prefill pass (default 32)."),
             QStringLiteral("N"), QStringLiteral("32")},
            {QStringLiteral("stop"), QStringLiteral("Stop generating when the text contains TEXT (repeatable)."),
             QStringLiteral("text")},
            {QStringLiteral("special"), QStringLiteral("Print control tokens (<|im_end|>, </s>, ...) as text.")},
            {QStringLiteral("soft-limit"),
             QStringLiteral("Thermal soft limit in °C: fewer threads and cool-down pauses above it."),
             QStringLiteral("C"), QStringLiteral("75")},
            {QStringLiteral("hard-limit"), QStringLiteral("Thermal hard limit in °C: compute pauses above it."),
             QStringLiteral("C"), QStringLiteral("82")},
            {QStringLiteral("sysfs-root"),
             QStringLiteral("Read /proc and /sys below this directory (testing; also $EDGERT_SYSFS_ROOT)."),
             QStringLiteral("dir")},
            {QStringLiteral("strict-memory"),
             QStringLiteral("Fail instead of warning when the budget exceeds MemAvailable.")},
        });
}

GenerationSetup parseGenerationOptions(const QCommandLineParser& parser)
{
    GenerationSetup s;
    s.strategy = parser.value(QStringLiteral("strategy")).toStdString();
    if (s.strategy != "auto") makeStrategy(s.strategy);  // validates the name before loading
    s.weightReads = parser.value(QStringLiteral("weight-reads")).toStdString();
    if (s.weightReads != "auto" && s.weightReads != "direct" && s.weightReads != "buffered")
        throw UsageError("--weight-reads expects auto, direct or buffered, got '" + s.weightReads + "'");
    auto& gen = s.params;
    gen.maxTokens = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("n"), 1, 1u << 20));
    gen.sampler.temperature = static_cast<float>(parseDouble(parser, QStringLiteral("temp")));
    gen.sampler.topK = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("top-k"), 0, 1u << 24));
    gen.sampler.topP = static_cast<float>(parseDouble(parser, QStringLiteral("top-p")));
    if (parser.isSet(QStringLiteral("seed"))) {
        gen.sampler.seed = parseUnsigned(parser, QStringLiteral("seed"), 0, ~0ull);
    } else if (gen.sampler.temperature > 0) {
        // As llama.cpp: a fresh seed per run, printed so the run can be repeated with --seed.
        std::random_device device;
        gen.sampler.seed = (std::uint64_t{device()} << 32 | device()) & 0xffffffffull;
        s.randomSeed = true;
    }
    Sampler validate(gen.sampler);  // throws on bad temperature / top-p before loading
    s.threads = parser.isSet(QStringLiteral("threads"))
                    ? static_cast<int>(parseUnsigned(parser, QStringLiteral("threads"), 1, 256))
                    : defaultThreads();
    s.nBatch = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("batch"), 1, 4096));
    if (parser.isSet(QStringLiteral("ctx")))
        s.nCtx = static_cast<std::uint32_t>(parseUnsigned(parser, QStringLiteral("ctx"), 2, 1u << 24));
    if (parser.isSet(QStringLiteral("memory-budget")))
        s.budgetBytes = parseBudget(parser.value(QStringLiteral("memory-budget")).toStdString());
    s.modelPath = resolveModelPath(parser.value(QStringLiteral("model")));
    s.thermal.softLimitC = parseDouble(parser, QStringLiteral("soft-limit"));
    s.thermal.hardLimitC = parseDouble(parser, QStringLiteral("hard-limit"));
    if (!(s.thermal.softLimitC > 0 && s.thermal.softLimitC < s.thermal.hardLimitC && s.thermal.hardLimitC < 150))
        throw UsageError("thermal limits must satisfy 0 < --soft-limit < --hard-limit < 150 °C");
    QString root = parser.value(QStringLiteral("sysfs-root"));
    if (root.isEmpty()) root = qEnvironmentVariable("EDGERT_SYSFS_ROOT", QStringLiteral("/"));
    s.sysfsRoot = root.toStdString();
    s.strictMemory = parser.isSet(QStringLiteral("strict-memory"));
    for (const auto& stop : parser.values(QStringLiteral("stop")))
        if (!stop.isEmpty()) s.session.stopStrings.push_back(stop.toStdString());
    s.session.printSpecial = parser.isSet(QStringLiteral("special"));
    return s;
}

void warnAboutSysfsRoot(const std::filesystem::path& root, const char* command)
{
    if (root.empty() || root == "/") return;  // the machine itself: the report says what it lacks
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
        std::fprintf(stderr,
                     "edge-rt %s: warning: --sysfs-root '%s' is not a directory: no thermal data and no MemAvailable "
                     "under that root (the thermal policy is inert, the budget is not checked against free memory)\n",
                     command, root.c_str());
        return;
    }
    const auto zones = readThermalZones(root);
    if (!zones.available())
        std::fprintf(stderr,
                     "edge-rt %s: warning: no thermal data under --sysfs-root '%s' (%s): the thermal policy is inert\n",
                     command, root.c_str(), zones.reason().c_str());
}

LoadedEngine loadEngine(const GenerationSetup& setup, const char* command,
                        const std::function<RunShape(const Tokenizer&, std::uint32_t)>& shapeFor)
{
    warnAboutSysfsRoot(setup.sysfsRoot, command);
    LoadedEngine out;
    // ---- measure from here: everything the model and the run hold counts against the budget.
    out.peakReset = resetPeakRss();
    out.baselineRssBytes = readProcessMemory().rssBytes.valueOr(0);

    out.graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(setup.modelPath).validate());
    const auto& graph = *out.graph;
    if (graph.displayName().find("synthetic") != std::string::npos)
        std::fprintf(stderr,
                     "edge-rt %s: warning: %s was written by edge-rt synth with random weights: the generated "
                     "text is meaningless; use it to measure speed and memory\n",
                     command, std::filesystem::path(setup.modelPath).filename().c_str());
    IdleEngine idle(out.graph, EngineOptions{setup.threads});
    const auto& hp = graph.hparams();
    const RunShape wanted = shapeFor(idle.tokenizer(), hp.contextLength);
    RunShape shape;
    if (setup.nCtx) {
        if (*setup.nCtx > hp.contextLength)
            throw UsageError("--ctx " + std::to_string(*setup.nCtx) + " exceeds the model's context of " +
                             std::to_string(hp.contextLength) + " tokens");
        shape.nCtx = *setup.nCtx;
    } else {
        shape.nCtx = std::clamp<std::uint32_t>(wanted.nCtx, 2, hp.contextLength);
    }
    shape.nBatch =
        std::max<std::uint32_t>(1, std::min({setup.nBatch, shape.nCtx, wanted.nBatch ? wanted.nBatch : shape.nCtx}));
    const PlanInput input = makePlanInput(graph, shape);
    const RunChoice choice = resolveRunChoice(
        input, setup.strategy, setup.budgetBytes, setup.weightReads, [&](std::uint64_t budgetBytes, bool direct) {
            return probeMachineBandwidth(setup.modelPath, setup.threads, budgetBytes, direct);
        });
    if (choice.probed) {
        // The probe ran before the baseline below, so its buffers are not counted as the run's.
        out.peakReset = resetPeakRss();
        out.baselineRssBytes = readProcessMemory().rssBytes.valueOr(0);
    }
    out.budgetBytes = choice.budgetBytes;
    out.autoChoice = choice.autoChoice;
    const auto strategy = makeStrategy(choice.strategy);
    idle.setDirectReads(choice.reads.direct);
    out.weightReadReason = choice.reads.reason;

    // The budget against what the system can give (MemAvailable), before anything is leased.
    const auto memory = readMemoryInfo(setup.sysfsRoot);
    if (memory.availableBytes.available() && out.budgetBytes > *memory.availableBytes) {
        const std::string msg = "memory budget " + formatBytes(out.budgetBytes) + " (" +
                                std::to_string(out.budgetBytes) + " bytes) exceeds MemAvailable " +
                                formatBytes(*memory.availableBytes) + " (" + std::to_string(*memory.availableBytes) +
                                " bytes)";
        if (setup.strictMemory) throw BudgetError(msg + " (--strict-memory)");
        std::fprintf(stderr, "edge-rt %s: warning: %s; the system may swap or kill the process\n", command,
                     msg.c_str());
    } else if (!memory.availableBytes.available() && setup.strictMemory) {
        throw BudgetError("--strict-memory: MemAvailable is not available (" + memory.availableBytes.reason() + ")");
    }

    auto planned = std::move(idle).plan(*strategy, out.budgetBytes, shape);
    out.plan = planned.plan();
    out.engine.emplace(std::move(planned).prepare());
    out.pool = out.engine->pool();
    out.shape = shape;
    out.loadMs = out.engine->loadMs();
    return out;
}

LoadedEngine::ReadFigures readFigures(const ReadyEngine& engine)
{
    return {engine.directReads(), engine.weightReadNotes(), engine.directBytesRead(), engine.bufferedBytesRead()};
}

void recordReads(LoadedEngine& loaded)
{
    if (loaded.engine) loaded.reads = readFigures(*loaded.engine);
}

void printSetupReport(const GenerationSetup& setup, const LoadedEngine& loaded)
{
    const auto& graph = *loaded.graph;
    const auto& hp = graph.hparams();
    const auto& plan = loaded.plan;
    std::fprintf(stderr, "model      %s (%s, %u layers, dim %u, vocab %u, %s weights)\n",
                 std::filesystem::path(graph.path()).filename().c_str(), architectureName(hp.arch), hp.nLayers, hp.dim,
                 hp.vocabSize, formatBytes(graph.weightBytes()).c_str());
    std::fprintf(stderr, "plan       %s, budget %s: %s (%zu streamed), pinned %s, streamed %s per pass\n",
                 plan.strategy.c_str(), formatBytes(loaded.budgetBytes).c_str(),
                 countOf(plan.groups.size(), "group", "groups").c_str(), plan.streamedGroupCount(),
                 formatBytes(plan.pinnedBytes).c_str(), formatBytes(plan.streamedBytesPerPass).c_str());
    if (!loaded.autoChoice.empty()) std::fprintf(stderr, "auto       %s\n", loaded.autoChoice.c_str());
    if (const auto note = weightsOutsideGroupsNote(graph.weightBytes(), plan.units); !note.empty())
        std::fprintf(stderr, "           %s\n", note.c_str());
    LoadedEngine::ReadFigures reads = loaded.reads;
    if (loaded.engine) reads = readFigures(*loaded.engine);
    std::fprintf(stderr, "reads      %s (%s)%s%s\n", reads.direct ? "O_DIRECT" : "through the page cache",
                 loaded.weightReadReason.c_str(), reads.notes.empty() ? "" : "; ", reads.notes.c_str());
    std::fprintf(stderr, "load       %.1f ms (KV cache of %u tokens, scratch and pinned weights, %d threads)\n",
                 loaded.loadMs, loaded.shape.nCtx, setup.threads);
    std::fprintf(stderr, "system     %s\n", systemInfoLine(setup.threads).c_str());
    const auto& s = setup.params.sampler;
    if (s.temperature > 0)
        std::fprintf(stderr, "sampling   temperature %.2f, top-k %u, top-p %.2f, seed %llu%s\n", s.temperature, s.topK,
                     s.topP, static_cast<unsigned long long>(s.seed),
                     setup.randomSeed ? " (random; repeat with --seed)" : "");
    else
        std::fprintf(stderr, "sampling   greedy (deterministic)\n");
}

void printMemoryReport(const LoadedEngine& loaded)
{
    const auto& pool = *loaded.pool;
    std::fprintf(stderr, "pool peak  %s of the %s budget (%s in use now)\n", formatBytes(pool.peakBytes()).c_str(),
                 formatBytes(loaded.budgetBytes).c_str(), formatBytes(pool.usedBytes()).c_str());
    const auto after = readProcessMemory();
    const std::uint64_t peakRss = after.peakRssBytes.valueOr(0);
    const std::uint64_t base = loaded.baselineRssBytes;
    const std::uint64_t peakAbove = peakRss > base ? peakRss - base : 0;
    const double allowed = static_cast<double>(loaded.budgetBytes) * 1.05 + 4.0 * 1024 * 1024;
    if (loaded.peakReset && after.peakRssBytes.available())
        std::fprintf(stderr,
                     "peak RSS   %.2f MiB above the pre-load baseline of %.2f MiB (VmHWM %.2f MiB, /proc/self/status); "
                     "limit budget+5%%+4 MiB = %.2f MiB: %s\n",
                     mib(peakAbove), mib(base), mib(peakRss), allowed / (1024.0 * 1024.0),
                     static_cast<double>(peakAbove) <= allowed ? "within" : "EXCEEDED");
    else
        std::fprintf(
            stderr, "peak RSS   not measured (%s)\n",
            after.peakRssBytes.available() ? "kernel refused to reset VmHWM" : after.peakRssBytes.reason().c_str());
}

}  // namespace edgert::cli
