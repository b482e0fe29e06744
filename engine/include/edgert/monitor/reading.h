// A value read from the operating system, or the reason it could not be read.
//
// The resource monitor never throws and never invents numbers: a file that is missing, unreadable
// or malformed yields an unavailable Reading whose reason() says which file and why, e.g.
// "/sys/class/thermal/thermal_zone0/temp: malformed value 'hot' (expected millidegrees Celsius)".
// Displays print "n/a" and show the reason on request.
//
// The reason is English (for the CLI and logs). A front end that translates carries the code
// and its arguments instead: UnavailableCode names the cases a user sees (no sensor, no
// frequency scaling, no CPU time yet), `args` hold the parts that are not words (a path).
// Other causes (a file that cannot be read, a malformed value) keep code Other and their
// English reason, which names the file.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace edgert {

/// Why a reading is missing, for front ends that show it in another language.
enum class UnavailableCode {
    Other,               ///< only the English reason (a file error, a malformed value)
    CpuFirstSample,      ///< CPU load needs two samples; this is the first
    CpuNoTimeElapsed,    ///< the CPU counters did not advance between two samples
    NoThermalZones,      ///< args[0]: the thermal class directory without thermal_zone* entries
    NoFrequencyScaling,  ///< args[0]: the cpufreq path pattern that does not exist
    NoFrequencyReading,  ///< cpufreq exists but no core reports scaling_cur_freq
    NotARaspberryPi,     ///< no firmware get_throttled (not a Pi, or its driver is not loaded)
};

/// Marks a Reading as not available; `reason` is a human-readable explanation (file and cause).
struct Unavailable {
    Unavailable(std::string why = {}, UnavailableCode c = UnavailableCode::Other, std::vector<std::string> a = {})
        : reason(std::move(why)), code(c), args(std::move(a))
    {
    }
    std::string reason;
    UnavailableCode code = UnavailableCode::Other;
    std::vector<std::string> args;  ///< the code's arguments (see UnavailableCode)
};

template <typename T>
class Reading {
public:
    /// An available reading (implicit, so readers can `return value;`).
    Reading(T value) : m_value(std::move(value)) {}
    /// An unavailable reading (implicit, so readers can `return Unavailable{"why"};`).
    Reading(Unavailable unavailable) : m_unavailable(std::move(unavailable)) {}

    bool available() const noexcept { return m_value.has_value(); }
    explicit operator bool() const noexcept { return available(); }

    /// The value. Calling it on an unavailable reading is a programming error: it throws
    /// std::logic_error carrying the reason rather than returning garbage.
    const T& value() const
    {
        if (!m_value) throw std::logic_error("reading not available: " + m_unavailable.reason);
        return *m_value;
    }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }

    /// The value, or `fallback` when unavailable.
    T valueOr(T fallback) const { return m_value ? *m_value : std::move(fallback); }

    /// Why the value is not available; empty when it is.
    const std::string& reason() const noexcept { return m_unavailable.reason; }
    UnavailableCode code() const noexcept { return m_unavailable.code; }
    /// The whole explanation (reason, code, arguments), to pass on to a Reading of another type.
    const Unavailable& unavailable() const noexcept { return m_unavailable; }

private:
    std::optional<T> m_value;
    Unavailable m_unavailable;
};

}  // namespace edgert
