// The kernel thread pool (kernels/parallel.h): every task runs exactly once at any thread count
// (also when threads steal from each other's ranges), a thread stuck in a task has the rest of its
// range run by the others, nested and concurrent calls fall back to running serially, and a pool
// whose workers went to sleep between jobs wakes for the next one.
#include "kernels/parallel.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace edgert::kernels;

class TestParallel : public QObject {
    Q_OBJECT
private slots:
    void everyTaskRunsExactlyOnce()
    {
        for (int threads : {1, 2, 3, 4})
            for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}}) {
                std::vector<std::atomic<int>> hits(n);
                parallelFor(n, threads, [&](std::size_t t) { hits[t].fetch_add(1); });
                for (std::size_t t = 0; t < n; ++t) QCOMPARE(hits[t].load(), 1);
            }
    }
    void workersJoinTheJob()
    {
        // Whichever thread takes a task first holds it until another thread has taken one (10 s
        // at most, for a loaded CI machine): that only returns early if a worker joined.
        std::atomic<int> started{0};
        std::atomic<bool> joined{false};
        parallelFor(16, 2, [&](std::size_t) {
            if (started.fetch_add(1) == 0) {
                const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                while (started.load() < 2 && std::chrono::steady_clock::now() < deadline)
                    std::this_thread::sleep_for(std::chrono::microseconds(100));
                joined = started.load() >= 2;
            }
        });
        QVERIFY2(joined.load(), "no second thread took a task within 10 s");
    }
    void unevenTasksRunExactlyOnceWhileStealing()
    {
        // Tasks of very different lengths make the threads empty their ranges at different times
        // and steal halves of each other's, repeatedly; whatever the interleaving, each task runs once.
        for (int threads : {2, 3, 4})
            for (int rep = 0; rep < 20; ++rep) {
                const std::size_t n = 257 + static_cast<std::size_t>(rep);
                std::vector<std::atomic<int>> hits(n);
                parallelFor(n, threads, [&](std::size_t t) {
                    if (t % 7 == static_cast<std::size_t>(rep % 7)) {
                        volatile unsigned sink = 0;
                        for (unsigned i = 0; i < 20000; ++i) sink = sink + i;
                    }
                    hits[t].fetch_add(1);
                });
                for (std::size_t t = 0; t < n; ++t) QCOMPARE(hits[t].load(), 1);
            }
    }
    void stuckWorkerRangeIsFinishedByCaller()
    {
        // A worker that takes a task is held in it until the caller has run every other task (10 s
        // at most): the job can only get there if the caller takes over the rest of the worker's
        // range. A worker that joins late finds nothing left; either way it runs at most one task.
        constexpr std::size_t kTasks = 64;
        const auto caller = std::this_thread::get_id();
        std::atomic<std::size_t> callerRan{0}, workerRan{0};
        std::atomic<bool> callerTimedOut{false};
        parallelFor(kTasks, 2, [&](std::size_t) {
            if (std::this_thread::get_id() == caller) {
                callerRan.fetch_add(1);
                return;
            }
            workerRan.fetch_add(1);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (callerRan.load() + 1 < kTasks)
                if (std::chrono::steady_clock::now() >= deadline) {
                    callerTimedOut = true;
                    return;
                } else {
                    std::this_thread::sleep_for(std::chrono::microseconds(100));
                }
        });
        QVERIFY2(!callerTimedOut.load(), "the caller did not take over the held worker's range within 10 s");
        QCOMPARE(callerRan.load() + workerRan.load(), kTasks);
        QVERIFY(workerRan.load() <= 1);
    }
    void nestedCallRunsSerially()
    {
        std::atomic<int> inner{0};
        parallelFor(8, 2, [&](std::size_t) { parallelFor(5, 2, [&](std::size_t) { inner.fetch_add(1); }); });
        QCOMPARE(inner.load(), 40);
    }
    void concurrentCallersBothComplete()
    {
        std::atomic<long> sum{0};
        auto caller = [&] {
            for (int rep = 0; rep < 200; ++rep)
                parallelFor(50, 2, [&](std::size_t t) { sum.fetch_add(static_cast<long>(t)); });
        };
        std::thread a(caller), b(caller);
        a.join();
        b.join();
        QCOMPARE(sum.load(), 2L * 200 * (49 * 50 / 2));
    }
    void wakesAfterWorkersSlept()
    {
        for (int rep = 0; rep < 3; ++rep) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));  // longer than the spin
            std::atomic<int> count{0};
            parallelFor(100, 2, [&](std::size_t) { count.fetch_add(1); });
            QCOMPARE(count.load(), 100);
        }
    }
};

QTEST_APPLESS_MAIN(TestParallel)
#include "tst_parallel.moc"
