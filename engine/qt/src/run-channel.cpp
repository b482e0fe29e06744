#include "run-channel.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace edgert::qt::detail {

namespace {
constexpr auto kStatsInterval = std::chrono::milliseconds(100);  // live figures at most 10x a second
constexpr auto kSleepSlice = std::chrono::milliseconds(20);      // Stop latency during thermal pauses

double msBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}
}  // namespace

void RunChannel::requestStop()
{
    m_stop.store(true);
    {
        std::lock_guard lock(m_mutex);
    }  // a worker between its check and its wait sees the flag
    m_taken.notify_all();
}

void RunChannel::push(RunEvent event)
{
    const bool token = std::holds_alternative<TokenPiece>(event);
    bool post = false;
    {
        std::unique_lock lock(m_mutex);
        if (token)
            m_taken.wait_for(lock, std::chrono::milliseconds(kMaxTokenWaitMs),
                             [this] { return m_tokensQueued < kMaxTokensAhead || stopRequested(); });
        m_events.push_back(std::move(event));
        if (token) ++m_tokensQueued;
        if (!m_drainPosted) post = m_drainPosted = true;
    }
    if (post && m_notify) m_notify();
}

std::vector<RunEvent> RunChannel::take()
{
    std::vector<RunEvent> events;
    {
        std::lock_guard lock(m_mutex);
        m_drainPosted = false;
        m_tokensQueued = 0;
        events = std::exchange(m_events, {});
    }
    m_taken.notify_all();
    return events;
}

void RunChannel::sleepUnlessStopped(std::chrono::milliseconds duration)
{
    const auto until = Clock::now() + duration;
    while (!stopRequested()) {
        const auto now = Clock::now();
        if (now >= until) return;
        std::this_thread::sleep_for(std::min<Clock::duration>(kSleepSlice, until - now));
    }
}

// ---------------------------------------------------------------------------------------------
BridgeObserver::BridgeObserver(RunChannel& channel, const MemoryPool& pool, ThermalGate* thermal, int promptTokens,
                               double loadMs)
    : m_channel(channel),
      m_pool(pool),
      m_thermal(thermal),
      m_promptTokens(promptTokens),
      m_loadMs(loadMs),
      m_threads(thermal ? thermal->threads : 1)
{
}

void BridgeObserver::startGeneration()
{
    m_generationStart = m_lastStats = Clock::now();
    pushStats(true);
}

void BridgeObserver::onToken(TokenId id, std::size_t index)
{
    const auto now = Clock::now();
    if (!m_haveFirstToken) {
        m_haveFirstToken = true;
        m_firstToken = now;
    }
    m_lastToken = now;
    m_tokens = static_cast<int>(index) + 1;
    m_lastId = id;
}

void BridgeObserver::onText(std::string_view text, std::size_t index)
{
    m_text += text;
    const bool ofLastToken = static_cast<int>(index) + 1 == m_tokens;
    m_channel.push(TokenPiece{QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())),
                              static_cast<int>(index), ofLastToken ? m_lastId : -1});
    pushStats(false);
}

void BridgeObserver::onGroupEvent(const GroupEvent& event)
{
    GroupTiming t;
    t.group = static_cast<int>(event.group);
    t.phase = event.phase == GroupEvent::Phase::Load ? GroupPhase::Load : GroupPhase::Compute;
    t.pass = event.pass;
    t.startMs = event.startMs;
    t.endMs = event.endMs;
    t.onWorker = event.onWorker;
    m_channel.push(t);
    pushStats(false);
}

void BridgeObserver::beforeGroup(std::size_t /*group*/, int& threads)
{
    if (!m_thermal || !m_thermal->policy) return;
    // The engine offers its configured count every time; the policy's state is what counts.
    const ThermalDecision decision = m_thermal->policy->consult(m_thermal->threads);
    m_thermal->threads = std::max(1, decision.threads);
    threads = m_thermal->threads;
    if (m_threads != threads) {
        m_threads = threads;
        pushStats(true);
    }
}

QString BridgeObserver::finish()
{
    pushStats(true);
    return QString::fromStdString(m_text);
}

RunStats BridgeObserver::stats() const
{
    RunStats s;
    s.promptTokens = m_promptTokens;
    s.generatedTokens = m_tokens;
    s.loadMs = m_loadMs;
    s.budgetBytes = m_pool.budgetBytes();
    s.poolUsedBytes = m_pool.usedBytes();
    s.poolPeakBytes = m_pool.peakBytes();
    s.threads = m_threads;
    const auto now = Clock::now();
    s.elapsedMs = msBetween(m_generationStart, now);
    if (m_haveFirstToken) {
        s.timeToFirstTokenMs = msBetween(m_generationStart, m_firstToken);
        if (s.timeToFirstTokenMs > 0) s.prefillTokensPerSecond = m_promptTokens * 1000.0 / s.timeToFirstTokenMs;
        const double decodeMs = msBetween(m_firstToken, m_lastToken);
        if (m_tokens > 1 && decodeMs > 0) s.decodeTokensPerSecond = (m_tokens - 1) * 1000.0 / decodeMs;
    }
    return s;
}

void BridgeObserver::pushStats(bool force)
{
    const auto now = Clock::now();
    if (!force && now - m_lastStats < kStatsInterval) return;
    m_lastStats = now;
    m_channel.push(stats());
}

}  // namespace edgert::qt::detail
