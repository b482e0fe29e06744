// Periodic resource snapshots into a bounded history, cheap enough to run beside inference.
//
// Either start() a background std::thread that samples every periodMs, or call sampleNow() to
// step it by hand (tests, one-shot CLI use); both may be mixed. The destructor stops and joins
// the thread. Every sample's CPU cost (CLOCK_THREAD_CPUTIME_ID of the sampling thread) is
// measured and available from cost().
#pragma once

#include "edgert/monitor/resource-snapshot.h"
#include "edgert/monitor/ring-buffer.h"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace edgert {

struct ResourceSamplerOptions {
    std::filesystem::path root = "/";   ///< read <root>/proc and <root>/sys (fixture trees in tests)
    int periodMs = 500;                 ///< background sampling period, ms (>= 1)
    std::size_t historyCapacity = 240;  ///< snapshots kept (240 x 500 ms = 2 minutes)
    /// Called on the sampling thread after each snapshot is stored (keep it short; may be empty).
    std::function<void(const ResourceSnapshot&)> onSample;
};

/// What sampling has cost so far, in microseconds of CPU time of the sampling thread.
struct SamplerCost {
    std::uint64_t nSamples = 0;
    double lastCpuUs = 0.0;   ///< CPU time of the most recent sample, µs
    double meanCpuUs = 0.0;   ///< mean CPU time per sample, µs
    double maxCpuUs = 0.0;    ///< worst sample, µs
    double lastWallUs = 0.0;  ///< wall-clock time of the most recent sample, µs
};

class ResourceSampler {
public:
    /// Throws std::invalid_argument when periodMs < 1 or historyCapacity == 0.
    explicit ResourceSampler(ResourceSamplerOptions options = {});
    /// Stops and joins the background thread if running. Never throws.
    ~ResourceSampler();
    ResourceSampler(const ResourceSampler&) = delete;
    ResourceSampler& operator=(const ResourceSampler&) = delete;

    /// Starts the background thread (first sample immediately, then every periodMs).
    /// Does nothing when already running.
    void start();
    /// Asks the thread to stop and joins it; returns within one sample's time. Idempotent.
    void stop() noexcept;
    bool running() const;

    /// Takes one snapshot on the calling thread, appends it to the history and returns it.
    /// Thread-safe with respect to the background thread (samples are serialised).
    ResourceSnapshot sampleNow();

    /// The history, oldest first.
    std::vector<ResourceSnapshot> history() const;
    /// The newest snapshot, if any.
    std::optional<ResourceSnapshot> latest() const;
    SamplerCost cost() const;

    const ResourceSamplerOptions& options() const { return m_options; }

private:
    void run();

    const ResourceSamplerOptions m_options;

    std::mutex m_sampleMutex;  ///< serialises sampleNow(); guards m_previousCpuStat, m_nextSequence
    Reading<CpuStat> m_previousCpuStat = Unavailable{"no previous sample"};
    std::uint64_t m_nextSequence = 0;

    mutable std::mutex m_stateMutex;  ///< guards m_history, m_cost, m_stopRequested
    RingBuffer<ResourceSnapshot> m_history;
    SamplerCost m_cost;
    double m_totalCpuUs = 0.0;
    bool m_stopRequested = false;
    std::condition_variable m_wake;

    mutable std::mutex m_threadMutex;  ///< guards m_thread (start/stop from different threads)
    std::thread m_thread;
};

}  // namespace edgert
