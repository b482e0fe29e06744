#include "edgert/monitor/thermal-zones.h"

#include "monitor/sysfs-text.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace edgert {

using namespace monitor_detail;

namespace {

constexpr double kMinPlausibleC = -60.0;
constexpr double kMaxPlausibleC = 200.0;

/// N of "<prefix>N<suffix>", or nullopt.
std::optional<int> indexIn(std::string_view name, std::string_view prefix, std::string_view suffix)
{
    if (!name.starts_with(prefix) || !name.ends_with(suffix) || name.size() <= prefix.size() + suffix.size())
        return std::nullopt;
    const auto n = parseUnsigned(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
    if (!n || *n > 1'000'000) return std::nullopt;
    return static_cast<int>(*n);
}

Reading<double> readCelsius(const std::filesystem::path& path)
{
    const auto text = readTextFile(path, 4096);
    if (!text) return Unavailable{text.reason()};
    return withSource(parseMillidegreesCelsius(*text), path);
}

Reading<std::string> readWord(const std::filesystem::path& path)
{
    const auto text = readTextFile(path, 4096);
    if (!text) return Unavailable{text.reason()};
    const std::string_view t = trim(*text);
    if (t.empty()) return Unavailable{path.string() + ": empty"};
    if (t.find('\n') != std::string_view::npos || t.find('\0') != std::string_view::npos)
        return Unavailable{path.string() + ": malformed value '" + quoteForMessage(t) + "'"};
    return std::string(t);
}

ThermalZone readZone(const std::filesystem::path& dir, int index)
{
    ThermalZone zone;
    zone.index = index;
    zone.name = dir.filename().string();
    zone.type = readWord(dir / "type");
    zone.temperatureC = readCelsius(dir / "temp");

    std::vector<int> trips;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (const auto k = indexIn(it->path().filename().string(), "trip_point_", "_temp")) trips.push_back(*k);
    }
    std::sort(trips.begin(), trips.end());
    for (int k : trips) {
        const std::string prefix = "trip_point_" + std::to_string(k);
        zone.tripPoints.push_back({k, readCelsius(dir / (prefix + "_temp")), readWord(dir / (prefix + "_type"))});
    }
    return zone;
}

}  // namespace

Reading<double> parseMillidegreesCelsius(std::string_view text)
{
    const std::string_view t = trim(text);
    const auto milli = parseSigned(t);
    if (!milli) return Unavailable{"malformed value '" + quoteForMessage(t) + "' (expected millidegrees Celsius)"};
    const double celsius = static_cast<double>(*milli) / 1000.0;
    if (celsius < kMinPlausibleC || celsius > kMaxPlausibleC) {
        char shown[64];
        std::snprintf(shown, sizeof shown, "%.1f", celsius);
        return Unavailable{std::string("implausible temperature ") + shown + " °C (sensor error value?)"};
    }
    return celsius;
}

Reading<std::vector<ThermalZone>> readThermalZones(const std::filesystem::path& root)
{
    const auto base = underRoot(root, "sys/class/thermal");
    std::error_code ec;
    if (!std::filesystem::is_directory(base, ec))
        return Unavailable{
            "no thermal zones: " + base.string() + " does not exist", UnavailableCode::NoThermalZones, {base.string()}};

    std::vector<std::pair<int, std::filesystem::path>> found;
    for (std::filesystem::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
        if (const auto n = indexIn(it->path().filename().string(), "thermal_zone", ""))
            found.emplace_back(*n, it->path());
    }
    if (ec && found.empty()) return Unavailable{"no thermal zones: " + base.string() + ": " + ec.message()};
    if (found.empty())
        return Unavailable{"no thermal zones: no thermal_zone* entries in " + base.string(),
                           UnavailableCode::NoThermalZones,
                           {base.string()}};
    std::sort(found.begin(), found.end());

    std::vector<ThermalZone> zones;
    zones.reserve(found.size());
    for (const auto& [n, dir] : found) zones.push_back(readZone(dir, n));
    return zones;
}

Reading<double> hottestTemperatureC(const Reading<std::vector<ThermalZone>>& zones)
{
    if (!zones) return zones.unavailable();
    std::optional<double> hottest;
    std::string firstReason;
    for (const ThermalZone& zone : *zones) {
        if (zone.temperatureC) {
            hottest = std::max(hottest.value_or(*zone.temperatureC), *zone.temperatureC);
        } else if (firstReason.empty()) {
            firstReason = zone.temperatureC.reason();
        }
    }
    if (!hottest) return Unavailable{"no zone has a temperature: " + firstReason};
    return *hottest;
}

}  // namespace edgert
