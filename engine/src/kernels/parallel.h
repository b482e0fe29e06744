// The thread mechanism of the compute kernels: a persistent pool. A job's tasks are split into
// one contiguous range per thread; each thread runs its own range from the front, then takes the
// tasks left in the others' ranges from their back ends (work stealing). Idle workers spin for a
// bounded time after a job and then sleep on a condition variable.
//
// Why not OpenMP's static halves: on a shared core (the Pi's normal case: the dashboard's UI and
// monitor threads, or any other process) one team member is descheduled for a whole time slice
// (~3 ms); with a static split every other member spins at the barrier until it returns, and
// 2-thread decode fell to 1.8 tokens/s against 48 at 1 thread. Here the caller's job ends when
// every *task* is done, not when every *thread* has checked in: a worker that wakes late finds its
// range finished by the others from the far end, and the job does not wait for it; only a task a
// worker holds while preempted delays it.
// Why contiguous ranges rather than one shared task counter: with both cores free, each thread
// streams one contiguous stretch of the weights (the decode kernels prefetch the next row tile,
// which is then its own) and claims from a cache line the other thread does not write.
//
// Results do not depend on which thread runs a task (each task writes its own outputs), so every
// product stays bit-identical across thread counts.
#pragma once

#include <cstddef>
#include <type_traits>

namespace edgert::kernels {

using TaskFunction = void (*)(void* context, std::size_t task);

/// Runs fn(context, task) for every task in [0, nTasks) on up to `threads` threads, the calling
/// thread included, and returns when all have run. threads <= 1, nTasks <= 1, a call from inside
/// a task, or a call while another thread's job holds the pool run the tasks serially in the
/// caller (same results). Workers are started on first use and live until exit.
/// Bounded spin: a worker keeps polling for the next job for EDGERT_SPIN_US microseconds
/// (default kDefaultSpinMicros) after finishing one, then sleeps until woken.
void parallelForRaw(std::size_t nTasks, int threads, TaskFunction fn, void* context);

/// Typed front end: fn(task) for task in [0, nTasks).
template <typename F>
void parallelFor(std::size_t nTasks, int threads, F&& fn)
{
    auto trampoline = [](void* ctx, std::size_t task) { (*static_cast<std::remove_reference_t<F>*>(ctx))(task); };
    parallelForRaw(nTasks, threads, trampoline, const_cast<void*>(static_cast<const void*>(&fn)));
}

/// Spin time of idle workers before they sleep, microseconds (EDGERT_SPIN_US overrides).
inline constexpr int kDefaultSpinMicros = 50;

}  // namespace edgert::kernels
