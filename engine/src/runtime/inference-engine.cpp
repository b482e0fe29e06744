#include "edgert/inference-engine.h"

#include "edgert/error.h"
#include "edgert/session.h"
#include "models/common/model-forward.h"
#include "runtime/group-loader.h"
#include "runtime/adaptive-team.h"
#include "runtime/group-prefetcher.h"
#include "runtime/model-readers.h"
#include "runtime/run-layout.h"

#include <algorithm>
#include <chrono>
#include <optional>

namespace edgert {

using Clock = std::chrono::steady_clock;

const char* stopReasonName(StopReason reason)
{
    switch (reason) {
        case StopReason::MaxTokens: return "max tokens";
        case StopReason::EndOfSequence: return "end of sequence";
        case StopReason::ContextFull: return "context full";
        case StopReason::Cancelled: return "cancelled";
        case StopReason::StopString: return "stop string";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------
IdleEngine::IdleEngine(std::shared_ptr<const ValidatedModelGraph> graph, EngineOptions options)
    : m_graph(std::move(graph)), m_options(options)
{
    if (!m_graph) throw UsageError("IdleEngine needs a model graph");
    if (m_options.threads < 1) throw UsageError("thread count must be at least 1");
    m_tokenizer = m_graph->makeTokenizer();
    m_graph->releaseHeaderPages();
}

PlannedEngine IdleEngine::plan(const PartitionStrategy& strategy, std::uint64_t budgetBytes, const RunShape& shape) &&
{
    if (shape.nCtx == 0 || shape.nBatch == 0) throw UsageError("context and batch sizes must be positive");
    if (shape.nCtx > m_graph->hparams().contextLength)
        throw UsageError("context of " + std::to_string(shape.nCtx) + " tokens exceeds the model's " +
                         std::to_string(m_graph->hparams().contextLength));
    auto plan = strategy.plan(makePlanInput(*m_graph, shape), budgetBytes);
    return PlannedEngine(std::move(*this), std::move(plan), shape);
}

// ---------------------------------------------------------------------------------------------
struct ReadyEngine::Impl {
    // Declaration order is release order in reverse: buffers go back before the plan dies, and
    // the pool (first) outlives every buffer leased from it.
    std::shared_ptr<MemoryPool> ownedPool;
    std::shared_ptr<const MemoryPool> poolView;
    std::shared_ptr<const ValidatedModelGraph> graph;
    std::shared_ptr<const Tokenizer> tokenizer;
    EngineOptions options;
    PartitionPlan plan;
    RunShape shape;
    MemoryPool* pool = nullptr;
    Clock::time_point origin;
    double loadMs = 0.0;

    PoolBuffer kvBuffer;
    PoolBuffer scratchBuffer;
    ScratchLayout layout;
    std::unique_ptr<ModelReaders> readers;           // before the prefetcher, which reads with them
    std::vector<std::optional<LoadedGroup>> pinned;  // by group index
    std::vector<PoolBuffer> streamSlots;             // plan.streamSlots() buffers of plan.streamSlotBytes
    std::size_t prefetchSlot = 0;                    // slot the outstanding prefetch loads into
    std::unique_ptr<GroupPrefetcher> prefetcher;
    std::unique_ptr<ModelForward> forward;  // the architecture's forward pass
    AdaptiveTeam team;                      // decode passes: options.threads or the caller alone
    std::uint32_t position = 0;
    std::uint64_t passes = 0;
    std::uint64_t streamedBytesRead = 0;
    bool cancelled = false;

    double msSinceOrigin(Clock::time_point t) const
    {
        return std::chrono::duration<double, std::milli>(t - origin).count();
    }

    // The streamed group that runs after `after`, wrapping to the next pass (decode runs pass
    // after pass, so the first streamed group can load while the head and sampling finish).
    std::optional<std::size_t> nextStreamed(std::size_t after) const
    {
        const std::size_t n = plan.groups.size();
        for (std::size_t k = 1; k <= n; ++k)
            if (!plan.groups[(after + k) % n].pinned) return (after + k) % n;
        return std::nullopt;
    }

    // One forward pass over `tokens` at `position`, logits for the last token or (allRows) for
    // every token; returns false when cancelled.
    bool runPass(std::span<const TokenId> tokens, RunObserver* observer, bool allRows = false)
    {
        const std::size_t n = tokens.size();
        // Decode passes (one token) take their team size from the adaptive team, which compares
        // their measured times (runtime/adaptive-team.h); batches run on options.threads.
        const bool decode = n == 1 && !allRows;
        const int passTeam = decode ? team.next() : std::max(1, options.threads);
        bool teamHeld = true;  // every group ran on passTeam threads (no observer lowered it)
        const auto passStart = Clock::now();
        forward->embed(tokens.data(), n, position);
        ++passes;
        for (std::size_t gi = 0; gi < plan.groups.size(); ++gi) {
            if (observer && observer->shouldStop()) {
                if (prefetcher) prefetcher->discard();
                return false;
            }
            const LayerGroup& group = plan.groups[gi];
            std::optional<LoadedGroup> streamed;
            std::optional<std::size_t> busySlot;  // the stream slot this group computes from
            if (!group.pinned) {
                Clock::time_point started, finished;
                bool onWorker = false;
                if (prefetcher && prefetcher->outstanding() == gi) {
                    streamed = prefetcher->take(started, finished);
                    busySlot = prefetchSlot;
                    onWorker = true;
                } else {
                    if (prefetcher) prefetcher->discard();  // a stale request (after a cancel)
                    busySlot = 0;
                    started = Clock::now();
                    streamed =
                        loadGroupInto(*graph, plan, gi, streamSlots[0].data(), streamSlots[0].sizeBytes(), *readers);
                    finished = Clock::now();
                }
                streamedBytesRead += streamed->bytesRead;
                if (observer)
                    observer->onGroupEvent({gi, GroupEvent::Phase::Load, passes, msSinceOrigin(started),
                                            msSinceOrigin(finished), onWorker, 0});
            }
            if (prefetcher && !prefetcher->outstanding())
                if (auto next = nextStreamed(gi)) {
                    prefetchSlot = busySlot == std::size_t{0} ? 1 : 0;  // the slot nobody computes from
                    prefetcher->request(*next, streamSlots[prefetchSlot].data(), streamSlots[prefetchSlot].sizeBytes());
                }

            int threads = passTeam;
            if (observer) observer->beforeGroup(gi, threads);
            threads = std::max(1, threads);
            if (passTeam < options.threads) threads = std::min(threads, passTeam);  // a solo pass stays solo
            teamHeld = teamHeld && threads == passTeam;
            const LoadedGroup& weights = group.pinned ? *pinned[gi] : *streamed;
            const auto computeStart = Clock::now();
            for (const auto& unit : weights.units) {
                if (unit.layer >= 0)
                    forward->block(unit, n, position, threads);
                else
                    forward->head(unit, n, allRows ? n : 1, threads);
            }
            const auto computeEnd = Clock::now();
            if (observer)
                observer->onGroupEvent({gi, GroupEvent::Phase::Compute, passes, msSinceOrigin(computeStart),
                                        msSinceOrigin(computeEnd), false, threads});
            // `streamed` goes out of scope here: its slot is free for the next load.
        }
        position += static_cast<std::uint32_t>(n);
        if (decode && teamHeld)
            team.record(passTeam, std::chrono::duration<double, std::milli>(Clock::now() - passStart).count());
        return true;
    }

    std::span<const float> logits() const
    {
        return {reinterpret_cast<const float*>(scratchBuffer.data() + layout.logits), graph->hparams().vocabSize};
    }
};

ReadyEngine PlannedEngine::prepare() &&
{
    auto pool = std::make_shared<MemoryPool>(m_plan.budgetBytes);
    MemoryPool& raw = *pool;
    return std::move(*this).prepareWith(raw, std::move(pool));
}

ReadyEngine PlannedEngine::prepare(MemoryPool& pool) &&
{
    if (pool.budgetBytes() != m_plan.budgetBytes)
        throw UsageError("the memory pool's budget (" + std::to_string(pool.budgetBytes()) +
                         " bytes) differs from the plan's (" + std::to_string(m_plan.budgetBytes) + " bytes)");
    // A view that does not own: the caller keeps the pool alive beyond the engine.
    return std::move(*this).prepareWith(pool, std::shared_ptr<MemoryPool>(std::shared_ptr<void>(), &pool));
}

ReadyEngine PlannedEngine::prepareWith(MemoryPool& pool, std::shared_ptr<MemoryPool> owner) &&
{
    auto impl = std::make_unique<ReadyEngine::Impl>();
    impl->ownedPool = std::move(owner);
    impl->poolView = impl->ownedPool;
    const auto start = Clock::now();
    impl->origin = start;
    impl->graph = std::move(m_idle.m_graph);
    impl->tokenizer = std::move(m_idle.m_tokenizer);
    impl->options = m_idle.m_options;
    impl->team =
        AdaptiveTeam(impl->options.threads, impl->options.adaptiveTeam && AdaptiveTeam::enabledByEnvironment());
    impl->plan = std::move(m_plan);
    impl->shape = m_shape;
    impl->pool = &pool;
    const auto& hp = impl->graph->hparams();

    // On any throw below, impl's destructor returns what was leased.
    impl->kvBuffer = pool.allocate(kvCacheBytes(hp, m_shape.nCtx), "KV cache");
    impl->layout = ScratchLayout::compute(hp, m_shape, impl->graph->tokenEmbedding());
    impl->scratchBuffer = pool.allocate(impl->layout.totalBytes, "activations and scratch");
    impl->readers = std::make_unique<ModelReaders>(
        *impl->graph, impl->options.directReads ? io::DirectReader::Mode::Direct : io::DirectReader::Mode::Buffered);
    impl->pinned.resize(impl->plan.groups.size());
    for (std::size_t g = 0; g < impl->plan.groups.size(); ++g)
        if (impl->plan.groups[g].pinned) impl->pinned[g] = loadGroup(*impl->graph, impl->plan, g, pool, *impl->readers);
    for (std::size_t k = 0; k < impl->plan.streamSlots(); ++k)
        impl->streamSlots.push_back(pool.allocate(impl->plan.streamSlotBytes, "stream slot " + std::to_string(k)));
    if (impl->plan.prefetch && impl->plan.streamedGroupCount() > 0)
        impl->prefetcher = std::make_unique<GroupPrefetcher>(*impl->graph, impl->plan, *impl->readers);

    std::byte* s = impl->scratchBuffer.data();
    const auto& L = impl->layout;
    const auto f = [&](std::uint64_t off) { return reinterpret_cast<float*>(s + off); };
    Activations act{f(L.x),   f(L.xb), f(L.xb2), f(L.q),      f(L.k),         f(L.v),
                    f(L.att), f(L.hb), f(L.hb2), f(L.logits), s + L.embedRow, s + L.xq};
    auto* kv = impl->kvBuffer.as<float>();
    const std::size_t half = std::size_t{hp.nLayers} * m_shape.nCtx * hp.kvDim();
    impl->forward = makeForward(*impl->graph, act, KvCacheView{kv, kv + half, m_shape.nCtx});
    impl->loadMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return ReadyEngine(std::move(impl));
}

// ---------------------------------------------------------------------------------------------
ReadyEngine::ReadyEngine(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ReadyEngine::ReadyEngine(ReadyEngine&&) noexcept = default;
ReadyEngine& ReadyEngine::operator=(ReadyEngine&&) noexcept = default;
ReadyEngine::~ReadyEngine() = default;

const PartitionPlan& ReadyEngine::plan() const
{
    return m_impl->plan;
}
const std::shared_ptr<const MemoryPool>& ReadyEngine::pool() const
{
    return m_impl->poolView;
}
std::uint64_t ReadyEngine::streamedBytesRead() const
{
    return m_impl->streamedBytesRead;
}
std::uint64_t ReadyEngine::forwardPasses() const
{
    return m_impl->passes;
}
bool ReadyEngine::directReads() const
{
    return m_impl->readers->mode() == io::DirectReader::Mode::Direct;
}
std::string ReadyEngine::weightReadNotes() const
{
    return m_impl->readers->notes();
}
std::uint64_t ReadyEngine::directBytesRead() const
{
    return m_impl->readers->directBytes();
}
std::uint64_t ReadyEngine::bufferedBytesRead() const
{
    return m_impl->readers->bufferedBytes();
}
std::span<TokenCandidate> ReadyEngine::samplerWorkspace()
{
    auto& d = *m_impl;
    return {reinterpret_cast<TokenCandidate*>(d.scratchBuffer.data() + d.layout.candidates),
            d.graph->hparams().vocabSize};
}
void ReadyEngine::rewind(std::uint32_t position)
{
    if (position > m_impl->position)
        throw UsageError("cannot rewind the KV cache to position " + std::to_string(position) + ": it holds " +
                         std::to_string(m_impl->position) + " tokens");
    m_impl->position = position;
}
const Tokenizer& ReadyEngine::tokenizer() const
{
    return *m_impl->tokenizer;
}
const ValidatedModelGraph& ReadyEngine::graph() const
{
    return *m_impl->graph;
}
double ReadyEngine::loadMs() const
{
    return m_impl->loadMs;
}
const RunShape& ReadyEngine::shape() const
{
    return m_impl->shape;
}
std::uint32_t ReadyEngine::position() const
{
    return m_impl->position;
}
void ReadyEngine::resetContext()
{
    m_impl->position = 0;
}
void ReadyEngine::setThreads(int threads)
{
    if (threads < 1) throw UsageError("thread count must be at least 1");
    m_impl->options.threads = threads;
    m_impl->team = AdaptiveTeam(threads, m_impl->options.adaptiveTeam && AdaptiveTeam::enabledByEnvironment());
}

std::span<const float> ReadyEngine::evaluate(std::span<const TokenId> tokens, RunObserver* observer)
{
    auto& d = *m_impl;
    if (tokens.empty()) throw UsageError("nothing to evaluate: no tokens");
    if (d.position + tokens.size() > d.shape.nCtx)
        throw UsageError("context full: " + std::to_string(d.position + tokens.size()) + " tokens exceed the " +
                         std::to_string(d.shape.nCtx) + "-token KV cache");
    for (std::size_t at = 0; at < tokens.size(); at += d.shape.nBatch) {
        const auto chunk = tokens.subspan(at, std::min<std::size_t>(d.shape.nBatch, tokens.size() - at));
        if (!d.runPass(chunk, observer)) {
            d.cancelled = true;
            return {};
        }
    }
    return d.logits();
}

std::span<const float> ReadyEngine::evaluateAll(std::span<const TokenId> tokens, RunObserver* observer)
{
    auto& d = *m_impl;
    if (!d.shape.allLogits)
        throw UsageError("evaluateAll needs an engine planned for logits at every position (RunShape::allLogits)");
    if (tokens.empty()) throw UsageError("nothing to evaluate: no tokens");
    if (tokens.size() > d.shape.nBatch)
        throw UsageError("a batch of " + std::to_string(tokens.size()) + " tokens exceeds the planned batch of " +
                         std::to_string(d.shape.nBatch));
    if (d.position + tokens.size() > d.shape.nCtx)
        throw UsageError("context full: " + std::to_string(d.position + tokens.size()) + " tokens exceed the " +
                         std::to_string(d.shape.nCtx) + "-token KV cache");
    if (!d.runPass(tokens, observer, true)) {
        d.cancelled = true;
        return {};
    }
    return {reinterpret_cast<const float*>(d.scratchBuffer.data() + d.layout.logits),
            tokens.size() * d.graph->hparams().vocabSize};
}

GenerationResult ReadyEngine::generate(std::span<const TokenId> prompt, const GenerationParams& params,
                                       RunObserver* observer)
{
    if (prompt.empty()) throw UsageError("the prompt has no tokens");
    Session session(*this);
    session.append(prompt);
    TurnResult turn = session.generate(params, observer);
    if (turn.generation.stopReason == StopReason::ContextFull && turn.prefilledTokens == 0)
        throw UsageError(turn.message);
    return std::move(turn.generation);
}

}  // namespace edgert
