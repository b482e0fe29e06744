#include "budget-option.h"

#include "edgert/auto-choice.h"
#include "edgert/error.h"
#include "edgert/units.h"

#include <cstdio>

namespace edgert::cli {

std::uint64_t parseBudget(const std::string& text)
{
    if (text != "auto") return parseByteSize(text);
    const AutoBudget b = autoMemoryBudget();
    std::fprintf(stderr, "memory budget auto: %s available per %s, minus %s headroom = %s\n",
                 formatBytes(b.availableBytes).c_str(), b.source.c_str(), formatBytes(b.headroomBytes).c_str(),
                 formatBytes(b.bytes).c_str());
    if (b.bytes == 0)
        throw BudgetError("--memory-budget auto: only " + formatBytes(b.availableBytes) + " available (" + b.source +
                          "), less than the " + formatBytes(b.headroomBytes) + " headroom");
    return b.bytes;
}

}  // namespace edgert::cli
