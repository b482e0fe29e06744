// Resident memory of a process from /proc/<pid>/status.
//
// Source: proc(5), "/proc/pid/status": VmRSS is the resident set size (RssAnon + RssFile +
// RssShmem), VmHWM the peak resident set size ("high water mark"), both in kB (KiB).
// The runtime uses readProcessMemory() to measure the peak RSS a run actually reached.
#pragma once

#include "edgert/monitor/reading.h"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace edgert {

struct ProcessMemory {
    Reading<std::uint64_t> rssBytes = Unavailable{};      ///< VmRSS, bytes
    Reading<std::uint64_t> peakRssBytes = Unavailable{};  ///< VmHWM, bytes
};

/// Parses the text of /proc/<pid>/status. Kernel threads have no VmRSS/VmHWM lines; those fields
/// are then unavailable.
ProcessMemory parseProcessStatus(std::string_view text);

/// Reads `<root>/proc/self/status`. With the default root this is the calling process: its
/// current and peak resident set size in bytes.
ProcessMemory readProcessMemory(const std::filesystem::path& root = "/");

}  // namespace edgert
