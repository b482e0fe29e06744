#include "edgert/roofline.h"

#include "edgert/error.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <omp.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <memory>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace edgert {

namespace {
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

// Sums a range with wide loads and four independent accumulators (x86-64: AVX2 when the CPU has
// it), so the loop is bound by memory, not by the adder chain.
#if defined(__x86_64__)
__attribute__((target("avx2"))) std::uint64_t sumRangeAvx2(const std::uint64_t* p, std::size_t words)
{
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    std::size_t i = 0;
    for (; i + 16 <= words; i += 16) {
        a0 = _mm256_add_epi64(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
        a1 = _mm256_add_epi64(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 4)));
        a2 = _mm256_add_epi64(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 8)));
        a3 = _mm256_add_epi64(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 12)));
    }
    const __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
    alignas(32) std::uint64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
    std::uint64_t total = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; i < words; ++i) total += p[i];
    return total;
}
#endif

std::uint64_t sumRange(const std::uint64_t* p, std::size_t words)
{
#if defined(__x86_64__)
    static const bool avx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2");
    }();
    if (avx2) return sumRangeAvx2(p, words);
#endif
    std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    std::size_t i = 0;
    for (; i + 4 <= words; i += 4) {
        a0 += p[i];
        a1 += p[i + 1];
        a2 += p[i + 2];
        a3 += p[i + 3];
    }
    for (; i < words; ++i) a0 += p[i];
    return a0 + a1 + a2 + a3;
}

struct Unmapper {
    std::size_t size;
    void operator()(void* p) const { ::munmap(p, size); }
};
}  // namespace

double measureMemoryReadBandwidth(int threads, std::uint64_t bufferBytes, int repeats)
{
    const std::size_t words = bufferBytes / sizeof(std::uint64_t);
    void* raw = ::mmap(nullptr, words * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw IoError(std::string("cannot map the bandwidth buffer: ") + std::strerror(errno));
    std::unique_ptr<void, Unmapper> guard(raw, Unmapper{words * 8});
    ::madvise(raw, words * 8, MADV_HUGEPAGE);  // as the pool does: fewer TLB misses
    auto* data = static_cast<std::uint64_t*>(raw);
    const auto n = static_cast<std::ptrdiff_t>(words);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t i = 0; i < n; ++i) data[i] = static_cast<std::uint64_t>(i);  // fault pages in, per thread

    double best = 0.0;
    volatile std::uint64_t sink = 0;
    for (int r = 0; r < repeats; ++r) {
        std::uint64_t total = 0;
        const auto start = Clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : total)
        {
            const auto nt = static_cast<std::size_t>(omp_get_num_threads());
            const auto id = static_cast<std::size_t>(omp_get_thread_num());
            const std::size_t share = (words / nt) & ~std::size_t{15};
            const std::size_t begin = id * share;
            total += sumRange(data + begin, id + 1 == nt ? words - begin : share);
        }
        const auto end = Clock::now();
        sink = sink + total;
        best = std::max(best, static_cast<double>(words * 8) / seconds(start, end));
    }
    return best;
}

FileReadBandwidth measureFileReadBandwidth(const std::string& path, std::uint64_t maxBytes)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    const off_t size = ::lseek(fd, 0, SEEK_END);
    const std::uint64_t toRead = std::min<std::uint64_t>(static_cast<std::uint64_t>(size), maxBytes);
    constexpr std::size_t kChunk = 4u << 20;
    std::vector<char> buffer(kChunk);
    const auto readAll = [&] {
        std::uint64_t done = 0;
        const auto start = Clock::now();
        while (done < toRead) {
            const ssize_t got =
                ::pread(fd, buffer.data(), std::min<std::uint64_t>(kChunk, toRead - done), static_cast<off_t>(done));
            if (got < 0) {
                if (errno == EINTR) continue;
                throw IoError("read of '" + path + "' failed: " + std::strerror(errno));
            }
            if (got == 0) break;
            done += static_cast<std::uint64_t>(got);
        }
        return static_cast<double>(done) / seconds(start, Clock::now());
    };
    FileReadBandwidth out;
    out.bytesRead = toRead;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, static_cast<off_t>(toRead), POSIX_FADV_DONTNEED);
    ::posix_fadvise(fd, 0, static_cast<off_t>(toRead), POSIX_FADV_SEQUENTIAL);
    out.coldBytesPerSecond = readAll();
    out.warmBytesPerSecond = std::max(readAll(), readAll());
    return out;
}

}  // namespace edgert

namespace edgert {

double measureDirectReadBandwidth(const std::string& path, std::uint64_t offset, std::uint64_t maxBytes)
{
    constexpr std::size_t kChunk = 8u << 20;
    constexpr std::uint64_t kAlign = 4096;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT);
    if (fd < 0) {
        if (errno == EINVAL) return 0.0;
        throw IoError("cannot open '" + path + "' for O_DIRECT reads: " + std::strerror(errno));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    void* raw = ::mmap(nullptr, kChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw IoError(std::string("cannot map the read buffer: ") + std::strerror(errno));
    std::unique_ptr<void, Unmapper> guard(raw, Unmapper{kChunk});
    const off_t size = ::lseek(fd, 0, SEEK_END);
    std::uint64_t at = offset / kAlign * kAlign;
    const std::uint64_t end =
        std::min<std::uint64_t>(static_cast<std::uint64_t>(size) / kAlign * kAlign, at + maxBytes);
    std::uint64_t done = 0;
    const auto start = Clock::now();
    while (at < end) {
        const ssize_t got = ::pread(fd, raw, std::min<std::uint64_t>(kChunk, end - at), static_cast<off_t>(at));
        if (got < 0) {
            if (errno == EINTR) continue;
            if (errno == EINVAL && done == 0) return 0.0;
            throw IoError("O_DIRECT read of '" + path + "' at offset " + std::to_string(at) +
                          " failed: " + std::strerror(errno));
        }
        if (got == 0) break;
        at += static_cast<std::uint64_t>(got);
        done += static_cast<std::uint64_t>(got);
    }
    const double s = seconds(start, Clock::now());
    return s > 0 ? static_cast<double>(done) / s : 0.0;
}

}  // namespace edgert
