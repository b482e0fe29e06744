// CPU time counters from /proc/stat and utilisation computed from the difference of two readings.
//
// Source: proc(5), "/proc/stat": the "cpu" line aggregates all CPUs, "cpuN" lines are per CPU;
// the columns are user nice system idle iowait irq softirq steal guest guest_nice, in USER_HZ
// ticks (normally 1/100 s) since boot. guest and guest_nice are already included in user and
// nice, so they are not added again. Kernels before 2.6 print only the first four columns.
#pragma once

#include "edgert/monitor/reading.h"

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace edgert {

/// One "cpu" line of /proc/stat, in USER_HZ ticks since boot. Absent columns are 0.
struct CpuTimes {
    std::uint64_t user = 0;
    std::uint64_t nice = 0;
    std::uint64_t system = 0;
    std::uint64_t idle = 0;
    std::uint64_t iowait = 0;
    std::uint64_t irq = 0;
    std::uint64_t softirq = 0;
    std::uint64_t steal = 0;

    /// Ticks spent doing nothing: idle + iowait.
    std::uint64_t idleTicks() const { return idle + iowait; }
    /// Ticks spent working: user + nice + system + irq + softirq + steal.
    std::uint64_t busyTicks() const { return user + nice + system + irq + softirq + steal; }

    friend bool operator==(const CpuTimes&, const CpuTimes&) = default;
};

/// A per-CPU line: `cpu` is N of "cpuN" (CPUs can be missing when offline).
struct CoreTimes {
    int cpu = 0;
    CpuTimes times;
};

/// All "cpu" lines of one /proc/stat reading.
struct CpuStat {
    CpuTimes total;                ///< the aggregate "cpu" line
    std::vector<CoreTimes> cores;  ///< "cpuN" lines, in file order (ascending N)
};

/// Parses the text of /proc/stat. Unavailable (with the offending line) when there is no
/// aggregate "cpu" line, or a cpu line has fewer than four numeric columns or a non-number.
Reading<CpuStat> parseProcStat(std::string_view text);

/// Reads `<root>/proc/stat`.
Reading<CpuStat> readProcStat(const std::filesystem::path& root = "/");

/// Utilisation of one CPU between two readings, in percent (0-100) of elapsed ticks.
struct CoreUsage {
    int cpu = 0;
    Reading<double> busyPercent = Unavailable{};
};

/// Utilisation between two /proc/stat readings.
struct CpuUsage {
    Reading<double> totalBusyPercent = Unavailable{};  ///< all CPUs together, 0-100
    std::vector<CoreUsage> cores;                      ///< one per "cpuN" of the later reading
};

/// Utilisation from `earlier` to `later`: busy ticks / (busy + idle ticks) * 100 per line.
/// Each counter's delta is clamped at 0 when it went backwards (iowait is known to decrease on
/// tickless kernels; a CPU taken offline and back restarts its counters). A line whose ticks did
/// not advance, or a CPU missing from `earlier`, is unavailable with the reason.
CpuUsage computeCpuUsage(const CpuStat& earlier, const CpuStat& later);

}  // namespace edgert
