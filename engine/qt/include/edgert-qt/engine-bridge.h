// EngineBridge: the engine's Qt edge. A QObject on the GUI thread that owns the open model and
// the current strategy/budget, and runs everything heavy on its own QtConcurrent workers as QCoro
// coroutines (`co_await QtConcurrent::run(...)`):
//
//   openModel(path)   reads and validates the GGUF, computes every strategy's budget range
//   setStrategy/setBudgetBytes   re-plan off the GUI thread; requests arriving during a plan are
//                     coalesced, so a slider drag plans the latest value, not every value. The
//                     strategy "auto" is resolved by the engine's cost model (edgert/auto-choice.h,
//                     the same path as `edge-rt run --strategy auto`): the plan shown and run is
//                     its pick (autoChoice() says which and why); bandwidths are measured on a
//                     worker the first time something would stream and kept for the open model
//   setWeightReads    O_DIRECT, page cache or auto (as --weight-reads), decided per run
//   run(request)      plans, prepares a MemoryPool of the budget, generates, releases the engine
//   stop()            cancels between layer groups (RunObserver::shouldStop)
//   chatTurn(message) one turn of the conversation kept on the bridge (edgert::ChatSession over
//                     an engine that stays prepared between turns, so a turn prefills only its
//                     new tokens); resetChat() forgets it and releases its engine
//
// Every signal is emitted on the GUI thread. The worker's tokens, group timings, thermal events
// and live figures reach it through one queued drain per burst (see run-channel.h).
//
// Contract: a run leases its KV cache, scratch and layer groups from a pool made for that run and
// destroys its ReadyEngine before finished()/failed() is emitted, so after either signal
// poolUsedBytes() is 0 — also after Stop — and the bridge is ready for the next run. A chat is
// the exception by design: its engine (KV cache) stays leased between turns, until resetChat(),
// a run(), or a turn after the model, strategy or budget changed (which starts a new chat). Engine
// errors (edgert::Error and any std::exception) are caught on the worker and arrive as failed()
// with a readable message; nothing crosses the QFuture as an exception, so no
// QUnhandledException can escape. Destroying the bridge stops a run and waits for its worker.
#pragma once

#include "edgert-qt/bridge-types.h"

#include "edgert/memory-pool.h"
#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "edgert/thermal-policy.h"

#include <QFuture>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace edgert::qt {

namespace detail {
struct BandwidthCache;
struct ChatState;
struct RunJob;
class RunChannel;
struct ThermalGate;
class PoolSlot;
}  // namespace detail

class EngineBridge : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(bool planning READ isPlanning NOTIFY planningChanged)

public:
    explicit EngineBridge(QObject* parent = nullptr);
    ~EngineBridge() override;

    /// Loads and validates `path` on a worker. On success: modelChanged, then a plan (planChanged).
    /// On failure: failed(message); the previous model (if any) stays open. Returns success.
    QCoro::Task<bool> openModel(QString path);
    /// Re-plans the current strategy and budget (also done automatically by the setters).
    /// Completes when the plan for the latest request is known.
    QCoro::Task<bool> replan();
    /// Runs `request` with the current strategy and budget. Completes after finished()/failed().
    /// Returns the report, or nullopt when the run failed or could not start.
    QCoro::Task<std::optional<RunReport>> run(RunRequest request);

    /// Starts run() without waiting (for buttons).
    void start(const RunRequest& request);
    /// One chat turn: `request.prompt` is the user's message (the other fields as for run()),
    /// `systemPrompt` the conversation's system prompt (used when the chat starts). Streams
    /// tokenGenerated / statsUpdated like run(); ends with chatTurnFinished or failed.
    QCoro::Task<std::optional<ChatReport>> chatTurn(RunRequest request, QString systemPrompt = {});
    /// Starts chatTurn() without waiting (for buttons).
    void startChatTurn(const RunRequest& request, const QString& systemPrompt = {});
    /// Forgets the conversation and releases its engine (after the running turn, if any).
    void resetChat();
    /// Whether a conversation (and its engine) is held.
    bool hasChat() const { return m_chat != nullptr; }

    /// Asks the running generation to stop between layer groups. Harmless when idle.
    void stop();

    /// A known strategy name ("sequential", ...) or "auto"; the budget is clamped into its range
    /// (auto's: the smallest minimum of the three to the largest all-resident budget). Re-plans.
    void setStrategy(const QString& name);
    /// How runs read layer groups: "auto" (default: O_DIRECT when the page cache cannot keep the
    /// streamed bytes beside the budget), "direct" (O_DIRECT) or "buffered" (page cache). Another
    /// word emits failed() and changes nothing. Takes effect from the next plan and run.
    void setWeightReads(const QString& mode);
    /// Clamped into the current strategy's range. Re-plans.
    void setBudgetBytes(quint64 bytes);
    /// Compute threads for runs (also the thermal policy's maximum). Default: ideal thread count.
    void setThreads(int threads);
    /// Root of /sys for the thermal policy's sensor (tests point it at a fixture). Default "/".
    void setThermalRoot(const QString& root);
    void setThermalConfig(const ThermalPolicyConfig& config);
    /// Context tokens runs and plans are shaped for (capped by the model). Default 512.
    /// Takes effect when the next model is opened.
    void setContextTokens(int tokens);
    /// Prompt tokens per prefill pass (scratch is sized for it). Default 32. Takes effect when the
    /// next model is opened.
    void setBatchTokens(int tokens);

    QString strategy() const { return m_strategy; }
    QString weightReads() const { return m_weightReads; }
    /// With the strategy "auto": what it picked for the latest plan (invalid otherwise).
    const AutoChoiceInfo& autoChoice() const { return m_autoChoice; }
    quint64 budgetBytes() const { return m_budgetBytes; }
    int threads() const { return m_threads; }
    const ModelInfo& model() const { return m_model; }
    bool hasModel() const { return m_graph != nullptr; }
    /// The budget range of `strategy` (default: the current one) for the open model.
    BudgetRange budgetRange(const QString& strategy = {}) const;
    /// The latest plan (empty groups when there is none).
    const PartitionPlan& plan() const { return m_plan; }
    /// The plan input of the open model (units with tensor names, KV, scratch).
    const PlanInput& planInput() const { return m_planInput; }
    /// The open model's tensor `name` (nullopt when there is none).
    std::optional<TensorSummary> tensorSummary(const QString& name) const;
    const ThermalPolicyConfig& thermalConfig() const { return m_thermalConfig; }
    /// True once the thermal policy found no sensor on this machine.
    bool thermalPolicyInert() const;

    bool isRunning() const { return m_runChannel != nullptr; }
    /// Whether the running generation is a chat turn.
    bool isChatTurnRunning() const { return m_chatTurnRunning; }
    bool isPlanning() const { return m_planning; }
    /// Bytes leased from the current (or last) run's pool right now.
    quint64 poolUsedBytes() const;

