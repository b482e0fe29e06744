#include "commands.h"

#include <cstdio>

namespace edgert::cli {

int benchmarkCommand(const QStringList&)
{
    std::fprintf(stderr, "edge-rt benchmark: not implemented yet\n");
    return 2;
}

}  // namespace edgert::cli
