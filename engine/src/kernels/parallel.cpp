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

// A job's tasks are split into one contiguous range per team member (thread 0 is the caller).
// Each member takes the tasks of its own range from the front; with its range empty, it moves the
// back half of another member's range into its own and goes on: while every thread runs, each streams one
// contiguous stretch of the weights (what the hardware prefetchers and the decode kernels' "next
// tile" prefetch expect) and claims from a cache line no other thread writes; a thread that is
// descheduled or wakes late has its range finished by the others from the far end.
// A range word packs what a claim must check, so one compare-and-swap both checks and claims:
// front (24 bits), back (24), team size (8), job serial (8).
constexpr std::uint64_t kFieldMask = (std::uint64_t{1} << 24) - 1;
constexpr std::size_t kMaxTasks = kFieldMask;
constexpr std::size_t kMaxTeam = 255;
constexpr std::uint64_t pack(std::uint64_t front, std::uint64_t back, std::uint64_t team, std::uint64_t serial)
{
    return front | (back << 24) | (team << 48) | ((serial & 0xff) << 56);
}
constexpr std::uint64_t frontOf(std::uint64_t w)
{
    return w & kFieldMask;
}
constexpr std::uint64_t backOf(std::uint64_t w)
{
    return (w >> 24) & kFieldMask;
}
constexpr std::uint64_t teamOf(std::uint64_t w)
{
    return (w >> 48) & 0xff;
}
constexpr std::uint64_t serialOf(std::uint64_t w)
{
    return w >> 56;
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
        m_nTasks.store(nTasks, std::memory_order_relaxed);
        m_done.store(0, std::memory_order_relaxed);
        ++m_serial;
        // Release: a claim (acquire) of any of this job's tasks sees the function and context.
        for (std::size_t i = 0; i < team; ++i)
            m_ranges[i].word.store(pack(i * nTasks / team, (i + 1) * nTasks / team, team, m_serial),
                                   std::memory_order_release);
        m_job.store(pack(0, 0, team, m_serial), std::memory_order_release);
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
    struct alignas(64) Range {
        std::atomic<std::uint64_t> word{0};
    };

    // Claims the front task of this thread's range `r` for job `serial`: the task, or kMaxTasks
    // when the range is empty or holds another job.
    std::size_t claimFront(std::size_t r, std::uint64_t serial)
    {
        std::atomic<std::uint64_t>& word = m_ranges[r].word;
        std::uint64_t w = word.load(std::memory_order_acquire);
        for (;;) {
            if (serialOf(w) != serial || frontOf(w) >= backOf(w)) return kMaxTasks;
            if (word.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire))
                return static_cast<std::size_t>(frontOf(w));
        }
    }

    // Moves the back half (at least one task) of range `victim` into this thread's own, empty
    // range `self`, to be run from its front like the original range (forward through memory, and
    // open to stealing in turn). False when the victim is empty or holds another job.
    // No stale compare-and-swap can hit the refilled word: its new tasks were unclaimed, so no
    // thief can hold an older non-empty value of this word with the same front and back.
    bool stealHalf(std::size_t victim, std::size_t self, std::uint64_t serial)
    {
        std::atomic<std::uint64_t>& word = m_ranges[victim].word;
        std::uint64_t w = word.load(std::memory_order_acquire);
        for (;;) {
            const std::uint64_t front = frontOf(w), back = backOf(w);
            if (serialOf(w) != serial || front >= back) return false;
            const std::uint64_t mid = back - (back - front + 1) / 2;
            if (word.compare_exchange_weak(w, pack(front, mid, teamOf(w), serial), std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
                m_ranges[self].word.store(pack(mid, back, teamOf(w), serial), std::memory_order_release);
                return true;
            }
        }
    }

    void runTask(std::size_t task)
    {
        // The job cannot finish before this task does, so its function and context are stable.
        t_inTask = true;
        m_fn.load(std::memory_order_relaxed)(m_context.load(std::memory_order_relaxed), task);
        t_inTask = false;
    }

    // Runs tasks of the current job while any is left (and this thread is in its team): its own
    // range from the front, then, whenever it is empty, the back half of another thread's. The
    // tasks it ran are counted into m_done once, at the end (one shared write per thread and job,
    // not one per task).
    void runTasks(std::size_t index)
    {
        const std::uint64_t job = m_job.load(std::memory_order_acquire);
        const std::uint64_t serial = serialOf(job);
        const std::size_t team = teamOf(job);
        if (index >= team) return;
        std::size_t ran = 0;
        for (;;) {
            for (std::size_t task; (task = claimFront(index, serial)) != kMaxTasks; ++ran) runTask(task);
            bool stole = false;
            for (std::size_t k = 1; k < team && !stole; ++k) stole = stealHalf((index + k) % team, index, serial);
            if (!stole) break;
        }
        if (ran == 0) return;
        // m_nTasks is this job's: it cannot end (nor the next one start) before `ran` is added.
        const std::size_t n = m_nTasks.load(std::memory_order_relaxed);
        if (m_done.fetch_add(ran) + ran == n && m_callerSleeping.load()) {
            {
                std::lock_guard lock(m_mutex);
            }  // the caller is inside wait() or has not yet checked
            m_doneCv.notify_one();
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
    Range m_ranges[kMaxTeam];
    alignas(64) std::atomic<std::uint64_t> m_job{0};  // team and serial of the current job
    std::atomic<std::uint32_t> m_epoch{0};
    std::atomic<TaskFunction> m_fn{nullptr};
    std::atomic<void*> m_context{nullptr};
    std::atomic<std::size_t> m_nTasks{0};
    alignas(64) std::atomic<std::size_t> m_done{0};
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
    if (threads > static_cast<int>(kMaxTeam)) threads = static_cast<int>(kMaxTeam);
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
