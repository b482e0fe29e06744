#include "commands.h"

#include <cstdio>

namespace edgert::cli {

int statusCommand(const QStringList&)
{
    std::fprintf(stderr, "edge-rt status: not implemented yet\n");
    return 2;
}

}  // namespace edgert::cli
