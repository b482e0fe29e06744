// edge-rt error model: the engine throws edgert::Error (or a subclass) with a message that says
// what failed, where (file, tensor or key name, byte offset) and why. The public boundaries — the
// CLI's main(), the Qt bridge — catch it and report; nothing else in the engine catches it.
#pragma once

#include <stdexcept>
#include <string>

namespace edgert {

/// Base class of every error the engine raises.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A model file is malformed: truncated, bad magic, offsets out of range, unknown types.
class FormatError : public Error {
public:
    using Error::Error;
};

/// An operating-system call failed (open, read, mmap); the message carries strerror(errno).
class IoError : public Error {
public:
    using Error::Error;
};

/// A memory budget cannot be met: the pool refused an allocation or the planner found no plan.
class BudgetError : public Error {
public:
    using Error::Error;
};

/// A model graph lacks a tensor or hyper-parameter the architecture needs, or has a wrong shape.
class ValidationError : public Error {
public:
    using Error::Error;
};

/// A user-supplied value (command-line flag, budget string, setting) is not acceptable.
class UsageError : public Error {
public:
    using Error::Error;
};

}  // namespace edgert
