// A file that appears whole or not at all: written to "<target>.tmp-XXXXXX" in the target's
// directory, and on commit() fsync'ed and renamed over the target (then the directory fsync'ed,
// best effort). Commit/rollback contract: until commit() returns, `target` is untouched; if the
// object is destroyed without a commit (an error, an exception), the temporary file is removed.
// Used by the GGUF writer, `edge-rt quantize` and the perplexity log-probability file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace edgert {

class AtomicFile {
public:
    /// Creates the temporary file (mode 0644). Throws IoError naming both paths.
    explicit AtomicFile(const std::string& target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends `length` bytes; IoError (with the OS error) on failure.
    void write(const void* data, std::size_t length);
    void writeZeros(std::uint64_t length);
    std::uint64_t bytesWritten() const { return m_written; }
    const std::string& target() const { return m_target; }

    /// fsync, close, rename over the target. Throws IoError; the temporary is removed then.
    void commit();

private:
    std::string m_target;
    std::string m_path;
    int m_fd = -1;
    std::uint64_t m_written = 0;
    bool m_committed = false;
};

}  // namespace edgert
