// A value read from the operating system, or the reason it could not be read.
//
// The resource monitor never throws and never invents numbers: a file that is missing, unreadable
// or malformed yields an unavailable Reading whose reason() says which file and why, e.g.
// "/sys/class/thermal/thermal_zone0/temp: malformed value 'hot' (expected millidegrees Celsius)".
// Displays print "n/a" and show the reason on request.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace edgert {

/// Marks a Reading as not available; `reason` is a human-readable explanation (file and cause).
struct Unavailable {
    std::string reason;
};

template <typename T>
class Reading {
public:
    /// An available reading (implicit, so readers can `return value;`).
    Reading(T value) : m_value(std::move(value)) {}
    /// An unavailable reading (implicit, so readers can `return Unavailable{"why"};`).
    Reading(Unavailable unavailable) : m_reason(std::move(unavailable.reason)) {}

    bool available() const noexcept { return m_value.has_value(); }
    explicit operator bool() const noexcept { return available(); }

    /// The value. Calling it on an unavailable reading is a programming error: it throws
    /// std::logic_error carrying the reason rather than returning garbage.
    const T& value() const
    {
        if (!m_value) throw std::logic_error("reading not available: " + m_reason);
        return *m_value;
    }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }

    /// The value, or `fallback` when unavailable.
    T valueOr(T fallback) const { return m_value ? *m_value : std::move(fallback); }

    /// Why the value is not available; empty when it is.
    const std::string& reason() const noexcept { return m_reason; }

private:
    std::optional<T> m_value;
    std::string m_reason;
};

}  // namespace edgert
