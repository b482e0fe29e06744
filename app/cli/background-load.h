// `benchmark --background-load N`: N child processes that each spin on a core for as long as the
// object lives — the shared-core condition of a Raspberry Pi whose dashboard, monitor or any other
// program competes with inference (what `stress-ng --cpu N` does, without needing it installed).
#pragma once

#include <sys/types.h>

#include <vector>

namespace edgert::cli {

class BackgroundLoad {
public:
    /// Forks `processes` spinning children (0: none). Each child asks to be killed when the parent
    /// dies (PR_SET_PDEATHSIG), so none outlives an interrupted benchmark.
    /// Throws IoError when fork() fails (the children already started are stopped first).
    explicit BackgroundLoad(int processes);
    /// Stops the children (SIGKILL) and reaps them.
    ~BackgroundLoad();
    BackgroundLoad(const BackgroundLoad&) = delete;
    BackgroundLoad& operator=(const BackgroundLoad&) = delete;

    int size() const { return static_cast<int>(m_children.size()); }

private:
    void stop();
    std::vector<pid_t> m_children;
};

}  // namespace edgert::cli
