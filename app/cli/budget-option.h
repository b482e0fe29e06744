// The value of --memory-budget / --sweep-memory: a byte size ("512K", "64M", "1G", "123456") or
// "auto" (edgert/auto-choice.h: MemAvailable or the cgroup's remaining limit, minus headroom).
#pragma once

#include <cstdint>
#include <string>

namespace edgert::cli {

/// Bytes for `text`. "auto" resolves now and says on stderr what it found (available, headroom,
/// source). Throws UsageError for a malformed size, BudgetError when auto leaves nothing.
std::uint64_t parseBudget(const std::string& text);

}  // namespace edgert::cli
