#include "commands.h"

#include <cstdio>

namespace edgert::cli {

int runCommand(const QStringList&)
{
    std::fprintf(stderr, "edge-rt run: not implemented yet\n");
    return 2;
}

}  // namespace edgert::cli
