// --strategy auto's cost model and choice, fed fixed bandwidth figures (nothing is timed here):
// the predicted decode time of a plan, which strategy wins when reads overlap compute and when
// they do not, ties going to the fewest groups, the one-line reason, and the error when nothing
// fits; and --memory-budget auto's arithmetic on this machine's /proc and cgroup figures.
#include "edgert/auto-choice.h"
#include "edgert/error.h"
#include "edgert/memory-pool.h"
#include "edgert/model-graph.h"
#include "test-support.h"

#include <QTest>

using namespace edgert;

namespace {

constexpr std::uint64_t kMiB = 1ull << 20;

// Eight 10 MiB layers and a 6 MiB head: 86 MiB of weights, 1 MiB KV, 1 MiB scratch.
PlanInput eightLayers()
{
    PlanInput in;
    for (int l = 0; l < 8; ++l) in.units.push_back({"layer " + std::to_string(l), l, 10 * kMiB, {}});
    in.units.push_back({"output head", -1, 6 * kMiB, {}});
    in.kvBytes = kMiB;
    in.scratchBytes = kMiB;
    return in;
}

std::uint64_t weights(const PartitionPlan& p)
{
    std::uint64_t w = 0;
    for (const auto& g : p.groups) w += g.weightBytes;
    return w;
}

const AutoCandidate& candidate(const AutoStrategy& a, const std::string& name)
{
    for (const auto& c : a.candidates)
        if (c.name == name) return c;
    throw std::runtime_error("no candidate " + name);
}

}  // namespace

class TestAutoChoice : public QObject {
    Q_OBJECT
private slots:
    void predictedTimeIsWeightsOverMemoryPlusOrMaxReads()
    {
        PartitionPlan p;
        p.groups.push_back({0, 0, 300 * kMiB, 300 * kMiB, true});
        p.groups.push_back({1, 1, 100 * kMiB, 100 * kMiB, false});
        p.streamedBytesPerPass = 100 * kMiB;
        const double mem = 400.0 * kMiB, file = 50.0 * kMiB;          // 1 s of compute, 2 s of reads
        QCOMPARE(predictedDecodeSeconds(p, {mem, file, true}), 3.0);  // no prefetch: added
        p.prefetch = true;
        QCOMPARE(predictedDecodeSeconds(p, {mem, file, true}), 2.0);   // overlapped: the longer
        QCOMPARE(predictedDecodeSeconds(p, {mem, file, false}), 3.0);  // reads need the compute cores
        QCOMPARE(predictedDecodeSeconds(p, {mem, 0.0, true}), 1.0);    // unknown file rate: free
    }

    void everythingResidentPicksTheFewestGroups()
    {
        const auto in = eightLayers();
        const auto a = autoStrategy(in, 1024 * kMiB, {10e9, 1e9, true});
        QCOMPARE(a.name, std::string("greedy-grouping"));
        QCOMPARE(a.plan.groups.size(), std::size_t{1});
        QVERIFY(a.plan.allPinned());
        QCOMPARE(a.predictedSeconds, static_cast<double>(weights(a.plan)) / 10e9);
        QCOMPARE(a.candidates.size(), strategyNames().size());
        for (const auto& c : a.candidates) QVERIFY(c.fits);
        // The same prediction for all, more groups for sequential: the tie goes to fewer groups.
        QCOMPARE(candidate(a, "sequential").predictedSeconds, a.predictedSeconds);
        QCOMPARE(candidate(a, "sequential").groups, std::size_t{9});
        QVERIFY(QString::fromStdString(describeAutoChoice(a, {})).contains(QStringLiteral("every weight resident")));
    }

    void slowDiskWithOverlapPicksPrefetch()
    {
        // 50 MiB budget: 48 MiB left for weights. Reads as slow as compute: prefetch hides them.
        const auto in = eightLayers();
        const MachineBandwidth bw{1e9, 1e9, true};
        const auto a = autoStrategy(in, 50 * kMiB, bw);
        QCOMPARE(a.name, std::string("speculative-prefetch"));
        QVERIFY(a.plan.prefetch);
        QVERIFY(a.plan.streamedGroupCount() > 0);
        const auto& seq = candidate(a, "sequential");
        QVERIFY(seq.fits);
        QVERIFY(a.predictedSeconds < seq.predictedSeconds);
        // The plan is what the strategy itself makes at that budget.
        const auto direct = makeStrategy(a.name)->plan(in, 50 * kMiB);
        QCOMPARE(a.plan.groups.size(), direct.groups.size());
        QCOMPARE(a.plan.streamedBytesPerPass, direct.streamedBytesPerPass);
        QCOMPARE(a.predictedSeconds, predictedDecodeSeconds(direct, bw));

        const QString line = QString::fromStdString(describeAutoChoice(a, bw));
        QVERIFY2(line.startsWith(QStringLiteral("speculative-prefetch: ")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("sequential ")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("greedy-grouping ")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("memory 1.0 GB/s, file 1.0 GB/s, reads overlap compute")),
                 qPrintable(line));
    }

