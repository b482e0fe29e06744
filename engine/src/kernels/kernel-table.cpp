#include "kernels/kernel-table.h"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace edgert::kernels {

std::vector<const KernelTable*> availableKernels()
{
    std::vector<const KernelTable*> out{&genericKernels()};
    for (auto* t : {x86Avx2Kernels(), x86Avx2VnniKernels(), armNeonKernels(), armNeonDotprodKernels()})
        if (t) out.push_back(t);
    return out;
}

const KernelTable& activeKernels()
{
    static const KernelTable* chosen = [] {
        const char* force = std::getenv("EDGERT_KERNELS");
        const auto all = availableKernels();
        if (force && *force) {
            for (auto* t : all)
                if (std::strcmp(t->name, force) == 0) return t;
        }
        return all.back();
    }();
    return *chosen;
}

}  // namespace edgert::kernels
