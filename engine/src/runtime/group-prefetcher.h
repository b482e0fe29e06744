// A worker thread that loads one streamed layer group ahead of the compute thread
// (speculative-prefetch). At most one load is outstanding. The destructor waits for an
// outstanding load and returns its buffer to the pool; it never throws.
#pragma once

#include "runtime/group-loader.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace edgert {

class GroupPrefetcher {
public:
    using Clock = std::chrono::steady_clock;

    GroupPrefetcher(const ValidatedModelGraph& graph, const PartitionPlan& plan, MemoryPool& pool);
    ~GroupPrefetcher();
    GroupPrefetcher(const GroupPrefetcher&) = delete;
    GroupPrefetcher& operator=(const GroupPrefetcher&) = delete;

    /// Starts loading `group` on the worker. Precondition: nothing outstanding.
    void request(std::size_t group);
    /// The group being (or done) loading, if any.
    std::optional<std::size_t> outstanding() const;
    /// Waits for the outstanding load and hands it over; rethrows the worker's exception.
    /// `started`/`finished` receive the load's start and end times.
    LoadedGroup take(Clock::time_point& started, Clock::time_point& finished);
    /// Waits for an outstanding load (if any) and drops it.
    void discard() noexcept;

private:
    void workerLoop();

    const ValidatedModelGraph& m_graph;
    const PartitionPlan& m_plan;
    MemoryPool& m_pool;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::optional<std::size_t> m_requested;  // guarded; set by request, cleared by take/discard
    bool m_working = false;
    bool m_finished = false;
    bool m_quit = false;
    LoadedGroup m_result;
    std::exception_ptr m_error;
    Clock::time_point m_started, m_ended;
    std::thread m_thread;
};

}  // namespace edgert