    void readsThatTakeComputeTimeAvoidPrefetch()
    {
        // The same budget, but buffered reads on a machine whose cores all compute: prefetch only
        // adds the bytes of its second slot, so a one-slot strategy wins.
        const auto in = eightLayers();
        const auto a = autoStrategy(in, 50 * kMiB, {1e9, 1e9, false});
        QVERIFY2(a.name != "speculative-prefetch", a.name.c_str());
        QVERIFY(!a.plan.prefetch);
        QVERIFY(a.predictedSeconds < candidate(a, "speculative-prefetch").predictedSeconds);
        // Sequential and greedy-grouping stream the same bytes: the tie goes to fewer groups.
        QCOMPARE(a.name, std::string("greedy-grouping"));
        QVERIFY(candidate(a, "greedy-grouping").groups <= candidate(a, "sequential").groups);
    }

    void onlySomeStrategiesFit()
    {
        // 21 MiB: one 10 MiB slot fits beside KV and scratch, two slots (prefetch) do not.
        const auto in = eightLayers();
        const auto a = autoStrategy(in, 21 * kMiB, {1e9, 1e6, true});
        QVERIFY(a.name != "speculative-prefetch");
        const auto& spec = candidate(a, "speculative-prefetch");
        QVERIFY(!spec.fits);
        QVERIFY(QString::fromStdString(spec.error).contains(QStringLiteral("speculative-prefetch")));
        QVERIFY(QString::fromStdString(describeAutoChoice(a, {1e9, 1e6, true}))
                    .contains(QStringLiteral("speculative-prefetch does not fit")));
    }

    void nothingFitsNamesEveryStrategy()
    {
        try {
            autoStrategy(eightLayers(), 4 * kMiB, {1e9, 1e9, true});
            QFAIL("a 4 MiB budget for 10 MiB layers was accepted");
        } catch (const BudgetError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY(what.startsWith(QStringLiteral("--strategy auto: no strategy fits the budget")));
            for (const auto& n : strategyNames()) QVERIFY2(what.contains(QString::fromStdString(n)), e.what());
        }
    }

    void realModelChoiceIsTheStrategysOwnPlan()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto graph = ModelGraph::openGguf(model.toStdString()).validate();
        const auto in = makePlanInput(graph, RunShape{64, 8});
        const MachineBandwidth bw{12.5e9, 2e9, false};
        for (const auto& n : strategyNames()) {
            const auto budget = makeStrategy(n)->minimumBudget(in);
            const auto a = autoStrategy(in, budget, bw);
            const auto own = makeStrategy(a.name)->plan(in, budget);
            QCOMPARE(a.plan.strategy, a.name);
            QCOMPARE(a.plan.groups.size(), own.groups.size());
            QCOMPARE(a.plan.pinnedBytes, own.pinnedBytes);
            for (const auto& c : a.candidates)
                if (c.fits) QVERIFY(a.predictedSeconds <= c.predictedSeconds * 1.005);
        }
    }

    void autoBudgetIsAvailableMinusHeadroom()
    {
        const AutoBudget b = autoMemoryBudget();
        QVERIFY(b.availableBytes > 0);
        QCOMPARE(b.headroomBytes, std::max(kMinHeadroomBytes, b.availableBytes / 100 * kHeadroomPercent));
        QCOMPARE(b.bytes, b.availableBytes > b.headroomBytes ? b.availableBytes - b.headroomBytes : 0);
        QVERIFY2(b.source.rfind("MemAvailable", 0) == 0 || b.source.rfind("cgroup ", 0) == 0, b.source.c_str());
    }
};

QTEST_GUILESS_MAIN(TestAutoChoice)
#include "tst_auto_choice.moc"
