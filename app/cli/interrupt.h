// Clean interruption of long-running commands (run, benchmark, and chat's answers).
//
// While an InterruptScope lives, SIGINT and SIGTERM no longer kill the process: the first one
// only sets a flag, which the run polls between layer groups (RunObserver::shouldStop, see
// InterruptObserver), so the command stops at the next group boundary with its pool released,
// prints its report marked "interrupted" and exits with 128 + the signal number (130 for SIGINT,
// 143 for SIGTERM), as a shell reports a process killed by that signal. A second signal while
// the first is being handled exits at once (status 128 + signal, a one-line note on stderr):
// Ctrl-C twice always works, whatever the run is doing.
//
// A REPL (chat) marks the time it waits for input as idle (setIdle): nothing runs that could stop
// at a boundary, so there SIGTERM exits at once and a first SIGINT only writes a note saying that a
// second one exits; once a line is read the REPL clears the request and runs the answer.
//
// The handler is async-signal-safe: it stores into a lock-free std::atomic and, on the second
// signal, calls only write(2) and _exit(2). The previous dispositions are restored when the
// scope ends, so a command that returns normally leaves the process as it found it.
#pragma once

#include "edgert/inference-engine.h"

#include <csignal>

namespace edgert::cli {

class InterruptScope {
public:
    /// Whether a system call the signal interrupts is restarted (SA_RESTART: reads and writes go
    /// on) or returns EINTR (so a sleep or a wait ends early: `status --watch`).
    enum class Syscalls { Restart, Interrupt };
    /// Installs the SIGINT/SIGTERM handlers and clears any earlier request.
    explicit InterruptScope(Syscalls syscalls = Syscalls::Restart);
    /// Restores the dispositions found by the constructor.
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    /// True once SIGINT or SIGTERM arrived while a scope was installed.
    static bool requested();
    /// The signal that asked to stop (SIGINT or SIGTERM), 0 when none did.
    static int signalNumber();
    /// The exit status for an interrupted command: 128 + signalNumber() (130 / 143); 0 when none.
    static int exitStatus();
    /// "SIGINT" / "SIGTERM" / "" — for the report line.
    static const char* signalName();
    /// Forgets the request, so the next signal again only asks to stop (a REPL that stopped one
    /// answer and goes back to its prompt calls this; run and benchmark never do).
    static void clear();
    /// Marks the wait for input of a REPL (true) or its work (false, the default). While idle, a
    /// first SIGTERM exits at once (status 143, a note on stderr) and a first SIGINT writes
    /// `idleNote` (NUL-terminated, kept by the caller for the scope's life; may be nullptr) to stderr.
    static void setIdle(bool idle, const char* idleNote = nullptr);

private:
    struct sigaction m_oldInt {};
    struct sigaction m_oldTerm {};
};

/// A RunObserver that stops the run once an interrupt was requested, forwarding everything to
/// `inner` (which may be nullptr; its own shouldStop() is honoured too).
class InterruptObserver : public RunObserver {
public:
    explicit InterruptObserver(RunObserver* inner = nullptr) : m_inner(inner) {}
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
    bool shouldStop() override { return InterruptScope::requested() || (m_inner && m_inner->shouldStop()); }
    void beforeGroup(std::size_t group, int& threads) override
    {
        if (m_inner) m_inner->beforeGroup(group, threads);
    }

private:
    RunObserver* m_inner;
};

}  // namespace edgert::cli
