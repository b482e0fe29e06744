#include "edgert/units.h"

#include "edgert/error.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace edgert {

std::uint64_t parseByteSize(std::string_view text)
{
    const std::string shown(text);
    const auto fail = [&](const char* why) -> std::uint64_t {
        throw UsageError("invalid byte size '" + shown + "': " + why +
                         " (use plain bytes or a number with K, M or G, e.g. 512K, 64M, 1G)");
    };
    std::string_view s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.empty()) return fail("empty");

    // Split number and suffix.
    std::size_t numberEnd = 0;
    while (numberEnd < s.size() && (std::isdigit(static_cast<unsigned char>(s[numberEnd])) || s[numberEnd] == '.'))
        ++numberEnd;
    if (numberEnd == 0) return fail("does not start with a number");
    std::string_view number = s.substr(0, numberEnd);
    std::string suffix;
    for (char c : s.substr(numberEnd)) suffix.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (suffix.ends_with("IB"))
        suffix.resize(suffix.size() - 2);
    else if (suffix.size() > 1 && suffix.ends_with("B"))
        suffix.resize(suffix.size() - 1);
    else if (suffix == "B")
        suffix.clear();

    double multiplier = 1.0;
    if (suffix.empty())
        multiplier = 1.0;
    else if (suffix == "K")
        multiplier = 1024.0;
    else if (suffix == "M")
        multiplier = 1024.0 * 1024.0;
    else if (suffix == "G")
        multiplier = 1024.0 * 1024.0 * 1024.0;
    else
        return fail("unknown unit suffix");

    double value = 0.0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || ptr != number.data() + number.size()) return fail("malformed number");
    if (suffix.empty() && number.find('.') != std::string_view::npos)
        return fail("a plain byte count must be a whole number");
    const double bytes = std::floor(value * multiplier);
    if (!(bytes >= 1.0)) return fail("must be at least 1 byte");
    if (bytes >= static_cast<double>(std::numeric_limits<std::uint64_t>::max())) return fail("too large");
    return static_cast<std::uint64_t>(bytes);
}

std::string formatBytes(std::uint64_t bytes)
{
    char buffer[64];
    const double b = static_cast<double>(bytes);
    if (bytes < 1024)
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024ull * 1024)
        std::snprintf(buffer, sizeof buffer, "%.1f KiB", b / 1024.0);
    else if (bytes < 1024ull * 1024 * 1024)
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", b / (1024.0 * 1024.0));
    else
        std::snprintf(buffer, sizeof buffer, "%.2f GiB", b / (1024.0 * 1024.0 * 1024.0));
    return buffer;
}

}  // namespace edgert
