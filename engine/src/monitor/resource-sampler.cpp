#include "edgert/monitor/resource-sampler.h"

#include <chrono>
#include <ctime>
#include <stdexcept>

namespace edgert {

namespace {

/// CPU time consumed by the calling thread, µs (CLOCK_THREAD_CPUTIME_ID, see clock_gettime(2)).
double threadCpuUs()
{
    timespec ts{};
    if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0.0;
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

const ResourceSamplerOptions& validated(const ResourceSamplerOptions& options)
{
    if (options.periodMs < 1) throw std::invalid_argument("ResourceSampler: periodMs must be at least 1");
    if (options.historyCapacity == 0)
        throw std::invalid_argument("ResourceSampler: historyCapacity must be at least 1");
    return options;
}

}  // namespace

ResourceSampler::ResourceSampler(ResourceSamplerOptions options)
    : m_options(validated(options)), m_history(m_options.historyCapacity)
{
}

ResourceSampler::~ResourceSampler()
{
    stop();
}

void ResourceSampler::start()
{
    std::lock_guard threadLock(m_threadMutex);
    if (m_thread.joinable()) return;
    {
        std::lock_guard lock(m_stateMutex);
        m_stopRequested = false;
    }
    m_thread = std::thread([this] { run(); });
}

void ResourceSampler::stop() noexcept
{
    std::lock_guard threadLock(m_threadMutex);
    if (!m_thread.joinable()) return;
    {
        std::lock_guard lock(m_stateMutex);
        m_stopRequested = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

bool ResourceSampler::running() const
{
    std::lock_guard threadLock(m_threadMutex);
    return m_thread.joinable();
}

ResourceSnapshot ResourceSampler::sampleNow()
{
    std::lock_guard sampleLock(m_sampleMutex);
    const double cpuStartUs = threadCpuUs();
    const auto wallStart = std::chrono::steady_clock::now();

    ResourceSnapshot snapshot =
        readResourceSnapshot(m_options.root, m_nextSequence == 0 ? nullptr : &m_previousCpuStat);
    snapshot.sequence = m_nextSequence++;
    m_previousCpuStat = snapshot.cpuStat;

    const double cpuUs = threadCpuUs() - cpuStartUs;
    const double wallUs =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wallStart).count();
    {
        std::lock_guard lock(m_stateMutex);
        m_history.push(snapshot);
        m_cost.nSamples += 1;
        m_cost.lastCpuUs = cpuUs;
        m_cost.lastWallUs = wallUs;
        m_cost.maxCpuUs = std::max(m_cost.maxCpuUs, cpuUs);
        m_totalCpuUs += cpuUs;
        m_cost.meanCpuUs = m_totalCpuUs / static_cast<double>(m_cost.nSamples);
    }
    if (m_options.onSample) m_options.onSample(snapshot);
    return snapshot;
}

std::vector<ResourceSnapshot> ResourceSampler::history() const
{
    std::lock_guard lock(m_stateMutex);
    return m_history.toVector();
}

std::optional<ResourceSnapshot> ResourceSampler::latest() const
{
    std::lock_guard lock(m_stateMutex);
    if (m_history.empty()) return std::nullopt;
    return m_history.back();
}

SamplerCost ResourceSampler::cost() const
{
    std::lock_guard lock(m_stateMutex);
    return m_cost;
}

void ResourceSampler::run()
{
    const auto period = std::chrono::milliseconds(m_options.periodMs);
    auto next = std::chrono::steady_clock::now();
    for (;;) {
        {
            std::unique_lock lock(m_stateMutex);
            if (m_wake.wait_until(lock, next, [this] { return m_stopRequested; })) return;
        }
        try {
            sampleNow();
        } catch (...) {
            // Readers do not throw; only an allocation failure or a throwing onSample callback can
            // get here. Sampling is best-effort: skip this tick rather than end the process.
        }
        next += period;
        const auto now = std::chrono::steady_clock::now();
        if (next < now) next = now + period;  // fell behind (suspend, slow callback): don't burst
    }
}

}  // namespace edgert
