// x86-64 CPU feature detection for kernel selection.
#pragma once

namespace edgert::kernels {

/// AVX2, FMA and F16C (Haswell and later).
bool cpuHasAvx2();
/// AVX-VNNI: CPUID.(EAX=7,ECX=1):EAX[4] (GCC 12's __builtin_cpu_supports has no name for it).
bool cpuHasAvxVnni();
/// AVX512_VNNI with AVX512F/BW/VL, and the OS saving the opmask and ZMM state (XCR0 bits 1, 2,
/// 5, 6, 7): the EVEX vpdpbusd on 256-bit registers (Zen 4, Ice Lake, Cascade Lake and later).
/// CPUID.(EAX=7,ECX=0): EBX.AVX512F[16], EBX.AVX512BW[30], EBX.AVX512VL[31], ECX.AVX512_VNNI[11].
bool cpuHasAvx512Vnni();

}  // namespace edgert::kernels
