#include "edgert/auto-choice.h"

#include "edgert/error.h"
#include "edgert/units.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace edgert {

namespace {

// "MemAvailable:   123456 kB" -> bytes.
std::uint64_t memAvailableBytes()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    throw IoError("--memory-budget auto: /proc/meminfo has no MemAvailable line");
}

// A cgroup file holding one number or "max"; nullopt-like 0 for absent/unlimited.
std::uint64_t readLimit(const std::string& path)
{
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") return 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (!end || *end != '\0') return 0;
    // cgroup v1 reports "unlimited" as a huge page-rounded number.
    return v >= (1ull << 60) ? 0 : v;
}

struct CgroupRoom {
    std::uint64_t bytes = std::numeric_limits<std::uint64_t>::max();
    std::string path;
};

CgroupRoom cgroupRoom()
{
    CgroupRoom room;
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        // v2: "0::/path"; v1 memory controller: "N:memory:/path" (or "N:...,memory,...:/path").
        const auto c1 = line.find(':');
        const auto c2 = line.find(':', c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) continue;
        const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
        std::string rel = line.substr(c2 + 1);
        const bool v2 = controllers.empty();
        const bool v1 = ("," + controllers + ",").find(",memory,") != std::string::npos;
        if (!v2 && !v1) continue;
        for (;;) {
            const std::string dir = (v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory") + (rel == "/" ? "" : rel);
            const std::uint64_t limit = readLimit(dir + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
            if (limit) {
                const std::uint64_t used = readLimit(dir + (v2 ? "/memory.current" : "/memory.usage_in_bytes"));
                const std::uint64_t left = limit > used ? limit - used : 0;
                if (left < room.bytes) {
                    room.bytes = left;
                    room.path = dir;
                }
            }
            if (rel.empty() || rel == "/") break;
            const auto slash = rel.find_last_of('/');
            rel = slash == 0 ? "/" : rel.substr(0, slash);
        }
    }
    return room;
}

}  // namespace

AutoBudget autoMemoryBudget()
{
    AutoBudget b;
    b.availableBytes = memAvailableBytes();
    b.source = "MemAvailable (/proc/meminfo)";
    const CgroupRoom room = cgroupRoom();
    if (room.bytes < b.availableBytes) {
        b.availableBytes = room.bytes;
        b.source = "cgroup " + room.path + " (limit minus current usage)";
    }
    b.headroomBytes = std::max(kMinHeadroomBytes, b.availableBytes / 100 * kHeadroomPercent);
    b.bytes = b.availableBytes > b.headroomBytes ? b.availableBytes - b.headroomBytes : 0;
    return b;
}

double predictedDecodeSeconds(const PartitionPlan& plan, const MachineBandwidth& bw)
{
    std::uint64_t weights = 0;
    for (const auto& g : plan.groups) weights += g.weightBytes;
    const double compute = bw.memoryBytesPerSecond > 0 ? static_cast<double>(weights) / bw.memoryBytesPerSecond : 0.0;
    const double reads =
        bw.fileBytesPerSecond > 0 ? static_cast<double>(plan.streamedBytesPerPass) / bw.fileBytesPerSecond : 0.0;
    return plan.prefetch && bw.prefetchOverlaps ? std::max(compute, reads) : compute + reads;
}

AutoStrategy autoStrategy(const PlanInput& input, std::uint64_t budgetBytes, const MachineBandwidth& bw)
{
    AutoStrategy best;
    bool found = false;
    std::string reasons;
    for (const auto& name : strategyNames()) {
        AutoCandidate c;
        c.name = name;
        try {
            auto plan = makeStrategy(name)->plan(input, budgetBytes);
            c.fits = true;
            c.predictedSeconds = predictedDecodeSeconds(plan, bw);
            c.groups = plan.groups.size();
            c.streamedGroups = plan.streamedGroupCount();
            // Better when clearly faster (0.5 %), or as fast with fewer groups.
            const bool better =
                !found || c.predictedSeconds < best.predictedSeconds * 0.995 ||
                (c.predictedSeconds <= best.predictedSeconds * 1.005 && plan.groups.size() < best.plan.groups.size());
            if (better) {
                best.name = name;
                best.plan = std::move(plan);
                best.predictedSeconds = c.predictedSeconds;
                found = true;
            }
        } catch (const BudgetError& e) {
            c.error = e.what();
            reasons += "\n  " + name + ": " + e.what();
        }
        best.candidates.push_back(std::move(c));
    }
    if (!found) throw BudgetError("--strategy auto: no strategy fits the budget:" + reasons);
    return best;
}

WeightReadChoice chooseWeightReads(std::uint64_t availableBytes, const std::string& source, std::uint64_t budgetBytes,
                                   std::uint64_t streamedBytesPerPass)
{
    WeightReadChoice c;
    if (streamedBytesPerPass == 0) {
        c.reason = "nothing is streamed: the pinned weights are read once";
        return c;
    }
    const std::uint64_t room = availableBytes > budgetBytes ? availableBytes - budgetBytes : 0;
    const std::string figures = formatBytes(room) + " left beside the " + formatBytes(budgetBytes) + " budget of " +
                                formatBytes(availableBytes) + " available per " + source;
    c.direct = room < streamedBytesPerPass;
    c.reason = (c.direct ? "the page cache cannot keep the " : "the page cache can keep the ") +
               formatBytes(streamedBytesPerPass) + " streamed per pass (" + figures + ")";
    return c;
}

std::string describeAutoChoice(const AutoStrategy& choice, const MachineBandwidth& bw)
{
    const auto rate = [](double seconds) {
        char text[32];
        if (seconds > 0)
            std::snprintf(text, sizeof text, "%.1f", 1.0 / seconds);
        else
            std::snprintf(text, sizeof text, "unbounded");
        return std::string(text);
    };
    const auto gbs = [](double bytesPerSecond) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f GB/s", bytesPerSecond / 1e9);
        return std::string(text);
    };
    if (choice.plan.streamedGroupCount() == 0 && bw.memoryBytesPerSecond <= 0)
        return choice.name + ": " + std::to_string(choice.plan.groups.size()) +
               (choice.plan.groups.size() == 1 ? " group" : " groups") +
               ", every weight resident (no strategy streams at this budget: the fewest groups)";
    std::string out = choice.name + ": " + std::to_string(choice.plan.groups.size()) +
                      (choice.plan.groups.size() == 1 ? " group (" : " groups (") +
                      std::to_string(choice.plan.streamedGroupCount()) + " streamed), predicted " +
                      rate(choice.predictedSeconds) + " tokens/s (";
    bool first = true;
    for (const auto& c : choice.candidates) {
        if (c.name == choice.name) continue;
        out += (first ? "" : ", ") + c.name + " " + (c.fits ? rate(c.predictedSeconds) : std::string("does not fit"));
        first = false;
    }
    out += std::string(first ? "" : "; ") + "memory " + gbs(bw.memoryBytesPerSecond) + ", file " +
           gbs(bw.fileBytesPerSecond) +
           (choice.plan.streamedGroupCount() == 0 ? ", nothing streamed"
            : bw.prefetchOverlaps                 ? ", reads overlap compute"
                                                  : ", reads take compute time") +
           ")";
    return out;
}

}  // namespace edgert
