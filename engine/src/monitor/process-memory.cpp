#include "edgert/monitor/process-memory.h"

#include "monitor/sysfs-text.h"

namespace edgert {

using namespace monitor_detail;

ProcessMemory parseProcessStatus(std::string_view text)
{
    return {parseKibibyteField(text, "VmRSS"), parseKibibyteField(text, "VmHWM")};
}

ProcessMemory readProcessMemory(const std::filesystem::path& root)
{
    const auto path = underRoot(root, "proc/self/status");
    const auto text = readTextFile(path);
    if (!text) return {Unavailable{text.reason()}, Unavailable{text.reason()}};
    const ProcessMemory parsed = parseProcessStatus(*text);
    return {withSource(parsed.rssBytes, path), withSource(parsed.peakRssBytes, path)};
}

}  // namespace edgert
