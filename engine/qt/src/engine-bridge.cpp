#include "edgert-qt/engine-bridge.h"

#include "edgert-qt/model-locator.h"

#include "run-channel.h"

#include "edgert/auto-choice.h"
#include "edgert/chat-session.h"
#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "edgert/session.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>
#include <qcoro/qcorosignal.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

Q_LOGGING_CATEGORY(lcBridge, "edgert.bridge")

namespace edgert::qt {

using detail::Clock;
using detail::RunChannel;
using detail::ThermalGate;

namespace detail {

/// The open model's bandwidths as the cost model of "auto" uses them, measured once per thread
/// count and read mode (the first plan or run that needs them) and shared by the workers.
struct BandwidthCache {
    std::string modelPath;
    std::mutex mutex;
    std::map<std::pair<int, bool>, MachineBandwidth> figures;  ///< (threads, O_DIRECT) -> measured

    /// The probe resolveRunChoice() calls: the kept figures, else measured now (on the caller's
    /// worker thread; two workers measuring at once both store the same kind of figure).
    static BandwidthProbe probe(std::shared_ptr<BandwidthCache> cache, int threads)
    {
        return [cache = std::move(cache), threads](std::uint64_t budgetBytes, bool direct) {
            {
                const std::lock_guard lock(cache->mutex);
                const auto it = cache->figures.find({threads, direct});
                if (it != cache->figures.end()) return it->second;
            }
            const MachineBandwidth measured = probeMachineBandwidth(cache->modelPath, threads, budgetBytes, direct);
            const std::lock_guard lock(cache->mutex);
            cache->figures[{threads, direct}] = measured;
            return measured;
        };
    }
};

/// Everything a run's worker needs, captured on the GUI thread.
struct RunJob {
    std::shared_ptr<const ValidatedModelGraph> graph;
    std::string strategy;  ///< a strategy name or "auto" (resolved on the worker)
    std::string weightReads = "auto";
    BandwidthProbe probe;
    std::uint64_t budgetBytes = 0;
    RunShape shape;
    RunRequest request;
    int threads = 1;
    std::shared_ptr<detail::PoolSlot> pool;  ///< the worker puts the engine's pool here
    std::shared_ptr<ThermalGate> thermal;
    std::shared_ptr<RunChannel> channel;
};

}  // namespace detail

using detail::RunJob;

namespace {

/// A worker's answer: a value or the reason there is none. Copyable (QFuture needs it).
template <typename T>
struct Outcome {
    std::optional<T> value;
    QString error;
};

/// Runs `work`, turning every exception into an Outcome error: nothing leaves a worker as an
/// exception, so QtConcurrent never wraps one into QUnhandledException.
template <typename T, typename Work>
Outcome<T> guarded(Work&& work) noexcept
{
    try {
        return Outcome<T>{work(), {}};
    } catch (const Error& e) {
        return Outcome<T>{std::nullopt, QString::fromStdString(e.what())};
    } catch (const std::bad_alloc&) {
        return Outcome<T>{std::nullopt, QStringLiteral("out of memory")};
    } catch (const std::exception& e) {
        return Outcome<T>{std::nullopt, QString::fromStdString(e.what())};
    } catch (...) {
        return Outcome<T>{std::nullopt, QStringLiteral("unknown error")};
    }
}

AutoChoiceInfo autoChoiceInfo(const RunChoice& choice)
{
    AutoChoiceInfo info;
    if (choice.autoChoice.empty()) return info;
    info.strategy = QString::fromStdString(choice.strategy);
    info.measured = choice.probed;
    info.predictedTokensPerSecond = choice.predictedSeconds > 0 ? 1.0 / choice.predictedSeconds : 0.0;
    info.memoryGBPerSecond = choice.bandwidth.memoryBytesPerSecond / 1e9;
    info.fileGBPerSecond = choice.bandwidth.fileBytesPerSecond / 1e9;
    info.detail = QString::fromStdString(choice.autoChoice);
    return info;
}

/// A plan of the bridge: the strategy's (auto: its pick's) plan and what auto chose.
struct BridgePlan {
    PartitionPlan plan;
    AutoChoiceInfo autoChoice;
};

struct LoadedModel {
    std::shared_ptr<const ValidatedModelGraph> graph;
    ModelInfo info;
    PlanInput input;
    std::map<QString, BudgetRange> ranges;
};

LoadedModel loadModel(const QString& path, int contextTokens, int batchTokens)
{
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(path.toStdString()).validate());
    const HyperParams& hp = graph->hparams();
    LoadedModel m;
    m.info.path = QFileInfo(path).absoluteFilePath();
    m.info.displayName = QString::fromStdString(graph->displayName());
    m.info.architecture = QString::fromLatin1(architectureName(hp.arch));
    m.info.nLayers = static_cast<int>(hp.nLayers);
    m.info.dim = static_cast<int>(hp.dim);
    m.info.vocabSize = static_cast<int>(hp.vocabSize);
    m.info.contextLength = static_cast<int>(hp.contextLength);
    m.info.weightBytes = graph->weightBytes();
    m.info.fileSizeBytes = graph->fileSizeBytes();
    const auto nCtx = std::min<std::uint32_t>(hp.contextLength, static_cast<std::uint32_t>(std::max(2, contextTokens)));
    m.info.shape = RunShape{nCtx, std::min(static_cast<std::uint32_t>(std::max(1, batchTokens)), nCtx)};
    m.input = makePlanInput(*graph, m.info.shape);
    BudgetRange any{std::numeric_limits<quint64>::max(), 0};  // auto: wherever some strategy plans
    for (const auto& name : strategyNames()) {
        const auto strategy = makeStrategy(name);
        BudgetRange r;
        r.minimumBytes = strategy->minimumBudget(m.input);
        r.fullBytes = strategy->plan(m.input, std::numeric_limits<std::uint64_t>::max() / 4).plannedPeakBytes();
        m.ranges[QString::fromStdString(name)] = r;
        any.minimumBytes = std::min(any.minimumBytes, r.minimumBytes);
        any.fullBytes = std::max(any.fullBytes, r.fullBytes);
    }
    m.ranges[QStringLiteral("auto")] = any;
    m.graph = std::move(graph);
    return m;
}

/// Attaches a run to the thermal gate for its duration (the policy's sink and sleeps use it).
class ThermalAttachment {
public:
    ThermalAttachment(ThermalGate* gate, RunChannel* channel, Clock::time_point origin) : m_gate(gate)
    {
        if (!m_gate) return;
        m_gate->channel = channel;
        m_gate->origin = origin;
    }
    ~ThermalAttachment()
    {
        if (m_gate) m_gate->channel = nullptr;
    }
    ThermalAttachment(const ThermalAttachment&) = delete;
    ThermalAttachment& operator=(const ThermalAttachment&) = delete;

private:
    ThermalGate* m_gate;
};

RunReport executeRun(const RunJob& job)
{
    IdleEngine idle(job.graph, EngineOptions{job.thermal ? job.thermal->threads : job.threads});
    // "auto" (strategy, weight reads) on the one path `edge-rt run` takes.
    const RunChoice choice = resolveRunChoice(makePlanInput(*job.graph, job.shape), job.strategy, job.budgetBytes,
                                              job.weightReads, job.probe);
    idle.setDirectReads(choice.reads.direct);
    GenerationParams params;
    params.maxTokens = static_cast<std::uint32_t>(std::max(1, job.request.maxTokens));
    params.sampler.temperature = static_cast<float>(job.request.temperature);
    params.sampler.seed = job.request.seed;
    params.sampler.topK = static_cast<std::uint32_t>(std::max(0, job.request.topK));
    params.sampler.topP = static_cast<float>(job.request.topP);

    const auto strategy = makeStrategy(choice.strategy);
    auto planned = std::move(idle).plan(*strategy, choice.budgetBytes, job.shape);
    RunReport report;
    report.plan = planned.plan();
    report.autoChoice = autoChoiceInfo(choice);
    report.weightReadReason = QString::fromStdString(choice.reads.reason);
    std::shared_ptr<const MemoryPool> pool;
    {
        const auto origin = Clock::now();
        ThermalAttachment attach(job.thermal.get(), job.channel.get(), origin);
        ReadyEngine ready = std::move(planned).prepare();
        pool = ready.pool();
        job.pool->set(pool);
        report.directReads = ready.directReads();
        report.weightReadNote = QString::fromStdString(ready.weightReadNotes());
        Session session(ready);
        session.prompt(job.request.prompt.toStdString());
        detail::BridgeObserver observer(*job.channel, *pool, job.thermal.get(), static_cast<int>(session.tokensUsed()),
                                        ready.loadMs());
        observer.startGeneration();
        const TurnResult turn = session.generate(params, &observer);
        if (turn.generation.stopReason == StopReason::ContextFull && turn.prefilledTokens == 0)
            throw UsageError(turn.message);
        const GenerationResult& result = turn.generation;
        report.text = observer.finish();
        report.stats = observer.stats();
        report.tokens = result.tokens;
        report.stopReason = result.stopReason;
        report.streamedBytesRead = result.streamedBytesRead;
        report.forwardPasses = result.forwardPasses;
        // The engine's own figures are the authoritative ones for the final report.
        report.stats.generatedTokens = static_cast<int>(result.tokens.size());
        report.stats.timeToFirstTokenMs = result.tokens.empty() ? -1.0 : result.timeToFirstTokenMs;
        report.stats.prefillTokensPerSecond = result.tokens.empty() ? 0.0 : result.prefillTokensPerSecond();
        report.stats.decodeTokensPerSecond = result.decodeTokensPerSecond();
    }  // `ready` is gone: every lease is back in the pool.
    report.poolEndBytes = pool->usedBytes();
    report.stats.poolUsedBytes = pool->usedBytes();
    report.stats.poolPeakBytes = pool->peakBytes();
    return report;
}

}  // namespace

