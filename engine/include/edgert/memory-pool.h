// The memory budget: every buffer the engine holds for a run — pinned and streamed layer-group
// weights, the KV cache, activations/scratch — is a PoolBuffer leased from one MemoryPool.
//
// Buffers are anonymous private mappings (mmap), so releasing one returns its pages to the
// kernel at once and the process's resident set follows the pool's books. A lease is charged
// its page-rounded size (footprintBytes()), the same figure the planner uses.
//
// Contract: allocate() either returns a buffer whose footprint is charged, or throws
// BudgetError and charges nothing. Destroying (or moving-from then destroying) a PoolBuffer
// un-charges exactly its footprint. The pool must outlive its buffers. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace edgert {

class MemoryPool;

/// An owning, movable lease of `sizeBytes` bytes from a MemoryPool (64-byte aligned or better,
/// zero-filled on first touch).
class PoolBuffer {
public:
    PoolBuffer() = default;
    ~PoolBuffer() { reset(); }
    PoolBuffer(PoolBuffer&& other) noexcept;
    PoolBuffer& operator=(PoolBuffer&& other) noexcept;
    PoolBuffer(const PoolBuffer&) = delete;
    PoolBuffer& operator=(const PoolBuffer&) = delete;

    std::byte* data() const { return m_data; }
    std::size_t sizeBytes() const { return m_size; }
    std::size_t footprintBytes() const { return m_footprint; }
    bool empty() const { return m_data == nullptr; }
    template <typename T>
    T* as() const
    {
        return reinterpret_cast<T*>(m_data);
    }
    /// Returns the bytes to the pool now.
    void reset() noexcept;

private:
    friend class MemoryPool;
    PoolBuffer(MemoryPool* pool, std::byte* data, std::size_t size, std::size_t footprint)
        : m_pool(pool), m_data(data), m_size(size), m_footprint(footprint)
    {
    }
    MemoryPool* m_pool = nullptr;
    std::byte* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_footprint = 0;
};

class MemoryPool {
public:
    /// A pool that lets at most `budgetBytes` be leased at once.
    explicit MemoryPool(std::uint64_t budgetBytes);
    ~MemoryPool();
    MemoryPool(const MemoryPool&) = delete;
    MemoryPool& operator=(const MemoryPool&) = delete;

    /// The bytes a lease of `sizeBytes` is charged: rounded up to whole pages (4 KiB here).
    static std::uint64_t footprintBytes(std::uint64_t sizeBytes);

    /// Leases `sizeBytes` for `purpose` (shown in errors, e.g. "group 2 weights").
    /// Throws BudgetError ("pool budget exceeded: 'group 2 weights' needs 1.2 MiB, 0.8 MiB of
    /// 4.0 MiB free") when the budget cannot hold it, IoError when mmap fails.
    PoolBuffer allocate(std::uint64_t sizeBytes, const std::string& purpose);

    std::uint64_t budgetBytes() const { return m_budget; }
    std::uint64_t usedBytes() const { return m_used.load(); }
    std::uint64_t peakBytes() const { return m_peak.load(); }
    std::uint64_t liveBuffers() const { return m_live.load(); }
    /// Starts a new peak measurement from the current usage.
    void resetPeak() { m_peak = m_used.load(); }

private:
    friend class PoolBuffer;
    void release(std::byte* data, std::size_t footprint) noexcept;

    const std::uint64_t m_budget;
    std::mutex m_mutex;
    std::atomic<std::uint64_t> m_used{0};
    std::atomic<std::uint64_t> m_peak{0};
    std::atomic<std::uint64_t> m_live{0};
};

}  // namespace edgert
