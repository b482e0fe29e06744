#include "quant/scale-search.h"

#include "kernels/fp16.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace edgert::quant {

namespace {

// Below this magnitude a block counts as all zero (its scale would underflow fp16 anyway).
constexpr float kZeroBlock = 1e-30f;
// Candidate inverse scales on each side of the extreme-to-end-level mapping, 0.15 of a level apart.
constexpr int kCandidates = 6;
constexpr int kRefinements = 4;

// Round half to even without a libm call: adding 1.5·2^23 leaves the rounded integer in the low
// mantissa bits (valid for |v| < 2^22; callers clamp first).
int roundToInt(float v)
{
    const float shifted = std::clamp(v, -4.0e6f, 4.0e6f) + 12582912.0f;
    std::int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return bits - 0x4B400000;
}

// The value of largest magnitude, sign kept.
float signedExtreme(const float* x, int n)
{
    float best = 0.0f;
    for (int j = 0; j < n; ++j)
        if (std::fabs(x[j]) > std::fabs(best)) best = x[j];
    return best;
}

// Least-squares s for fixed indices: s = Σ x·v / Σ v²; returns the error Σ (x − s·v)².
double lsScale(const float* x, int n, const LevelSet& levels, const std::uint8_t* index, float& s)
{
    float sxv = 0, svv = 0, sxx = 0;
    for (int j = 0; j < n; ++j) {
        const float v = levels.value(index[j]);
        sxv += x[j] * v;
        svv += v * v;
        sxx += x[j] * x[j];
    }
    s = svv > 0 ? sxv / svv : 0.0f;
    return svv > 0 ? std::max(0.0, double(sxx) - double(sxv) * sxv / svv) : sxx;
}

double symmetricError(const float* x, int n, const LevelSet& levels, float scale, std::uint8_t* index)
{
    float err = 0;
    const float inv = scale != 0.0f ? 1.0f / scale : 0.0f;
    const int zero = levels.nearest(0.0f);
    for (int j = 0; j < n; ++j) {
        index[j] = static_cast<std::uint8_t>(scale != 0.0f ? levels.nearest(x[j] * inv) : zero);
        const float e = x[j] - scale * levels.value(index[j]);
        err += e * e;
    }
    return err;
}

// Least-squares (s, m) for fixed L: x ≈ s·L + m (m ≤ 0 when asked); returns the error.
double lsAffine(const float* x, int n, const std::uint8_t* L, bool nonPositiveMin, float& s, float& m)
{
    double sl = 0, sll = 0, sx = 0, slx = 0;
    for (int j = 0; j < n; ++j) {
        sl += L[j];
        sll += double(L[j]) * L[j];
        sx += x[j];
        slx += L[j] * double(x[j]);
    }
    const double det = n * sll - sl * sl;
    double ds = 0, dm = 0;
    if (det > 0) {
        ds = (n * slx - sl * sx) / det;
        dm = (sll * sx - sl * slx) / det;
    } else {
        dm = sx / n;
    }
    if (nonPositiveMin && dm > 0) {
        dm = 0;
        ds = sll > 0 ? slx / sll : 0;
    }
    s = static_cast<float>(ds);
    m = static_cast<float>(dm);
    double err = 0;
    for (int j = 0; j < n; ++j) {
        const double e = x[j] - (ds * L[j] + dm);
        err += e * e;
    }
    return err;
}

void roundAffine(const float* x, int n, int nmax, float s, float m, std::uint8_t* L)
{
    const float inv = s > 0 ? 1.0f / s : 0.0f;
    for (int j = 0; j < n; ++j) L[j] = static_cast<std::uint8_t>(std::clamp(roundToInt((x[j] - m) * inv), 0, nmax));
}

}  // namespace

float fp16Rounded(float v)
{
    return kernels::fp16ToFp32(kernels::fp32ToFp16(v));
}

LevelSet LevelSet::uniform(int lo, int hi)
{
    LevelSet s;
    s.m_lo = lo;
    s.m_count = hi - lo + 1;
    return s;
}

LevelSet LevelSet::table(const std::int8_t* values, int count)
{
    LevelSet s;
    s.m_table = values;
    s.m_count = std::min(count, 16);
    for (int i = 0; i + 1 < s.m_count; ++i) s.m_midpoints[i] = 0.5f * (float(values[i]) + float(values[i + 1]));
    return s;
}

int LevelSet::nearest(float v) const
{
    if (!m_table) {
        if (!(v == v)) return 0;  // NaN: callers reject non-finite input first; stay in range regardless
        return std::clamp(roundToInt(v), m_lo, m_lo + m_count - 1) - m_lo;
    }
    // The number of midpoints below v (a tie goes to the lower level); branch-free.
    int index = 0;
    for (int i = 0; i + 1 < m_count; ++i) index += v > m_midpoints[i] ? 1 : 0;
    return index;
}

