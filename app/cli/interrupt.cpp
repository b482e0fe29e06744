// SIGINT/SIGTERM handling for the CLI: one async-signal-safe handler, see interrupt.h.
#include "interrupt.h"

#include <atomic>
#include <unistd.h>

namespace edgert::cli {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");
std::atomic<bool> g_idle{false};
std::atomic<const char*> g_idleNote{nullptr};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<const char*>::is_always_lock_free,
              "the signal handler needs lock-free state");

void writeStderr(const char* text)
{
    std::size_t n = 0;
    while (text[n]) ++n;
    while (n > 0) {
        const ssize_t w = ::write(STDERR_FILENO, text, n);
        if (w <= 0) return;
        text += w;
        n -= static_cast<std::size_t>(w);
    }
}

extern "C" void edgertOnInterruptSignal(int sig)
{
    int expected = 0;
    if (g_signal.compare_exchange_strong(expected, sig)) {  // first: stop at the next group
        if (g_idle.load()) {
            if (sig == SIGTERM) {
                writeStderr("\nedge-rt: SIGTERM while waiting for input: exiting now\n");
                ::_exit(128 + sig);
            }
            if (const char* note = g_idleNote.load()) writeStderr(note);
        }
        return;
    }
    writeStderr(sig == SIGTERM ? "\nedge-rt: second signal (SIGTERM): exiting now\n"
                               : "\nedge-rt: second signal (SIGINT): exiting now\n");
    ::_exit(128 + sig);
}

}  // namespace

InterruptScope::InterruptScope(Syscalls syscalls)
{
    setIdle(false);
    g_signal.store(0);
    struct sigaction sa {};
    sa.sa_handler = edgertOnInterruptSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = syscalls == Syscalls::Restart ? SA_RESTART : 0;
    ::sigaction(SIGINT, &sa, &m_oldInt);
    ::sigaction(SIGTERM, &sa, &m_oldTerm);
}

InterruptScope::~InterruptScope()
{
    setIdle(false);
    ::sigaction(SIGINT, &m_oldInt, nullptr);
    ::sigaction(SIGTERM, &m_oldTerm, nullptr);
}

bool InterruptScope::requested()
{
    return g_signal.load(std::memory_order_relaxed) != 0;
}

int InterruptScope::signalNumber()
{
    return g_signal.load();
}

void InterruptScope::clear()
{
    g_signal.store(0);
}

void InterruptScope::setIdle(bool idle, const char* idleNote)
{
    g_idleNote.store(idle ? idleNote : nullptr);
    g_idle.store(idle);
}

int InterruptScope::exitStatus()
{
    const int sig = signalNumber();
    return sig ? 128 + sig : 0;
}

const char* InterruptScope::signalName()
{
    switch (signalNumber()) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        default: return "";
    }
}

}  // namespace edgert::cli
