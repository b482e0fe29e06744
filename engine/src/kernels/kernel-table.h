// The kernel table: one function per (operation, weight type), chosen once at start-up from the
// CPU's features (x86-64: AVX2+FMA+F16C, with VNNI when present; aarch64: NEON, dotprod when
// present), so one binary runs on any CPU of its architecture. The generic (scalar) entries are
// the reference every SIMD entry is tested against. EDGERT_KERNELS=generic forces the reference.
// A SIMD table leaves an entry null where it has no SIMD version; withGenericFallbacks() fills
// those from the generic table, so every table computes every type.
#pragma once

#include "edgert/tensor-type.h"
#include "kernels/activation-quant.h"
#include "kernels/q4_0-interleaved.h"

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

/// The same for 256-value super-block weights (K-quants, IQ4_XS) with Q8_K activations: each row
/// has nBlocks super-blocks; x is nTokens rows of nBlocks BlockQ8_K, contiguous.
using SuperRowsKernel = void (*)(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1,
                                 const BlockQ8_K* x, std::size_t nTokens, std::size_t nBlocks, float* y,
                                 std::size_t yStride);

/// The same for float weights (F32/F16/BF16) with f32 activations x (nTokens, n).
using FloatRowsKernel = void (*)(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const float* x,
                                 std::size_t nTokens, std::size_t n, float* y, std::size_t yStride);

/// Attention scores of one query head over nPos cached keys: s[p] = dot(q, k + p * kStride) *
/// scale, q and each key `headDim` f32 values. The dot is summed as kernels::dotF32 defines it (8
/// interleaved partial sums, one multiply and one add per term, a fixed reduction), so every table
/// gives the reference's bits: a head's output does not depend on the CPU's table.
using AttentionScoresKernel = void (*)(const float* q, const float* k, std::size_t kStride, std::size_t nPos,
                                       std::size_t headDim, float scale, float* s);
/// Attention output of one head: o[i] = sum over p = 0..nPos-1 (in that order) of a[p] * v[p * vStride
/// + i], i < headDim, from o = 0, one multiply and one add per term (no fused multiply-add), so
/// every table gives the reference's bits.
using AttentionValuesKernel = void (*)(const float* a, const float* v, std::size_t vStride, std::size_t nPos,
                                       std::size_t headDim, float* o);

/// Softmax in place over x (n,) and the SwiGLU gate, gate[i] = silu(gate[i]) * up[i]: the e^x of
/// kernels/vector-math.h, bit-identical in every table (references softmaxReference, swigluReference).
using SoftmaxKernel = void (*)(float* x, std::size_t n);
using SwigluKernel = void (*)(float* gate, const float* up, std::size_t n);

using QuantizeActivationsKernel = void (*)(const float* x, ActivationBlock* y, std::size_t n);
using QuantizeQ8KKernel = void (*)(const float* x, BlockQ8_K* y, std::size_t n);

/// One 8-row group of a Q4_0 matrix from file layout to Q4_0x8 (kernels/q4_0-interleaved.h):
/// fileRows = the group's 8 rows of nBlocks BlockQ4_0 each, row after row (8 * nBlocks blocks);
/// out = nBlocks BlockQ4_0x8. Out of place: the two ranges must not overlap. Pure byte moves, so
/// every table gives the generic entry's bytes (interleaveQ4_0x8Reference).
using InterleaveQ4_0Kernel = void (*)(const BlockQ4_0* fileRows, std::size_t nBlocks, BlockQ4_0x8* out);

struct BlockQ4_Kx8;  // kernels/q4_k-interleaved.h
/// The same for Q4_K to Q4_Kx8: fileRows = 8 rows of nBlocks BlockQ4_K; out = nBlocks
/// BlockQ4_Kx8; every table gives interleaveQ4_Kx8Reference's bytes.
using InterleaveQ4_KKernel = void (*)(const BlockQ4_K* fileRows, std::size_t nBlocks, BlockQ4_Kx8* out);

