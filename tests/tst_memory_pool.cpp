// MemoryPool: the budget is enforced, guards return bytes on scope exit, the pool ends at zero.
#include "edgert/error.h"
#include "edgert/memory-pool.h"

#include <QTest>

#include <thread>
#include <vector>

using namespace edgert;

class TestMemoryPool : public QObject {
    Q_OBJECT
private slots:
    void chargesPageRoundedFootprint()
    {
        MemoryPool pool(1 << 20);
        auto a = pool.allocate(1, "one byte");
        QCOMPARE(pool.usedBytes(), MemoryPool::footprintBytes(1));
        QVERIFY(MemoryPool::footprintBytes(1) >= 1);
        QCOMPARE(MemoryPool::footprintBytes(4096), std::uint64_t{4096});
        QCOMPARE(MemoryPool::footprintBytes(4097), std::uint64_t{8192});
        QCOMPARE(a.sizeBytes(), std::size_t{1});
    }

    void refusesBeyondBudgetAndChargesNothing()
    {
        MemoryPool pool(64 * 1024);
        auto a = pool.allocate(60 * 1024, "first");
        const auto before = pool.usedBytes();
        try {
            auto b = pool.allocate(8 * 1024, "group 3 weights");
            QFAIL("allocation beyond the budget succeeded");
        } catch (const BudgetError& e) {
            QVERIFY(std::string(e.what()).find("group 3 weights") != std::string::npos);
            QVERIFY(std::string(e.what()).find("budget") != std::string::npos);
        }
        QCOMPARE(pool.usedBytes(), before);
        QCOMPARE(pool.liveBuffers(), std::uint64_t{1});
    }

    void guardsReturnBytesOnScopeExit()
    {
        MemoryPool pool(1 << 20);
        {
            auto a = pool.allocate(10000, "a");
            auto b = pool.allocate(20000, "b");
            QCOMPARE(pool.usedBytes(), MemoryPool::footprintBytes(10000) + MemoryPool::footprintBytes(20000));
            std::fill_n(a.data(), a.sizeBytes(), std::byte{0x5a});
        }
        QCOMPARE(pool.usedBytes(), std::uint64_t{0});
        QCOMPARE(pool.liveBuffers(), std::uint64_t{0});
        QCOMPARE(pool.peakBytes(), MemoryPool::footprintBytes(10000) + MemoryPool::footprintBytes(20000));
    }

    void moveTransfersOwnership()
    {
        MemoryPool pool(1 << 20);
        PoolBuffer outer;
        {
            auto inner = pool.allocate(5000, "moved");
            outer = std::move(inner);
            QVERIFY(inner.empty());
        }
        QCOMPARE(pool.usedBytes(), MemoryPool::footprintBytes(5000));
        outer.reset();
        QCOMPARE(pool.usedBytes(), std::uint64_t{0});
    }

    void concurrentLeasesNeverExceedBudget()
    {
        MemoryPool pool(16 * 4096);
        std::vector<std::thread> threads;
        std::atomic<int> refused{0};
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 500; ++i) {
                    try {
                        auto b = pool.allocate(3 * 4096, "worker");
                        if (pool.usedBytes() > pool.budgetBytes()) std::abort();
                    } catch (const BudgetError&) {
                        ++refused;
                    }
                }
            });
        for (auto& t : threads) t.join();
        QCOMPARE(pool.usedBytes(), std::uint64_t{0});
        QVERIFY(pool.peakBytes() <= pool.budgetBytes());
    }
};

QTEST_GUILESS_MAIN(TestMemoryPool)
#include "tst_memory_pool.moc"
