// Value types the engine's Qt edge hands to the GUI: what a model is, which budgets a strategy
// can plan, what a run was asked to do, how it is going and how it ended. Plain copyable data,
// registered as Qt metatypes so they travel through signals and QSignalSpy.
#pragma once

#include "edgert/inference-engine.h"
#include "edgert/partition-planner.h"
#include "edgert/thermal-policy.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <cstdint>
#include <vector>

namespace edgert::qt {
Q_NAMESPACE

/// Tokens a run may generate beyond those the GUI thread has received (tokenGenerated): the worker
/// waits when it is this far ahead, so Stop lands within this many tokens of the text on screen
/// even when inference starves the GUI of CPU.
inline constexpr int kMaxTokensAheadOfGui = 16;

/// The two things a layer group does in a forward pass.
enum class GroupPhase { Load, Compute };
Q_ENUM_NS(GroupPhase)

/// What the dashboard shows about an opened, validated model.
struct ModelInfo {
    QString path;
    QString displayName;   ///< general.name, or the file name
    QString architecture;  ///< "llama"
    int nLayers = 0;
    int dim = 0;
    int vocabSize = 0;
    int contextLength = 0;    ///< the model's trained context, tokens
    quint64 weightBytes = 0;  ///< bytes the forward pass reads
    quint64 fileSizeBytes = 0;
    RunShape shape;  ///< the run shape every plan and run of the bridge uses
    bool valid() const { return !path.isEmpty(); }
    /// Written by `edge-rt synth` (random weights: its text is meaningless). The same rule as the
    /// CLI's warning: synth names its models "synthetic <shape> shape, ... (edge-rt synth; ...)".
    bool synthetic() const { return displayName.startsWith(QLatin1String("synthetic ")); }
};

/// The budgets a strategy can plan for the open model (pool footprints, bytes).
struct BudgetRange {
    quint64 minimumBytes = 0;  ///< the planner's minimum: KV + scratch + largest unit (pair, for prefetch)
    quint64 fullBytes = 0;     ///< the smallest budget at which every weight stays resident
    bool valid() const { return fullBytes > 0; }
};

/// One tensor of the open model, for the plan view's inspector.
struct TensorSummary {
    QString name;   ///< "blk.0.attn_q.weight"
    QString type;   ///< "Q8_0"
    QString shape;  ///< "[128, 128]"
    quint64 bytes = 0;
};

/// What a run is asked to do.
struct RunRequest {
    QString prompt;  ///< empty: generation starts from BOS
    int maxTokens = 64;
    double temperature = 0.0;  ///< 0: greedy
    quint64 seed = 0;          ///< sampling seed (ignored when greedy)
    int topK = 40;             ///< 0: no top-k cut (when sampling)
    double topP = 0.95;        ///< nucleus cut in (0, 1] (when sampling)
};

/// Figures of a run, live while it runs (statsUpdated) and final in RunReport.
struct RunStats {
    int promptTokens = 0;
    int generatedTokens = 0;
    double loadMs = 0.0;               ///< prepare(): KV cache, scratch and pinned weights
    double elapsedMs = 0.0;            ///< since generation started (after prepare)
    double timeToFirstTokenMs = -1.0;  ///< since generation started; < 0 until the first token
    double prefillTokensPerSecond = 0.0;
    double decodeTokensPerSecond = 0.0;  ///< over the tokens after the first
    quint64 poolUsedBytes = 0;
    quint64 poolPeakBytes = 0;
    quint64 budgetBytes = 0;
    int threads = 0;  ///< compute threads in use (the thermal policy may lower them)
};

/// What the strategy "auto" resolved to (edgert/auto-choice.h: a cost model over this machine's
/// measured memory and file read bandwidth), for a plan (EngineBridge::autoChoice()) or a run.
struct AutoChoiceInfo {
    QString strategy;       ///< the strategy it picked ("greedy-grouping"); "" when auto was not asked for
    bool measured = false;  ///< something would stream, so the bandwidths were measured; else every
                            ///< weight stays resident and the fewest groups won without measuring
    double predictedTokensPerSecond = 0.0;  ///< the cost model's decode figure for the pick (when measured)
    double memoryGBPerSecond = 0.0;         ///< measured memory read bandwidth, GB/s (when measured)
    double fileGBPerSecond = 0.0;           ///< measured model-file read rate, GB/s (when measured)
    QString detail;                         ///< the engine's one-line reason, as `edge-rt run` prints it (English)
    bool valid() const { return !strategy.isEmpty(); }
};

/// How a run ended (finished()).
struct RunReport {
    RunStats stats;
    QString text;                 ///< the generated text, as streamed
    std::vector<TokenId> tokens;  ///< generated ids (prompt excluded)
    StopReason stopReason = StopReason::MaxTokens;
    PartitionPlan plan;  ///< the plan the run executed
    quint64 streamedBytesRead = 0;
    quint64 forwardPasses = 0;
    quint64 poolEndBytes = 0;   ///< pool usage after the engine was released (0 unless a lease leaked)
    AutoChoiceInfo autoChoice;  ///< with the strategy "auto": what it picked (plan.strategy) and why
    bool directReads = false;   ///< layer groups were read with O_DIRECT (after any fallback)
    QString weightReadReason;   ///< why O_DIRECT or the page cache (EngineBridge::setWeightReads)
    QString weightReadNote;     ///< the fallback note when the filesystem refused O_DIRECT, else ""
    bool cancelled() const { return stopReason == StopReason::Cancelled; }
};

/// One chat turn's outcome (chatTurnFinished()): the answer and what the KV cache did.
struct ChatReport {
    RunStats stats;
    QString text;  ///< the answer, as streamed
    StopReason stopReason = StopReason::MaxTokens;
    bool accepted = false;    ///< false: the message did not fit the context; nothing was added
    int reusedTokens = 0;     ///< conversation tokens already in the KV cache
    int prefilledTokens = 0;  ///< tokens run before the first answer token
    int droppedTurns = 0;     ///< old turns forgotten to make room
    int contextUsed = 0;      ///< tokens of the conversation after the turn
    int contextSize = 0;      ///< tokens the KV cache holds
    QString message;          ///< the engine's sentence on a full context / dropped turns, or ""
    QString templateName;     ///< the chat template family ("chatml", "plain", ...)
    QString templateNote;     ///< e.g. the model has no template ("" otherwise)
    bool cancelled() const { return stopReason == StopReason::Cancelled; }
};

/// One load or compute interval of a group, in ms since the run's engine was prepared.
struct GroupTiming {
    int group = 0;
    GroupPhase phase = GroupPhase::Compute;
    quint64 pass = 0;  ///< forward pass number of the run, from 1
    double startMs = 0.0;
    double endMs = 0.0;
    bool onWorker = false;  ///< loaded by the prefetch worker while another group computed
};

/// A thermal-policy action placed on the run's timeline.
struct ThermalMark {
    double ms = 0.0;  ///< since the run's engine was prepared
    ThermalAction action = ThermalAction::Hold;
    double temperatureC = 0.0;  ///< NaN when there is no sensor
    int threadsBefore = 0;
    int threadsAfter = 0;
    int pauseMs = 0;
    QString reason;  ///< the policy's own (English) explanation
};

/// Translated names for display; stable identifiers stay the engine's ("greedy-grouping", "auto").
QString strategyTitle(const QString& name);
QString strategyDescription(const QString& name);
/// "Auto chose Greedy grouping: predicted 1306 tokens/s (memory 3.4 GB/s, disk 1.5 GB/s)", translated
/// ("" when `choice` is not valid).
QString autoChoiceText(const AutoChoiceInfo& choice);
QString stopReasonText(StopReason reason);
QString thermalActionText(ThermalAction action);

/// "812 B", "272.0 KiB", "1.20 MiB", "1.50 GiB" in the current locale (decimal comma in German).
QString formatBytes(quint64 bytes);

}  // namespace edgert::qt

Q_DECLARE_METATYPE(edgert::qt::ModelInfo)
Q_DECLARE_METATYPE(edgert::qt::BudgetRange)
Q_DECLARE_METATYPE(edgert::qt::RunRequest)
Q_DECLARE_METATYPE(edgert::qt::RunStats)
Q_DECLARE_METATYPE(edgert::qt::RunReport)
Q_DECLARE_METATYPE(edgert::qt::AutoChoiceInfo)
Q_DECLARE_METATYPE(edgert::qt::ChatReport)
Q_DECLARE_METATYPE(edgert::qt::GroupTiming)
Q_DECLARE_METATYPE(edgert::qt::ThermalMark)
Q_DECLARE_METATYPE(edgert::PartitionPlan)
