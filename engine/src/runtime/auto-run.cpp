// A run's "auto" choices resolved on one path (edgert/auto-choice.h): the strategy by the cost
// model over measured bandwidths, the budget when none was given, and O_DIRECT or buffered reads.
#include "edgert/auto-choice.h"

#include "edgert/error.h"
#include "edgert/roofline.h"

#include <algorithm>
#include <limits>
#include <thread>

namespace edgert {

namespace {

std::uint64_t residentBudget(const PartitionStrategy& strategy, const PlanInput& input)
{
    return strategy.plan(input, std::numeric_limits<std::uint64_t>::max() / 4).plannedPeakBytes();
}

}  // namespace

MachineBandwidth probeMachineBandwidth(const std::string& modelPath, int threads, std::uint64_t budgetBytes,
                                       bool directReads)
{
    const std::uint64_t memoryProbe = std::clamp<std::uint64_t>(budgetBytes, 32ull << 20, 64ull << 20);
    MachineBandwidth bw;
    bw.memoryBytesPerSecond = measureMemoryReadBandwidth(threads, memoryProbe, 3);
    if (directReads) {
        bw.fileBytesPerSecond = measureDirectReadBandwidth(modelPath, 0, 64ull << 20);
        bw.prefetchOverlaps = true;
    }
    if (bw.fileBytesPerSecond <= 0) {  // buffered, or O_DIRECT refused by the filesystem
        bw.fileBytesPerSecond = measureFileReadBandwidth(modelPath, 64ull << 20).warmBytesPerSecond;
        bw.prefetchOverlaps = threads < static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    return bw;
}

const std::vector<std::string>& weightReadModes()
{
    static const std::vector<std::string> modes = {"auto", "direct", "buffered"};
    return modes;
}

WeightReadChoice resolveWeightReads(const std::string& mode, std::uint64_t budgetBytes,
                                    std::uint64_t streamedBytesPerPass)
{
    if (mode == "direct") return {true, "--weight-reads direct"};
    if (mode == "buffered") return {false, "--weight-reads buffered"};
    if (mode != "auto") throw UsageError("--weight-reads expects auto, direct or buffered, got '" + mode + "'");
    if (streamedBytesPerPass == 0) return chooseWeightReads(0, "", budgetBytes, 0);
    const AutoBudget available = autoMemoryBudget();
    return chooseWeightReads(available.availableBytes, available.source, budgetBytes, streamedBytesPerPass);
}

RunChoice resolveRunChoice(const PlanInput& input, const std::string& strategy, std::uint64_t budgetBytes,
                           const std::string& weightReads, const BandwidthProbe& probe)
{
    const auto& modes = weightReadModes();
    if (std::find(modes.begin(), modes.end(), weightReads) == modes.end())
        throw UsageError("--weight-reads expects auto, direct or buffered, got '" + weightReads + "'");
    RunChoice out;
    if (strategy != "auto") {
        const auto named = makeStrategy(strategy);  // UsageError for an unknown name
        out.strategy = strategy;
        out.budgetBytes = budgetBytes ? budgetBytes : residentBudget(*named, input);
        out.reads =
            resolveWeightReads(weightReads, out.budgetBytes, named->plan(input, out.budgetBytes).streamedBytesPerPass);
        return out;
    }
    // Every strategy fits at the budget that keeps everything resident in the fewest groups.
    out.budgetBytes = budgetBytes ? budgetBytes : residentBudget(*makeStrategy("greedy-grouping"), input);
    std::uint64_t leastStreamed = std::numeric_limits<std::uint64_t>::max();
    bool streams = false;
    for (const auto& name : strategyNames()) {
        const auto s = makeStrategy(name);
        if (s->minimumBudget(input) > out.budgetBytes) continue;
        try {
            const std::uint64_t streamed = s->plan(input, out.budgetBytes).streamedBytesPerPass;
            leastStreamed = std::min(leastStreamed, streamed);
            streams = streams || streamed > 0;
        } catch (const BudgetError&) {
        }
    }
    if (streams) {
        const bool direct = resolveWeightReads(weightReads, out.budgetBytes, leastStreamed).direct;
        out.bandwidth = probe(out.budgetBytes, direct);
        out.probed = true;
    }
    const AutoStrategy choice = autoStrategy(input, out.budgetBytes, out.bandwidth);  // BudgetError: none fits
    out.strategy = choice.name;
    out.autoChoice = describeAutoChoice(choice, out.bandwidth);
    out.predictedSeconds = choice.predictedSeconds;
    out.reads = resolveWeightReads(weightReads, out.budgetBytes, choice.plan.streamedBytesPerPass);
    return out;
}

}  // namespace edgert
