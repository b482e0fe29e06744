// ThermalPolicy: how compute should respond to heat, as a decision component.
//
// The runtime consults the policy between layer groups with its current thread count; the policy
// answers with the thread count to use and a pause to take, and reports every action it takes as
// a ThermalEvent (temperature, action, threads, pause duration) for the CLI and the dashboard.
//
//   temperature                         action
//   no sensor (no thermal zone)         Inert: nothing changes; reported once
//   >= hardLimitC (default 82 °C)       HardPause: pause until below softLimitC or until
//                                       hardPauseTimeoutMs, then continue with half the threads
//                                       (all the way down to minThreads if it timed out)
//   >= softLimitC (default 75 °C)       ReduceThreads by one (at most once per adjustIntervalMs);
//                                       at minThreads, CoolDownPause of coolDownPauseMs instead
//   < softLimitC - resumeMarginC        RestoreThreads by one up to maxThreads (rate-limited)
//   otherwise                           Hold
//
// Time and temperature are injected (Environment), so tests drive the policy with a fake sensor
// and a fake clock whose sleep advances time. A hard pause never blocks forever: it ends at the
// timeout, when the sensor disappears, or after a bounded number of polls if the clock is stuck.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

struct ThermalPolicyConfig {
    double softLimitC = 75.0;        ///< °C: reduce threads / insert cool-down pauses from here
    double hardLimitC = 82.0;        ///< °C: pause compute from here (the Pi 4 firmware throttles at 80-85)
    double resumeMarginC = 3.0;      ///< °C: restore threads only below softLimitC - resumeMarginC
    int minThreads = 1;              ///< never go below this many compute threads
    int adjustIntervalMs = 2000;     ///< ms: at most one thread-count step per interval
    int coolDownPauseMs = 200;       ///< ms: pause per consult above soft when already at minThreads
    int hardPauseTimeoutMs = 30000;  ///< ms: longest hard pause
    int pollIntervalMs = 250;        ///< ms: temperature polling period during a hard pause
    int readIntervalMs = 250;        ///< ms: consult() re-reads the sensor at most this often
};

enum class ThermalAction { Inert, Hold, ReduceThreads, RestoreThreads, CoolDownPause, HardPause };

/// "inert", "hold", "reduce-threads", "restore-threads", "cool-down-pause", "hard-pause".
std::string_view describe(ThermalAction action);

/// One reported policy action.
struct ThermalEvent {
    std::chrono::steady_clock::time_point time;  ///< when the decision was taken
    ThermalAction action = ThermalAction::Hold;
    std::optional<double> temperatureC;     ///< the reading that triggered it, °C (none: no sensor)
    std::optional<double> endTemperatureC;  ///< HardPause: the reading that ended it, °C
    int threadsBefore = 0;
    int threadsAfter = 0;
    int pauseMs = 0;        ///< pause taken, ms (from decide(): the planned upper bound)
    bool timedOut = false;  ///< HardPause ended by hardPauseTimeoutMs while still hot
    std::string reason;     ///< human-readable, e.g. "76.2 °C >= soft limit 75.0 °C: 4 -> 3 threads"
};

struct ThermalDecision {
    int threads = 0;  ///< compute threads to use from now on
    int pauseMs = 0;  ///< pause before continuing, ms (consult() has already taken it)
    std::string reason;
    ThermalEvent event;
};

/// Reads a temperature in °C, or nullopt when there is no sensor.
using TemperatureSource = std::function<std::optional<double>()>;

/// The hottest thermal zone under `root` (zones are discovered once, each call re-reads their
/// `temp` files). Returns nullopt on every call when the machine has no thermal zone.
TemperatureSource thermalZoneTemperatureSource(const std::filesystem::path& root = "/");

class ThermalPolicy {
public:
    using Clock = std::chrono::steady_clock;

    struct Environment {
        TemperatureSource readTemperatureC;                    ///< required
        std::function<Clock::time_point()> now;                ///< default: steady_clock::now
        std::function<void(std::chrono::milliseconds)> sleep;  ///< default: this_thread::sleep_for
    };

    /// Throws UsageError when the limits are not ordered (soft < hard), a duration is negative,
    /// minThreads < 1, maxThreads < minThreads or readTemperatureC is empty.
    ThermalPolicy(ThermalPolicyConfig config, int maxThreads, Environment environment);

    /// What to do at `temperatureC` (nullopt: no sensor) with `currentThreads` at time `now`,
    /// given when threads were last adjusted. Pure: no reading, sleeping or state change. For a
    /// HardPause, pauseMs is the upper bound (hardPauseTimeoutMs).
    ThermalDecision decide(std::optional<double> temperatureC, int currentThreads, Clock::time_point now) const;

    /// The runtime hook: reads the sensor (at most every readIntervalMs), decides, takes the pause
    /// (for a HardPause: polls every pollIntervalMs until below softLimitC, the timeout, or the
    /// sensor disappearing), records the event unless it is Hold (Inert only the first time), and
    /// returns the decision with the pause actually taken. Call from one thread at a time.
    ThermalDecision consult(int currentThreads);

    /// True once consult() has found no sensor: the policy does nothing on this machine.
    bool inert() const;
    /// Recorded events, oldest first (the last 256).
    std::vector<ThermalEvent> events() const;
    /// Also deliver each recorded event to `sink` (on the consulting thread).
    void setEventSink(std::function<void(const ThermalEvent&)> sink);

    const ThermalPolicyConfig& config() const { return m_config; }
    int maxThreads() const { return m_maxThreads; }

private:
    void takeHardPause(ThermalDecision& decision, Clock::time_point start);
    void markInert();
    void record(const ThermalEvent& event);
    std::optional<double> readSensor(Clock::time_point now);

    ThermalPolicyConfig m_config;
    int m_maxThreads;
    Environment m_env;

    std::optional<Clock::time_point> m_lastAdjust;  ///< last thread-count change or hard pause
    std::optional<Clock::time_point> m_lastRead;
    std::optional<Clock::time_point> m_lastHardTimeout;  ///< end of the last hard pause that timed out
    std::optional<double> m_lastTemperatureC;
    bool m_inertReported = false;

    mutable std::mutex m_eventsMutex;
    std::deque<ThermalEvent> m_events;
    std::function<void(const ThermalEvent&)> m_sink;
    bool m_inert = false;
};

}  // namespace edgert