float fitScale(const float* x, int n, const LevelSet& levels, std::uint8_t* index)
{
    const float extreme = signedExtreme(x, n);
    if (std::fabs(extreme) < kZeroBlock) {
        std::fill(index, index + n, static_cast<std::uint8_t>(levels.nearest(0.0f)));
        return 0.0f;
    }
    const float lowest = levels.value(0), highest = levels.value(levels.count() - 1);
    const float step = 0.15f * (highest - lowest) / static_cast<float>(levels.count() - 1);
    std::uint8_t trial[256];
    double bestErr = std::numeric_limits<double>::infinity();
    float best = 0.0f;
    for (const float end : {lowest, highest}) {
        for (int k = -kCandidates; k <= kCandidates; ++k) {
            // Map the extreme onto (or a fraction of a level inside/outside) this end level.
            const float target = end - std::copysign(static_cast<float>(k) * step, end);
            const float inverse = target / extreme;
            for (int j = 0; j < n; ++j) trial[j] = static_cast<std::uint8_t>(levels.nearest(x[j] * inverse));
            float s = 0.0f;
            const double err = lsScale(x, n, levels, trial, s);
            if (err < bestErr) {
                bestErr = err;
                best = s;
                std::copy(trial, trial + n, index);
            }
        }
    }
    for (int r = 0; r < kRefinements && best != 0.0f; ++r) {
        symmetricError(x, n, levels, best, trial);
        float s = 0.0f;
        const double err = lsScale(x, n, levels, trial, s);
        if (!(err < bestErr)) break;
        bestErr = err;
        best = s;
        std::copy(trial, trial + n, index);
    }
    return best;
}

AffineFit fitAffine(const float* x, int n, int nmax, bool nonPositiveMin, std::uint8_t* L)
{
    float lo = *std::min_element(x, x + n), hi = *std::max_element(x, x + n);
    if (nonPositiveMin) lo = std::min(lo, 0.0f);
    AffineFit fit{0.0f, lo};
    std::fill(L, L + n, std::uint8_t{0});
    if (!(hi - lo > kZeroBlock)) return fit;
    std::uint8_t trial[256];
    double bestErr = std::numeric_limits<double>::infinity();
    for (int k = -kCandidates; k <= kCandidates; ++k) {
        const float inverse = (static_cast<float>(nmax) + 0.15f * static_cast<float>(k)) / (hi - lo);
        roundAffine(x, n, nmax, 1.0f / inverse, lo, trial);
        float s = 0.0f, m = 0.0f;
        const double err = lsAffine(x, n, trial, nonPositiveMin, s, m);
        if (s > 0 && err < bestErr) {
            bestErr = err;
            fit = {s, m};
            std::copy(trial, trial + n, L);
        }
    }
    for (int r = 0; r < kRefinements && fit.scale > 0; ++r) {
        roundAffine(x, n, nmax, fit.scale, fit.min, trial);
        float s = 0.0f, m = 0.0f;
        const double err = lsAffine(x, n, trial, nonPositiveMin, s, m);
        if (!(s > 0 && err < bestErr)) break;
        bestErr = err;
        fit = {s, m};
        std::copy(trial, trial + n, L);
    }
    return fit;
}

float codeSymmetricSuperBlock(const float* x, int nSub, int subSize, const float* subScale, int sMin, int sMax,
                              const LevelSet& levels, int* S, std::uint8_t* index)
{
    const int n = nSub * subSize;
    const float extreme = signedExtreme(subScale, nSub);
    if (std::fabs(extreme) < kZeroBlock) {
        std::fill(S, S + nSub, 0);
        std::fill(index, index + n, static_cast<std::uint8_t>(levels.nearest(0.0f)));
        return 0.0f;
    }
    std::uint8_t trialIndex[256], subIndex[256];
    int trialS[16];
    double bestErr = std::numeric_limits<double>::infinity();
    float bestD = 0.0f;
    // Integer scales and quants for a given d; returns the error and the least-squares d for them.
    const auto evaluate = [&](float d, float& refit) {
        double err = 0, num = 0, den = 0;
        for (int i = 0; i < nSub; ++i) {
            const float* xs = x + i * subSize;
            const int s0 = std::clamp(roundToInt(subScale[i] / d), sMin, sMax);
            double subBest = std::numeric_limits<double>::infinity();
            for (int s = std::max(sMin, s0 - 1); s <= std::min(sMax, s0 + 1); ++s) {
                const double e = symmetricError(xs, subSize, levels, d * static_cast<float>(s), subIndex);
                if (e < subBest) {
                    subBest = e;
                    trialS[i] = s;
                    std::copy(subIndex, subIndex + subSize, trialIndex + i * subSize);
                }
            }
            err += subBest;
            for (int j = 0; j < subSize; ++j) {
                const double a = static_cast<double>(trialS[i]) * levels.value(trialIndex[i * subSize + j]);
                num += a * xs[j];
                den += a * a;
            }
        }
        refit = den > 0 ? static_cast<float>(num / den) : d;
        return err;
    };
    const float starts[2] = {sMin < 0 ? extreme / static_cast<float>(sMin) : extreme / static_cast<float>(sMax),
                             extreme / static_cast<float>(sMax)};
    for (const float start : starts) {
        float d = fp16Rounded(start);
        for (int r = 0; r < kRefinements && d != 0.0f && std::isfinite(d); ++r) {
            float refit = 0.0f;
            const double err = evaluate(d, refit);
            if (err < bestErr) {
                bestErr = err;
                bestD = d;
                std::copy(trialS, trialS + nSub, S);
                std::copy(trialIndex, trialIndex + n, index);
            } else if (r > 0) {
                break;
            }
            const float next = fp16Rounded(refit);
            if (next == d) break;
            d = next;
        }
    }
    if (bestD == 0.0f) {  // the scales underflow fp16: the block is zero to fp16 precision
        std::fill(S, S + nSub, 0);
        std::fill(index, index + n, static_cast<std::uint8_t>(levels.nearest(0.0f)));
    }
    return bestD;
}

