// x86-64 AVX2 kernels with AVX-VNNI 256-bit int8 dot products (VEX vpdpbusd), for CPUs that have
// AVX-VNNI (Alder Lake and later, Sapphire Rapids). Same body as kernels-avx2.cpp
// (kernels-x86-table.inc).
#include "kernels/kernel-table.h"

#define EDGERT_TARGET __attribute__((target("avx2,fma,f16c,avxvnni")))
#define EDGERT_DPBUSD _mm256_dpbusd_avx_epi32
#define EDGERT_TABLE_FUNCTION x86Avx2VnniKernels
#define EDGERT_TABLE_NAME "avx2-vnni"
#define EDGERT_TABLE_SUPPORTED() (cpuHasAvx2() && cpuHasAvxVnni())
#include "kernels/arch/x86/kernels-x86-table.inc"
