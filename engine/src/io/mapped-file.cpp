#include "edgert/mapped-file.h"

#include "edgert/error.h"
#include "io/regular-file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace edgert {

namespace {
std::string errnoText()
{
    return std::strerror(errno);
}

std::uint64_t pageSize()
{
    static const std::uint64_t size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    return size;
}
}  // namespace

MappedFile::MappedFile(std::string path) : m_path(std::move(path))
{
    // Not a plain open(2): a FIFO would block it forever, a device would map or read without end.
    const io::OpenedFile file = io::openRegularFile(m_path, "model file");
    m_fd = file.fd;
    m_size = file.sizeBytes;
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (p == MAP_FAILED) {
            const std::string why = errnoText();
            close();
            throw IoError("cannot mmap '" + m_path + "': " + why);
        }
        m_data = static_cast<std::byte*>(p);
    }
}

MappedFile::~MappedFile()
{
    close();
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0))
{
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept
{
    if (this != &other) {
        close();
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

void MappedFile::close() noexcept
{
    if (m_data) ::munmap(m_data, m_size);
    if (m_fd >= 0) ::close(m_fd);
    m_data = nullptr;
    m_fd = -1;
}

void MappedFile::readAt(std::uint64_t offset, void* dst, std::size_t length) const
{
    if (offset > m_size || length > m_size - offset)
        throw IoError("read of " + std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                      " is past the end of '" + m_path + "' (" + std::to_string(m_size) + " bytes)");
    auto* out = static_cast<char*>(dst);
    std::size_t done = 0;
    while (done < length) {
        const ssize_t n = ::pread(m_fd, out + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError("read of '" + m_path + "' at offset " + std::to_string(offset + done) +
                          " failed: " + errnoText());
        }
        if (n == 0) throw IoError("unexpected end of '" + m_path + "' at offset " + std::to_string(offset + done));
        done += static_cast<std::size_t>(n);
    }
}

void MappedFile::releasePages(std::uint64_t offset, std::uint64_t length) const noexcept
{
    if (!m_data || offset >= m_size) return;
    const std::uint64_t page = pageSize();
    const std::uint64_t begin = offset / page * page;
    const std::uint64_t end = std::min(m_size, offset + length);
    if (end > begin) ::madvise(m_data + begin, end - begin, MADV_DONTNEED);
}

void MappedFile::adviseWillNeed(std::uint64_t offset, std::uint64_t length) const noexcept
{
    if (m_fd >= 0) ::posix_fadvise(m_fd, static_cast<off_t>(offset), static_cast<off_t>(length), POSIX_FADV_WILLNEED);
}

}  // namespace edgert
