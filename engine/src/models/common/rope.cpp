#include "models/common/rope.h"

#include <cmath>

namespace edgert {

RopeParams RopeParams::of(const HyperParams& hp)
{
    return {hp.ropeStyle, hp.headDim, hp.ropeDim, hp.ropeFreqBase,
            hp.ropeFreqFactors.empty() ? nullptr : hp.ropeFreqFactors.data()};
}

void applyRope(float* vec, std::size_t nHeads, const RopeParams& r, std::size_t pos)
{
    const std::size_t half = r.ropeDim / 2;
    // Pair i's two members: (2i, 2i+1) interleaved, (i, i + ropeDim/2) NeoX.
    const std::size_t stride = r.style == RopeStyle::NeoX ? 1 : 2;
    const std::size_t partner = r.style == RopeStyle::NeoX ? half : 1;
    for (std::size_t i = 0; i < half; ++i) {
        float theta =
            static_cast<float>(pos) * std::pow(r.freqBase, -static_cast<float>(2 * i) / static_cast<float>(r.ropeDim));
        if (r.freqFactors) theta /= r.freqFactors[i];
        const float c = std::cos(theta), s = std::sin(theta);
        for (std::size_t h = 0; h < nHeads; ++h) {
            float* v = vec + h * r.headDim + i * stride;
            const float v0 = v[0], v1 = v[partner];
            v[0] = v0 * c - v1 * s;
            v[partner] = v0 * s + v1 * c;
        }
    }
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
