// `--memory-budget auto` and `--strategy auto`: the budget the machine and its cgroup can give,
// and the partition strategy a cost model predicts to decode fastest within it.
#pragma once

#include "edgert/partition-planner.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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
/// run's thread count; for the file, the read rate of the way the run streams: the device rate
/// for O_DIRECT reads, the page-cache rate for buffered reads of a cached file).
struct MachineBandwidth {
    double memoryBytesPerSecond = 0;
    double fileBytesPerSecond = 0;
    /// Whether a prefetched read runs beside compute without taking its CPU time: true for
    /// O_DIRECT reads (the device copies, the worker sleeps) or when a core is left over for the
    /// worker; false for buffered reads (a memcpy out of the page cache) with every core computing.
    bool prefetchOverlaps = true;
};

/// Predicted time of one decode pass (one token) of `plan`, seconds: every weight byte is read
/// from memory once (weights / memory bandwidth); streamed bytes are read from the file too,
/// overlapped with compute when the plan prefetches and bw.prefetchOverlaps (max of the two),
/// added otherwise. Zero bandwidths count as infinitely fast.
double predictedDecodeSeconds(const PartitionPlan& plan, const MachineBandwidth& bw);

/// One strategy the cost model weighed: its plan's shape and predicted decode time, or why it
/// could not plan at the budget.
struct AutoCandidate {
    std::string name;
    bool fits = false;
    double predictedSeconds = 0;  ///< when fits
    std::size_t groups = 0;
    std::size_t streamedGroups = 0;
    std::string error;  ///< the BudgetError when !fits
};

/// The strategy of strategyNames() whose plan at `budgetBytes` has the least predicted decode time
/// (ties within 0.5 %: fewer groups, then the earlier name: fewer group boundaries cost less).
/// Returns its name and plan and every candidate. Throws BudgetError when no strategy fits.
struct AutoStrategy {
    std::string name;
    PartitionPlan plan;
    double predictedSeconds = 0;
    std::vector<AutoCandidate> candidates;  ///< in strategyNames() order
};
AutoStrategy autoStrategy(const PlanInput& input, std::uint64_t budgetBytes, const MachineBandwidth& bw);

/// One line saying what auto picked and why, e.g. "speculative-prefetch: 18 groups (16 streamed),
/// predicted 7.1 tokens/s (sequential 5.0, greedy-grouping 5.0; memory 12.5 GB/s, file 1.9 GB/s,
/// reads overlap compute)".
std::string describeAutoChoice(const AutoStrategy& choice, const MachineBandwidth& bw);

/// What `--weight-reads auto` picks for a run and why.
struct WeightReadChoice {
    bool direct = false;  ///< O_DIRECT (EngineOptions::directReads), else through the page cache
    std::string reason;   ///< one clause, e.g. "the page cache cannot keep the 354.6 MiB streamed per pass ..."
};

/// O_DIRECT when the page cache cannot keep the bytes streamed per pass beside the run: when
/// `availableBytes` (AutoBudget::availableBytes, measured before loading) minus the budget is less
/// than `streamedBytesPerPass` — every pass would then evict and re-read them, paying a copy and
/// competing with the budget (a cgroup charges cached pages like the process's own). Otherwise,
/// and when nothing is streamed, reads go through the page cache, which then serves each pass
/// at memory speed. `source` names where availableBytes came from (for the reason).
WeightReadChoice chooseWeightReads(std::uint64_t availableBytes, const std::string& source, std::uint64_t budgetBytes,
                                   std::uint64_t streamedBytesPerPass);

// ---- a run's choices with every "auto" resolved (engine/src/runtime/auto-run.cpp) ----------
// One path for `edge-rt run`/`chat`, `benchmark --strategies auto` and the dashboard's bridge.

/// The bandwidths --strategy auto feeds its cost model, measured now: memory read bandwidth at
/// `threads` (a buffer of 32-64 MiB, about the budget: small enough for a budget-sized cgroup,
/// larger than a Pi 4's or a desktop's last-level cache share) and the model file's read rate as
/// the run streams it (O_DIRECT: the device's rate, reads overlap compute; buffered: the
/// page-cache rate, overlapping only when a core is left over for the prefetch worker). Reads 64
/// MiB of the file; takes ~0.1-0.5 s. Throws IoError when the file cannot be read.
MachineBandwidth probeMachineBandwidth(const std::string& modelPath, int threads, std::uint64_t budgetBytes,
                                       bool directReads);

/// The words `--weight-reads` and `engine.weight_reads` take, in documentation order.
const std::vector<std::string>& weightReadModes();

/// `mode` "direct" or "buffered" as asked (reason "--weight-reads direct"), "auto" by
/// chooseWeightReads() on autoMemoryBudget()'s available bytes (read only when something streams).
/// Throws UsageError for another word (naming the allowed ones).
WeightReadChoice resolveWeightReads(const std::string& mode, std::uint64_t budgetBytes,
                                    std::uint64_t streamedBytesPerPass);

/// Measures the bandwidths for a run at `budgetBytes` whose reads are O_DIRECT or not; called only
/// when some strategy would stream at the budget. (The CLI probes each time; the dashboard's
/// bridge keeps the figures of its first probe.)
using BandwidthProbe = std::function<MachineBandwidth(std::uint64_t budgetBytes, bool directReads)>;

/// A run's strategy, budget and weight reads, "auto" resolved.
struct RunChoice {
    std::string strategy;           ///< a name of strategyNames()
    std::uint64_t budgetBytes = 0;  ///< as given, or (given 0) what keeps every weight resident
    std::string autoChoice;         ///< describeAutoChoice() when the strategy was "auto", else ""
    double predictedSeconds = 0;    ///< auto: the cost model's decode time per token for its pick
    WeightReadChoice reads;         ///< for the chosen strategy's plan at budgetBytes
    bool probed = false;            ///< `probe` ran (its buffers were touched: re-measure a baseline)
    MachineBandwidth bandwidth;     ///< what the cost model used (zeros when nothing was probed)
};

/// Resolves `strategy` (a name or "auto"), `budgetBytes` (0: the budget that keeps every weight
/// resident: the strategy's own, for auto greedy-grouping's) and `weightReads` (weightReadModes()).
/// For auto, when some strategy would stream at the budget, the file rate probed is that of the
/// read mode of the least-streaming strategy that fits (what the streamed rows will do); when every
/// weight stays resident the fewest groups win without probing. Throws UsageError for an unknown
/// strategy or read mode, BudgetError when nothing (or the named strategy) cannot plan at the budget.
RunChoice resolveRunChoice(const PlanInput& input, const std::string& strategy, std::uint64_t budgetBytes,
                           const std::string& weightReads, const BandwidthProbe& probe);

}  // namespace edgert
