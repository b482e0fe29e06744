// Reads byte ranges of a model file with O_DIRECT into caller buffers (pool buffers), so a
// streamed layer group goes from the device into the buffer without a page-cache copy: the
// cache neither doubles the bytes in memory nor competes with the budget inside a cgroup (where
// cached pages are charged like the process's own), and the read costs no CPU memcpy, so the
// prefetch worker overlaps compute even when every core computes.
//
// O_DIRECT needs the file offset, the length and the buffer address aligned to the device's
// block size (kDirectAlignment covers every Linux block device). A range is read as: the head up
// to the first aligned file offset and the tail after the last one through the page cache
// (MappedFile::readAt, < kDirectAlignment bytes each), the aligned middle with O_DIRECT. This
// needs dst ≡ offset (mod kDirectAlignment), which the group layout (runtime/unit-layout.h)
// guarantees; a range without that congruence is read through the page cache whole.
//
// Filesystems without O_DIRECT (tmpfs before Linux 6.6, some overlayfs and FUSE mounts) refuse
// it with EINVAL at open(2) or at the first read(2): the reader then falls back to page-cache
// reads for the rest of its life and says so once in note(). The results are identical.
#pragma once

#include "edgert/mapped-file.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <sys/types.h>

namespace edgert::io {

inline constexpr std::uint64_t kDirectAlignment = 4096;

/// The two system calls the reader makes for O_DIRECT. A seam: tests substitute calls that fail
/// as a filesystem without O_DIRECT does (every filesystem of this machine supports it).
struct DirectSyscalls {
    int (*open)(const char* path, int flags) = nullptr;
    ssize_t (*pread)(int fd, void* buffer, std::size_t count, off_t offset) = nullptr;
};
/// ::open and ::pread.
DirectSyscalls systemDirectSyscalls();

class DirectReader {
public:
    enum class Mode { Direct, Buffered };

    /// Reads ranges of `file` (which must outlive the reader). With Mode::Direct opens
    /// file.path() a second time with O_DIRECT; EINVAL there (no O_DIRECT on this filesystem)
    /// falls back to Buffered with a note. Throws IoError when that open fails otherwise.
    explicit DirectReader(const MappedFile& file, Mode wanted = Mode::Direct,
                          DirectSyscalls sys = systemDirectSyscalls());
    ~DirectReader();
    DirectReader(const DirectReader&) = delete;
    DirectReader& operator=(const DirectReader&) = delete;

    /// Reads exactly `length` bytes at file offset `offset` into `dst` (thread-safe: pread only).
    /// Throws IoError naming the file and the byte offset: a range past the end of the file as
    /// opened, a file that ends early (truncated since it was opened: "unexpected end of 'f' at
    /// offset N"), or a failed read with strerror.
    void read(std::uint64_t offset, std::byte* dst, std::size_t length) const;

    /// Direct until a fallback; Buffered when asked for or after one.
    Mode mode() const { return m_direct.load() ? Mode::Direct : Mode::Buffered; }
    /// Why the reader fell back to the page cache ("" when it did not).
    std::string note() const;
    /// Bytes read with O_DIRECT and through the page cache so far.
    std::uint64_t directBytes() const { return m_directBytes.load(); }
    std::uint64_t bufferedBytes() const { return m_bufferedBytes.load(); }
    const MappedFile& file() const { return m_file; }

private:
    void fallBack(const std::string& why) const;
    // O_DIRECT-reads [offset, offset + length) (all aligned) into dst; false when the filesystem
    // refused (EINVAL) and the reader fell back.
    bool readDirect(std::uint64_t offset, std::byte* dst, std::size_t length) const;

    const MappedFile& m_file;
    DirectSyscalls m_sys;
    int m_fd = -1;
    mutable std::atomic<bool> m_direct{false};
    mutable std::atomic<std::uint64_t> m_directBytes{0};
    mutable std::atomic<std::uint64_t> m_bufferedBytes{0};
    mutable std::mutex m_noteMutex;
    mutable std::string m_note;
};

/// "O_DIRECT" or "buffered (page cache)".
const char* modeName(DirectReader::Mode mode);

}  // namespace edgert::io