struct KernelTable {
    const char* name;  ///< "generic", "avx2", "avx2-vnni", "avx512-vnni", "neon", "neon-dotprod"
    // Block-32 weights x ActivationBlock activations.
    QuantRowsKernel q8_0 = nullptr;
    QuantRowsKernel q4_0 = nullptr;
    QuantRowsKernel q4_1 = nullptr;
    QuantRowsKernel q5_0 = nullptr;
    QuantRowsKernel q5_1 = nullptr;
    QuantRowsKernel iq4_nl = nullptr;
    // Super-block weights x Q8_K activations.
    SuperRowsKernel q2_k = nullptr;
    SuperRowsKernel q3_k = nullptr;
    SuperRowsKernel q4_k = nullptr;
    SuperRowsKernel q5_k = nullptr;
    SuperRowsKernel q6_k = nullptr;
    SuperRowsKernel iq4_xs = nullptr;
    // Float weights x f32 activations.
    FloatRowsKernel f32 = nullptr;
    FloatRowsKernel f16 = nullptr;
    FloatRowsKernel bf16 = nullptr;
    QuantizeActivationsKernel quantizeActivations = nullptr;
    QuantizeQ8KKernel quantizeActivationsQ8K = nullptr;
    // Prefill GEMMs over packed 8-row panels (kernels/gemm-panels.h), same signatures and results
    // within float rounding of the rows kernels; used from kGemmMinTokens tokens on. Null where a
    // table has none (the generic table: its scalar twins are the *GemmReference functions).
    QuantRowsKernel q8_0Gemm = nullptr;
    QuantRowsKernel q4_0Gemm = nullptr;
    SuperRowsKernel q4_kGemm = nullptr;
    // Causal attention per head (models/common/attention.cpp), bit-identical in every table.
    AttentionScoresKernel attentionScores = nullptr;
    AttentionValuesKernel attentionValues = nullptr;
    // Q4_0 repacked into 8-row groups (kernels/q4_0-interleaved.h): rows [r0, r1) at multiples of
    // 8, rowBytes the file row's bytes. The rows kernel takes any token count (decode); the GEMM
    // (null in the generic table) runs prompt batches of kGemmMinTokens tokens or more. Both give
    // the generic q4_0x8's bits in every table.
    QuantRowsKernel q4_0x8 = nullptr;
    QuantRowsKernel q4_0x8Gemm = nullptr;
    // The load-time repack of one 8-row group into that layout (the group loader's step).
    InterleaveQ4_0Kernel interleaveQ4_0x8 = nullptr;
    // Q4_K repacked into 8-row groups (kernels/q4_k-interleaved.h), the same contract: rows at
    // multiples of 8, the rows kernel for any token count, the GEMM (null in the generic table)
    // from kGemmMinTokens tokens; both give the generic q4_kx8's bits in every table.
    SuperRowsKernel q4_kx8 = nullptr;
    SuperRowsKernel q4_kx8Gemm = nullptr;
    InterleaveQ4_KKernel interleaveQ4_Kx8 = nullptr;
    // Element-wise e^x operators (kernels/vector-math.h), bit-identical in every table.
    SoftmaxKernel softmax = nullptr;
    SwigluKernel swiglu = nullptr;

    /// The block-32 kernel of `type`, or nullptr when the type is not a block-32 type.
    QuantRowsKernel blockRows(TensorType type) const;
    /// The super-block kernel of `type`, or nullptr when the type is not a super-block type.
    SuperRowsKernel superRows(TensorType type) const;
    /// The block-32 / super-block prefill GEMM of `type`, or nullptr when this table has none.
    QuantRowsKernel blockGemm(TensorType type) const;
    SuperRowsKernel superGemm(TensorType type) const;
    /// The float kernel of `type` (F32/F16/BF16), or nullptr.
    FloatRowsKernel floatRows(TensorType type) const;
};

/// Which activation format a weight type's kernels take.
enum class ActivationFormat { Float, Block32, Q8K, None };
ActivationFormat activationFormatOf(TensorType type);

/// `t` with every null entry replaced by the generic one (SIMD tables call this).
KernelTable withGenericFallbacks(KernelTable t);

/// The scalar reference table.
const KernelTable& genericKernels();
/// The best table for this CPU (or the generic one when EDGERT_KERNELS=generic).
const KernelTable& activeKernels();
/// Every table this CPU can run (generic first), for tests comparing them.
std::vector<const KernelTable*> availableKernels();

// Architecture tables; return nullptr when the CPU lacks the features.
const KernelTable* x86Avx2Kernels();
const KernelTable* x86Avx2VnniKernels();
const KernelTable* x86Avx512VnniKernels();
const KernelTable* armNeonKernels();
const KernelTable* armNeonDotprodKernels();

}  // namespace edgert::kernels
