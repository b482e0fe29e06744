// Machine limits for the roofline in `edge-rt benchmark --roofline`: how fast this machine can
// read memory (the decode bound: every weight byte is read once per token) and read the model
// file (the bound for streamed groups).
#pragma once

#include <cstdint>
#include <string>

namespace edgert {

/// Measures memory read bandwidth in bytes/s with `threads` threads: each thread sums its share
/// of a `bufferBytes` buffer (default 512 MiB, far beyond the caches), best of `repeats` passes.
double measureMemoryReadBandwidth(int threads, std::uint64_t bufferBytes = 512ull << 20, int repeats = 5);

struct FileReadBandwidth {
    double warmBytesPerSecond = 0.0;  ///< file in the page cache (what a run sees when RAM holds it)
    double coldBytesPerSecond = 0.0;  ///< after evicting it (posix_fadvise DONTNEED): the storage
    std::uint64_t bytesRead = 0;
};

/// Reads up to `maxBytes` of `path` sequentially with pread in 4 MiB chunks, once evicted from
/// the page cache (cold) and once cached (warm). Throws IoError when the file cannot be read.
FileReadBandwidth measureFileReadBandwidth(const std::string& path, std::uint64_t maxBytes = 1ull << 30);

/// Reads up to `maxBytes` of `path` from `offset` on with O_DIRECT in 8 MiB requests into a
/// page-aligned buffer: the device's rate, whatever the page cache holds (what streamed groups
/// see with EngineOptions::directReads). Returns 0 when the filesystem refuses O_DIRECT (EINVAL).
/// Throws IoError when the file cannot be opened or read.
double measureDirectReadBandwidth(const std::string& path, std::uint64_t offset = 0,
                                  std::uint64_t maxBytes = 256ull << 20);

}  // namespace edgert
