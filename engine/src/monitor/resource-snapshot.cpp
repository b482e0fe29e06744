#include "edgert/monitor/resource-snapshot.h"

namespace edgert {

ResourceSnapshot readResourceSnapshot(const std::filesystem::path& root, const Reading<CpuStat>* previousCpuStat)
{
    ResourceSnapshot s;
    s.monotonicTime = std::chrono::steady_clock::now();
    s.wallTime = std::chrono::system_clock::now();
    s.cpuStat = readProcStat(root);
    if (!s.cpuStat) {
        s.cpuUsage = s.cpuStat.unavailable();
    } else if (previousCpuStat == nullptr) {
        s.cpuUsage = Unavailable{"utilisation needs two samples; this is the first", UnavailableCode::CpuFirstSample};
    } else if (!*previousCpuStat) {
        s.cpuUsage = Unavailable{"the previous sample has no CPU counters: " + previousCpuStat->reason()};
    } else {
        s.cpuUsage = computeCpuUsage(**previousCpuStat, *s.cpuStat);
    }
    s.frequencies = readCpuFrequencies(root);
    s.memory = readMemoryInfo(root);
    s.process = readProcessMemory(root);
    s.thermalZones = readThermalZones(root);
    s.throttling = readThrottling(root);
    return s;
}

}  // namespace edgert
