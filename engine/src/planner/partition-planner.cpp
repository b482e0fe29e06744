// The three partition strategies. Shared machinery: choose pinned units (largest first while
// the stream reserve still fits), then form groups of the streamed units per strategy.
// Streamed groups are read into stream slots leased once per run: one slot (sequential, greedy)
// or two (speculative-prefetch: double buffering — one computes while the next loads), each as
// large as the largest streamed group.
#include "edgert/partition-planner.h"

#include "edgert/error.h"
#include "edgert/memory-pool.h"
#include "edgert/units.h"

#include <algorithm>
#include <numeric>

namespace edgert {

std::size_t PartitionPlan::streamedGroupCount() const
{
    return static_cast<std::size_t>(
        std::count_if(groups.begin(), groups.end(), [](const auto& g) { return !g.pinned; }));
}

namespace {

std::uint64_t fp(std::uint64_t bytes)
{
    return MemoryPool::footprintBytes(bytes);
}

std::uint64_t unitsBytes(const PlanInput& in, std::uint32_t first, std::uint32_t last)
{
    std::uint64_t sum = 0;
    for (auto u = first; u <= last; ++u) sum += in.units[u].weightBytes;
    return sum;
}

LayerGroup makeGroup(const PlanInput& in, std::uint32_t first, std::uint32_t last, bool pinned)
{
    LayerGroup g;
    g.firstUnit = first;
    g.lastUnit = last;
    g.weightBytes = unitsBytes(in, first, last);
    g.footprintBytes = fp(g.weightBytes);
    g.pinned = pinned;
    return g;
}

enum class Grouping { OnePerUnit, Greedy, DoubleBuffered };

// Streaming reserve (slot count × largest streamed unit) for the units not pinned.
std::uint64_t reserveFor(const PlanInput& in, const std::vector<bool>& pinned, std::uint64_t slots)
{
    std::uint64_t largest = 0;
    for (std::size_t u = 0; u < in.units.size(); ++u)
        if (!pinned[u]) largest = std::max(largest, fp(in.units[u].weightBytes));
    return slots * largest;
}

class StrategyBase : public PartitionStrategy {
public:
    StrategyBase(const char* name, const char* description, Grouping grouping)
        : m_name(name), m_description(description), m_grouping(grouping)
    {
    }
    std::string name() const override { return m_name; }

    /// KV cache + scratch + the stream slots for the largest unit (nothing pinned).
    std::uint64_t streamingMinimum(const PlanInput& in) const
    {
        const std::vector<bool> none(in.units.size(), false);
        return in.kvBytes + in.scratchBytes + reserveFor(in, none, slots());
    }
    /// Pool footprint of every weight resident, grouped as this strategy groups them.
    std::uint64_t allResidentBytes(const PlanInput& in) const
    {
        if (in.units.empty()) return 0;
        const auto n = static_cast<std::uint32_t>(in.units.size());
        std::uint64_t bytes = 0;
        if (m_grouping == Grouping::OnePerUnit)
            for (std::uint32_t u = 0; u < n; ++u) bytes += fp(in.units[u].weightBytes);
        else
            bytes = fp(unitsBytes(in, 0, n - 1));
        return bytes;
    }
    std::string description() const override { return m_description; }

    /// The smaller of what streaming needs (KV cache + scratch + the stream slots for the largest
    /// unit) and what keeps every weight resident: a small model whose two stream slots would
    /// exceed its whole weight set plans resident at that budget.
    std::uint64_t minimumBudget(const PlanInput& in) const override
    {
        return std::min(streamingMinimum(in), in.kvBytes + in.scratchBytes + allResidentBytes(in));
    }

    PartitionPlan plan(const PlanInput& in, std::uint64_t budget) const override
    {
        if (in.units.empty()) throw UsageError("cannot plan a model without layers");
        PartitionPlan p;
        p.strategy = m_name;
        p.budgetBytes = budget;
        p.units = in.units;
        p.kvBytes = in.kvBytes;
        p.scratchBytes = in.scratchBytes;
        const auto n = static_cast<std::uint32_t>(in.units.size());
        const std::uint64_t fixed = in.kvBytes + in.scratchBytes;

        // Everything resident?
        const std::uint64_t allResident = allResidentBytes(in);
        if (fixed + allResident <= budget) {
            if (m_grouping == Grouping::OnePerUnit)
                for (std::uint32_t u = 0; u < n; ++u) p.groups.push_back(makeGroup(in, u, u, true));
            else
                p.groups.push_back(makeGroup(in, 0, n - 1, true));
            finish(p);
            return p;
        }

        const auto minimum = streamingMinimum(in);
        if (budget < minimum) {
            throw BudgetError("memory budget " + formatBytes(budget) + " (" + std::to_string(budget) +
                              " bytes) is too small for strategy '" + m_name + "': it needs at least " +
                              formatBytes(minimum) + " (" + std::to_string(minimum) + " bytes) = KV cache " +
                              formatBytes(in.kvBytes) + " + scratch " + formatBytes(in.scratchBytes) + " + " +
                              (slots() == 2 ? "two stream slots of the largest unit (a layer or the output head) "
                                            : "the largest unit (a layer or the output head) ") +
                              formatBytes(minimum - fixed) + "; minimum budget: " + std::to_string(minimum));
        }

        // Pin the largest units while the streaming reserve for the rest still fits.
        std::vector<bool> pinned(n, false);
        std::vector<std::uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return in.units[a].weightBytes > in.units[b].weightBytes; });
        std::uint64_t pinnedBytes = 0;
        for (auto u : order) {
            pinned[u] = true;
            const auto cost = pinnedBytes + fp(in.units[u].weightBytes);
            if (fixed + cost + reserveFor(in, pinned, slots()) <= budget)
                pinnedBytes = cost;
            else
                pinned[u] = false;
        }

