// The path from a run's worker thread to the GUI thread.
//
// RunChannel is shared by the bridge (GUI thread) and the run's worker: a stop flag the engine
// polls between groups, and a queue of events. The worker pushes; the first push into an empty
// queue calls `notify`, which posts one drain to the GUI thread, so a burst of tokens and group
// events costs one queued call, not one per event. The worker runs at most kMaxTokensAhead tokens
// ahead of what the GUI thread has taken (kMaxTokensAheadOfGui): on a Pi whose cores are busy with inference the UI can
// fall behind, and Stop must stop close to the last token the user saw, not hundreds later.
//
// BridgeObserver is the RunObserver the worker hands Session::generate(): it forwards the text
// the Session made printable, measures time to first token and prefill/decode rates, lets the thermal
// policy set the thread count before each group, and pushes everything into the channel.
#pragma once

#include "edgert-qt/bridge-types.h"

#include "edgert/inference-engine.h"
#include "edgert/memory-pool.h"
#include "edgert/thermal-policy.h"
#include "edgert/tokenizer.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace edgert::qt::detail {

using Clock = std::chrono::steady_clock;

struct TokenPiece {
    QString text;  ///< the text that became printable with this token (may be empty)
    int index = 0;
    TokenId id = 0;
};

using RunEvent = std::variant<TokenPiece, GroupTiming, ThermalMark, RunStats>;

class RunChannel {
public:
    RunChannel() = default;
    /// Set before the worker starts; called on the worker when the queue turns non-empty.
    void setNotify(std::function<void()> notify) { m_notify = std::move(notify); }

    /// Tokens the worker may queue before it waits for the GUI thread to take them.
    static constexpr int kMaxTokensAhead = kMaxTokensAheadOfGui;
    /// Longest wait for the GUI thread (ms); a GUI stalled longer than this no longer holds the run.
    static constexpr int kMaxTokenWaitMs = 10'000;

    /// Any thread: asks the worker to stop (also wakes it from waiting on the GUI thread).
    void requestStop();
    bool stopRequested() const noexcept { return m_stop.load(); }

    /// Worker side: queues `event`; posts a drain when the queue was empty. A token waits while
    /// kMaxTokensAhead tokens are still untaken, until a take(), a stop, or kMaxTokenWaitMs.
    void push(RunEvent event);
    /// GUI side: everything queued so far, oldest first.
    std::vector<RunEvent> take();

    /// Sleeps up to `duration`, waking early when a stop is requested (thermal pauses use it so
    /// Stop is never stuck behind a 30-second hard pause).
    void sleepUnlessStopped(std::chrono::milliseconds duration);

private:
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_taken;  ///< signalled by take() and requestStop()
    std::vector<RunEvent> m_events;
    int m_tokensQueued = 0;  ///< TokenPiece events in m_events
    bool m_drainPosted = false;
    std::function<void()> m_notify;
};

/// The pool of a run's engine, handed from the worker (which creates it in prepare()) to the GUI
/// thread (which reads its usage while the run goes on and after it).
class PoolSlot {
public:
    void set(std::shared_ptr<const MemoryPool> pool)
    {
        std::lock_guard lock(m_mutex);
        m_pool = std::move(pool);
    }
    std::shared_ptr<const MemoryPool> get() const
    {
        std::lock_guard lock(m_mutex);
        return m_pool;
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const MemoryPool> m_pool;
};

/// The thermal policy and the thread count it has settled on; kept by the bridge across runs
/// (heat outlives a run) and used by one run's worker at a time.
struct ThermalGate {
    std::unique_ptr<ThermalPolicy> policy;
    int threads = 1;                ///< threads the policy currently allows
    RunChannel* channel = nullptr;  ///< the running run's channel (set by its worker)
    Clock::time_point origin;       ///< the running run's timeline origin
};

class BridgeObserver final : public RunObserver {
public:
    BridgeObserver(RunChannel& channel, const MemoryPool& pool, ThermalGate* thermal, int promptTokens, double loadMs);
    /// Marks the start of generate(): time to first token and rates count from here.
    void startGeneration();

    void onToken(TokenId id, std::size_t index) override;
    void onText(std::string_view text, std::size_t index) override;
    void onGroupEvent(const GroupEvent& event) override;
    bool shouldStop() override { return m_channel.stopRequested(); }
    void beforeGroup(std::size_t group, int& threads) override;

    /// Ends the run: pushes the final statistics. Returns the whole text.
    QString finish();
    RunStats stats() const;

private:
    void pushStats(bool force);

    RunChannel& m_channel;
    const MemoryPool& m_pool;
    ThermalGate* m_thermal;
    std::string m_text;
    int m_promptTokens;
    double m_loadMs;
    int m_tokens = 0;
    TokenId m_lastId = -1;
    int m_threads = 1;
    Clock::time_point m_generationStart;
    Clock::time_point m_firstToken;
    Clock::time_point m_lastToken;
    Clock::time_point m_lastStats;
    bool m_haveFirstToken = false;
};

}  // namespace edgert::qt::detail
