// The team size of decode passes on a shared core: the requested thread count, or the calling
// thread alone when the measured passes say the extra threads do not pay.
//
// Why: with another program spinning on one of two cores, a 2-thread decode pass waits for
// whichever team member the scheduler has descheduled (a worker preempted holding a task, or the
// caller itself between dispatches), and can run slower than one thread that has a core to
// itself (issue 14's shared-core rule: 2-thread decode must not fall below the 1-thread figure).
// Which of the two is faster depends on where the scheduler puts the threads, and changes while
// a run goes on; so it is measured, not guessed: the decision follows the wall-clock time of the
// decode passes run each way, and the other way is probed again now and then.
//
// Decode passes are all alike (one token through every layer), so their times compare directly.
// Both ways run the same tasks (the kernels split work by rows, whichever thread runs them), so
// the logits are bit-identical whatever this decides.
//
// Policy (all in pass counts, no clocks read here: the caller measures and reports):
// - Each way keeps its last kSamples pass times; its estimate is their median (one preempted pass
//   does not decide).
// - The current way runs every pass; after kFirstProbe passes, then every probe interval, one
//   pass runs the other way.
// - When the other way's estimate is below the current one by more than kHysteresis, it becomes
//   the current way (also without a probe, when the current way's passes slow down). A probe
//   faster than that is repeated on the next pass, so a change is confirmed by the median within
//   a pass or two of being seen, not a probe interval later.
// - The probe interval is set after every probe from the measured ratio r = other / current:
//   (r − 1) / kProbeCost passes, within [kMinInterval, kMaxInterval], so probing costs at most
//   about kProbeCost of the decode time when the other way is slower (at r = 1.7, e.g. both
//   cores free, one probe in 70 passes: ≈1 %).
// - While the caller runs alone, the team is probed at least every kMaxSoloInterval passes: team
//   passes measured while something else briefly took a core (a build, another row's start) must
//   not keep a run on one thread for longer than a benchmark row (session 8: 92 of 96 passes solo
//   on free cores under the 128-pass bound). Each further probe in a row that the team loses
//   doubles that bound, up to kMaxInterval, and a switch resets it: under a core that stays busy a
//   probe is a team pass that waits for a preempted member, 2-3x a solo pass on the Zen 4 VM
//   (session 9), so 32-pass probing alone cost 3-6 % of the decode time; doubling spaces them
//   32, 64, 128 passes apart, and freed cores are still found within the current bound.
#pragma once

#include <array>
#include <cstddef>

namespace edgert {

class AdaptiveTeam {
public:
    static constexpr std::size_t kSamples = 3;
    static constexpr int kFirstProbe = 2;
    static constexpr int kMinInterval = 4;
    static constexpr int kMaxInterval = 128;
    static constexpr int kMaxSoloInterval = 32;
    static constexpr double kHysteresis = 0.03;
    static constexpr double kProbeCost = 0.01;

    /// `requested`: the thread count asked for (>= 1). `adaptive` false (or requested 1): every
    /// pass runs on `requested` threads and record() is ignored.
    explicit AdaptiveTeam(int requested = 1, bool adaptive = true);

    /// Team size for the next decode pass: requested() or 1.
    int next() const;
    /// The decode pass just run on `team` threads (what next() returned) took `ms` milliseconds
    /// of wall-clock time. Samples of another team size (e.g. a thermal policy lowered it) are ignored.
    void record(int team, double ms);

    int requested() const { return m_requested; }
    /// True while the current way (not a probe) is the calling thread alone.
    bool solo() const { return m_current == kSolo; }
    /// Decode passes until the next probe (0: the next pass is one).
    int untilProbe() const { return m_untilProbe; }
    /// How many times the current way changed (for reports and tests).
    int switches() const { return m_switches; }

    /// Reads EDGERT_ADAPTIVE_TEAM: "0" turns the adaptation off (every pass on the requested
    /// team, as before); anything else or unset leaves it on.
    static bool enabledByEnvironment();

private:
    static constexpr int kSolo = 0, kTeam = 1;
    struct Way {
        std::array<double, kSamples> ms{};
        std::size_t count = 0, next = 0;
        void add(double v);
        bool known() const { return count > 0; }
        double estimate() const;
    };
    int teamOf(int way) const { return way == kTeam ? m_requested : 1; }

    int m_requested;
    bool m_adaptive;
    int m_current = kTeam;
    int m_untilProbe = kFirstProbe;
    int m_switches = 0;
    int m_soloBound = kMaxSoloInterval;  // the probe bound while solo: doubles per lost probe
    std::array<Way, 2> m_ways;
};

}  // namespace edgert
