#include "background-load.h"

#include "edgert/error.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <unistd.h>

namespace edgert::cli {

namespace {
[[noreturn]] void spinForever(pid_t parent)
{
    // Only async-signal-safe calls after fork() in a multi-threaded parent.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);  // the parent died before prctl took effect
    volatile unsigned long counter = 0;
    for (;;) counter = counter + 1;
}
}  // namespace

BackgroundLoad::BackgroundLoad(int processes)
{
    const pid_t parent = getpid();
    for (int i = 0; i < processes; ++i) {
        const pid_t pid = fork();
        if (pid == 0) spinForever(parent);
        if (pid < 0) {
            const int err = errno;
            stop();
            throw IoError("--background-load: fork() failed for spinning process " + std::to_string(i + 1) + " of " +
                          std::to_string(processes) + ": " + std::strerror(err));
        }
        m_children.push_back(pid);
    }
}

BackgroundLoad::~BackgroundLoad()
{
    stop();
}

void BackgroundLoad::stop()
{
    for (pid_t pid : m_children) kill(pid, SIGKILL);
    for (pid_t pid : m_children)
        while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    m_children.clear();
}

}  // namespace edgert::cli
