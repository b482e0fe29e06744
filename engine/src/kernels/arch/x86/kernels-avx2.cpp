// x86-64 AVX2 + FMA + F16C kernels (Haswell, Zen 1 and later). Functions carry target attributes,
// so this file is compiled for baseline x86-64 and only called after CPU detection (no ODR hazard
// from -mavx2). The body is kernels-x86-table.inc.
#include "kernels/kernel-table.h"

#define EDGERT_TARGET __attribute__((target("avx2,fma,f16c")))
#define EDGERT_TABLE_FUNCTION x86Avx2Kernels
#define EDGERT_TABLE_NAME "avx2"
#define EDGERT_TABLE_SUPPORTED() (cpuHasAvx2())
#include "kernels/arch/x86/kernels-x86-table.inc"
