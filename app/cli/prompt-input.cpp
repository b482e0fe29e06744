#include "prompt-input.h"

#include "edgert/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace edgert::cli {

namespace {

std::string readAll(std::FILE* f, const std::string& what)
{
    std::string text;
    char buffer[65536];
    for (;;) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
        text.append(buffer, n);
        if (text.size() > kMaxPromptBytes)
            throw UsageError(what + " is larger than " + std::to_string(kMaxPromptBytes >> 20) + " MiB; refused");
        if (n < sizeof buffer) {
            if (std::ferror(f)) throw IoError("cannot read " + what + ": " + std::strerror(errno));
            return text;
        }
    }
}

}  // namespace

std::string readPromptFile(const std::string& path)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw IoError("cannot open prompt file '" + path + "': " + std::strerror(errno));
    struct Closer {
        std::FILE* f;
        ~Closer() { std::fclose(f); }
    } closer{f};
    return readAll(f, "prompt file '" + path + "'");
}

std::string readPromptStdin()
{
    if (stdinIsTerminal())
        throw UsageError(
            "--prompt - reads the prompt from stdin, but stdin is a terminal; pipe the text in "
            "(echo 'Once upon a time' | edge-rt run --prompt -) or use -f FILE");
    std::string text = readAll(stdin, "the prompt on stdin");
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

bool stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

bool stdinHasPipedInput()
{
    struct stat st {};
    if (::fstat(STDIN_FILENO, &st) != 0) return false;
    return S_ISFIFO(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size > 0);
}

}  // namespace edgert::cli
