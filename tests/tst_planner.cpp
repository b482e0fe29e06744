// Partition planner properties, over the real models' plan inputs and synthetic ones:
// every unit exactly once and in order, every plan within budget, sequential = one group per
// unit, too-small budgets fail naming the minimum, all-resident when everything fits.
#include "edgert/error.h"
#include "edgert/memory-pool.h"
#include "edgert/model-graph.h"
#include "edgert/partition-planner.h"
#include "test-support.h"

#include <QTest>

#include <random>

using namespace edgert;

namespace {

void checkPlanInvariants(const PlanInput& in, const PartitionPlan& p, std::uint64_t budget, const std::string& name)
{
    // Every unit exactly once, in order, groups contiguous.
    std::uint32_t expected = 0;
    for (const auto& g : p.groups) {
        QCOMPARE(g.firstUnit, expected);
        QVERIFY(g.lastUnit >= g.firstUnit);
        std::uint64_t bytes = 0;
        for (auto u = g.firstUnit; u <= g.lastUnit; ++u) bytes += in.units[u].weightBytes;
        QCOMPARE(g.weightBytes, bytes);
        QCOMPARE(g.footprintBytes, MemoryPool::footprintBytes(bytes));
        expected = g.lastUnit + 1;
    }
    QCOMPARE(expected, static_cast<std::uint32_t>(in.units.size()));
    // Within budget: kv + scratch + pinned + the stream slots (one, two for prefetch), each as
    // large as the largest streamed group.
    std::uint64_t pinned = 0, maxStreamed = 0;
    for (const auto& g : p.groups) {
        if (g.pinned)
            pinned += g.footprintBytes;
        else
            maxStreamed = std::max(maxStreamed, g.footprintBytes);
    }
    const std::uint64_t slotCount = name == "speculative-prefetch" ? 2 : 1;
    const std::uint64_t held = slotCount * maxStreamed;
    QVERIFY2(in.kvBytes + in.scratchBytes + pinned + held <= budget,
             qPrintable(QStringLiteral("%1 plan needs %2 > budget %3")
                            .arg(QString::fromStdString(name))
                            .arg(in.kvBytes + in.scratchBytes + pinned + held)
                            .arg(budget)));
    QCOMPARE(p.plannedPeakBytes(), in.kvBytes + in.scratchBytes + pinned + held);
    QCOMPARE(p.streamSlotBytes, maxStreamed);
    QCOMPARE(p.streamSlots(), maxStreamed ? static_cast<std::size_t>(slotCount) : std::size_t{0});
    if (name == "sequential")
        for (const auto& g : p.groups) QCOMPARE(g.unitCount(), 1u);
}

PlanInput syntheticInput(std::mt19937& rng, int nLayers)
{
    std::uniform_int_distribution<std::uint64_t> layerBytes(10'000, 3'000'000);
    PlanInput in;
    for (int l = 0; l < nLayers; ++l) in.units.push_back({"layer " + std::to_string(l), l, layerBytes(rng), {}});
    in.units.push_back({"output head", -1, layerBytes(rng) * 2, {}});
    in.kvBytes = MemoryPool::footprintBytes(layerBytes(rng));
    in.scratchBytes = MemoryPool::footprintBytes(layerBytes(rng) / 4);
    return in;
}

}  // namespace

class TestPlanner : public QObject {
    Q_OBJECT
private slots:
    void strategiesAreNamed()
    {
        QCOMPARE(strategyNames().size(), std::size_t{3});
        for (const auto& n : strategyNames()) QCOMPARE(makeStrategy(n)->name(), n);
        try {
            makeStrategy("fastest");
            QFAIL("unknown strategy accepted");
        } catch (const UsageError& e) {
            QVERIFY(std::string(e.what()).find("greedy-grouping") != std::string::npos);
        }
    }

