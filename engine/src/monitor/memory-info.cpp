#include "edgert/monitor/memory-info.h"

#include "monitor/sysfs-text.h"

namespace edgert {

using namespace monitor_detail;

namespace {

Reading<std::uint64_t> difference(const Reading<std::uint64_t>& whole, const Reading<std::uint64_t>& part,
                                  const char* wholeName, const char* partName)
{
    if (!whole) return Unavailable{whole.reason()};
    if (!part) return Unavailable{part.reason()};
    if (*part > *whole) return Unavailable{std::string(partName) + " exceeds " + wholeName};
    return *whole - *part;
}

}  // namespace

Reading<std::uint64_t> MemoryInfo::usedBytes() const
{
    return difference(totalBytes, availableBytes, "MemTotal", "MemAvailable");
}

Reading<std::uint64_t> MemoryInfo::swapUsedBytes() const
{
    return difference(swapTotalBytes, swapFreeBytes, "SwapTotal", "SwapFree");
}

MemoryInfo parseMeminfo(std::string_view text)
{
    MemoryInfo info;
    info.totalBytes = parseKibibyteField(text, "MemTotal");
    info.availableBytes = parseKibibyteField(text, "MemAvailable");
    info.cachedBytes = parseKibibyteField(text, "Cached");
    info.swapTotalBytes = parseKibibyteField(text, "SwapTotal");
    info.swapFreeBytes = parseKibibyteField(text, "SwapFree");
    return info;
}

MemoryInfo readMemoryInfo(const std::filesystem::path& root)
{
    const auto path = underRoot(root, "proc/meminfo");
    const auto text = readTextFile(path);
    if (!text) {
        const Unavailable why{text.reason()};
        return {why, why, why, why, why};
    }
    MemoryInfo info = parseMeminfo(*text);
    info.totalBytes = withSource(info.totalBytes, path);
    info.availableBytes = withSource(info.availableBytes, path);
    info.cachedBytes = withSource(info.cachedBytes, path);
    info.swapTotalBytes = withSource(info.swapTotalBytes, path);
    info.swapFreeBytes = withSource(info.swapFreeBytes, path);
    return info;
}

}  // namespace edgert
