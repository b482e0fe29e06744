// Connects the ThermalPolicy to the runtime: a RunObserver that consults the policy before each
// layer group computes (so decisions take effect between groups), applies its thread count and
// pauses, and forwards everything else to an inner observer. Events go to the policy's sink.
#pragma once

#include "edgert/inference-engine.h"
#include "edgert/thermal-policy.h"

namespace edgert {

class ThermalGovernor : public RunObserver {
public:
    /// `policy` and `inner` (may be null) must outlive the governor.
    ThermalGovernor(ThermalPolicy& policy, RunObserver* inner = nullptr) : m_policy(policy), m_inner(inner) {}

    void onToken(TokenId id, std::size_t index) override
    {
        if (m_inner) m_inner->onToken(id, index);
    }
    void onText(std::string_view text, std::size_t index) override
    {
        if (m_inner) m_inner->onText(text, index);
    }
    void onGroupEvent(const GroupEvent& event) override
    {
        if (m_inner) m_inner->onGroupEvent(event);
    }
    bool shouldStop() override { return m_inner && m_inner->shouldStop(); }

    /// Consults the policy (which may sleep for a cool-down or hard pause) and lowers or restores
    /// `threads`; the runtime uses the result for this group and the governor remembers it.
    void beforeGroup(std::size_t group, int& threads) override
    {
        if (m_inner) m_inner->beforeGroup(group, threads);
        if (m_current == 0) m_current = threads;
        const ThermalDecision d = m_policy.consult(m_current);
        m_current = std::max(1, d.threads);
        threads = std::min(threads, m_current);
    }

    /// Threads the policy currently allows (0 before the first group).
    int currentThreads() const { return m_current; }

private:
    ThermalPolicy& m_policy;
    RunObserver* m_inner;
    int m_current = 0;
};

}  // namespace edgert
