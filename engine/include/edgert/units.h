// Byte-size parsing and formatting used by the CLI, the planner report and the dashboard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace edgert {

/// Parses a byte size: plain bytes ("1048576") or a number with a binary suffix K, M, G
/// (case-insensitive, optional trailing "B"/"iB": "512K", "64M", "1.5G", "64MiB").
/// Suffixes are powers of 1024. Throws UsageError naming the text when it is not a size,
/// is zero or negative, or overflows 64 bits.
std::uint64_t parseByteSize(std::string_view text);

/// Formats bytes for people: "812 B", "272.0 KiB", "64.0 MiB", "1.50 GiB".
std::string formatBytes(std::uint64_t bytes);

}  // namespace edgert
