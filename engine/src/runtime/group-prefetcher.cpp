#include "runtime/group-prefetcher.h"

#include <utility>

namespace edgert {

GroupPrefetcher::GroupPrefetcher(const ValidatedModelGraph& graph, const PartitionPlan& plan,
                                 const ModelReaders& readers)
    : m_graph(graph), m_plan(plan), m_readers(readers), m_thread([this] { workerLoop(); })
{
}

GroupPrefetcher::~GroupPrefetcher()
{
    discard();
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void GroupPrefetcher::request(std::size_t group, std::byte* slot, std::size_t capacity)
{
    {
        std::lock_guard lock(m_mutex);
        m_requested = group;
        m_slot = slot;
        m_capacity = capacity;
        m_working = true;
        m_finished = false;
        m_error = nullptr;
    }
    m_wake.notify_all();
}

std::optional<std::size_t> GroupPrefetcher::outstanding() const
{
    std::lock_guard lock(m_mutex);
    return m_requested;
}

LoadedGroup GroupPrefetcher::take(Clock::time_point& started, Clock::time_point& finished)
{
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return m_finished; });
    m_requested.reset();
    m_finished = false;
    started = m_started;
    finished = m_ended;
    if (m_error) std::rethrow_exception(std::exchange(m_error, nullptr));
    return std::move(m_result);
}

void GroupPrefetcher::discard() noexcept
{
    std::unique_lock lock(m_mutex);
    if (!m_requested) return;
    m_done.wait(lock, [&] { return m_finished; });
    m_requested.reset();
    m_finished = false;
    m_error = nullptr;
    m_result = LoadedGroup{};
}

void GroupPrefetcher::workerLoop()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_quit || m_working; });
        if (m_quit) return;
        const std::size_t group = *m_requested;
        std::byte* const slot = m_slot;
        const std::size_t capacity = m_capacity;
        lock.unlock();
        LoadedGroup result;
        std::exception_ptr error;
        const auto started = Clock::now();
        try {
            result = loadGroupInto(m_graph, m_plan, group, slot, capacity, m_readers);
        } catch (...) {
            error = std::current_exception();
        }
        const auto ended = Clock::now();
        lock.lock();
        m_result = std::move(result);
        m_error = error;
        m_started = started;
        m_ended = ended;
        m_working = false;
        m_finished = true;
        m_done.notify_all();
    }
}

}  // namespace edgert
