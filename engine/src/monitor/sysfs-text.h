// Private helpers of the resource monitor: reading small /proc and /sys files and the lexical
// pieces their parsers share. Nothing here throws.
#pragma once

#include "edgert/monitor/reading.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert::monitor_detail {

/// `<root>/<relative>`; `relative` has no leading slash ("proc/stat").
std::filesystem::path underRoot(const std::filesystem::path& root, std::string_view relative);

/// Reads a whole /proc or /sys file with read(2) (their stat size is 0 or 4096, not the content
/// size). Unavailable with "<path>: <strerror>" when it cannot be opened or read, or when it is
/// larger than `maxBytes`.
Reading<std::string> readTextFile(const std::filesystem::path& path, std::size_t maxBytes = 1u << 20);

/// Removes leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);

/// Splits on ASCII whitespace, dropping empty pieces.
std::vector<std::string_view> splitWhitespace(std::string_view s);

/// The whole of `s` as an unsigned decimal number (no sign, no spaces); nullopt otherwise.
std::optional<std::uint64_t> parseUnsigned(std::string_view s);
/// The whole of `s` as a signed decimal number; nullopt otherwise.
std::optional<std::int64_t> parseSigned(std::string_view s);

/// Calls `visit(line)` for each line of `text` (without the '\n'); a last line without a newline
/// is visited too.
template <typename Visit>
void forEachLine(std::string_view text, Visit&& visit)
{
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        visit(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
}

/// Finds "key: <n> kB" in a /proc key-value file (meminfo, status) and returns n * 1024 bytes.
/// Unavailable when the key is missing or its value is not "<digits> kB".
Reading<std::uint64_t> parseKibibyteField(std::string_view text, std::string_view key);

/// Prefixes an unavailable reading's reason with "<path>: ".
template <typename T>
Reading<T> withSource(Reading<T> reading, const std::filesystem::path& path)
{
    if (reading) return reading;
    return Unavailable{path.string() + ": " + reading.reason()};
}

/// Shows at most 40 characters of `text` for a message, with control bytes replaced by '?'.
std::string quoteForMessage(std::string_view text);

}  // namespace edgert::monitor_detail