        // Pinned units: one group per unit (sequential) or per contiguous run.
        // Streamed units: grouped within the window the budget leaves.
        std::vector<LayerGroup> groups;
        for (std::uint32_t u = 0; u < n;) {
            std::uint32_t end = u;
            while (end + 1 < n && pinned[end + 1] == pinned[u]) ++end;
            if (pinned[u]) {
                if (m_grouping == Grouping::OnePerUnit)
                    for (auto k = u; k <= end; ++k) groups.push_back(makeGroup(in, k, k, true));
                else
                    groups.push_back(makeGroup(in, u, end, true));
            } else {
                for (auto k = u; k <= end; ++k) groups.push_back(makeGroup(in, k, k, false));
            }
            u = end + 1;
        }
        std::uint64_t pinnedFootprint = 0;
        for (const auto& g : groups)
            if (g.pinned) pinnedFootprint += g.footprintBytes;
        const std::uint64_t window = budget - fixed - pinnedFootprint;
        if (m_grouping != Grouping::OnePerUnit) groups = mergeStreamed(in, groups, window / slots());
        p.groups = std::move(groups);
        finish(p);
        if (p.plannedPeakBytes() > budget)
            throw BudgetError(std::string("internal planner error: plan '") + m_name + "' needs " +
                              formatBytes(p.plannedPeakBytes()) + " but the budget is " + formatBytes(budget));
        return p;
    }

private:
    std::uint64_t slots() const { return m_grouping == Grouping::DoubleBuffered ? 2 : 1; }

    // Merges consecutive streamed single-unit groups (not across pinned groups) into groups
    // whose footprint fits one stream slot of `slotBytes` (every single unit does: the pinning
    // step reserved slots of the largest).
    static std::vector<LayerGroup> mergeStreamed(const PlanInput& in, const std::vector<LayerGroup>& singles,
                                                 std::uint64_t slotBytes)
    {
        std::vector<LayerGroup> out;
        for (const auto& g : singles) {
            if (!g.pinned && !out.empty() && !out.back().pinned && out.back().lastUnit + 1 == g.firstUnit) {
                auto merged = makeGroup(in, out.back().firstUnit, g.lastUnit, false);
                if (merged.footprintBytes <= slotBytes) {
                    out.back() = merged;
                    continue;
                }
            }
            out.push_back(g);
        }
        return out;
    }

    void finish(PartitionPlan& p) const
    {
        p.prefetch = slots() == 2;
        std::uint64_t largest = 0;
        for (const auto& g : p.groups) {
            if (g.pinned) {
                p.pinnedBytes += g.footprintBytes;
            } else {
                p.streamedBytesPerPass += g.footprintBytes;
                largest = std::max(largest, g.footprintBytes);
            }
        }
        p.streamSlotBytes = largest;
        p.streamReserveBytes = largest * slots();
    }

    const char* m_name;
    const char* m_description;
    Grouping m_grouping;
};

}  // namespace

std::vector<std::string> strategyNames()
{
    return {"sequential", "greedy-grouping", "speculative-prefetch"};
}

std::unique_ptr<PartitionStrategy> makeStrategy(std::string_view name)
{
    if (name == "sequential")
        return std::make_unique<StrategyBase>("sequential", "one layer per group; streams what does not fit",
                                              Grouping::OnePerUnit);
    if (name == "greedy-grouping")
        return std::make_unique<StrategyBase>("greedy-grouping", "as few groups as fit the budget; one read per group",
                                              Grouping::Greedy);
    if (name == "speculative-prefetch")
        return std::make_unique<StrategyBase>("speculative-prefetch",
                                              "groups sized so the next group loads while the current one computes",
                                              Grouping::DoubleBuffered);
    std::string known;
    for (const auto& n : strategyNames()) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("unknown partition strategy '" + std::string(name) + "' (known: " + known + ")");
}

std::string describePlan(const PartitionPlan& p)
{
    std::string s;
    char line[256];
    std::snprintf(line, sizeof line,
                  "plan '%s' for budget %s: %zu groups (%zu streamed), pinned %s, streamed %s/pass, "
                  "KV %s, scratch %s, planned peak %s%s\n",
                  p.strategy.c_str(), formatBytes(p.budgetBytes).c_str(), p.groups.size(), p.streamedGroupCount(),
                  formatBytes(p.pinnedBytes).c_str(), formatBytes(p.streamedBytesPerPass).c_str(),
                  formatBytes(p.kvBytes).c_str(), formatBytes(p.scratchBytes).c_str(),
                  formatBytes(p.plannedPeakBytes()).c_str(), p.prefetch ? ", prefetch on" : "");
    s += line;
    for (std::size_t i = 0; i < p.groups.size(); ++i) {
        const auto& g = p.groups[i];
        const auto& first = p.units[g.firstUnit].name;
        const auto& last = p.units[g.lastUnit].name;
        std::snprintf(line, sizeof line, "  group %-3zu %-8s %-34s %10s\n", i, g.pinned ? "pinned" : "streamed",
                      (g.firstUnit == g.lastUnit ? first : first + " .. " + last).c_str(),
                      formatBytes(g.footprintBytes).c_str());
        s += line;
    }
    return s;
}

}  // namespace edgert
