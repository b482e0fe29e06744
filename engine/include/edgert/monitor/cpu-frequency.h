// CPU frequency per core from the cpufreq sysfs interface.
//
// Source: kernel Documentation/admin-guide/pm/cpufreq.rst: /sys/devices/system/cpu/cpuN/cpufreq/
// scaling_cur_freq (the frequency the governor last set, kHz) and scaling_max_freq (the current
// policy's upper limit, kHz). On a Raspberry Pi 4 all four cores share one policy (600-1500 MHz,
// 1800 MHz on later boards and firmware). Virtual machines usually have no cpufreq at all.
#pragma once

#include "edgert/monitor/reading.h"

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace edgert {

struct CoreFrequency {
    int cpu = 0;                                 ///< N of /sys/devices/system/cpu/cpuN
    Reading<double> currentMHz = Unavailable{};  ///< scaling_cur_freq, MHz
    Reading<double> maxMHz = Unavailable{};      ///< scaling_max_freq, MHz
};

/// Parses a cpufreq file: one decimal number of kHz ("1500000\n"), returned in MHz (1500.0).
Reading<double> parseKiloHertzAsMHz(std::string_view text);

/// Reads cpufreq of every `<root>/sys/devices/system/cpu/cpuN`, ascending N. Unavailable when
/// there are no cpuN directories or none of them has a cpufreq directory (no frequency scaling);
/// otherwise each core's values are individually available or not.
Reading<std::vector<CoreFrequency>> readCpuFrequencies(const std::filesystem::path& root = "/");

}  // namespace edgert
