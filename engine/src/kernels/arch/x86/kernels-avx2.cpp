// x86-64 AVX2 + FMA + F16C kernels. Functions carry target attributes, so this file is compiled
// for baseline x86-64 and only called after CPU detection (no ODR hazard from -mavx2).
#include "kernels/kernel-table.h"

#if defined(__x86_64__)

#include "kernels/arch/x86/cpu-x86.h"
#include "kernels/gemm-panels.h"
#include "kernels/q4_k-interleaved.h"
#include "kernels/vector-math.h"
#include "tensor/quant-blocks.h"

#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#define EDGERT_TARGET __attribute__((target("avx2,fma,f16c")))

namespace edgert::kernels {
namespace {
#include "kernels/arch/x86/kernels-x86.inc"
#include "kernels/arch/x86/kernels-x86-superblocks.inc"
#include "kernels/arch/x86/decode-x86.inc"
#include "kernels/arch/x86/gemm-x86.inc"
#include "kernels/arch/x86/q4_0x8-x86.inc"
#include "kernels/arch/x86/q4_kx8-x86.inc"
#include "kernels/arch/x86/attention-x86.inc"
#include "kernels/arch/x86/vector-math-x86.inc"
}  // namespace

const KernelTable* x86Avx2Kernels()
{
    static const KernelTable table = withGenericFallbacks({
        .name = "avx2",
        .q8_0 = q8_0RowsAvx2,
        .q4_0 = q4_0RowsAvx2,
        .q4_1 = q4_1RowsAvx2,
        .q5_0 = q5_0RowsAvx2,
        .q5_1 = q5_1RowsAvx2,
        .iq4_nl = iq4_nlRowsAvx2,
        .q2_k = q2_kRowsAvx2,
        .q3_k = q3_kRowsAvx2,
        .q4_k = q4_kRowsAvx2,
        .q5_k = q5_kRowsAvx2,
        .q6_k = q6_kRowsAvx2,
        .iq4_xs = iq4_xsRowsAvx2,
        .f32 = f32RowsAvx2,
        .f16 = f16RowsAvx2,
        .bf16 = bf16RowsAvx2,
        .quantizeActivations = quantizeActivationsAvx2,
        .quantizeActivationsQ8K = quantizeActivationsQ8KAvx2,
        .q8_0Gemm = q8_0GemmAvx2,
        .q4_0Gemm = q4_0GemmAvx2,
        .q4_kGemm = q4_kGemmAvx2,
        .attentionScores = attentionScoresAvx2,
        .attentionValues = attentionValuesAvx2,
        .q4_0x8 = q4_0x8RowsAvx2,
        .q4_0x8Gemm = q4_0x8GemmAvx2,
        .interleaveQ4_0x8 = interleaveQ4_0x8Avx2,
        .q4_kx8 = q4_kx8RowsAvx2,
        .q4_kx8Gemm = q4_kx8GemmAvx2,
        .interleaveQ4_Kx8 = interleaveQ4_Kx8Avx2,
        .softmax = softmaxAvx2,
        .swiglu = swigluAvx2,
    });
    return cpuHasAvx2() ? &table : nullptr;
}

}  // namespace edgert::kernels

#else

namespace edgert::kernels {
const KernelTable* x86Avx2Kernels()
{
    return nullptr;
}
}  // namespace edgert::kernels

#endif
