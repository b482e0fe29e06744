#include "edgert/monitor/throttling.h"

#include "monitor/sysfs-text.h"

#include <charconv>

namespace edgert {

using namespace monitor_detail;

std::string_view describe(ThrottleCondition condition)
{
    switch (condition) {
        case ThrottleCondition::UnderVoltage: return "under-voltage";
        case ThrottleCondition::FrequencyCapped: return "ARM frequency capped";
        case ThrottleCondition::Throttled: return "throttled";
        case ThrottleCondition::SoftTemperatureLimit: return "soft temperature limit";
    }
    return "unknown";
}

Reading<ThrottleFlags> parseThrottled(std::string_view text)
{
    std::string_view t = trim(text);
    const std::string shown = quoteForMessage(t);
    if (t.starts_with("0x") || t.starts_with("0X")) t.remove_prefix(2);
    std::uint32_t value = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value, 16);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size())
        return Unavailable{"malformed value '" + shown + "' (expected a 32-bit hex word)"};
    return ThrottleFlags{value};
}

Reading<ThrottleFlags> readThrottling(const std::filesystem::path& root)
{
    const auto path = underRoot(root, "sys/devices/platform/soc/soc:firmware/get_throttled");
    const auto text = readTextFile(path, 4096);
    if (!text)
        return Unavailable{text.reason() + " (not a Raspberry Pi, or its firmware driver is not loaded)",
                           UnavailableCode::NotARaspberryPi};
    return withSource(parseThrottled(*text), path);
}

}  // namespace edgert
