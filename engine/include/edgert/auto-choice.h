// `--memory-budget auto` and `--strategy auto`: the budget the machine and its cgroup can give,
// and the partition strategy a cost model predicts to decode fastest within it.
#pragma once

#include "edgert/partition-planner.h"

#include <cstdint>
#include <string>

namespace edgert {

/// What `--memory-budget auto` resolves to and why.
struct AutoBudget {
    std::uint64_t bytes = 0;           ///< the budget: available - headroom (0 when nothing is left)
    std::uint64_t availableBytes = 0;  ///< the tighter of MemAvailable and the cgroup's remaining limit
    std::uint64_t headroomBytes = 0;   ///< kept free: max(kMinHeadroom, kHeadroomPercent % of available)
    std::string source;                ///< "MemAvailable (/proc/meminfo)" or "cgroup <path> memory.max"
};

inline constexpr std::uint64_t kMinHeadroomBytes = 64ull << 20;  ///< tokenizer, thread stacks, the rest of the system
inline constexpr unsigned kHeadroomPercent = 10;

/// Reads /proc/meminfo (MemAvailable) and the process's cgroup v2 limits (memory.max minus
/// memory.current, every ancestor up to the root; cgroup v1 memory.limit_in_bytes as fallback)
/// and takes the tightest. Throws IoError when /proc/meminfo has no MemAvailable line.
AutoBudget autoMemoryBudget();

/// Bandwidths the cost model uses, bytes/s (from the roofline: measureMemoryReadBandwidth at the
/// run's thread count, measureFileReadBandwidth's warm figure for a file the page cache holds).
struct MachineBandwidth {
    double memoryBytesPerSecond = 0;
    double fileBytesPerSecond = 0;
};

/// Predicted time of one decode pass (one token) of `plan`, seconds: every weight byte is read
/// from memory once (weights / memory bandwidth); streamed bytes are read from the file too,
/// overlapped with compute when the plan prefetches (max of the two) and added otherwise.
double predictedDecodeSeconds(const PartitionPlan& plan, const MachineBandwidth& bw);

/// The strategy of strategyNames() whose plan at `budgetBytes` has the least predicted decode time
/// (ties: the earlier name). Returns its name and plan. Throws BudgetError when no strategy fits.
struct AutoStrategy {
    std::string name;
    PartitionPlan plan;
    double predictedSeconds = 0;
};
AutoStrategy autoStrategy(const PlanInput& input, std::uint64_t budgetBytes, const MachineBandwidth& bw);

}  // namespace edgert
