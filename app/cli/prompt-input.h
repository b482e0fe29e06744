// Where a prompt comes from besides --prompt TEXT: a file (-f FILE) or stdin (--prompt -).
#pragma once

#include <cstddef>
#include <string>

namespace edgert::cli {

/// Largest prompt read from a file or stdin (bytes); larger input is refused, not truncated.
inline constexpr std::size_t kMaxPromptBytes = 16u << 20;

/// The whole of `path` as UTF-8 text. Throws IoError naming the file when it cannot be read,
/// UsageError when it is larger than kMaxPromptBytes.
std::string readPromptFile(const std::string& path);
/// All of stdin, with one trailing newline removed ("echo text |" adds it). Throws UsageError
/// when stdin is a terminal (nothing piped) or larger than kMaxPromptBytes.
std::string readPromptStdin();
/// Whether stdin is a pipe or a non-empty file (input the command would otherwise ignore).
bool stdinHasPipedInput();
/// Whether stdin is an interactive terminal.
bool stdinIsTerminal();

}  // namespace edgert::cli
