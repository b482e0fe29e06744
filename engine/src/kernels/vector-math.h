// e^x for SIMD lanes, and the two element-wise operators of the forward pass built on it: softmax
// (attention) and the SwiGLU gate (feed-forward). One algorithm, written three times with the same
// operations in the same order: the scalar reference here (arch/generic/vector-math-generic.cpp,
// the generic table's entries) and its AVX2 and NEON twins (arch/x86/vector-math-x86.inc,
// arch/arm/vector-math-neon.inc), which give the reference's bits on every input, so a result
// does not depend on the CPU's table, let alone on the thread that computes it.
//
// e^x, for x in [kExpMinArg, kExpMaxArg] (Cody-Waite range reduction and a Taylor polynomial):
//   n = nearbyint(x * log2(e))            (round half to even, as _mm256_round_ps and FRINTN do)
//   r = fma(-n, ln2_hi, x); r = fma(-n, ln2_lo, r)      |r| <= ln(2)/2, ln2_hi has 10 bits so
//                                                       n * ln2_hi is exact
//   p = 1 + r + r^2/2! + ... + r^7/7!     Horner, one fused multiply-add per degree
//   e^x = p * 2^n                          by adding n to p's exponent field (p in [0.70, 1.42]
//                                          and n in [-125, 127] keep the result normal)
// Below kExpMinArg the result is 0 (e^x < 3.0e-38: nothing next to the max of a softmax or 1 in
// SiLU's denominator), above kExpMaxArg +inf; NaN stays NaN. Every multiply-add is an explicit
// fma and no product feeds an add, so floating-point contraction cannot change a bit anywhere.
// Accuracy: within kExpMaxUlp units in the last place of the correctly rounded e^x on the whole
// range (tests/tst_vector_math.cpp sweeps it).
#pragma once

#include <cstddef>

namespace edgert::kernels {

/// Range of e^x: 0 below, +inf above.
inline constexpr float kExpMinArg = -86.5f;
inline constexpr float kExpMaxArg = 88.0f;
/// Largest error of expReference (and its twins) against the correctly rounded e^x, in ulp (the
/// test's sweep of the range measures 1).
inline constexpr int kExpMaxUlp = 2;

/// The constants of the algorithm above, shared by the scalar reference and its SIMD twins.
namespace expconst {
inline constexpr float kLog2e = 1.44269504088896341f;
inline constexpr float kLn2Hi = 0.693359375f;     // 10 significant bits
inline constexpr float kLn2Lo = -2.12194440e-4f;  // ln(2) - kLn2Hi
inline constexpr float kC7 = 1.0f / 5040.0f;
inline constexpr float kC6 = 1.0f / 720.0f;
inline constexpr float kC5 = 1.0f / 120.0f;
inline constexpr float kC4 = 1.0f / 24.0f;
inline constexpr float kC3 = 1.0f / 6.0f;
inline constexpr float kC2 = 0.5f;
}  // namespace expconst

/// e^x as above (f32 in, f32 out; no errors raised).
float expReference(float x);

/// Softmax in place over x (n,), n >= 1 (n == 0 does nothing): m = max x, x[i] = e^(x[i] - m),
/// s = the sum of those in 8 interleaved partial sums (lane j takes i % 8 == j, reduced as
/// kernels::dotF32 reduces its lanes), x[i] *= 1/s. Scalar reference of KernelTable::softmax.
void softmaxReference(float* x, std::size_t n);

/// SwiGLU gate (Shazeer 2020), gate[i] = gate[i] / (1 + e^-gate[i]) * up[i], i < n (SiLU of the
/// gate times the up projection). Scalar reference of KernelTable::swiglu.
void swigluReference(float* gate, const float* up, std::size_t n);

}  // namespace edgert::kernels