signals:
    void modelChanged(const edgert::qt::ModelInfo& model);
    void strategyChanged(const QString& name);
    void budgetChanged(quint64 bytes);
    /// setThreads() changed the compute thread count.
    void threadsChanged(int threads);
    void planChanged(const edgert::PartitionPlan& plan);
    void planningChanged(bool planning);
    void runningChanged(bool running);
    void runStarted(const edgert::PartitionPlan& plan);
    /// `text` is what became printable with token `index` (may be empty; a trailing flush has
    /// index == the token count).
    void tokenGenerated(const QString& text, int index);
    /// The engine reports an interval once it is over, so both arrive together; `ms` is since the
    /// run's engine was prepared. groupTimed carries the whole interval with pass and worker flag.
    void groupStarted(int group, edgert::qt::GroupPhase phase, double ms);
    void groupFinished(int group, edgert::qt::GroupPhase phase, double ms);
    void groupTimed(const edgert::qt::GroupTiming& timing);
    void thermalEvent(const edgert::qt::ThermalMark& mark);
    void statsUpdated(const edgert::qt::RunStats& stats);
    void finished(const edgert::qt::RunReport& report);
    /// As tokenGenerated, for a chat turn's answer (runStarted and tokenGenerated are the Run
    /// page's; a chat turn emits runningChanged, statsUpdated and the group timings as runs do).
    void chatTokenGenerated(const QString& text, int index);
    void chatTurnFinished(const edgert::qt::ChatReport& report);
    /// resetChat() (or a change of model, strategy or budget) forgot the conversation.
    void chatReset();
    void failed(const QString& message);

private:
    QCoro::Task<bool> planLoop();
    void requestReplan();
    void drain(const std::shared_ptr<detail::RunChannel>& channel);
    /// True when a run or chat turn may start: a model is open and nothing runs; otherwise emits
    /// failed() saying which.
    bool readyToRun();
    /// After a run's or chat turn's worker returned: emits what its channel still holds and closes it.
    void closeRunChannel(const std::shared_ptr<detail::RunChannel>& channel);
    /// Emits runningChanged(false), then failed() (and returns false) when `report` is empty, or
    /// the final statsUpdated() (and returns true). `what` names the job in the log ("run").
    template <class Report>
    bool endRun(const std::optional<Report>& report, const QString& error, const char* what);
    /// What a run's or chat turn's worker needs, from the current model, plan settings and
    /// request; opens the run's channel and pool slot (they become m_runChannel and m_pool).
    detail::RunJob newRunJob(const RunRequest& request);
    /// A new run channel whose events drain on the GUI thread; becomes m_runChannel.
    std::shared_ptr<detail::RunChannel> openRunChannel();
    void setPlanning(bool planning);
    void ensureThermalGate();

    QThreadPool m_workers;
    std::shared_ptr<const ValidatedModelGraph> m_graph;
    ModelInfo m_model;
    PlanInput m_planInput;
    std::map<QString, BudgetRange> m_ranges;
    QString m_strategy = QStringLiteral("greedy-grouping");
    QString m_weightReads = QStringLiteral("auto");
    AutoChoiceInfo m_autoChoice;
    std::shared_ptr<detail::BandwidthCache> m_bandwidth;  ///< the open model's measured bandwidths
    quint64 m_budgetBytes = 0;
    int m_threads = 1;
    int m_contextTokens = 512;
    int m_batchTokens = 32;
    PartitionPlan m_plan;
    bool m_planning = false;
    bool m_replanPending = false;
    quint64 m_planGeneration = 0;  ///< bumped by every request; a plan is current when it matches

    QString m_thermalRoot = QStringLiteral("/");
    ThermalPolicyConfig m_thermalConfig;
    std::shared_ptr<detail::ThermalGate> m_thermal;

    std::shared_ptr<detail::RunChannel> m_runChannel;  ///< set while a run is in progress
    std::shared_ptr<detail::PoolSlot> m_pool;          ///< the current or last run's pool
    QFuture<void> m_runDone;                           ///< resolves when the run's worker returned
    std::shared_ptr<detail::ChatState> m_chat;         ///< the conversation; used by one worker at a time
    bool m_resetChatAfterTurn = false;
    bool m_chatTurnRunning = false;  ///< the running generation is a chat turn
};

}  // namespace edgert::qt
