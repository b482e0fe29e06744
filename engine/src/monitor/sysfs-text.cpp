#include "monitor/sysfs-text.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace edgert::monitor_detail {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// Closes a file descriptor on scope exit.
class FdGuard {
public:
    explicit FdGuard(int fd) : m_fd(fd) {}
    ~FdGuard()
    {
        if (m_fd >= 0) ::close(m_fd);
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;

private:
    int m_fd;
};

}  // namespace

std::filesystem::path underRoot(const std::filesystem::path& root, std::string_view relative)
{
    return root / std::filesystem::path(relative);
}

Reading<std::string> readTextFile(const std::filesystem::path& path, std::size_t maxBytes)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Unavailable{path.string() + ": " + std::strerror(errno)};
    FdGuard guard(fd);

    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Unavailable{path.string() + ": read failed: " + std::strerror(errno)};
        }
        if (n == 0) break;
        if (text.size() + static_cast<std::size_t>(n) > maxBytes)
            return Unavailable{path.string() + ": larger than " + std::to_string(maxBytes) + " bytes"};
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> splitWhitespace(std::string_view s)
{
    std::vector<std::string_view> pieces;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && isSpace(s[i])) ++i;
        const std::size_t start = i;
        while (i < s.size() && !isSpace(s[i])) ++i;
        if (i > start) pieces.push_back(s.substr(start, i - start));
    }
    return pieces;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view s)
{
    if (s.empty() || s.front() == '-' || s.front() == '+') return std::nullopt;
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

std::optional<std::int64_t> parseSigned(std::string_view s)
{
    if (s.empty() || s.front() == '+') return std::nullopt;
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

Reading<std::uint64_t> parseKibibyteField(std::string_view text, std::string_view key)
{
    std::optional<std::string_view> found;
    forEachLine(text, [&](std::string_view line) {
        if (found) return;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || trim(line.substr(0, colon)) != key) return;
        found = line.substr(colon + 1);
    });
    if (!found) return Unavailable{"no '" + std::string(key) + "' line"};

    const auto tokens = splitWhitespace(*found);
    const auto malformed = [&]() -> Reading<std::uint64_t> {
        return Unavailable{std::string(key) + ": malformed value '" + quoteForMessage(trim(*found)) +
                           "' (expected '<number> kB')"};
    };
    if (tokens.size() != 2 || tokens[1] != "kB") return malformed();
    const auto kib = parseUnsigned(tokens[0]);
    if (!kib) return malformed();
    if (*kib > UINT64_MAX / 1024u) return Unavailable{std::string(key) + ": value out of range"};
    return *kib * 1024u;
}

std::string quoteForMessage(std::string_view text)
{
    constexpr std::size_t kMaxShown = 40;
    std::string shown;
    for (char c : text.substr(0, kMaxShown)) {
        const auto u = static_cast<unsigned char>(c);
        shown.push_back(u < 0x20 || u >= 0x7f ? '?' : c);
    }
    if (text.size() > kMaxShown) shown += "...";
    return shown;
}

}  // namespace edgert::monitor_detail
