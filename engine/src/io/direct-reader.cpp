#include "io/direct-reader.h"

#include "edgert/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace edgert::io {

namespace {
// One O_DIRECT request: large enough to keep the device busy, small enough that a cancel or an
// error is noticed soon.
constexpr std::size_t kDirectChunk = 8u << 20;
}  // namespace

const char* modeName(DirectReader::Mode mode)
{
    return mode == DirectReader::Mode::Direct ? "O_DIRECT" : "buffered (page cache)";
}

namespace {
int systemOpen(const char* path, int flags)
{
    return ::open(path, flags);
}
ssize_t systemPread(int fd, void* buffer, std::size_t count, off_t offset)
{
    return ::pread(fd, buffer, count, offset);
}
}  // namespace

DirectSyscalls systemDirectSyscalls()
{
    return {systemOpen, systemPread};
}

DirectReader::DirectReader(const MappedFile& file, Mode wanted, DirectSyscalls sys) : m_file(file), m_sys(sys)
{
    if (wanted == Mode::Buffered) return;
    // O_NONBLOCK as io::openRegularFile: the path was a regular file when MappedFile opened it,
    // but it may have been swapped for a FIFO since.
    m_fd = m_sys.open(file.path().c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT | O_NONBLOCK | O_NOCTTY);
    if (m_fd < 0) {
        const int err = errno;
        if (err == EINVAL) {
            fallBack("the filesystem of '" + file.path() + "' refuses O_DIRECT (open: EINVAL)");
            return;
        }
        throw IoError("cannot open model file '" + file.path() + "' for O_DIRECT reads: " + std::strerror(err));
    }
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0) ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
    m_direct = true;
}

DirectReader::~DirectReader()
{
    if (m_fd >= 0) ::close(m_fd);
}

std::string DirectReader::note() const
{
    std::lock_guard lock(m_noteMutex);
    return m_note;
}

void DirectReader::fallBack(const std::string& why) const
{
    m_direct = false;
    std::lock_guard lock(m_noteMutex);
    if (m_note.empty()) m_note = why + "; reading through the page cache instead";
}

bool DirectReader::readDirect(std::uint64_t offset, std::byte* dst, std::size_t length) const
{
    std::size_t done = 0;
    while (done < length) {
        const std::size_t want = std::min(kDirectChunk, length - done);
        const ssize_t n = m_sys.pread(m_fd, dst + done, want, static_cast<off_t>(offset + done));
        if (n < 0) {
            const int err = errno;
            if (err == EINTR) continue;
            if (err == EINVAL && done == 0 && m_directBytes.load() == 0) {
                // Accepted at open, refused at read (overlayfs over some lower filesystems).
                fallBack("the filesystem of '" + m_file.path() + "' refuses O_DIRECT reads (read: EINVAL)");
                return false;
            }
            throw IoError("O_DIRECT read of '" + m_file.path() + "' at offset " + std::to_string(offset + done) +
                          " failed: " + std::strerror(err));
        }
        if (n == 0)
            throw IoError("unexpected end of '" + m_file.path() + "' at offset " + std::to_string(offset + done) +
                          " (the file was " + std::to_string(m_file.sizeBytes()) +
                          " bytes when opened: truncated since?)");
        done += static_cast<std::size_t>(n);
        // A short read ends at the end of the file: the next pread returns 0 and reports it.
    }
    m_directBytes += length;
    return true;
}

void DirectReader::read(std::uint64_t offset, std::byte* dst, std::size_t length) const
{
    if (offset > m_file.sizeBytes() || length > m_file.sizeBytes() - offset)
        throw IoError("read of " + std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                      " is past the end of '" + m_file.path() + "' (" + std::to_string(m_file.sizeBytes()) + " bytes)");
    const auto address = reinterpret_cast<std::uintptr_t>(dst);
    const bool congruent = (address - offset) % kDirectAlignment == 0;
    const std::uint64_t head =
        std::min<std::uint64_t>((kDirectAlignment - offset % kDirectAlignment) % kDirectAlignment, length);
    const std::uint64_t middle = (length - head) / kDirectAlignment * kDirectAlignment;
    if (!m_direct.load() || !congruent || middle == 0) {
        m_file.readAt(offset, dst, length);
        m_bufferedBytes += length;
        return;
    }
    if (head) m_file.readAt(offset, dst, static_cast<std::size_t>(head));
    const bool direct = readDirect(offset + head, dst + head, static_cast<std::size_t>(middle));
    if (!direct) m_file.readAt(offset + head, dst + head, static_cast<std::size_t>(middle));
    const std::uint64_t tail = length - head - middle;
    if (tail) m_file.readAt(offset + head + middle, dst + head + middle, static_cast<std::size_t>(tail));
    m_bufferedBytes += head + tail + (direct ? 0 : middle);
}

}  // namespace edgert::io
