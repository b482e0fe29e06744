// A read-only file opened once and used two ways:
//  - mapped (mmap, PROT_READ) for parsing headers in place without copying;
//  - read with pread(2) into caller buffers for tensor data, so weights never enter the process's
//    resident set through the page-cache mapping (the memory budget is honoured in measured RSS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace edgert {

class MappedFile {
public:
    /// Opens and maps `path`. Throws IoError ("cannot open model file 'x': No such file ...").
    explicit MappedFile(std::string path);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return m_path; }
    std::uint64_t sizeBytes() const { return m_size; }
    /// The whole file as bytes (empty for an empty file). Valid while this object lives.
    std::span<const std::byte> bytes() const { return {m_data, static_cast<std::size_t>(m_size)}; }

    /// Reads exactly `length` bytes at file offset `offset` into `dst` with pread(2), retrying
    /// short reads and EINTR. Thread-safe (pread has no shared file position).
    /// Throws IoError when the range is past the end of the file or the read fails.
    void readAt(std::uint64_t offset, void* dst, std::size_t length) const;

    /// Drops the mapped pages of [offset, offset+length) from this process's resident set
    /// (madvise MADV_DONTNEED); later access re-reads them from the page cache.
    void releasePages(std::uint64_t offset, std::uint64_t length) const noexcept;

    /// Hints the kernel that [offset, offset+length) will be read soon (posix_fadvise WILLNEED).
    void adviseWillNeed(std::uint64_t offset, std::uint64_t length) const noexcept;

private:
    void close() noexcept;

    std::string m_path;
    int m_fd = -1;
    std::byte* m_data = nullptr;
    std::uint64_t m_size = 0;
};

}  // namespace edgert
