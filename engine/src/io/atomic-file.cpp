#include "io/atomic-file.h"

#include "edgert/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace edgert {

namespace {
std::string errnoText()
{
    return std::strerror(errno);
}
}  // namespace

AtomicFile::AtomicFile(const std::string& target) : m_target(target), m_path(target + ".tmp-XXXXXX")
{
    m_fd = ::mkstemp(m_path.data());
    if (m_fd < 0)
        throw IoError("cannot create a temporary file beside '" + m_target + "' (" + m_path + "): " + errnoText());
    // mkstemp creates 0600; give the file the usual rw-r--r--.
    ::fchmod(m_fd, 0644);
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0) ::close(m_fd);
    if (!m_committed) ::unlink(m_path.c_str());
}

void AtomicFile::write(const void* data, std::size_t length)
{
    const auto* p = static_cast<const char*>(data);
    while (length > 0) {
        const ssize_t n = ::write(m_fd, p, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError("cannot write '" + m_path + "' (for '" + m_target + "'): " + errnoText());
        }
        p += n;
        length -= static_cast<std::size_t>(n);
        m_written += static_cast<std::uint64_t>(n);
    }
}

void AtomicFile::writeZeros(std::uint64_t length)
{
    static constexpr std::byte kZeros[4096]{};
    while (length > 0) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(length, sizeof kZeros));
        write(kZeros, n);
        length -= n;
    }
}

void AtomicFile::commit()
{
    if (::fsync(m_fd) != 0) throw IoError("cannot fsync '" + m_path + "': " + errnoText());
    const int fd = std::exchange(m_fd, -1);
    if (::close(fd) != 0) throw IoError("cannot close '" + m_path + "': " + errnoText());
    if (::rename(m_path.c_str(), m_target.c_str()) != 0)
        throw IoError("cannot rename '" + m_path + "' to '" + m_target + "': " + errnoText());
    m_committed = true;
    const auto slash = m_target.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : m_target.substr(0, slash);
    if (const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
}

}  // namespace edgert
