#include "kernels/arch/x86/cpu-x86.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace edgert::kernels {

bool cpuHasAvx2()
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
}

bool cpuHasAvxVnni()
{
#if defined(__x86_64__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return false;
    return (eax >> 4) & 1u;
#else
    return false;
#endif
}

}  // namespace edgert::kernels
