// The adaptive team of decode passes (runtime/adaptive-team.h): a pure policy fed with pass times,
// so these tests inject the times and need no clock and no threads. It keeps the team while the
// team is faster and probes the caller alone rarely; goes solo when solo is faster; follows a change
// in either direction within a few passes; one slow pass does not flip it; switched off or with
// one thread requested, it always answers the requested count.
#include "runtime/adaptive-team.h"

#include <QTest>

#include <functional>
#include <vector>

using edgert::AdaptiveTeam;

namespace {
// Runs `passes` decode passes: each asks next() and records the time `msOf(team, pass)`.
// Returns how many ran solo.
int drive(AdaptiveTeam& a, int passes, const std::function<double(int, int)>& msOf, int firstPass = 0)
{
    int solo = 0;
    for (int p = firstPass; p < firstPass + passes; ++p) {
        const int team = a.next();
        solo += team == 1;
        a.record(team, msOf(team, p));
    }
    return solo;
}
}  // namespace

class TestAdaptiveTeam : public QObject {
    Q_OBJECT
private slots:
    void oneThreadOrSwitchedOffAlwaysAnswersTheRequest()
    {
        AdaptiveTeam one(1);
        AdaptiveTeam off(2, false);
        for (int p = 0; p < 50; ++p) {
            QCOMPARE(one.next(), 1);
            QCOMPARE(off.next(), 2);
            one.record(1, 10.0);
            off.record(2, 100.0);  // however slow the team is
        }
        QCOMPARE(off.switches(), 0);
    }
    void keepsAFasterTeamAndProbesRarely()
    {
        // Both cores free: 2 threads 1.7x as fast as one. The first probe comes after
        // kFirstProbe passes, then at most one solo pass per (1.7 - 1) / kProbeCost passes.
        AdaptiveTeam a(2);
        QCOMPARE(a.next(), 2);
        const int solo = drive(a, 1000, [](int team, int) { return team == 2 ? 10.0 : 17.0; });
        QVERIFY(!a.solo());
        QCOMPARE(a.switches(), 0);
        QVERIFY2(solo >= 1 && solo <= 1000 / 70 + 3, qPrintable(QString::number(solo)));
    }
    void goesSoloWhenTheTeamIsSlower()
    {
        // A shared core: the team waits on a descheduled member, 20 ms against 15 ms alone.
        AdaptiveTeam a(2);
        const int solo = drive(a, 1000, [](int team, int) { return team == 2 ? 20.0 : 15.0; });
        QVERIFY(a.solo());
        QCOMPARE(a.switches(), 1);
        // Team probes: one per (20/15 - 1) / kProbeCost ≈ 33 passes, so ≈ 30 of 1000 (and the
        // first kFirstProbe passes before the first probe).
        QVERIFY2(1000 - solo <= 1000 / 33 + 6, qPrintable(QString::number(1000 - solo)));
    }
    void followsAChangeBothWays()
    {
        // Team faster for 300 passes, then another program starts spinning (the team's passes
        // slow to 3x), then it stops again.
        AdaptiveTeam a(2);
        const auto phase = [](int team, int pass) {
            const bool contended = pass >= 300 && pass < 600;
            if (team == 1) return 17.0;
            return contended ? 30.0 : 10.0;
        };
        drive(a, 300, phase, 0);
        QVERIFY(!a.solo());
        // The team's own passes show it: two slow passes move its median past the solo estimate
        // (three passes if a solo probe falls among them).
        int passes = 0;
        while (!a.solo() && passes < 300) drive(a, 1, phase, 300 + passes++);
        QVERIFY2(passes <= 3, qPrintable(QString::number(passes)));
        drive(a, 300 - passes, phase, 300 + passes);
        QVERIFY(a.solo());
        // Back to free cores: found at the next team probe, at most (30/17 - 1) / kProbeCost ≈ 76
        // passes later, and confirmed by the probe repeated on the next pass.
        passes = 0;
        while (a.solo() && passes < 400) drive(a, 1, phase, 600 + passes++);
        QVERIFY2(!a.solo(), "still solo 400 passes after the team became faster again");
        QVERIFY2(passes <= 76 + 3, qPrintable(QString::number(passes)));
        QCOMPARE(a.switches(), 2);
    }
    void oneSlowPassDoesNotFlip()
    {
        AdaptiveTeam a(2);
        drive(a, 200, [](int team, int) { return team == 2 ? 10.0 : 17.0; });
        QVERIFY(!a.solo());
        // A pass preempted for a whole time slice, among normal ones.
        drive(
            a, 200, [](int team, int pass) { return team == 1 ? 17.0 : (pass == 250 ? 60.0 : 10.0); }, 200);
        QVERIFY(!a.solo());
        QCOMPARE(a.switches(), 0);
    }
    void ignoresPassesOnOtherTeamSizes()
    {
        // A thermal policy lowered a 4-thread request to 2: those passes say nothing about 4 or 1.
        AdaptiveTeam a(4);
        for (int p = 0; p < 20; ++p) a.record(2, 1000.0);
        QCOMPARE(a.next(), 4);
        QCOMPARE(a.untilProbe(), AdaptiveTeam::kFirstProbe);
        a.record(4, 10.0);
        a.record(4, 10.0);
        QCOMPARE(a.untilProbe(), 0);
        QCOMPARE(a.next(), 1);
    }
    void probeIntervalFollowsTheRatio()
    {
        // After a losing probe the interval is (ratio - 1) / kProbeCost within the bounds.
        AdaptiveTeam near(2), far(2);
        for (AdaptiveTeam* a : {&near, &far}) {
            a->record(2, 10.0);
            a->record(2, 10.0);
            QCOMPARE(a->next(), 1);
        }
        near.record(1, 10.2);  // within the hysteresis: no switch, the shortest interval
        far.record(1, 100.0);  // 10x slower: the longest
        QVERIFY(!near.solo() && !far.solo());
        QCOMPARE(near.untilProbe(), AdaptiveTeam::kMinInterval);
        QCOMPARE(far.untilProbe(), AdaptiveTeam::kMaxInterval);
        AdaptiveTeam mid(2);
        mid.record(2, 10.0);
        mid.record(2, 10.0);
        mid.record(1, 13.0);  // (1.3 - 1) / 0.01
        QCOMPARE(mid.untilProbe(), 30);
    }
    void aSoloCallerFindsTheFreedCoresWithinTheSoloBound()
    {
        // The team measured 10x slower while another job held a core, so the caller went solo;
        // then the cores are free (team 6 ms, solo 10 ms). The far ratio alone would wait
        // kMaxInterval passes; solo, the team is probed again within kMaxSoloInterval.
        AdaptiveTeam a(2);
        drive(a, 20, [](int team, int) { return team == 2 ? 100.0 : 10.0; });
        QVERIFY(a.solo());
        QVERIFY2(a.untilProbe() <= AdaptiveTeam::kMaxSoloInterval, qPrintable(QString::number(a.untilProbe())));
        int passes = 0;
        while (a.solo() && passes < 200)
            drive(
                a, 1, [](int team, int) { return team == 2 ? 6.0 : 10.0; }, passes++);
        QVERIFY(!a.solo());
        QVERIFY2(passes <= AdaptiveTeam::kMaxSoloInterval + 3, qPrintable(QString::number(passes)));
        // Kept on the team afterwards, the solo way is probed up to kMaxInterval apart again.
        AdaptiveTeam b(2);
        drive(b, 3, [](int team, int) { return team == 2 ? 10.0 : 100.0; });
        QVERIFY(!b.solo());
        QCOMPARE(b.untilProbe(), AdaptiveTeam::kMaxInterval);
    }
    void probesOfALosingTeamSpaceOutWhileSolo()
    {
        // A core stays busy: every team probe is 3x a solo pass. After the first probe (kMinInterval
        // after the switch) the probes come 32, 64, then 128 passes apart (the bound doubles per
        // lost probe), not every 32 passes; a gap counts the probe pass itself too (+1).
        AdaptiveTeam a(2);
        std::vector<int> probes;  // team passes while solo
        drive(a, 600, [&](int team, int pass) {
            if (team == 2 && a.solo()) probes.push_back(pass);
            return team == 2 ? 30.0 : 10.0;
        });
        QVERIFY(a.solo());
        QVERIFY2(probes.size() >= 5, qPrintable(QString::number(probes.size())));
        std::vector<int> gaps;
        for (std::size_t i = 1; i < probes.size(); ++i) gaps.push_back(probes[i] - probes[i - 1]);
        QCOMPARE(gaps[0], AdaptiveTeam::kMaxSoloInterval + 1);
        QCOMPARE(gaps[1], 2 * AdaptiveTeam::kMaxSoloInterval + 1);
        for (std::size_t i = 2; i < gaps.size(); ++i) QCOMPARE(gaps[i], AdaptiveTeam::kMaxInterval + 1);
        // Then the cores free up (team 6 ms): found within the current bound, and after the switch
        // a later solo spell starts again from kMaxSoloInterval.
        int passes = 0;
        while (a.solo() && passes < 300)
            drive(
                a, 1, [](int team, int) { return team == 2 ? 6.0 : 10.0; }, passes++);
        QVERIFY(!a.solo());
        QVERIFY2(passes <= AdaptiveTeam::kMaxInterval + 3, qPrintable(QString::number(passes)));
        for (int pass = 0; pass < 300 && !a.solo(); ++pass)
            drive(a, 1, [](int team, int) { return team == 2 ? 30.0 : 10.0; });
        QVERIFY(a.solo());
        QVERIFY2(a.untilProbe() <= AdaptiveTeam::kMaxSoloInterval, qPrintable(QString::number(a.untilProbe())));
    }
};

QTEST_APPLESS_MAIN(TestAdaptiveTeam)
#include "tst_adaptive_team.moc"
