// Helpers shared by the libFuzzer targets (one per parser, tests/fuzz/fuzz_<parser>.cpp).
//
// The contract every target checks: any input ends in success or an edgert::Error (the engine's
// error model, engine/include/edgert/error.h) — never a crash, a sanitizer report, a hang, a leak
// or another exception type (which escapes LLVMFuzzerTestOneInput and aborts: a finding).
//
// The parsers take paths (they mmap or read files), so inputs are written to files first: a
// memfd (anonymous, in RAM) for single-file formats, a per-process scratch directory for
// formats that are a directory of files (HF models).
#pragma once

#include "edgert/error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

namespace edgert::fuzz {

/// The fuzz input as an in-memory file, open while this object lives; path() is
/// /proc/self/fd/N, a regular file to stat(2) and mmap(2).
class MemoryFile {
public:
    MemoryFile(const std::uint8_t* data, std::size_t size)
    {
        m_fd = ::memfd_create("edgert-fuzz", MFD_CLOEXEC);
        if (m_fd < 0) std::abort();
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::write(m_fd, data + done, size - done);
            if (n <= 0) std::abort();
            done += static_cast<std::size_t>(n);
        }
        m_path = "/proc/self/fd/" + std::to_string(m_fd);
    }
    ~MemoryFile() { ::close(m_fd); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    const std::string& path() const { return m_path; }

private:
    int m_fd = -1;
    std::string m_path;
};

/// A scratch directory for this process (created on first use, removed at exit).
inline const std::filesystem::path& scratchDir()
{
    static const std::filesystem::path dir = [] {
        std::string templ = (std::filesystem::temp_directory_path() / "edgert-fuzz-XXXXXX").string();
        if (!::mkdtemp(templ.data())) std::abort();
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratchDir(), ec);
        });
        return std::filesystem::path(templ);
    }();
    return dir;
}

/// Writes `bytes` to `path` (replacing it).
inline void writeFile(const std::filesystem::path& path, std::string_view bytes)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
    std::fclose(f);
}

/// Absolute path of a file under ../shared/models (as tests/test-support.h); aborts when missing,
/// since a target without its real vocabulary or model would fuzz nothing.
inline std::string sharedModel(const std::string& relative)
{
    std::string path = std::string(EDGERT_SHARED_DIR "/models/") + relative;
    if (!std::filesystem::exists(path)) {
        std::fprintf(stderr, "fuzz target: shared model file absent: %s\n", path.c_str());
        std::abort();
    }
    return path;
}

/// Runs `f`; an edgert::Error is the expected outcome for bad input and is swallowed.
template <class F>
void expectSuccessOrError(F&& f)
{
    try {
        f();
    } catch (const edgert::Error&) {
    }
}

}  // namespace edgert::fuzz
