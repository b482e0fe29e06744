// System memory from /proc/meminfo.
//
// Source: proc(5), "/proc/meminfo": "Key:   value kB" lines where kB means KiB (1024 bytes).
// MemAvailable (Linux 3.14+) is the kernel's estimate of memory available for starting new
// applications without swapping; it is the number a memory budget must be checked against.
#pragma once

#include "edgert/monitor/reading.h"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace edgert {

/// Each field is read independently: one missing or malformed line leaves the others usable.
struct MemoryInfo {
    Reading<std::uint64_t> totalBytes = Unavailable{};      ///< MemTotal, bytes
    Reading<std::uint64_t> availableBytes = Unavailable{};  ///< MemAvailable, bytes
    Reading<std::uint64_t> cachedBytes = Unavailable{};     ///< Cached (page cache), bytes
    Reading<std::uint64_t> swapTotalBytes = Unavailable{};  ///< SwapTotal, bytes
    Reading<std::uint64_t> swapFreeBytes = Unavailable{};   ///< SwapFree, bytes

    /// MemTotal - MemAvailable, bytes: memory that cannot be given to a new process.
    Reading<std::uint64_t> usedBytes() const;
    /// SwapTotal - SwapFree, bytes.
    Reading<std::uint64_t> swapUsedBytes() const;
};

/// Parses the text of /proc/meminfo.
MemoryInfo parseMeminfo(std::string_view text);

/// Reads `<root>/proc/meminfo`; when the file cannot be read every field says why.
MemoryInfo readMemoryInfo(const std::filesystem::path& root = "/");

}  // namespace edgert
