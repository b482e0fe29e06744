// The runtime: executes a partition plan's layer groups in order for every forward pass.
//
// Type-state lifecycle — each transition consumes the previous state, only Ready can run:
//   IdleEngine   (a validated model + tokenizer)
//     .plan(strategy, budget, shape) &&  -> PlannedEngine   (a PartitionPlan, nothing allocated)
//     .prepare() &&                      -> ReadyEngine     (a memory pool of the plan's budget; KV
//                                                            cache, scratch and pinned groups leased
//                                                            from it, pinned weights read)
//   ReadyEngine::evaluate() runs passes (Session, edgert/session.h, is the one generation loop
//   on top of it; ReadyEngine::generate() is a one-turn Session); streamed groups are read into pool buffers
//   and released after use; with prefetch the next streamed group loads on a worker thread
//   while the current one computes. Destroying a ReadyEngine returns every byte to the pool.
#pragma once

#include "edgert/memory-pool.h"
#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "edgert/sampler.h"
#include "edgert/tokenizer.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

/// One load or compute interval of a group during a forward pass (for timelines).
struct GroupEvent {
    enum class Phase { Load, Compute };
    std::size_t group = 0;
    Phase phase = Phase::Compute;
    std::uint64_t pass = 0;  ///< forward pass number since prepare()
    double startMs = 0.0;    ///< since prepare()
    double endMs = 0.0;
    bool onWorker = false;  ///< loaded by the prefetch worker
    int threads = 0;        ///< compute threads used (Compute events)
};

/// Hooks a caller can give a run. Called on the thread that runs generate() (onGroupEvent for
/// prefetch loads is reported when the load is consumed, also on that thread).
struct RunObserver {
    virtual ~RunObserver() = default;
    virtual void onToken(TokenId /*id*/, std::size_t /*index*/) {}
    /// The printable UTF-8 text that generated token `index` made final (possibly empty): control
    /// tokens omitted unless the session prints special tokens, text that may begin a stop string
    /// held back until it is decided. Called by Session after onToken.
    virtual void onText(std::string_view /*text*/, std::size_t /*index*/) {}
    virtual void onGroupEvent(const GroupEvent& /*event*/) {}
    /// Polled between groups; returning true cancels the run (generate returns, stopReason Cancelled).
    virtual bool shouldStop() { return false; }
    /// Called before each group computes; may lower `threads` (thermal policy hook).
    virtual void beforeGroup(std::size_t /*group*/, int& /*threads*/) {}
};

struct GenerationParams {
    std::uint32_t maxTokens = 64;
    SamplerParams sampler;
    bool stopAtEos = true;
};

/// Why a generation ended. EndOfSequence: an end-of-generation token (EOS, EOT, <|im_end|>, ...);
/// StopString: the text reached one of the caller's stop strings.
enum class StopReason { MaxTokens, EndOfSequence, ContextFull, Cancelled, StopString };
const char* stopReasonName(StopReason reason);

struct GenerationResult {
    std::vector<TokenId> tokens;  ///< generated ids (prompt excluded)
    StopReason stopReason = StopReason::MaxTokens;
    std::uint32_t promptTokens = 0;
    double prefillMs = 0.0;
    double decodeMs = 0.0;
    double timeToFirstTokenMs = 0.0;
    double prefillTokensPerSecond() const { return prefillMs > 0 ? promptTokens * 1000.0 / prefillMs : 0.0; }
    /// Decode rate over the tokens after the first (the first comes from prefill).
    double decodeTokensPerSecond() const
    {
        return decodeMs > 0 && tokens.size() > 1 ? static_cast<double>(tokens.size() - 1) * 1000.0 / decodeMs : 0.0;
    }
    std::uint64_t streamedBytesRead = 0;  ///< bytes read from disk for streamed groups
    std::uint64_t forwardPasses = 0;
};

struct EngineOptions {
    int threads = 1;  ///< compute threads for kernels (the pool in kernels/parallel.h), at most
    /// Read layer groups (pinned at load, streamed every pass) with O_DIRECT into the pool
    /// buffers instead of through the page cache; falls back to the page cache, with a note
    /// (ReadyEngine::weightReadNotes), where the filesystem refuses O_DIRECT. Same results.
    bool directReads = false;
    /// Decode passes (one token) run on `threads` or on the calling thread alone, whichever their
    /// measured times say is faster (runtime/adaptive-team.h: a shared core). false, or the
    /// environment's EDGERT_ADAPTIVE_TEAM=0: every pass on `threads`. Same results either way.
    bool adaptiveTeam = true;
};

class PlannedEngine;
class ReadyEngine;

class IdleEngine {
public:
    IdleEngine(std::shared_ptr<const ValidatedModelGraph> graph, EngineOptions options = {});
    const ValidatedModelGraph& graph() const { return *m_graph; }
    const Tokenizer& tokenizer() const { return *m_tokenizer; }
    /// Plans with `strategy` (BudgetError when the budget is below its minimum).
    PlannedEngine plan(const PartitionStrategy& strategy, std::uint64_t budgetBytes, const RunShape& shape) &&;

