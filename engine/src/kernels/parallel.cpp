#include "kernels/parallel.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace edgert::kernels {

namespace {

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

int spinMicros()
{
    static const int us = [] {
        const char* env = std::getenv("EDGERT_SPIN_US");
        if (!env || !*env) return kDefaultSpinMicros;
        char* end = nullptr;
        const long v = std::strtol(env, &end, 10);
        return (end && *end == '\0' && v >= 0 && v <= 1000000) ? static_cast<int>(v) : kDefaultSpinMicros;
    }();
    return us;
}

// Spins until pred() or `micros` have passed; true when pred() held.
template <typename Pred>
bool spinUntil(Pred pred, int micros)
{
    if (micros <= 0) return pred();
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::microseconds(micros);
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (pred()) return true;
            cpuRelax();
        }
        if (Clock::now() >= deadline) return pred();
    }
}

// The claim word packs the whole state a worker needs to take a task, so one compare-and-swap
// both checks and claims: next task (24 bits), task count (24), team size (8), job serial (8).
constexpr std::uint64_t kFieldMask = (std::uint64_t{1} << 24) - 1;
constexpr std::size_t kMaxTasks = kFieldMask;
constexpr std::uint64_t pack(std::uint64_t next, std::uint64_t n, std::uint64_t team, std::uint64_t serial)
{
    return next | (n << 24) | (team << 48) | ((serial & 0xff) << 56);
}
constexpr std::uint64_t nextOf(std::uint64_t w)
{
    return w & kFieldMask;
}
constexpr std::uint64_t countOf(std::uint64_t w)
{
    return (w >> 24) & kFieldMask;
}
constexpr std::uint64_t teamOf(std::uint64_t w)
{
    return (w >> 48) & 0xff;
}

thread_local bool t_inTask = false;

class Pool {
public:
    // Caller holds m_busy.
    void run(std::size_t nTasks, int threads, TaskFunction fn, void* context)
    {
        const auto team = static_cast<std::size_t>(threads);
        while (m_workers.size() + 1 < team) {
            const std::size_t index = m_workers.size() + 1;
            // The epoch before this job's increment: a worker that starts after the increment
            // below must still see this job as new (reading the epoch itself at start-up would
            // take the job as already seen and sleep through it).
            const std::uint32_t seen = m_epoch.load(std::memory_order_acquire);
            m_workers.emplace_back([this, index, seen] { workerLoop(index, seen); });
        }
        m_fn.store(fn, std::memory_order_relaxed);
        m_context.store(context, std::memory_order_relaxed);
        m_done.store(0, std::memory_order_relaxed);
        ++m_serial;
        m_claim.store(pack(0, nTasks, team, m_serial), std::memory_order_release);
        m_epoch.fetch_add(1);  // seq_cst: ordered before the sleeper count read in wakeWorkers
        wakeWorkers();

        runTasks(0);
        // Every task claimed; wait for those still running on workers (bounded spin, then sleep).
        const auto finished = [&] { return m_done.load(std::memory_order_acquire) >= nTasks; };
        if (!spinUntil(finished, spinMicros())) {
            std::unique_lock lock(m_mutex);
            m_callerSleeping.store(true);
            while (!finished()) m_doneCv.wait_for(lock, std::chrono::milliseconds(1));
            m_callerSleeping.store(false);
        }
    }

    std::mutex busy;

private:
    // Claims and runs tasks of the current job while any is left (and this thread is in its team).
    void runTasks(std::size_t index)
    {
        std::uint64_t w = m_claim.load(std::memory_order_acquire);
        for (;;) {
            if (nextOf(w) >= countOf(w) || index >= teamOf(w)) return;
            if (!m_claim.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire))
                continue;
            // The job cannot finish before this task does, so its function and context are stable.
            const auto task = static_cast<std::size_t>(nextOf(w));
            const std::size_t n = countOf(w);
            t_inTask = true;
            m_fn.load(std::memory_order_relaxed)(m_context.load(std::memory_order_relaxed), task);
            t_inTask = false;
            if (m_done.fetch_add(1) + 1 == n && m_callerSleeping.load()) {
                {
                    std::lock_guard lock(m_mutex);
                }  // the caller is inside wait() or has not yet checked
                m_doneCv.notify_one();
            }
            w = m_claim.load(std::memory_order_acquire);
        }
    }

    void workerLoop(std::size_t index, std::uint32_t seen)
    {
        for (;;) {
            const auto changed = [&] { return m_epoch.load(std::memory_order_acquire) != seen; };
            if (!spinUntil(changed, spinMicros())) {
                std::unique_lock lock(m_mutex);
                m_sleepers.fetch_add(1);  // seq_cst, then re-check under the lock: no lost wake-up
                // Timed: a missed notification costs at most 1 ms, never a hang.
                while (!changed()) m_workCv.wait_for(lock, std::chrono::milliseconds(1));
                m_sleepers.fetch_sub(1);
            }
            seen = m_epoch.load(std::memory_order_acquire);
            runTasks(index);
        }
    }

    void wakeWorkers()
    {
        if (m_sleepers.load() == 0) return;
        {
            std::lock_guard lock(m_mutex);
        }
        m_workCv.notify_all();
    }

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_workCv, m_doneCv;
    std::atomic<int> m_sleepers{0};
    std::atomic<bool> m_callerSleeping{false};
    std::atomic<std::uint64_t> m_claim{0};
    std::atomic<std::uint32_t> m_epoch{0};
    std::atomic<std::size_t> m_done{0};
    std::atomic<TaskFunction> m_fn{nullptr};
    std::atomic<void*> m_context{nullptr};
    std::uint64_t m_serial = 0;
};

// Never destroyed: workers sleeping at exit end with the process (as OpenMP runtimes do), and no
// exit handler waits for a thread.
Pool& pool()
{
    static Pool* p = new Pool;
    return *p;
}

}  // namespace

void parallelForRaw(std::size_t nTasks, int threads, TaskFunction fn, void* context)
{
    if (threads > 255) threads = 255;
    if (threads > 1 && nTasks > 1 && nTasks <= kMaxTasks && !t_inTask) {
        Pool& p = pool();
        std::unique_lock lock(p.busy, std::try_to_lock);
        if (lock.owns_lock()) {
            p.run(nTasks, threads, fn, context);
            return;
        }
    }
    for (std::size_t t = 0; t < nTasks; ++t) fn(context, t);
}

}  // namespace edgert::kernels