namespace detail {

/// The conversation a bridge holds for the Chat page: an engine that stays prepared between
/// turns (its KV cache is the conversation) and the ChatSession over it. Made on the GUI thread,
/// used by one turn's worker at a time, destroyed on the GUI thread when no turn runs.
struct ChatState {
    std::shared_ptr<const ValidatedModelGraph> graph;  ///< what the engine was prepared for
    std::string strategy;
    std::uint64_t budgetBytes = 0;
    std::optional<ReadyEngine> engine;
    std::optional<ChatSession> chat;  ///< after `engine`: destroyed first
};

}  // namespace detail

namespace {

struct ChatJob {
    RunJob run;
    std::string modelPath;
    std::string systemPrompt;
    std::shared_ptr<detail::ChatState> state;
};

ChatReport executeChatTurn(const ChatJob& job)
{
    detail::ChatState& state = *job.state;
    const RunJob& run = job.run;
    const auto origin = Clock::now();
    ThermalAttachment attach(run.thermal.get(), run.channel.get(), origin);
    double loadMs = 0.0;
    if (!state.engine) {
        // The chat's first turn: plan and prepare as run() does, then keep the engine.
        IdleEngine idle(run.graph, EngineOptions{run.thermal ? run.thermal->threads : run.threads});
        const RunChoice choice = resolveRunChoice(makePlanInput(*run.graph, run.shape), run.strategy, run.budgetBytes,
                                                  run.weightReads, run.probe);
        idle.setDirectReads(choice.reads.direct);
        const auto strategy = makeStrategy(choice.strategy);
        state.engine.emplace(std::move(idle).plan(*strategy, choice.budgetBytes, run.shape).prepare());
        state.chat.emplace(*state.engine, resolveChatTemplate(job.modelPath, {}));
        state.chat->setSystemPrompt(job.systemPrompt);
        loadMs = state.engine->loadMs();
    }
    const std::shared_ptr<const MemoryPool> pool = state.engine->pool();
    run.pool->set(pool);
    GenerationParams params;
    params.maxTokens = static_cast<std::uint32_t>(std::max(1, run.request.maxTokens));
    params.sampler.temperature = static_cast<float>(run.request.temperature);
    params.sampler.seed = run.request.seed;
    params.sampler.topK = static_cast<std::uint32_t>(std::max(0, run.request.topK));
    params.sampler.topP = static_cast<float>(run.request.topP);

    Session& session = state.chat->session();
    detail::BridgeObserver observer(*run.channel, *pool, run.thermal.get(), static_cast<int>(session.tokensUsed()),
                                    loadMs);
    observer.startGeneration();
    const ChatTurnResult turn = state.chat->say(run.request.prompt.toStdString(), params, &observer);
    const GenerationResult& result = turn.turn.generation;
    ChatReport report;
    report.text = observer.finish();
    report.stats = observer.stats();
    report.stats.promptTokens = static_cast<int>(turn.turn.prefilledTokens);
    report.stats.generatedTokens = static_cast<int>(result.tokens.size());
    report.stats.timeToFirstTokenMs = result.tokens.empty() ? -1.0 : result.timeToFirstTokenMs;
    report.stats.prefillTokensPerSecond = result.tokens.empty() ? 0.0 : result.prefillTokensPerSecond();
    report.stats.decodeTokensPerSecond = result.decodeTokensPerSecond();
    report.stats.poolUsedBytes = pool->usedBytes();
    report.stats.poolPeakBytes = pool->peakBytes();
    report.stopReason = result.stopReason;
    report.accepted = turn.accepted;
    report.reusedTokens = static_cast<int>(turn.turn.reusedTokens);
    report.prefilledTokens = static_cast<int>(turn.turn.prefilledTokens);
    report.droppedTurns = static_cast<int>(turn.turn.droppedTurns);
    report.contextUsed = static_cast<int>(session.tokensUsed());
    report.contextSize = static_cast<int>(session.contextSize());
    report.message = QString::fromStdString(turn.turn.message);
    report.templateName = QString::fromStdString(state.chat->chatTemplate().name());
    report.templateNote = QString::fromStdString(state.chat->chatTemplate().note);
    return report;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
EngineBridge::EngineBridge(QObject* parent) : QObject(parent), m_threads(std::max(1, QThread::idealThreadCount()))
{
    // One worker plans while another runs; model loading shares them.
    m_workers.setMaxThreadCount(2);
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<BudgetRange>();
    qRegisterMetaType<RunStats>();
    qRegisterMetaType<RunReport>();
    qRegisterMetaType<AutoChoiceInfo>();
    qRegisterMetaType<ChatReport>();
    qRegisterMetaType<GroupTiming>();
    qRegisterMetaType<ThermalMark>();
    qRegisterMetaType<PartitionPlan>();
    qRegisterMetaType<GroupPhase>();
}

EngineBridge::~EngineBridge()
{
    if (m_runChannel) m_runChannel->requestStop();
    // Workers hold no pointer to this object except through the run channel's notify, which
    // only posts to it; wait for them so nothing posts after this point.
    m_workers.waitForDone();
}

QCoro::Task<bool> EngineBridge::openModel(QString path)
{
    QPointer<EngineBridge> self(this);
    if (isRunning()) {
        emit failed(tr("Stop the running generation before opening another model."));
        co_return false;
    }
    const int contextTokens = m_contextTokens;
    const int batchTokens = m_batchTokens;
    // The future is a named local: a lambda with captures inside a co_await expression makes
    // GCC 12 destroy the captures twice (a double free; cf. equeim/tremotesf2#551). Every
    // QtConcurrent::run below is written the same way.
    QFuture<Outcome<LoadedModel>> loading = QtConcurrent::run(&m_workers, [path, contextTokens, batchTokens] {
        return guarded<LoadedModel>([&] { return loadModel(path, contextTokens, batchTokens); });
    });
    const Outcome<LoadedModel> loaded = co_await loading;
    if (!self) co_return false;
    if (!loaded.value) {
        qCWarning(lcBridge) << "cannot open" << path << loaded.error;
        emit failed(tr("Cannot open the model %1: %2").arg(modelDisplayName(path), loaded.error));
        co_return false;
    }
    m_graph = loaded.value->graph;
    m_model = loaded.value->info;
    m_bandwidth = std::make_shared<detail::BandwidthCache>();  // another file: another read rate
    m_bandwidth->modelPath = m_model.path.toStdString();
    m_autoChoice = {};
    m_planInput = loaded.value->input;
    m_ranges = loaded.value->ranges;
    m_plan = {};
    m_budgetBytes = budgetRange().fullBytes;  // like the CLI: every weight resident
    emit modelChanged(m_model);
    emit budgetChanged(m_budgetBytes);
    auto planning = replan();
    co_return co_await planning;
}

BudgetRange EngineBridge::budgetRange(const QString& strategy) const
{
    const auto it = m_ranges.find(strategy.isEmpty() ? m_strategy : strategy);
    return it == m_ranges.end() ? BudgetRange{} : it->second;
}

std::optional<TensorSummary> EngineBridge::tensorSummary(const QString& name) const
{
    if (!m_graph) return std::nullopt;
    const GgufTensorInfo* info = m_graph->gguf().findTensor(name.toStdString());
    if (!info) return std::nullopt;
    return TensorSummary{name, QString::fromStdString(tensorTypeName(info->type)),
                         QString::fromStdString(info->shapeString()), info->sizeBytes};
}

void EngineBridge::setStrategy(const QString& name)
{
    auto names = strategyNames();
    names.emplace_back("auto");
    if (std::find(names.begin(), names.end(), name.toStdString()) == names.end()) {
        emit failed(tr("Unknown partition strategy \"%1\".").arg(name));
        return;
    }
    if (name == m_strategy) return;
    m_strategy = name;
    emit strategyChanged(m_strategy);
    const BudgetRange range = budgetRange();
    if (range.valid()) {
        const quint64 clamped = std::clamp(m_budgetBytes, range.minimumBytes, range.fullBytes);
        if (clamped != m_budgetBytes) {
            m_budgetBytes = clamped;
            emit budgetChanged(m_budgetBytes);
        }
    }
    requestReplan();
}

void EngineBridge::setWeightReads(const QString& mode)
{
    const auto& modes = weightReadModes();
    if (std::find(modes.begin(), modes.end(), mode.toStdString()) == modes.end()) {
        emit failed(tr("Unknown weight-read mode \"%1\" (auto, direct or buffered).").arg(mode));
        return;
    }
    if (mode == m_weightReads) return;
    m_weightReads = mode;
    requestReplan();  // auto measures the file rate of the reads it will do
}

void EngineBridge::setBudgetBytes(quint64 bytes)
{
    const BudgetRange range = budgetRange();
    if (range.valid()) bytes = std::clamp(bytes, range.minimumBytes, range.fullBytes);
    if (bytes == m_budgetBytes) return;
    m_budgetBytes = bytes;
    emit budgetChanged(m_budgetBytes);
    requestReplan();
}

void EngineBridge::setThreads(int threads)
{
    const int before = m_threads;
    m_threads = std::max(1, threads);
    if (!isRunning()) m_thermal.reset();  // the policy's maximum changes with it
    if (m_threads != before) emit threadsChanged(m_threads);
}

void EngineBridge::setThermalRoot(const QString& root)
{
    m_thermalRoot = root;
    if (!isRunning()) m_thermal.reset();
}

void EngineBridge::setThermalConfig(const ThermalPolicyConfig& config)
{
    m_thermalConfig = config;
    if (!isRunning()) m_thermal.reset();
}

void EngineBridge::setContextTokens(int tokens)
{
    m_contextTokens = std::max(2, tokens);
}

void EngineBridge::setBatchTokens(int tokens)
{
    m_batchTokens = std::max(1, tokens);
}

bool EngineBridge::thermalPolicyInert() const
{
    return m_thermal && m_thermal->policy && m_thermal->policy->inert();
}

quint64 EngineBridge::poolUsedBytes() const
{
    const auto pool = m_pool ? m_pool->get() : nullptr;
    return pool ? pool->usedBytes() : 0;
}

void EngineBridge::setPlanning(bool planning)
{
    if (m_planning == planning) return;
    m_planning = planning;
    emit planningChanged(planning);
}

// ---- planning -------------------------------------------------------------------------------
void EngineBridge::requestReplan()
{
    ++m_planGeneration;
    if (!m_graph) return;
    m_replanPending = true;
    if (m_planning) return;  // the running loop plans the newest values when its plan returns
    // Planning starts on the next turn of the event loop, so everything changed in this turn (a
    // slider drag delivers many values per turn) is planned once, whatever the workers' speed.
    setPlanning(true);
    QMetaObject::invokeMethod(
        this, [this] { planLoop(); }, Qt::QueuedConnection);  // fire and forget: it emits planChanged / failed
}

QCoro::Task<bool> EngineBridge::planLoop()
{
    QPointer<EngineBridge> self(this);
    setPlanning(true);
    bool ok = true;
    while (m_replanPending) {
        m_replanPending = false;
        const quint64 generation = m_planGeneration;
        const auto input = std::make_shared<const PlanInput>(m_planInput);
        const std::string strategy = m_strategy.toStdString();
        const std::string weightReads = m_weightReads.toStdString();
        const quint64 budget = m_budgetBytes;
        const BandwidthProbe probe = detail::BandwidthCache::probe(m_bandwidth, m_threads);
        QFuture<Outcome<BridgePlan>> planning =
            QtConcurrent::run(&m_workers, [input, strategy, weightReads, budget, probe] {
                return guarded<BridgePlan>([&] {
                    const RunChoice choice = resolveRunChoice(*input, strategy, budget, weightReads, probe);
                    return BridgePlan{makeStrategy(choice.strategy)->plan(*input, choice.budgetBytes),
                                      autoChoiceInfo(choice)};
                });
            });
        const Outcome<BridgePlan> planned = co_await planning;
        if (!self) co_return false;
        if (generation != m_planGeneration) continue;  // a newer request is queued; its plan follows
        if (!planned.value) {
            ok = false;
            emit failed(tr("Planning failed: %1").arg(planned.error));
            continue;
        }
        ok = true;
        m_plan = planned.value->plan;
        m_autoChoice = planned.value->autoChoice;
        emit planChanged(m_plan);
    }
    setPlanning(false);
    co_return ok;
}

QCoro::Task<bool> EngineBridge::replan()
{
    QPointer<EngineBridge> self(this);
    if (!m_graph) co_return false;
    bool lastFailed = false;
    auto connection = connect(this, &EngineBridge::failed, this, [&lastFailed] { lastFailed = true; });
    requestReplan();
    while (self && m_planning) {
        auto planningChanged = qCoro(this, &EngineBridge::planningChanged);
        co_await planningChanged;
    }
    if (!self) co_return false;
    disconnect(connection);
    co_return !lastFailed && !m_plan.groups.empty();
}

// ---- running --------------------------------------------------------------------------------
void EngineBridge::ensureThermalGate()
{
    if (m_thermal) return;
    auto gate = std::make_shared<ThermalGate>();
    gate->threads = m_threads;
    ThermalGate* raw = gate.get();
    ThermalPolicy::Environment env;
    env.readTemperatureC = thermalZoneTemperatureSource(m_thermalRoot.toStdString());
    env.sleep = [raw](std::chrono::milliseconds duration) {
        if (raw->channel)
            raw->channel->sleepUnlessStopped(duration);
        else
            std::this_thread::sleep_for(duration);
    };
    try {
        gate->policy = std::make_unique<ThermalPolicy>(m_thermalConfig, m_threads, std::move(env));
    } catch (const Error& e) {
        // A bad configuration disables the policy rather than the runs.
        qCWarning(lcBridge) << "thermal policy disabled:" << e.what();
        emit failed(tr("The thermal policy is disabled: %1").arg(QString::fromStdString(e.what())));
        m_thermal = gate;
        return;
    }
    gate->policy->setEventSink([raw](const ThermalEvent& e) {
        if (!raw->channel) return;
        ThermalMark mark;
        mark.ms = std::chrono::duration<double, std::milli>(e.time - raw->origin).count();
        mark.action = e.action;
        mark.temperatureC = e.temperatureC.value_or(std::nan(""));
        mark.threadsBefore = e.threadsBefore;
        mark.threadsAfter = e.threadsAfter;
        mark.pauseMs = e.pauseMs;
        mark.reason = QString::fromStdString(e.reason);
        raw->channel->push(mark);
    });
    m_thermal = gate;
}

void EngineBridge::start(const RunRequest& request)
{
    run(request);
}

void EngineBridge::stop()
{
    if (m_runChannel) m_runChannel->requestStop();
}

bool EngineBridge::readyToRun()
{
    if (!m_graph) {
        emit failed(tr("No model is open."));
        return false;
    }
    if (isRunning()) {
        emit failed(tr("A generation is already running."));
        return false;
    }
    return true;
}

void EngineBridge::closeRunChannel(const std::shared_ptr<RunChannel>& channel)
{
    drain(channel);  // whatever the worker queued after the last posted drain
    m_runChannel.reset();
}

template <class Report>
bool EngineBridge::endRun(const std::optional<Report>& report, const QString& error, const char* what)
{
    emit runningChanged(false);
    if (!report) {
        qCWarning(lcBridge) << what << "failed:" << error;
        emit failed(tr("The generation failed: %1").arg(error));
        return false;
    }
    emit statsUpdated(report->stats);
    return true;
}

QCoro::Task<std::optional<RunReport>> EngineBridge::run(RunRequest request)
{
    QPointer<EngineBridge> self(this);
    if (!readyToRun()) co_return std::nullopt;
    if (m_chat) {  // one engine at a time: the chat's would stay leased beside the run's
        m_chat.reset();
        emit chatReset();
    }
    ensureThermalGate();

    auto job = std::make_shared<RunJob>(newRunJob(request));
    const auto channel = job->channel;
    emit runningChanged(true);
    emit runStarted(m_plan);

    QFuture<Outcome<RunReport>> running =
        QtConcurrent::run(&m_workers, [job] { return guarded<RunReport>([&] { return executeRun(*job); }); });
    const Outcome<RunReport> outcome = co_await running;
    if (!self) co_return std::nullopt;
    closeRunChannel(channel);
    if (!endRun(outcome.value, outcome.error, "run")) co_return std::nullopt;
    emit finished(*outcome.value);
    co_return outcome.value;
}

RunJob EngineBridge::newRunJob(const RunRequest& request)
{
    RunJob job;
    job.graph = m_graph;
    job.strategy = m_strategy.toStdString();
    job.weightReads = m_weightReads.toStdString();
    job.probe = detail::BandwidthCache::probe(m_bandwidth, m_threads);
    job.budgetBytes = m_budgetBytes;
    job.shape = m_model.shape;
    job.request = request;
    job.threads = m_threads;
    job.thermal = m_thermal;
    job.pool = m_pool = std::make_shared<detail::PoolSlot>();
    job.channel = openRunChannel();
    return job;
}

std::shared_ptr<RunChannel> EngineBridge::openRunChannel()
{
    m_runChannel = std::make_shared<RunChannel>();
    std::weak_ptr<RunChannel> weakChannel = m_runChannel;
    m_runChannel->setNotify([this, weakChannel] {
        QMetaObject::invokeMethod(
            this,
            [this, weakChannel] {
                if (auto channel = weakChannel.lock()) drain(channel);
            },
            Qt::QueuedConnection);
    });
    return m_runChannel;
}

// ---- chat -----------------------------------------------------------------------------------
void EngineBridge::startChatTurn(const RunRequest& request, const QString& systemPrompt)
{
    chatTurn(request, systemPrompt);
}

void EngineBridge::resetChat()
{
    if (isRunning() && m_chat) {
        m_resetChatAfterTurn = true;
        stop();
        return;
    }
    if (!m_chat) return;
    m_chat.reset();
    emit chatReset();
}

QCoro::Task<std::optional<ChatReport>> EngineBridge::chatTurn(RunRequest request, QString systemPrompt)
{
    QPointer<EngineBridge> self(this);
    if (!readyToRun()) co_return std::nullopt;
    // A chat's engine was prepared for one model, strategy and budget; after a change a new
    // conversation starts on a new engine.
    if (m_chat && (m_chat->graph != m_graph || m_chat->strategy != m_strategy.toStdString() ||
                   m_chat->budgetBytes != m_budgetBytes)) {
        m_chat.reset();
        emit chatReset();
    }
    if (!m_chat) {
        m_chat = std::make_shared<detail::ChatState>();
        m_chat->graph = m_graph;
        m_chat->strategy = m_strategy.toStdString();
        m_chat->budgetBytes = m_budgetBytes;
    }
    ensureThermalGate();

    auto job = std::make_shared<ChatJob>();
    job->run = newRunJob(request);
    job->modelPath = m_model.path.toStdString();
    job->systemPrompt = systemPrompt.toStdString();
    job->state = m_chat;
    const auto channel = job->run.channel;
    m_chatTurnRunning = true;
    emit runningChanged(true);

    QFuture<Outcome<ChatReport>> running =
        QtConcurrent::run(&m_workers, [job] { return guarded<ChatReport>([&] { return executeChatTurn(*job); }); });
    const Outcome<ChatReport> outcome = co_await running;
    if (!self) co_return std::nullopt;
    closeRunChannel(channel);
    m_chatTurnRunning = false;
    job->state.reset();
    if (!outcome.value || m_resetChatAfterTurn) {
        // After a failure the conversation's state is not trusted: the next turn starts anew.
        m_resetChatAfterTurn = false;
        m_chat.reset();
        emit chatReset();
    }
    if (!endRun(outcome.value, outcome.error, "chat turn")) co_return std::nullopt;
    emit chatTurnFinished(*outcome.value);
    co_return outcome.value;
}

void EngineBridge::drain(const std::shared_ptr<RunChannel>& channel)
{
    if (!channel || channel != m_runChannel) return;
    std::optional<RunStats> latest;
    for (auto& event : channel->take()) {
        if (auto* token = std::get_if<detail::TokenPiece>(&event)) {
            if (m_chatTurnRunning)
                emit chatTokenGenerated(token->text, token->index);
            else
                emit tokenGenerated(token->text, token->index);
        } else if (auto* timing = std::get_if<GroupTiming>(&event)) {
            emit groupStarted(timing->group, timing->phase, timing->startMs);
            emit groupFinished(timing->group, timing->phase, timing->endMs);
            emit groupTimed(*timing);
        } else if (auto* mark = std::get_if<ThermalMark>(&event)) {
            emit thermalEvent(*mark);
        } else if (auto* stats = std::get_if<RunStats>(&event)) {
            latest = *stats;
        }
    }
    if (latest) emit statsUpdated(*latest);
}

}  // namespace edgert::qt
