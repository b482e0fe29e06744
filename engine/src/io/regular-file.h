// Opening user-named files safely: anything that is not a regular file (a FIFO, a character or
// block device, a socket, a directory) is refused before it is read, naming what it is, so that
// `--model /dev/zero`, `--model fifo` or `-c /dev/zero` fail at once instead of blocking forever
// in open(2) or reading without bound.
//
// open(2) of a FIFO for reading blocks until a writer appears, so a check by stat(2) alone would
// race with a path swapped in between: openRegularFile() opens with O_NONBLOCK (which does not
// block on a FIFO), checks the opened descriptor with fstat(2), and only then clears O_NONBLOCK.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace edgert::io {

/// "a regular file", "a directory", "a FIFO (named pipe)", "a character device", "a block device",
/// "a socket", "a symbolic link" or "an unknown file type", for an st_mode from stat(2).
const char* fileTypeName(mode_t mode);

/// Throws IoError "cannot open <role> '<path>': it is a FIFO (named pipe), not a regular file"
/// when `path` exists and is not a regular file (symbolic links are followed), or
/// "cannot open <role> '<path>': <strerror>" when stat(2) fails. Does not open the file.
void requireRegularFile(const std::string& path, const std::string& role);

/// The model-path check of ModelGraph::open: a directory passes (a HuggingFace model directory);
/// anything else must be a regular file (IoError as requireRegularFile, role "model") that is not
/// empty (FormatError "<path>: empty file (0 bytes), not a model").
void requireModelFile(const std::string& path);

/// An open read-only descriptor of a regular file and its size in bytes (owned by the caller).
struct OpenedFile {
    int fd = -1;
    std::uint64_t sizeBytes = 0;
};

/// Opens `path` read-only (O_CLOEXEC) without blocking and requires a regular file on the opened
/// descriptor. Throws IoError naming `role` and the path: open(2) failure with strerror, or "it is
/// a FIFO (named pipe), not a regular file" (the descriptor is closed again). The caller closes fd.
OpenedFile openRegularFile(const std::string& path, const std::string& role);

/// Reads a whole regular file of at most `maxBytes` bytes. Throws IoError as openRegularFile, and
/// IoError "<role> '<path>' is larger than the M-byte limit for a <role> (N bytes)" when it is larger (checked
/// before reading, and again while reading in case the file grows).
std::string readRegularFile(const std::string& path, const std::string& role, std::uint64_t maxBytes);

}  // namespace edgert::io
