// x86-64 CPU feature detection for kernel selection.
#pragma once

namespace edgert::kernels {

/// AVX2, FMA and F16C (Haswell and later).
bool cpuHasAvx2();
/// AVX-VNNI: CPUID.(EAX=7,ECX=1):EAX[4] (GCC 12's __builtin_cpu_supports has no name for it).
bool cpuHasAvxVnni();

}  // namespace edgert::kernels
