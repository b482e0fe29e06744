#include "edgert/thermal-policy.h"

#include "edgert/error.h"
#include "edgert/monitor/thermal-zones.h"
#include "monitor/sysfs-text.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace edgert {

namespace {

constexpr std::size_t kMaxEvents = 256;

std::string celsius(double c)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f °C", c);
    return buffer;
}

std::string threadsText(int n)
{
    return std::to_string(n) + (n == 1 ? " thread" : " threads");
}

int msBetween(ThermalPolicy::Clock::time_point from, ThermalPolicy::Clock::time_point to)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 1'000'000'000));
}

}  // namespace

std::string_view describe(ThermalAction action)
{
    switch (action) {
        case ThermalAction::Inert: return "inert";
        case ThermalAction::Hold: return "hold";
        case ThermalAction::ReduceThreads: return "reduce-threads";
        case ThermalAction::RestoreThreads: return "restore-threads";
        case ThermalAction::CoolDownPause: return "cool-down-pause";
        case ThermalAction::HardPause: return "hard-pause";
    }
    return "unknown";
}

TemperatureSource thermalZoneTemperatureSource(const std::filesystem::path& root)
{
    std::vector<std::filesystem::path> tempFiles;
    if (const auto zones = readThermalZones(root)) {
        for (const ThermalZone& zone : *zones)
            tempFiles.push_back(monitor_detail::underRoot(root, "sys/class/thermal") / zone.name / "temp");
    }
    return [tempFiles]() -> std::optional<double> {
        std::optional<double> hottest;
        for (const auto& path : tempFiles) {
            const auto text = monitor_detail::readTextFile(path, 4096);
            if (!text) continue;
            const auto c = parseMillidegreesCelsius(*text);
            if (c) hottest = std::max(hottest.value_or(*c), *c);
        }
        return hottest;
    };
}

ThermalPolicy::ThermalPolicy(ThermalPolicyConfig config, int maxThreads, Environment environment)
    : m_config(config), m_maxThreads(maxThreads), m_env(std::move(environment))
{
    if (!(m_config.softLimitC < m_config.hardLimitC))
        throw UsageError("thermal policy: the soft limit (" + celsius(m_config.softLimitC) +
                         ") must be below the hard limit (" + celsius(m_config.hardLimitC) + ")");
    if (m_config.resumeMarginC < 0.0) throw UsageError("thermal policy: resumeMarginC must not be negative");
    if (m_config.minThreads < 1) throw UsageError("thermal policy: minThreads must be at least 1");
    if (m_maxThreads < m_config.minThreads)
        throw UsageError("thermal policy: maxThreads (" + std::to_string(m_maxThreads) + ") is below minThreads (" +
                         std::to_string(m_config.minThreads) + ")");
    if (m_config.adjustIntervalMs < 0 || m_config.coolDownPauseMs < 0 || m_config.hardPauseTimeoutMs < 0 ||
        m_config.pollIntervalMs < 1 || m_config.readIntervalMs < 0)
        throw UsageError("thermal policy: durations must not be negative and pollIntervalMs must be at least 1 ms");
    if (!m_env.readTemperatureC) throw UsageError("thermal policy: no temperature source");
    if (!m_env.now) m_env.now = [] { return Clock::now(); };
    if (!m_env.sleep) m_env.sleep = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };
}

ThermalDecision ThermalPolicy::decide(std::optional<double> temperatureC, int currentThreads,
                                      Clock::time_point now) const
{
    ThermalDecision d;
    d.threads = currentThreads;
    ThermalEvent& e = d.event;
    e.time = now;
    e.temperatureC = temperatureC;
    e.threadsBefore = currentThreads;

    const auto finish = [&](ThermalAction action, int threads, int pauseMs, std::string reason) {
        e.action = action;
        d.threads = threads;
        e.threadsAfter = threads;
        d.pauseMs = pauseMs;
        e.pauseMs = pauseMs;
        d.reason = reason;
        e.reason = std::move(reason);
        return d;
    };

    if (!temperatureC)
        return finish(ThermalAction::Inert, currentThreads, 0,
                      "no thermal zone to read: threads and pauses stay as they are");

    const double t = *temperatureC;
    const int minThreads = m_config.minThreads;
    const bool mayAdjust = !m_lastAdjust || msBetween(*m_lastAdjust, now) >= m_config.adjustIntervalMs;

    // After a hard pause that timed out still hot, the next one waits a full timeout window: in
    // between, the run progresses at the minimum threads with cool-down pauses (bounded duty
    // cycle) instead of stalling in back-to-back hard pauses.
    const bool hardBackoff = m_lastHardTimeout && msBetween(*m_lastHardTimeout, now) < m_config.hardPauseTimeoutMs;
    if (t >= m_config.hardLimitC && hardBackoff)
        return finish(ThermalAction::CoolDownPause, minThreads, m_config.coolDownPauseMs,
                      celsius(t) + " >= hard limit " + celsius(m_config.hardLimitC) +
                          " after a timed-out hard pause: " + threadsText(minThreads) + " with a cool-down pause of " +
                          std::to_string(m_config.coolDownPauseMs) + " ms");
    if (t >= m_config.hardLimitC) {
        const int after = std::max(minThreads, currentThreads / 2);
        return finish(ThermalAction::HardPause, after, m_config.hardPauseTimeoutMs,
                      celsius(t) + " >= hard limit " + celsius(m_config.hardLimitC) + ": pausing until below " +
                          celsius(m_config.softLimitC) + " (at most " + std::to_string(m_config.hardPauseTimeoutMs) +
                          " ms), then " + threadsText(after));
    }
    if (t >= m_config.softLimitC) {
        const std::string above = celsius(t) + " >= soft limit " + celsius(m_config.softLimitC);
        if (currentThreads > minThreads && mayAdjust)
            return finish(ThermalAction::ReduceThreads, currentThreads - 1, 0,
                          above + ": " + std::to_string(currentThreads) + " -> " + threadsText(currentThreads - 1));
        if (currentThreads <= minThreads)
            return finish(ThermalAction::CoolDownPause, currentThreads, m_config.coolDownPauseMs,
                          above + " at " + threadsText(currentThreads) + ": cool-down pause of " +
                              std::to_string(m_config.coolDownPauseMs) + " ms");
        return finish(ThermalAction::Hold, currentThreads, 0,
                      above + ": waiting for the last thread reduction to take effect");
    }
    const double resumeBelowC = m_config.softLimitC - m_config.resumeMarginC;
    if (t < resumeBelowC && currentThreads < m_maxThreads && mayAdjust)
        return finish(ThermalAction::RestoreThreads, currentThreads + 1, 0,
                      celsius(t) + " < " + celsius(resumeBelowC) + ": " + std::to_string(currentThreads) + " -> " +
                          threadsText(currentThreads + 1));
    return finish(ThermalAction::Hold, currentThreads, 0, celsius(t) + ": no change");
}

