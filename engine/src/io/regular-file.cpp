#include "io/regular-file.h"

#include "edgert/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace edgert::io {

namespace {

[[noreturn]] void notRegular(const std::string& path, const std::string& role, mode_t mode)
{
    throw IoError("cannot open " + role + " '" + path + "': it is " + fileTypeName(mode) + ", not a regular file");
}

std::string errnoText()
{
    return std::strerror(errno);
}

}  // namespace

const char* fileTypeName(mode_t mode)
{
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "an unknown file type";
}

void requireRegularFile(const std::string& path, const std::string& role)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw IoError("cannot open " + role + " '" + path + "': " + errnoText());
    if (!S_ISREG(st.st_mode)) notRegular(path, role, st.st_mode);
}

void requireModelFile(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw IoError("cannot open model '" + path + "': " + errnoText());
    if (S_ISDIR(st.st_mode)) return;
    if (!S_ISREG(st.st_mode)) notRegular(path, "model", st.st_mode);
    if (st.st_size == 0) throw FormatError(path + ": empty file (0 bytes), not a model");
}

OpenedFile openRegularFile(const std::string& path, const std::string& role)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) throw IoError("cannot open " + role + " '" + path + "': " + errnoText());
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const std::string why = errnoText();
        ::close(fd);
        throw IoError("cannot stat " + role + " '" + path + "': " + why);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        notRegular(path, role, st.st_mode);
    }
    // Regular files ignore O_NONBLOCK today; clear it anyway so reads keep their usual meaning.
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return {fd, static_cast<std::uint64_t>(st.st_size)};
}

std::string readRegularFile(const std::string& path, const std::string& role, std::uint64_t maxBytes)
{
    const OpenedFile file = openRegularFile(path, role);
    const auto tooLarge = [&](std::uint64_t size) {
        ::close(file.fd);
        throw IoError(role + " '" + path + "' is larger than the " + std::to_string(maxBytes) + "-byte limit for a " +
                      role + " (" + (size == file.sizeBytes ? "" : "at least ") + std::to_string(size) + " bytes)");
    };
    if (file.sizeBytes > maxBytes) tooLarge(file.sizeBytes);
    std::string out;
    out.resize(static_cast<std::size_t>(file.sizeBytes));
    std::size_t done = 0;
    for (;;) {
        if (done == out.size()) {
            if (out.size() > maxBytes) tooLarge(out.size());
            out.resize(out.size() + 4096);  // the file grew since fstat, or reports size 0 (procfs)
        }
        const ssize_t n = ::read(file.fd, out.data() + done, out.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = errnoText();
            ::close(file.fd);
            throw IoError("cannot read " + role + " '" + path + "': " + why);
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(file.fd);
    if (done > maxBytes) tooLarge(done);
    out.resize(done);
    return out;
}

}  // namespace edgert::io
