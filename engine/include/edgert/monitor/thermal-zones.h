// Temperatures from the kernel thermal framework.
//
// Source: kernel Documentation/ABI/testing/sysfs-class-thermal and
// Documentation/driver-api/thermal/sysfs-api.rst: /sys/class/thermal/thermal_zoneN/ has `type`
// (sensor name, e.g. "cpu_thermal" on a Raspberry Pi 4, "x86_pkg_temp" on Intel), `temp`
// (millidegrees Celsius, signed) and, when the zone has trip points, trip_point_K_temp
// (millidegrees Celsius) and trip_point_K_type ("critical", "hot", "passive", "active").
// Many virtual machines and containers have no thermal zone at all.
#pragma once

#include "edgert/monitor/reading.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

struct TripPoint {
    int index = 0;                                 ///< K of trip_point_K_*
    Reading<double> temperatureC = Unavailable{};  ///< trip_point_K_temp, °C
    Reading<std::string> type = Unavailable{};     ///< trip_point_K_type
};

struct ThermalZone {
    int index = 0;                                 ///< N of thermal_zoneN
    std::string name;                              ///< the directory name, "thermal_zoneN"
    Reading<std::string> type = Unavailable{};     ///< the `type` file, e.g. "cpu_thermal"
    Reading<double> temperatureC = Unavailable{};  ///< the `temp` file, °C
    std::vector<TripPoint> tripPoints;             ///< ascending K
};

/// Parses a thermal `temp` file: a signed decimal number of millidegrees Celsius ("54530\n" ->
/// 54.53 °C). Values outside -60..200 °C are rejected as implausible: drivers report sentinels
/// such as -273150 or 0xffff... when a sensor fails, and a policy must not act on them.
Reading<double> parseMillidegreesCelsius(std::string_view text);

/// Reads every `<root>/sys/class/thermal/thermal_zoneN`, ascending N. Unavailable (the zones are
/// absent, with the reason) when the directory is missing or holds no thermal_zoneN entry.
Reading<std::vector<ThermalZone>> readThermalZones(const std::filesystem::path& root = "/");

/// The highest available zone temperature in °C; unavailable when no zone has a temperature.
Reading<double> hottestTemperatureC(const Reading<std::vector<ThermalZone>>& zones);

}  // namespace edgert
