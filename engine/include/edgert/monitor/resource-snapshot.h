// One timestamped reading of everything the resource monitor knows about the machine.
#pragma once

#include "edgert/monitor/cpu-frequency.h"
#include "edgert/monitor/cpu-stat.h"
#include "edgert/monitor/memory-info.h"
#include "edgert/monitor/process-memory.h"
#include "edgert/monitor/reading.h"
#include "edgert/monitor/thermal-zones.h"
#include "edgert/monitor/throttling.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace edgert {

struct ResourceSnapshot {
    std::uint64_t sequence = 0;                           ///< 0 for a sampler's first snapshot, then +1
    std::chrono::steady_clock::time_point monotonicTime;  ///< for intervals and charts
    std::chrono::system_clock::time_point wallTime;       ///< for display and JSON

    Reading<CpuStat> cpuStat = Unavailable{};    ///< raw /proc/stat counters
    Reading<CpuUsage> cpuUsage = Unavailable{};  ///< against the previous snapshot's counters
    Reading<std::vector<CoreFrequency>> frequencies = Unavailable{};
    MemoryInfo memory;
    ProcessMemory process;  ///< `<root>/proc/self/status`: this process when root is "/"
    Reading<std::vector<ThermalZone>> thermalZones = Unavailable{};
    Reading<ThrottleFlags> throttling = Unavailable{};
};

/// Reads every source under `root` once. cpuUsage is computed against `previousCpuStat` and is
/// unavailable when that is null or unavailable ("needs two samples"). sequence is left 0.
ResourceSnapshot readResourceSnapshot(const std::filesystem::path& root, const Reading<CpuStat>* previousCpuStat);

}  // namespace edgert
