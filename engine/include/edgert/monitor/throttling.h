// Raspberry Pi firmware throttling flags.
//
// Source: Raspberry Pi documentation, "vcgencmd get_throttled" (computers/os.html#get_throttled),
// exposed by the raspberrypi firmware driver as /sys/devices/platform/soc/soc:firmware/get_throttled
// in hex without a prefix ("50005\n"). Bits:
//    0  under-voltage detected          16  under-voltage has occurred
//    1  ARM frequency capped            17  ARM frequency capping has occurred
//    2  currently throttled             18  throttling has occurred
//    3  soft temperature limit active   19  soft temperature limit has occurred
// "Has occurred" bits are sticky since boot. The file exists only on Raspberry Pi kernels.
#pragma once

#include "edgert/monitor/reading.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace edgert {

enum class ThrottleCondition {
    UnderVoltage = 0,          ///< supply voltage below 4.63 V
    FrequencyCapped = 1,       ///< ARM frequency capped (below the configured arm_freq)
    Throttled = 2,             ///< ARM core throttled (frequency and voltage reduced)
    SoftTemperatureLimit = 3,  ///< soft temperature limit reached (firmware lowers clocks early)
};

/// All conditions, in bit order, for display loops.
inline constexpr std::array<ThrottleCondition, 4> kThrottleConditions = {
    ThrottleCondition::UnderVoltage, ThrottleCondition::FrequencyCapped, ThrottleCondition::Throttled,
    ThrottleCondition::SoftTemperatureLimit};

/// A short lower-case description, e.g. "under-voltage", "soft temperature limit".
std::string_view describe(ThrottleCondition condition);

struct ThrottleFlags {
    std::uint32_t raw = 0;  ///< the get_throttled word as read

    /// The condition holds now (bits 0-3).
    bool now(ThrottleCondition c) const { return (raw >> static_cast<unsigned>(c)) & 1u; }
    /// The condition has occurred since boot (bits 16-19).
    bool sinceBoot(ThrottleCondition c) const { return (raw >> (16u + static_cast<unsigned>(c))) & 1u; }
    /// Any of the documented bits is set.
    bool any() const { return (raw & 0x000F000Fu) != 0; }
};

/// Parses get_throttled text: hex digits with an optional "0x" prefix, at most 32 bits.
Reading<ThrottleFlags> parseThrottled(std::string_view text);

/// Reads `<root>/sys/devices/platform/soc/soc:firmware/get_throttled`; unavailable (with the
/// reason) on machines that are not a Raspberry Pi.
Reading<ThrottleFlags> readThrottling(const std::filesystem::path& root = "/");

}  // namespace edgert
