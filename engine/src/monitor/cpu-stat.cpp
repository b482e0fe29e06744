#include "edgert/monitor/cpu-stat.h"

#include "monitor/sysfs-text.h"

#include <algorithm>
#include <optional>
#include <string>

namespace edgert {

using namespace monitor_detail;

namespace {

constexpr std::size_t kMinColumns = 4;  // user nice system idle: present since Linux 1.x

/// Parses the counters after "cpu"/"cpuN"; nullopt when a column is not a number or fewer than
/// four are present. Columns after steal (guest, guest_nice) are included in user/nice already.
std::optional<CpuTimes> parseCounters(const std::vector<std::string_view>& tokens)
{
    if (tokens.size() < 1 + kMinColumns) return std::nullopt;
    std::uint64_t values[8] = {};
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        const auto v = parseUnsigned(tokens[i]);
        if (!v) return std::nullopt;
        if (i - 1 < 8) values[i - 1] = *v;
    }
    return CpuTimes{values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]};
}

/// `later - earlier`, or 0 when the counter went backwards.
std::uint64_t clampedDelta(std::uint64_t earlier, std::uint64_t later)
{
    return later >= earlier ? later - earlier : 0;
}

CpuTimes clampedDelta(const CpuTimes& a, const CpuTimes& b)
{
    return {clampedDelta(a.user, b.user),       clampedDelta(a.nice, b.nice),     clampedDelta(a.system, b.system),
            clampedDelta(a.idle, b.idle),       clampedDelta(a.iowait, b.iowait), clampedDelta(a.irq, b.irq),
            clampedDelta(a.softirq, b.softirq), clampedDelta(a.steal, b.steal)};
}

Reading<double> busyPercent(const CpuTimes& earlier, const CpuTimes& later)
{
    const CpuTimes d = clampedDelta(earlier, later);
    const std::uint64_t busy = d.busyTicks();
    const std::uint64_t elapsed = busy + d.idleTicks();
    if (elapsed == 0)
        return Unavailable{"no CPU time elapsed between the two samples (counters did not advance)",
                           UnavailableCode::CpuNoTimeElapsed};
    return 100.0 * static_cast<double>(busy) / static_cast<double>(elapsed);
}

}  // namespace

Reading<CpuStat> parseProcStat(std::string_view text)
{
    CpuStat stat;
    bool haveTotal = false;
    std::optional<std::string> error;
    forEachLine(text, [&](std::string_view line) {
        if (error || !line.starts_with("cpu")) return;
        const auto tokens = splitWhitespace(line);
        if (tokens.empty()) return;
        const std::string_view label = tokens[0];
        std::optional<int> cpu;  // nullopt: the aggregate line
        if (label != "cpu") {
            const auto n = parseUnsigned(label.substr(3));
            if (!n || *n > 65535) {
                error = "unexpected label in line '" + quoteForMessage(line) + "'";
                return;
            }
            cpu = static_cast<int>(*n);
        }
        const auto times = parseCounters(tokens);
        if (!times) {
            error = "malformed line '" + quoteForMessage(line) + "' (expected at least " + std::to_string(kMinColumns) +
                    " numeric tick counters)";
            return;
        }
        if (!cpu) {
            stat.total = *times;
            haveTotal = true;
        } else {
            stat.cores.push_back({*cpu, *times});
        }
    });
    if (error) return Unavailable{*error};
    if (!haveTotal) return Unavailable{"no aggregate 'cpu' line"};
    return stat;
}

Reading<CpuStat> readProcStat(const std::filesystem::path& root)
{
    const auto path = underRoot(root, "proc/stat");
    const auto text = readTextFile(path);
    if (!text) return Unavailable{text.reason()};
    return withSource(parseProcStat(*text), path);
}

CpuUsage computeCpuUsage(const CpuStat& earlier, const CpuStat& later)
{
    CpuUsage usage;
    usage.totalBusyPercent = busyPercent(earlier.total, later.total);
    usage.cores.reserve(later.cores.size());
    for (const CoreTimes& core : later.cores) {
        const auto previous = std::find_if(earlier.cores.begin(), earlier.cores.end(),
                                           [&](const CoreTimes& c) { return c.cpu == core.cpu; });
        if (previous == earlier.cores.end()) {
            usage.cores.push_back({core.cpu, Unavailable{"cpu" + std::to_string(core.cpu) +
                                                         " was not in the previous sample (brought online?)"}});
        } else {
            usage.cores.push_back({core.cpu, busyPercent(previous->times, core.times)});
        }
    }
    return usage;
}

}  // namespace edgert
