// A worker thread that loads one streamed layer group ahead of the compute thread
// (speculative-prefetch) into a stream slot the caller owns. At most one load is outstanding.
// The destructor waits for an outstanding load; it never throws.
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

    GroupPrefetcher(const ValidatedModelGraph& graph, const PartitionPlan& plan, const ModelReaders& readers);
    ~GroupPrefetcher();
    GroupPrefetcher(const GroupPrefetcher&) = delete;
    GroupPrefetcher& operator=(const GroupPrefetcher&) = delete;

    /// Starts loading `group` into `slot` (capacity bytes) on the worker. Precondition: nothing
    /// outstanding, and nobody reads `slot` until take() returns.
    void request(std::size_t group, std::byte* slot, std::size_t capacity);
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
    const ModelReaders& m_readers;
    std::byte* m_slot = nullptr;
    std::size_t m_capacity = 0;
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
