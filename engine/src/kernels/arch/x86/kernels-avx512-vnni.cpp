// x86-64 AVX2 kernels with AVX-512 VNNI int8 dot products on 256-bit registers (EVEX vpdpbusd,
// AVX512VL), for CPUs that have AVX512_VNNI but not the VEX AVX-VNNI: Zen 4 and later, Ice Lake,
// Cascade Lake. The vectors stay 256-bit (the register tiles are sized for 8 rows of int32 lanes),
// and the EVEX encoding also gives the compiler ymm16-31. Same body as kernels-avx2.cpp
// (kernels-x86-table.inc).
#include "kernels/kernel-table.h"

#define EDGERT_TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))
#define EDGERT_DPBUSD _mm256_dpbusd_epi32
#define EDGERT_TABLE_FUNCTION x86Avx512VnniKernels
#define EDGERT_TABLE_NAME "avx512-vnni"
#define EDGERT_TABLE_SUPPORTED() (cpuHasAvx2() && cpuHasAvx512Vnni())
#include "kernels/arch/x86/kernels-x86-table.inc"