    /// Switches EngineOptions::directReads before planning (e.g. once the plan's streamed bytes
    /// are known).
    void setDirectReads(bool on) { m_options.directReads = on; }

private:
    friend class PlannedEngine;
    friend class ReadyEngine;
    std::shared_ptr<const ValidatedModelGraph> m_graph;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    EngineOptions m_options;
};

class PlannedEngine {
public:
    const PartitionPlan& plan() const { return m_plan; }
    const RunShape& shape() const { return m_shape; }
    /// Creates a memory pool of the plan's budget (owned by the ReadyEngine, see pool()), leases
    /// KV cache, scratch and pinned groups from it and reads the pinned weights. Throws
    /// BudgetError / IoError; on error every leased byte is returned.
    ReadyEngine prepare() &&;
    /// As prepare(), leasing from a pool the caller owns (tests that share one pool between
    /// engines). The pool's budget must be the plan's (UsageError otherwise).
    ReadyEngine prepare(MemoryPool& pool) &&;

private:
    friend class IdleEngine;
    ReadyEngine prepareWith(MemoryPool& pool, std::shared_ptr<MemoryPool> owner) &&;
    PlannedEngine(IdleEngine idle, PartitionPlan plan, RunShape shape)
        : m_idle(std::move(idle)), m_plan(std::move(plan)), m_shape(shape)
    {
    }
    IdleEngine m_idle;
    PartitionPlan m_plan;
    RunShape m_shape;
};

class ReadyEngine {
public:
    ReadyEngine(ReadyEngine&&) noexcept;
    ReadyEngine& operator=(ReadyEngine&&) noexcept;
    ~ReadyEngine();

    const PartitionPlan& plan() const;
    const Tokenizer& tokenizer() const;
    const ValidatedModelGraph& graph() const;
    double loadMs() const;  ///< time prepare() took (allocation + pinned reads)
    /// The pool every buffer of this engine is leased from. Kept alive by the engine; hold the
    /// shared_ptr to check that every byte is back after the engine is gone.
    const std::shared_ptr<const MemoryPool>& pool() const;

    /// One turn of a fresh Session (edgert/session.h): the KV cache restarts at position 0,
    /// `prompt` is prefilled, then up to params.maxTokens tokens are sampled, stopping at the
    /// vocabulary's end-of-generation tokens when params.stopAtEos. Throws UsageError when the
    /// prompt is empty or does not leave room for one generated token in the context.
    GenerationResult generate(std::span<const TokenId> prompt, const GenerationParams& params,
                              RunObserver* observer = nullptr);

    /// Runs `tokens` through the model at the current position (appending to the KV cache) in
    /// passes of at most nBatch tokens and returns the logits of the last one (vocab,), valid
    /// until the next call. When the observer cancels, returns an empty span; the position then
    /// counts the passes that completed. Throws UsageError when the tokens do not fit the context.
    std::span<const float> evaluate(std::span<const TokenId> tokens, RunObserver* observer = nullptr);
    /// Teacher-forced scoring: runs `tokens` (1..shape().nBatch of them) as one forward pass at
    /// the current position (appending to the KV cache) and returns the logits at every one of
    /// them, (tokens.size(), vocab) row-major f32: row t predicts the token after tokens[t].
    /// Valid until the next call; empty when the observer cancelled. The engine must have been
    /// planned with RunShape::allLogits (the (nBatch, vocab) logits scratch is leased from the
    /// pool and counted in the plan). Throws UsageError otherwise, for an empty or too long batch,
    /// or when the context is full.
    std::span<const float> evaluateAll(std::span<const TokenId> tokens, RunObserver* observer = nullptr);
    const RunShape& shape() const;
    /// Forgets the context (position back to 0).
    void resetContext();
    /// Forgets the KV cache from `position` on (keeps the first `position` tokens). UsageError
    /// when `position` is beyond the current position.
    void rewind(std::uint32_t position);
    std::uint32_t position() const;
    void setThreads(int threads);
    /// The sampler's candidate workspace (vocab,), leased from the pool with the scratch.
    std::span<TokenCandidate> samplerWorkspace();
    /// Bytes read from disk for streamed groups and forward passes run, since prepare().
    std::uint64_t streamedBytesRead() const;
    std::uint64_t forwardPasses() const;
    /// True while every model file is read with O_DIRECT (EngineOptions::directReads, no fallback).
    bool directReads() const;
    /// Why reads fell back to the page cache ("" when they did not, or were never direct).
    std::string weightReadNotes() const;
    /// Bytes of layer groups read with O_DIRECT / through the page cache since prepare().
    std::uint64_t directBytesRead() const;
    std::uint64_t bufferedBytesRead() const;

private:
    friend class PlannedEngine;
    struct Impl;
    explicit ReadyEngine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace edgert
