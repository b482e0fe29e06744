// The kernel table: one function per (operation, weight type), chosen once at start-up from the
// CPU's features (x86-64: AVX2+FMA+F16C, with VNNI when present; aarch64: NEON, dotprod when
// present), so one binary runs on any CPU of its architecture. The generic (scalar) entries are
// the reference every SIMD entry is tested against. EDGERT_KERNELS=generic forces the reference.
#pragma once

#include "kernels/activation-quant.h"

#include <cstddef>
#include <string>
#include <vector>

namespace edgert::kernels {

/// y[t * yStride + r] = dot(W row r, activations of token t) for r in [r0, r1), t in [0, nTokens).
/// W rows are `rowBytes` apart starting at `w`; each row has nBlocks blocks of 32 values.
/// Activations: nTokens rows of nBlocks ActivationBlocks, contiguous.
using QuantRowsKernel = void (*)(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1,
                                 const ActivationBlock* x, std::size_t nTokens, std::size_t nBlocks, float* y,
                                 std::size_t yStride);

/// The same for float weights (F32/F16/BF16) with f32 activations x (nTokens, n).
using FloatRowsKernel = void (*)(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x,
                                 std::size_t nTokens, std::size_t n, float* y, std::size_t yStride);

using QuantizeActivationsKernel = void (*)(const float* x, ActivationBlock* y, std::size_t n);

struct KernelTable {
    const char* name;  ///< "generic", "avx2", "avx2-vnni", "neon", "neon-dotprod"
    QuantRowsKernel q8_0;
    QuantRowsKernel q4_0;
    FloatRowsKernel f32;
    FloatRowsKernel f16;
    FloatRowsKernel bf16;
    QuantizeActivationsKernel quantizeActivations;
};

/// The scalar reference table.
const KernelTable& genericKernels();
/// The best table for this CPU (or the generic one when EDGERT_KERNELS=generic).
const KernelTable& activeKernels();
/// Every table this CPU can run (generic first), for tests comparing them.
std::vector<const KernelTable*> availableKernels();

// Architecture tables; return nullptr when the CPU lacks the features.
const KernelTable* x86Avx2Kernels();
const KernelTable* x86Avx2VnniKernels();
const KernelTable* armNeonKernels();
const KernelTable* armNeonDotprodKernels();

}  // namespace edgert::kernels