    void realModelPlansHoldInvariantsAtEveryBudget_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("stories260K") << test::sharedModel("stories260K.gguf");
        QTest::newRow("tinystories656k_q8_0") << test::sharedModel("tinystories-656k-q8_0.gguf");
    }
    void realModelPlansHoldInvariantsAtEveryBudget()
    {
        QFETCH(QString, model);
        EDGERT_REQUIRE_FILE(model);
        const auto graph = ModelGraph::openGguf(model.toStdString()).validate();
        const auto in = makePlanInput(graph, RunShape{64, 8});
        QCOMPARE(in.units.size(), std::size_t{graph.hparams().nLayers + 1});
        for (const auto& name : strategyNames()) {
            const auto s = makeStrategy(name);
            const auto minimum = s->minimumBudget(in);
            const auto full = s->plan(in, 1ull << 40).plannedPeakBytes();
            QVERIFY(minimum <= full);
            for (std::uint64_t budget = minimum; budget <= full + 8192; budget += 4096) {
                const auto p = s->plan(in, budget);
                checkPlanInvariants(in, p, budget, name);
                if (budget >= full) QVERIFY(p.allPinned());
            }
            QVERIFY(!s->plan(in, minimum).allPinned() || minimum == full);
        }
    }

    void tooSmallBudgetFailsNamingTheMinimum()
    {
        std::mt19937 rng(7);
        const auto in = syntheticInput(rng, 6);
        for (const auto& name : strategyNames()) {
            const auto s = makeStrategy(name);
            const auto minimum = s->minimumBudget(in);
            try {
                s->plan(in, minimum - 1);
                QFAIL("a budget below the minimum was planned");
            } catch (const BudgetError& e) {
                QVERIFY2(std::string(e.what()).find(std::to_string(minimum)) != std::string::npos, e.what());
            }
            // The minimum budget itself plans, and equals KV + scratch + largest unit (pair).
            checkPlanInvariants(in, s->plan(in, minimum), minimum, name);
        }
    }

    void randomInputsHoldInvariants()
    {
        std::mt19937 rng(12345);
        for (int trial = 0; trial < 300; ++trial) {
            const auto in = syntheticInput(rng, 1 + trial % 40);
            for (const auto& name : strategyNames()) {
                const auto s = makeStrategy(name);
                const auto minimum = s->minimumBudget(in);
                const auto full = s->plan(in, 1ull << 50).plannedPeakBytes();
                std::uniform_int_distribution<std::uint64_t> pick(minimum, full + full / 10);
                for (int k = 0; k < 5; ++k) {
                    const auto budget = pick(rng);
                    checkPlanInvariants(in, s->plan(in, budget), budget, name);
                }
            }
        }
    }

    void greedyUsesFewerGroupsThanSequentialWhenStreaming()
    {
        std::mt19937 rng(3);
        const auto in = syntheticInput(rng, 24);
        const auto seq = makeStrategy("sequential");
        const auto greedy = makeStrategy("greedy-grouping");
        const auto budget = greedy->minimumBudget(in) * 3;
        QVERIFY(greedy->plan(in, budget).groups.size() < seq->plan(in, budget).groups.size());
    }

    void morePinnedWithMoreBudget()
    {
        std::mt19937 rng(9);
        const auto in = syntheticInput(rng, 16);
        for (const auto& name : strategyNames()) {
            const auto s = makeStrategy(name);
            std::uint64_t lastStreamed = ~0ull;
            for (std::uint64_t b = s->minimumBudget(in); b < s->plan(in, 1ull << 50).plannedPeakBytes(); b += 1 << 20) {
                const auto p = s->plan(in, b);
                QVERIFY2(p.streamedBytesPerPass <= lastStreamed,
                         qPrintable(QStringLiteral("%1 at budget %2: streamed %3 > %4 at less budget")
                                        .arg(QString::fromStdString(name))
                                        .arg(b)
                                        .arg(p.streamedBytesPerPass)
                                        .arg(lastStreamed)));
                lastStreamed = p.streamedBytesPerPass;
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPlanner)
#include "tst_planner.moc"
