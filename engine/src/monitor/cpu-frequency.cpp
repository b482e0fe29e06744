#include "edgert/monitor/cpu-frequency.h"

#include "monitor/sysfs-text.h"

#include <algorithm>
#include <string>
#include <system_error>

namespace edgert {

using namespace monitor_detail;

namespace {

/// Some cpufreq drivers report "<unknown>" for scaling_cur_freq; real values fit in ~10 GHz.
constexpr std::uint64_t kMaxPlausibleKHz = 100'000'000;

Reading<double> readMHz(const std::filesystem::path& path)
{
    const auto text = readTextFile(path, 4096);
    if (!text) return Unavailable{text.reason()};
    return withSource(parseKiloHertzAsMHz(*text), path);
}

}  // namespace

Reading<double> parseKiloHertzAsMHz(std::string_view text)
{
    const std::string_view t = trim(text);
    const auto kHz = parseUnsigned(t);
    if (!kHz) return Unavailable{"malformed value '" + quoteForMessage(t) + "' (expected kHz)"};
    if (*kHz == 0 || *kHz > kMaxPlausibleKHz)
        return Unavailable{"implausible frequency " + std::to_string(*kHz) + " kHz"};
    return static_cast<double>(*kHz) / 1000.0;
}

Reading<std::vector<CoreFrequency>> readCpuFrequencies(const std::filesystem::path& root)
{
    const auto cpuDir = underRoot(root, "sys/devices/system/cpu");
    std::vector<int> cpus;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(cpuDir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with("cpu")) continue;
        const auto n = parseUnsigned(std::string_view(name).substr(3));
        if (n && *n <= 65535) cpus.push_back(static_cast<int>(*n));
    }
    if (ec && cpus.empty()) return Unavailable{cpuDir.string() + ": " + ec.message()};
    if (cpus.empty()) return Unavailable{"no cpuN directories in " + cpuDir.string()};
    std::sort(cpus.begin(), cpus.end());

    std::vector<CoreFrequency> cores;
    bool anyCpufreq = false;
    for (int cpu : cpus) {
        const auto dir = cpuDir / ("cpu" + std::to_string(cpu)) / "cpufreq";
        anyCpufreq = anyCpufreq || std::filesystem::is_directory(dir, ec);
        cores.push_back({cpu, readMHz(dir / "scaling_cur_freq"), readMHz(dir / "scaling_max_freq")});
    }
    if (!anyCpufreq) {
        const std::string pattern = (cpuDir / "cpu*" / "cpufreq").string();
        return Unavailable{
            "no CPU frequency scaling (no " + pattern + ")", UnavailableCode::NoFrequencyScaling, {pattern}};
    }
    return cores;
}

}  // namespace edgert
