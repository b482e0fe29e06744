#include "kernels/arch/x86/cpu-x86.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

// Features are read from CPUID and XGETBV directly rather than through __builtin_cpu_supports:
// clang 14 has no "f16c" name there (GCC does), and AVX-VNNI has a name in neither compiler we build
// with. The bit positions are those of the Intel SDM, vol. 2A, "CPUID—CPU Identification".

namespace edgert::kernels {

#if defined(__x86_64__)
namespace {

/// The low word of XCR0 (the register state the OS saves), or 0 when XGETBV is unavailable.
/// Requires CPUID.1:ECX.OSXSAVE[bit 27]; XGETBV is emitted as bytes so no -mxsave is needed.
unsigned xcr0()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (((ecx >> 27) & 1u) == 0) return 0;
    unsigned xcr0Low = 0, xcr0High = 0;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    (void)xcr0High;
    return xcr0Low;
}

/// True when the OS saves the XMM and YMM register state (XCR0 bits 1 and 2), i.e. AVX may be used.
bool osSavesYmmState()
{
    return (xcr0() & 0x6u) == 0x6u;
}

}  // namespace
#endif

bool cpuHasAvx2()
{
#if defined(__x86_64__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool fma = (ecx >> 12) & 1u;
    const bool avx = (ecx >> 28) & 1u;
    const bool f16c = (ecx >> 29) & 1u;
    if (!fma || !avx || !f16c || !osSavesYmmState()) return false;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return (ebx >> 5) & 1u;  // CPUID.(EAX=7,ECX=0):EBX.AVX2[bit 5]
#else
    return false;
#endif
}

bool cpuHasAvxVnni()
{
#if defined(__x86_64__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return false;
    return ((eax >> 4) & 1u) && osSavesYmmState();  // CPUID.(EAX=7,ECX=1):EAX.AVX-VNNI[bit 4]
#else
    return false;
#endif
}

bool cpuHasAvx512Vnni()
{
#if defined(__x86_64__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    const bool f = (ebx >> 16) & 1u, bw = (ebx >> 30) & 1u, vl = (ebx >> 31) & 1u, vnni = (ecx >> 11) & 1u;
    // XCR0: SSE (1), AVX (2), opmask (5), ZMM0-15 upper halves (6), ZMM16-31 (7).
    return f && bw && vl && vnni && (xcr0() & 0xe6u) == 0xe6u;
#else
    return false;
#endif
}

}  // namespace edgert::kernels
