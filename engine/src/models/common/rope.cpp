#include "models/common/rope.h"

#include <algorithm>
#include <cmath>

namespace edgert {

namespace {

float inverseFrequency(const RopeParams& r, std::size_t i)
{
    return std::pow(r.freqBase, -static_cast<float>(2 * i) / static_cast<float>(r.ropeDim));
}

// Rotates pairs [i0, i0 + n) of each head of `vec` by the angles whose cosines and sines are
// c[0..n) and s[0..n): heads outer, pairs inner, so the inner loop walks one head's memory.
void rotatePairs(float* vec, std::size_t nHeads, const RopeParams& r, std::size_t i0, std::size_t n, const float* c,
                 const float* s)
{
    // Pair i's two members: (2i, 2i+1) interleaved, (i, i + ropeDim/2) NeoX.
    const std::size_t stride = r.style == RopeStyle::NeoX ? 1 : 2;
    const std::size_t partner = r.style == RopeStyle::NeoX ? r.ropeDim / 2 : 1;
    for (std::size_t h = 0; h < nHeads; ++h) {
        float* head = vec + h * r.headDim + i0 * stride;
        for (std::size_t j = 0; j < n; ++j) {
            float* v = head + j * stride;
            const float v0 = v[0], v1 = v[partner];
            v[0] = v0 * c[j] - v1 * s[j];
            v[partner] = v0 * s[j] + v1 * c[j];
        }
    }
}

void rotate(float* q, std::size_t nQHeads, float* k, std::size_t nKHeads, const RopeParams& r, std::size_t pos)
{
    const std::size_t half = r.ropeDim / 2;
    const bool cached = r.inverseFrequencies.size() == half;
    constexpr std::size_t kChunk = 64;  // pairs whose angles are computed at a time
    float c[kChunk], s[kChunk];
    for (std::size_t i0 = 0; i0 < half; i0 += kChunk) {
        const std::size_t n = std::min(kChunk, half - i0);
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t i = i0 + j;
            float theta = static_cast<float>(pos) * (cached ? r.inverseFrequencies[i] : inverseFrequency(r, i));
            if (r.freqFactors) theta /= r.freqFactors[i];
            c[j] = std::cos(theta);
            s[j] = std::sin(theta);
        }
        rotatePairs(q, nQHeads, r, i0, n, c, s);
        if (k) rotatePairs(k, nKHeads, r, i0, n, c, s);
    }
}

}  // namespace

RopeParams RopeParams::of(const HyperParams& hp)
{
    RopeParams r{hp.ropeStyle,
                 hp.headDim,
                 hp.ropeDim,
                 hp.ropeFreqBase,
                 hp.ropeFreqFactors.empty() ? nullptr : hp.ropeFreqFactors.data(),
                 {}};
    for (std::size_t i = 0; i < r.ropeDim / 2; ++i) r.inverseFrequencies.push_back(inverseFrequency(r, i));
    return r;
}

void applyRope(float* vec, std::size_t nHeads, const RopeParams& r, std::size_t pos)
{
    rotate(vec, nHeads, nullptr, 0, r, pos);
}

void applyRope(float* q, std::size_t nQHeads, float* k, std::size_t nKHeads, const RopeParams& r, std::size_t pos)
{
    rotate(q, nQHeads, k, nKHeads, r, pos);
}

std::vector<float> llama3RopeFactors(std::size_t ropeDim, float freqBase, float factor, float lowFreqFactor,
                                     float highFreqFactor, float originalContext)
{
    const float pi = 3.14159265358979323846f;
    const float lowFreqWavelen = originalContext / lowFreqFactor;
    const float highFreqWavelen = originalContext / highFreqFactor;
    std::vector<float> out;
    for (std::size_t i = 0; i < ropeDim / 2; ++i) {
        // float32 throughout, as the converter's torch tensors are.
        const float freq = 1.0f / std::pow(freqBase, static_cast<float>(2 * i) / static_cast<float>(ropeDim));
        const float wavelen = 2.0f * pi / freq;
        if (wavelen < highFreqWavelen) {
            out.push_back(1.0f);
        } else if (wavelen > lowFreqWavelen) {
            out.push_back(factor);
        } else {
            const float smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            out.push_back(1.0f / ((1.0f - smooth) / factor + smooth));
        }
    }
    return out;
}

}  // namespace edgert
