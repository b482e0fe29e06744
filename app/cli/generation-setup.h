// The options `edge-rt run` and `edge-rt chat` share (model, budget, strategy, sampling, context,
// thermal limits, stop strings) and the loading both do before the first token: open the model
// in any format, plan, check the budget against MemAvailable, prepare the engine.
#pragma once

#include "edgert/auto-choice.h"
#include "edgert/inference-engine.h"
#include "edgert/session.h"
#include "edgert/thermal-policy.h"

#include <QCommandLineParser>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace edgert::cli {

struct GenerationSetup {
    std::string modelPath;
    std::string strategy;
    std::string weightReads = "auto";  ///< --weight-reads: auto, direct or buffered
    std::uint64_t budgetBytes = 0;     ///< 0: what keeps every weight resident
    GenerationParams params;
    bool randomSeed = false;  ///< no --seed with --temp > 0: the seed was drawn (report prints it)
    int threads = 1;
    std::uint32_t nBatch = 32;
    std::optional<std::uint32_t> nCtx;
    ThermalPolicyConfig thermal;
    std::filesystem::path sysfsRoot = "/";
    bool strictMemory = false;
    SessionOptions session;  ///< stop strings, --special, context policy
};

/// Adds the options run and chat share to `parser`.
void addGenerationOptions(QCommandLineParser& parser, const char* maxTokensDefault);
/// Reads them (UsageError naming the option on bad values; validates the sampler).
GenerationSetup parseGenerationOptions(const QCommandLineParser& parser);

/// Warns on stderr when an explicit --sysfs-root (or $EDGERT_SYSFS_ROOT) is not a directory or
/// holds no thermal zone (sys/class/thermal/thermal_zone*), so a mistyped root is not silently
/// the same as a machine without sensors. The machine's own root ("/") never warns here.
void warnAboutSysfsRoot(const std::filesystem::path& root, const char* command);

/// A model ready to generate, and the measurements around loading it.
struct LoadedEngine {
    std::shared_ptr<const ValidatedModelGraph> graph;
    std::optional<ReadyEngine> engine;
    std::shared_ptr<const MemoryPool> pool;  ///< outlives `engine`: the report reads it after
    PartitionPlan plan;
    std::uint64_t budgetBytes = 0;
    RunShape shape;
    double loadMs = 0.0;  ///< prepare(): allocation and pinned reads
    std::uint64_t baselineRssBytes = 0;
    bool peakReset = false;
    std::string autoChoice;        ///< --strategy auto: what it picked and why (one line), else empty
    std::string weightReadReason;  ///< why the weights are read with O_DIRECT or through the page cache
    /// What the engine's readers did (recordReads() copies it before the engine is released).
    struct ReadFigures {
        bool direct = false;  ///< every file read with O_DIRECT (no fallback)
        std::string notes;    ///< fallback notes
        std::uint64_t directBytes = 0, bufferedBytes = 0;
    } reads;
};

/// Resets peak RSS, measures the baseline, opens setup.modelPath (GGUF, SafeTensors or HF
/// directory), plans with the shape `shapeFor(tokenizer, model context)` (nCtx: the default
/// context, replaced by --ctx; nBatch: a cap on --batch, e.g. the prompt's length), warns (or with
/// --strict-memory fails) when the budget exceeds MemAvailable, prepares.
LoadedEngine loadEngine(const GenerationSetup& setup, const char* command,
                        const std::function<RunShape(const Tokenizer&, std::uint32_t)>& shapeFor);

/// The engine's read figures: O_DIRECT or not, fallback notes, bytes read each way.
LoadedEngine::ReadFigures readFigures(const ReadyEngine& engine);
/// loaded.reads = readFigures(*loaded.engine) (call before releasing the engine).
void recordReads(LoadedEngine& loaded);

/// The report lines both commands print: model, plan, load, sampling (with the seed).
void printSetupReport(const GenerationSetup& setup, const LoadedEngine& loaded);
/// "pool peak" and "peak RSS" lines (RSS above the pre-load baseline, against budget+5%+4 MiB).
void printMemoryReport(const LoadedEngine& loaded);

}  // namespace edgert::cli
