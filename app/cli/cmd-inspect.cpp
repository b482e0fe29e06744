#include "commands.h"

#include <cstdio>

namespace edgert::cli {

int inspectCommand(const QStringList&)
{
    std::fprintf(stderr, "edge-rt inspect: not implemented yet\n");
    return 2;
}

}  // namespace edgert::cli
