#include "edgert/monitor/cpu-info.h"

#include "kernels/kernel-table.h"
#include "monitor/sysfs-text.h"

#include <array>
#include <cstdio>
#include <cstdint>
#include <optional>
#include <utility>

namespace edgert {

using namespace monitor_detail;

namespace {

/// Arm Ltd. (implementer 0x41) parts seen on single-board computers and phones.
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 17> kArmParts{{
    {0xd03, "Cortex-A53"},
    {0xd04, "Cortex-A35"},
    {0xd05, "Cortex-A55"},
    {0xd07, "Cortex-A57"},
    {0xd08, "Cortex-A72"},
    {0xd09, "Cortex-A73"},
    {0xd0a, "Cortex-A75"},
    {0xd0b, "Cortex-A76"},
    {0xd0c, "Neoverse-N1"},
    {0xd0d, "Cortex-A77"},
    {0xd40, "Neoverse-V1"},
    {0xd41, "Cortex-A78"},
    {0xd44, "Cortex-X1"},
    {0xd46, "Cortex-A510"},
    {0xd47, "Cortex-A710"},
    {0xd49, "Neoverse-N2"},
    {0xd4b, "Cortex-A78C"},
}};

/// "key\t: value" -> (key, value), both trimmed; nullopt for a line without a colon.
std::optional<std::pair<std::string_view, std::string_view>> keyValue(std::string_view line)
{
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return std::pair{trim(line.substr(0, colon)), trim(line.substr(colon + 1))};
}

std::optional<std::uint32_t> parseHex(std::string_view s)
{
    if (!s.starts_with("0x") || s.size() < 3 || s.size() > 10) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s.substr(2)) {
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0) return std::nullopt;
        v = v * 16 + static_cast<std::uint32_t>(digit);
    }
    return v;
}

}  // namespace

Reading<CpuInfo> parseCpuInfo(std::string_view text)
{
    CpuInfo info;
    std::string modelName, board;
    std::optional<std::uint32_t> implementer, part;
    forEachLine(text, [&](std::string_view line) {
        const auto kv = keyValue(line);
        if (!kv) return;
        const auto [key, value] = *kv;
        if (key == "processor")
            ++info.logicalCpus;
        else if (key == "model name" && modelName.empty())
            modelName = std::string(value);
        else if (key == "CPU implementer" && !implementer)
            implementer = parseHex(value);
        else if (key == "CPU part" && !part)
            part = parseHex(value);
        else if (key == "Model" && board.empty())
            board = std::string(value);
    });
    if (info.logicalCpus == 0) return Unavailable{"no \"processor\" entries"};
    if (!modelName.empty()) {
        info.model = modelName;
    } else if (implementer && part) {
        if (*implementer == 0x41) {
            for (const auto& [id, name] : kArmParts)
                if (id == *part) info.model = "Arm " + std::string(name);
        }
        if (info.model.empty()) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "Arm part 0x%02x:0x%03x", *implementer, *part);
            info.model = buf;
        }
    } else {
        return Unavailable{"neither \"model name\" nor \"CPU implementer\"/\"CPU part\" entries"};
    }
    if (!board.empty()) info.model += " (" + board + ")";
    return info;
}

Reading<CpuInfo> readCpuInfo(const std::filesystem::path& root)
{
    const auto path = underRoot(root, "proc/cpuinfo");
    const auto text = readTextFile(path);
    if (!text) return Unavailable{text.reason()};
    return withSource(parseCpuInfo(*text), path);
}

std::string_view activeKernelTableName()
{
    return kernels::activeKernels().name;
}

std::string cpuDescription(const std::filesystem::path& root)
{
    const auto cpu = readCpuInfo(root);
    if (!cpu) return "CPU unknown (" + cpu.reason() + ")";
    return cpu->model + " (" + std::to_string(cpu->logicalCpus) + (cpu->logicalCpus == 1 ? " CPU)" : " CPUs)");
}

std::string systemInfoLine(int threads, const std::filesystem::path& root)
{
    return std::string(activeKernelTableName()) + " kernels · " + std::to_string(threads) +
           (threads == 1 ? " thread · " : " threads · ") + cpuDescription(root);
}

}  // namespace edgert
