#include "runtime/adaptive-team.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace edgert {

void AdaptiveTeam::Way::add(double v)
{
    ms[next] = v;
    next = (next + 1) % kSamples;
    count = std::min(count + 1, kSamples);
}

double AdaptiveTeam::Way::estimate() const
{
    static_assert(kSamples == 3, "the median below is of three samples");
    if (count == 1) return ms[0];
    if (count == 2) return 0.5 * (ms[0] + ms[1]);
    return std::max(std::min(ms[0], ms[1]), std::min(std::max(ms[0], ms[1]), ms[2]));
}

AdaptiveTeam::AdaptiveTeam(int requested, bool adaptive)
    : m_requested(std::max(1, requested)), m_adaptive(adaptive && requested > 1)
{
}

int AdaptiveTeam::next() const
{
    if (!m_adaptive) return m_requested;
    return teamOf(m_untilProbe == 0 ? 1 - m_current : m_current);
}

void AdaptiveTeam::record(int team, double ms)
{
    if (!m_adaptive || !(ms >= 0.0)) return;
    int way;
    if (team == m_requested)
        way = kTeam;
    else if (team == 1)
        way = kSolo;
    else
        return;
    const bool probe = way != m_current;
    m_ways[static_cast<std::size_t>(way)].add(ms);
    if (!probe && m_untilProbe > 0) --m_untilProbe;

    const Way& current = m_ways[static_cast<std::size_t>(m_current)];
    const Way& other = m_ways[static_cast<std::size_t>(1 - m_current)];
    if (!current.known() || !other.known()) return;
    const double cur = current.estimate(), alt = other.estimate();
    if (alt < cur * (1.0 - kHysteresis)) {
        m_current = 1 - m_current;
        ++m_switches;
        m_untilProbe = kMinInterval;
        m_soloBound = kMaxSoloInterval;
        return;
    }
    if (!probe) return;
    if (ms < cur * (1.0 - kHysteresis)) {
        m_untilProbe = 0;  // this probe beat the current way: probe again until its median decides
        return;
    }
    const double interval = ((cur > 0.0 ? alt / cur : 1.0) - 1.0) / kProbeCost;
    const int longest = m_current == kSolo ? m_soloBound : kMaxInterval;
    m_untilProbe = interval >= longest        ? longest
                   : interval <= kMinInterval ? kMinInterval
                                              : static_cast<int>(std::lround(interval));
    if (m_current == kSolo) m_soloBound = std::min(2 * m_soloBound, kMaxInterval);
}

bool AdaptiveTeam::enabledByEnvironment()
{
    const char* env = std::getenv("EDGERT_ADAPTIVE_TEAM");
    return !(env && std::strcmp(env, "0") == 0);
}

}  // namespace edgert
