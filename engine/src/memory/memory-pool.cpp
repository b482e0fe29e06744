#include "edgert/memory-pool.h"

#include "edgert/error.h"
#include "edgert/units.h"

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

namespace edgert {

namespace {
constexpr std::uint64_t kHugePageBytes = 2u << 20;

std::uint64_t pageBytes()
{
    static const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    return page;
}
}  // namespace

PoolBuffer::PoolBuffer(PoolBuffer&& other) noexcept
    : m_pool(std::exchange(other.m_pool, nullptr)),
      m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_footprint(std::exchange(other.m_footprint, 0))
{
}

PoolBuffer& PoolBuffer::operator=(PoolBuffer&& other) noexcept
{
    if (this != &other) {
        reset();
        m_pool = std::exchange(other.m_pool, nullptr);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_footprint = std::exchange(other.m_footprint, 0);
    }
    return *this;
}

void PoolBuffer::reset() noexcept
{
    if (m_pool && m_data) m_pool->release(m_data, m_footprint);
    m_pool = nullptr;
    m_data = nullptr;
    m_size = 0;
    m_footprint = 0;
}

MemoryPool::MemoryPool(std::uint64_t budgetBytes) : m_budget(budgetBytes) {}

MemoryPool::~MemoryPool() = default;

std::uint64_t MemoryPool::footprintBytes(std::uint64_t sizeBytes)
{
    const auto page = pageBytes();
    return (sizeBytes + page - 1) / page * page;
}

PoolBuffer MemoryPool::allocate(std::uint64_t sizeBytes, const std::string& purpose)
{
    const std::uint64_t footprint = footprintBytes(std::max<std::uint64_t>(sizeBytes, 1));
    {
        std::lock_guard lock(m_mutex);
        const auto used = m_used.load();
        if (footprint > m_budget - used)
            throw BudgetError("memory budget exceeded: '" + purpose + "' needs " + formatBytes(footprint) + ", " +
                              formatBytes(m_budget - used) + " of the " + formatBytes(m_budget) + " budget is free");
        // One atomic add: release() subtracts without the mutex, so a load-then-store here
        // would lose a release that lands between the two (found by tst_memory_pool under qemu).
        const auto now = m_used.fetch_add(footprint) + footprint;
        if (now > m_peak.load()) m_peak = now;
    }
    void* p = ::mmap(nullptr, footprint, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        const std::string why = std::strerror(errno);
        m_used -= footprint;
        throw IoError("cannot map " + formatBytes(footprint) + " for '" + purpose + "': " + why);
    }
    // Large buffers (weights, KV cache) are read end to end every token: transparent huge pages
    // cut TLB misses. The mapping's size is unchanged, so RSS never exceeds the footprint.
    if (footprint >= kHugePageBytes) ::madvise(p, footprint, MADV_HUGEPAGE);
    ++m_live;
    return PoolBuffer(this, static_cast<std::byte*>(p), static_cast<std::size_t>(sizeBytes),
                      static_cast<std::size_t>(footprint));
}

void MemoryPool::release(std::byte* data, std::size_t footprint) noexcept
{
    ::munmap(data, footprint);
    m_used -= footprint;
    --m_live;
}

}  // namespace edgert
