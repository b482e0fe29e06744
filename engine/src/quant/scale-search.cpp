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
// The largest block the fits see (a K-quant super-block).
constexpr int kMaxBlock = 256;

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

// The least-squares (s, m) of x ≈ s·L + m from the sums ΣL, ΣL², Σx, ΣL·x (m ≤ 0 when asked).
void lsAffineSolve(int n, int slInt, int sllInt, double sx, double slx, bool nonPositiveMin, double& ds, double& dm)
{
    const double sl = slInt, sll = sllInt;  // exact: at most 256 · 63²
    const double det = n * sll - sl * sl;
    ds = 0;
    dm = 0;
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
}

// Least-squares (s, m) for fixed L: x ≈ s·L + m (m ≤ 0 when asked); returns the error.
double lsAffine(const float* x, int n, const std::uint8_t* L, bool nonPositiveMin, float& s, float& m)
{
    int sl = 0, sll = 0;
    double sx = 0, slx = 0;
    for (int j = 0; j < n; ++j) {
        sl += L[j];
        sll += L[j] * L[j];
        sx += x[j];
        slx += L[j] * double(x[j]);
    }
    double ds = 0, dm = 0;
    lsAffineSolve(n, sl, sll, sx, slx, nonPositiveMin, ds, dm);
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

namespace {

// fitScale's candidate lanes: 2 ends × 13 candidates, padded to whole SIMD vectors.
constexpr int kScanLanes = 28;

// A uniform LevelSet's nearest() and value() without its table branch (vectorisable).
struct UniformLevels {
    int lo, hi;
    int nearest(float v) const
    {
        const int i = clampInt(roundToInt(v), lo, hi) - lo;
        return v == v ? i : 0;  // NaN: index 0, as LevelSet::nearest
    }
    float value(int i) const { return static_cast<float>(lo + i); }
};

// A 16-level table LevelSet (IQ4_NL's) copied into local arrays, its loop bound fixed.
struct TableLevels16 {
    float mid[15];
    float values[16];
    explicit TableLevels16(const LevelSet& set)
    {
        for (int i = 0; i < 15; ++i) mid[i] = set.midpoint(i);
        for (int i = 0; i < 16; ++i) values[i] = set.value(i);
    }
    int nearest(float v) const
    {
        int index = 0;
        for (int i = 0; i < 15; ++i) index += v > mid[i] ? 1 : 0;
        return index;
    }
    float value(int i) const { return values[i]; }
};

// Calls f(levels) with the fastest equivalent of `levels`: UniformLevels, TableLevels16 or itself.
template <typename F>
void withLevels(const LevelSet& levels, F&& f)
{
    if (!levels.isTable())
        f(UniformLevels{levels.lowest(), levels.lowest() + levels.count() - 1});
    else if (levels.count() == 16)
        f(TableLevels16{levels});
    else
        f(levels);
}

// Rounds x under every lane's inverse scale and accumulates lsScale's sums per lane, each in
// element order: Σ x·v and Σ v² per lane, Σ x² once.
template <typename Levels>
void scanCandidates(const float* x, int n, const float* inverse, const Levels& levels, int (*scan)[kScanLanes],
                    float* sxv, float* svv, float& sxx)
{
    for (int j = 0; j < n; ++j) {
        const float xj = x[j];
        for (int c = 0; c < kScanLanes; ++c) {
            const int q = levels.nearest(xj * inverse[c]);
            scan[j][c] = q;
            const float v = levels.value(q);
            sxv[c] += xj * v;
            svv[c] += v * v;
        }
        sxx += xj * xj;
    }
}

// codeSymmetricSuperBlock's candidate lanes: 3 neighbouring sub-block scales, padded to a vector.
constexpr int kErrorLanes = 4;

// symmetricError for kErrorLanes scales at once: per lane the indices and the float squared
// error, accumulated in element order exactly as symmetricError does.
template <typename Levels>
void symmetricErrors(const float* x, int n, const Levels& levels, const float* scale, int (*index)[kErrorLanes],
                     float* err)
{
    float inv[kErrorLanes];
    for (int c = 0; c < kErrorLanes; ++c) inv[c] = scale[c] != 0.0f ? 1.0f / scale[c] : 0.0f;
    const int zero = levels.nearest(0.0f);
    for (int j = 0; j < n; ++j) {
        const float xj = x[j];
        for (int c = 0; c < kErrorLanes; ++c) {
            const int q = scale[c] != 0.0f ? levels.nearest(xj * inv[c]) : zero;
            index[j][c] = q;
            const float e = xj - scale[c] * levels.value(q);
            err[c] += e * e;
        }
    }
}

}  // namespace

float fitScale(const float* x, int n, const LevelSet& levels, std::uint8_t* index)
{
    const float extreme = signedExtreme(x, n);
    if (std::fabs(extreme) < kZeroBlock) {
        std::fill(index, index + n, static_cast<std::uint8_t>(levels.nearest(0.0f)));
        return 0.0f;
    }
    const float lowest = levels.value(0), highest = levels.value(levels.count() - 1);
    const float step = 0.15f * (highest - lowest) / static_cast<float>(levels.count() - 1);
    // The scan: every candidate inverse scale rounds the block and gets its least-squares scale
    // (lsScale's sums, accumulated per candidate in element order), all candidates side by side
    // in one pass over the block (independent chains the CPU overlaps), then the best is taken
    // in candidate order.
    constexpr int kScan = 2 * (2 * kCandidates + 1);
    float inverse[kScanLanes];
    int c = 0;
    for (const float end : {lowest, highest})
        for (int k = -kCandidates; k <= kCandidates; ++k) {
            // Map the extreme onto (or a fraction of a level inside/outside) this end level.
            const float target = end - std::copysign(static_cast<float>(k) * step, end);
            inverse[c++] = target / extreme;
        }
    int scan[kMaxBlock][kScanLanes];
    float sxv[kScanLanes] = {}, svv[kScanLanes] = {};
    float sxx = 0;
    for (c = kScan; c < kScanLanes; ++c) inverse[c] = inverse[0];
    withLevels(levels, [&](const auto& l) { scanCandidates(x, n, inverse, l, scan, sxv, svv, sxx); });
    std::uint8_t trial[kMaxBlock];
    double bestErr = std::numeric_limits<double>::infinity();
    float best = 0.0f;
    for (c = 0; c < kScan; ++c) {
        const float s = svv[c] > 0 ? sxv[c] / svv[c] : 0.0f;
        const double err =
            svv[c] > 0 ? std::max(0.0, double(sxx) - double(sxv[c]) * sxv[c] / svv[c]) : static_cast<double>(sxx);
        if (err < bestErr) {
            bestErr = err;
            best = s;
            for (int j = 0; j < n; ++j) index[j] = static_cast<std::uint8_t>(scan[j][c]);
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
    // The scan, all candidates side by side (as in fitScale): the rounding of roundAffine and
    // the sums of lsAffine per candidate, each accumulated in element order; Σx and the integer
    // sums of L are exact or shared. Then the best in candidate order.
    constexpr int kScan = 2 * kCandidates + 1;
    constexpr int kLanes = 16;  // kScan padded to whole SIMD vectors (the extra lanes repeat the first)
    float inv[kLanes];
    for (int k = -kCandidates; k <= kCandidates; ++k) {
        const float inverse = (static_cast<float>(nmax) + 0.15f * static_cast<float>(k)) / (hi - lo);
        const float s = 1.0f / inverse;  // roundAffine's step, then its inverse, as that computes it
        inv[k + kCandidates] = s > 0 ? 1.0f / s : 0.0f;
    }
    for (int c = kScan; c < kLanes; ++c) inv[c] = inv[0];
    int scan[kMaxBlock][kLanes];
    int sl[kLanes] = {}, sll[kLanes] = {};
    double slx[kLanes] = {};
    double sx = 0;
    for (int j = 0; j < n; ++j) {
        const float v = x[j];
        for (int c = 0; c < kLanes; ++c) {
            const int l = clampInt(roundToInt((v - lo) * inv[c]), 0, nmax);
            scan[j][c] = l;
            sl[c] += l;
            sll[c] += l * l;
            slx[c] += l * double(v);
        }
        sx += v;
    }
    double ds[kLanes] = {}, dm[kLanes] = {}, scanErr[kLanes] = {};
    for (int c = 0; c < kScan; ++c) lsAffineSolve(n, sl[c], sll[c], sx, slx[c], nonPositiveMin, ds[c], dm[c]);
    for (int j = 0; j < n; ++j) {
        const double v = x[j];
        for (int c = 0; c < kLanes; ++c) {
            const double e = v - (ds[c] * scan[j][c] + dm[c]);
            scanErr[c] += e * e;
        }
    }
    double bestErr = std::numeric_limits<double>::infinity();
    for (int c = 0; c < kScan; ++c) {
        const float s = static_cast<float>(ds[c]), m = static_cast<float>(dm[c]);
        if (s > 0 && scanErr[c] < bestErr) {
            bestErr = scanErr[c];
            fit = {s, m};
            for (int j = 0; j < n; ++j) L[j] = static_cast<std::uint8_t>(scan[j][c]);
        }
    }
    std::uint8_t trial[kMaxBlock];
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
    std::uint8_t trialIndex[256];
    int laneIndex[256][kErrorLanes];
    int trialS[16];
    double bestErr = std::numeric_limits<double>::infinity();
    float bestD = 0.0f;
    // Integer scales and quants for a given d; returns the error and the least-squares d for them.
    const auto evaluate = [&](float d, float& refit) {
        double err = 0, num = 0, den = 0;
        for (int i = 0; i < nSub; ++i) {
            const float* xs = x + i * subSize;
            const int s0 = std::clamp(roundToInt(subScale[i] / d), sMin, sMax);
            // symmetricError of the ±1 neighbours of s0, side by side; the best in s order.
            int candS[kErrorLanes] = {}, nCand = 0;
            float scale[kErrorLanes] = {};
            for (int s = std::max(sMin, s0 - 1); s <= std::min(sMax, s0 + 1); ++s) {
                candS[nCand] = s;
                scale[nCand++] = d * static_cast<float>(s);
            }
            for (int c = nCand; c < kErrorLanes; ++c) scale[c] = scale[0];
            float e2[kErrorLanes] = {};
            withLevels(levels, [&](const auto& l) { symmetricErrors(xs, subSize, l, scale, laneIndex, e2); });
            double subBest = std::numeric_limits<double>::infinity();
            for (int c = 0; c < nCand; ++c)
                if (static_cast<double>(e2[c]) < subBest) {
                    subBest = e2[c];
                    trialS[i] = candS[c];
                    for (int j = 0; j < subSize; ++j)
                        trialIndex[i * subSize + j] = static_cast<std::uint8_t>(laneIndex[j][c]);
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

    constexpr int kLanes = 16;  // 9 candidates, padded to whole SIMD vectors
    std::uint8_t trialL[256];
    int subL[32][kLanes];
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
            // The ±1 neighbours of (s0, m0), all side by side in one pass over the sub-block
            // (roundAffine's rounding and the squared error, each accumulated in element
            // order; kLanes fixed lanes, unused ones repeating the first candidate, so that the
            // compiler vectorises across candidates), then the best in (s, m) order.
            int candS[kLanes], candM[kLanes], nCand = 0;
            float step[kLanes], offset[kLanes], inv[kLanes];
            for (int s = std::max(0, s0 - 1); s <= std::min(sMax, s0 + 1); ++s)
                for (int mm = std::max(0, m0 - 1); mm <= std::min(sMax, m0 + 1); ++mm) {
                    candS[nCand] = s;
                    candM[nCand] = mm;
                    step[nCand] = q.d * static_cast<float>(s);
                    offset[nCand] = -q.dmin * static_cast<float>(mm);
                    inv[nCand] = step[nCand] > 0 ? 1.0f / step[nCand] : 0.0f;
                    ++nCand;
                }
            for (int c = nCand; c < kLanes; ++c) {
                step[c] = step[0];
                offset[c] = offset[0];
                inv[c] = inv[0];
            }
            float e2[kLanes] = {};
            for (int j = 0; j < subSize; ++j) {
                const float v = xs[j];
                for (int c = 0; c < kLanes; ++c) {
                    const int l = clampInt(roundToInt((v - offset[c]) * inv[c]), 0, nmax);
                    subL[j][c] = l;
                    const float e = v - (step[c] * static_cast<float>(l) + offset[c]);
                    e2[c] += e * e;
                }
            }
            double subBest = std::numeric_limits<double>::infinity();
            for (int c = 0; c < nCand; ++c)
                if (e2[c] < subBest) {
                    subBest = e2[c];
                    trialSc[i] = candS[c];
                    trialM[i] = candM[c];
                    for (int j = 0; j < subSize; ++j) trialL[i * subSize + j] = static_cast<std::uint8_t>(subL[j][c]);
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