std::optional<double> ThermalPolicy::readSensor(Clock::time_point now)
{
    if (!m_lastRead || msBetween(*m_lastRead, now) >= m_config.readIntervalMs) {
        m_lastTemperatureC = m_env.readTemperatureC();
        m_lastRead = now;
    }
    return m_lastTemperatureC;
}

ThermalDecision ThermalPolicy::consult(int currentThreads)
{
    const Clock::time_point start = m_env.now();
    ThermalDecision d = decide(readSensor(start), currentThreads, start);
    ThermalEvent& e = d.event;

    switch (e.action) {
        case ThermalAction::Hold: return d;
        case ThermalAction::Inert:
            markInert();
            if (m_inertReported) return d;
            m_inertReported = true;
            break;
        case ThermalAction::ReduceThreads:
        case ThermalAction::RestoreThreads: m_lastAdjust = start; break;
        case ThermalAction::CoolDownPause:
            m_env.sleep(std::chrono::milliseconds(m_config.coolDownPauseMs));
            d.pauseMs = e.pauseMs = msBetween(start, m_env.now());
            break;
        case ThermalAction::HardPause: takeHardPause(d, start); break;
    }
    record(e);
    return d;
}

void ThermalPolicy::takeHardPause(ThermalDecision& d, Clock::time_point start)
{
    // Poll until cool, timed out, or the sensor vanished. The number of polls is bounded too, so a
    // clock that does not advance cannot keep the runtime here forever.
    ThermalEvent& e = d.event;
    const int timeoutMs = m_config.hardPauseTimeoutMs;
    const int maxPolls = timeoutMs / m_config.pollIntervalMs + 2;
    std::optional<double> t = e.temperatureC;
    std::string ending;
    bool cooled = false;
    int poll = 0;
    for (;; ++poll) {
        const int elapsedMs = msBetween(start, m_env.now());
        if (elapsedMs >= timeoutMs || poll >= maxPolls) {
            e.timedOut = true;
            break;
        }
        m_env.sleep(std::chrono::milliseconds(std::min(m_config.pollIntervalMs, timeoutMs - elapsedMs)));
        t = m_env.readTemperatureC();
        if (!t) {
            ending = "the sensor disappeared during the pause";
            break;
        }
        if (*t < m_config.softLimitC) {
            cooled = true;
            break;
        }
    }
    const Clock::time_point end = m_env.now();
    m_lastRead = end;
    m_lastTemperatureC = t;
    m_lastAdjust = end;
    e.endTemperatureC = t;
    d.pauseMs = e.pauseMs = msBetween(start, end);
    if (e.timedOut) {
        m_lastHardTimeout = end;
        d.threads = e.threadsAfter = m_config.minThreads;
        const std::string still = "still " + (t ? celsius(*t) : std::string("hot"));
        ending = d.pauseMs >= timeoutMs
                     ? still + " after the " + std::to_string(timeoutMs) + " ms timeout"
                     : still + " after " + std::to_string(poll) + " polls (the clock did not advance; giving up)";
    } else if (cooled) {
        ending = "cooled to " + celsius(*t);
    }
    d.reason = e.reason = celsius(*e.temperatureC) + " >= hard limit " + celsius(m_config.hardLimitC) + ": paused " +
                          std::to_string(d.pauseMs) + " ms, " + ending + "; continuing with " + threadsText(d.threads);
}

void ThermalPolicy::markInert()
{
    std::lock_guard lock(m_eventsMutex);
    m_inert = true;
}

void ThermalPolicy::record(const ThermalEvent& event)
{
    std::function<void(const ThermalEvent&)> sink;
    {
        std::lock_guard lock(m_eventsMutex);
        m_events.push_back(event);
        if (m_events.size() > kMaxEvents) m_events.pop_front();
        sink = m_sink;
    }
    if (sink) sink(event);
}

bool ThermalPolicy::inert() const
{
    std::lock_guard lock(m_eventsMutex);
    return m_inert;
}

std::vector<ThermalEvent> ThermalPolicy::events() const
{
    std::lock_guard lock(m_eventsMutex);
    return {m_events.begin(), m_events.end()};
}

void ThermalPolicy::setEventSink(std::function<void(const ThermalEvent&)> sink)
{
    std::lock_guard lock(m_eventsMutex);
    m_sink = std::move(sink);
}

}  // namespace edgert