AffineSuperScales codeAffineSuperBlock(const float* x, int nSub, int subSize, const AffineFit* fits, int sMax, int nmax,
                                       int* sc, int* m, std::uint8_t* L)
{
    const int n = nSub * subSize;
    float maxScale = 0.0f, maxMin = 0.0f;
    for (int i = 0; i < nSub; ++i) {
        maxScale = std::max(maxScale, fits[i].scale);
        maxMin = std::max(maxMin, -fits[i].min);
    }
    std::fill(sc, sc + nSub, 0);
    std::fill(m, m + nSub, 0);
    std::fill(L, L + n, std::uint8_t{0});
    if (maxScale < kZeroBlock && maxMin < kZeroBlock) return {};

    std::uint8_t trialL[256], subL[32];
    int trialSc[16], trialM[16];
    double bestErr = std::numeric_limits<double>::infinity();
    AffineSuperScales best;
    // Integer scales/mins and quants for (d, dmin); returns the error and the least-squares (d, dmin).
    const auto evaluate = [&](AffineSuperScales q, AffineSuperScales& refit) {
        double err = 0;
        double saa = 0, sab = 0, sbb = 0, sax = 0, sbx = 0;
        for (int i = 0; i < nSub; ++i) {
            const float* xs = x + i * subSize;
            const int s0 = q.d > 0 ? std::clamp(roundToInt(fits[i].scale / q.d), 0, sMax) : 0;
            const int m0 = q.dmin > 0 ? std::clamp(roundToInt(-fits[i].min / q.dmin), 0, sMax) : 0;
            double subBest = std::numeric_limits<double>::infinity();
            for (int s = std::max(0, s0 - 1); s <= std::min(sMax, s0 + 1); ++s) {
                for (int mm = std::max(0, m0 - 1); mm <= std::min(sMax, m0 + 1); ++mm) {
                    const float step = q.d * static_cast<float>(s), offset = -q.dmin * static_cast<float>(mm);
                    roundAffine(xs, subSize, nmax, step, offset, subL);
                    float e2 = 0;
                    for (int j = 0; j < subSize; ++j) {
                        const float e = xs[j] - (step * static_cast<float>(subL[j]) + offset);
                        e2 += e * e;
                    }
                    if (e2 < subBest) {
                        subBest = e2;
                        trialSc[i] = s;
                        trialM[i] = mm;
                        std::copy(subL, subL + subSize, trialL + i * subSize);
                    }
                }
            }
            err += subBest;
            for (int j = 0; j < subSize; ++j) {
                const double a = double(trialSc[i]) * trialL[i * subSize + j], b = -double(trialM[i]);
                saa += a * a;
                sab += a * b;
                sbb += b * b;
                sax += a * xs[j];
                sbx += b * xs[j];
            }
        }
        // x ≈ d·a + dmin·b (b = −m): 2×2 normal equations; clamp to d, dmin ≥ 0.
        const double det = saa * sbb - sab * sab;
        double d = q.d, dmin = q.dmin;
        if (det > 0) {
            d = (sax * sbb - sbx * sab) / det;
            dmin = (saa * sbx - sab * sax) / det;
        }
        if (dmin < 0 || det <= 0) {
            dmin = sbb > 0 && det > 0 ? 0 : q.dmin;
            d = saa > 0 ? (sax - dmin * sab) / saa : q.d;
        }
        if (d < 0) d = 0;
        refit = {static_cast<float>(d), static_cast<float>(dmin)};
        return err;
    };
    AffineSuperScales q{fp16Rounded(maxScale / static_cast<float>(sMax)),
                        fp16Rounded(maxMin / static_cast<float>(sMax))};
    for (int r = 0; r < kRefinements && std::isfinite(q.d) && std::isfinite(q.dmin); ++r) {
        AffineSuperScales refit;
        const double err = evaluate(q, refit);
        if (err < bestErr) {
            bestErr = err;
            best = q;
            std::copy(trialSc, trialSc + nSub, sc);
            std::copy(trialM, trialM + nSub, m);
            std::copy(trialL, trialL + n, L);
        } else if (r > 0) {
            break;
        }
        const AffineSuperScales next{fp16Rounded(refit.d), fp16Rounded(refit.dmin)};
        if (next.d == q.d && next.dmin == q.dmin) break;
        q = next;
    }
    return best;
}

}  // namespace edgert::quant
