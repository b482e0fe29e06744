// Scalar twins of the prefill GEMM kernels (kernels/gemm-panels.h): the same panels, the same
// integer dots and the same float operations in the same order as the AVX2 and NEON versions,
// so those must match these bit for bit. Against the rows kernels (arch/generic) they differ
// only by the fused multiply-add of the per-block scale product (tests: within 1e-5).
#include "kernels/gemm-panels.h"

#include <cmath>

namespace edgert::kernels {

namespace {

// Every token t through one 8-row panel of kn blocks: y[t * yStride + r] for r < nRows.
void block32PanelReference(const PanelBlock32* panel, std::size_t kn, const ActivationBlock* x, std::size_t xStride,
                           std::size_t nTokens, float* y, std::size_t yStride, std::size_t nRows, bool first)
{
    for (std::size_t t = 0; t < nTokens; ++t) {
        const ActivationBlock* xt = x + t * xStride;
        float* yt = y + t * yStride;
        for (std::size_t r = 0; r < nRows; ++r) {
            float acc = first ? 0.0f : yt[r];
            for (std::size_t b = 0; b < kn; ++b) {
                std::int32_t dot = 0;
                for (std::size_t s = 0; s < 8; ++s)
                    for (std::size_t i = 0; i < 4; ++i) dot += panel[b].q[s][r][i] * xt[b].qs[4 * s + i];
                acc = std::fma(panel[b].d[r] * xt[b].d, static_cast<float>(dot), acc);
            }
            yt[r] = acc;
        }
    }
}

template <typename Block>
void block32GemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                          std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    gemmPanels<PanelBlock32, kPanelChunkBlocks32>(
        r0, r1, nBlocks,
        [&](std::size_t p0, std::size_t nRows, std::size_t k0, std::size_t kn, PanelBlock32* panel) {
            packPanelBlock32<Block>(w, rowBytes, p0, nRows, k0, kn, panel);
        },
        [&](const PanelBlock32* panel, std::size_t kn, std::size_t k0, std::size_t p0, std::size_t nRows, bool first) {
            block32PanelReference(panel, kn, x + k0, nBlocks, nTokens, y + p0, yStride, nRows, first);
        });
}

}  // namespace

void q8_0GemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                       std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    block32GemmReference<BlockQ8_0>(w, rowBytes, r0, r1, x, nTokens, nBlocks, y, yStride);
}

void q4_0GemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const ActivationBlock* x,
                       std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    block32GemmReference<BlockQ4_0>(w, rowBytes, r0, r1, x, nTokens, nBlocks, y, yStride);
}

void q4_kGemmReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const BlockQ8_K* x,
                       std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    gemmPanels<PanelQ4K, kPanelChunkSuper>(
        r0, r1, nBlocks,
        [&](std::size_t p0, std::size_t nRows, std::size_t k0, std::size_t kn, PanelQ4K* panel) {
            packPanelQ4K(w, rowBytes, p0, nRows, k0, kn, panel);
        },
        [&](const PanelQ4K* panel, std::size_t kn, std::size_t k0, std::size_t p0, std::size_t nRows, bool first) {
            for (std::size_t t = 0; t < nTokens; ++t) {
                const BlockQ8_K* xt = x + t * nBlocks + k0;
                float* yt = y + t * yStride + p0;
                for (std::size_t r = 0; r < nRows; ++r) {
                    float acc = first ? 0.0f : yt[r];
                    for (std::size_t b = 0; b < kn; ++b) {
                        const PanelQ4K& p = panel[b];
                        std::int32_t dot = 0, mins = 0;
                        for (std::size_t j = 0; j < 8; ++j) {
                            std::int32_t sub = 0;
                            for (std::size_t s = 0; s < 8; ++s)
                                for (std::size_t i = 0; i < 4; ++i)
                                    sub += p.q[j][s][r][i] * xt[b].qs[32 * j + 4 * s + i];
                            dot += p.scale[j][r][0] * sub;
                            mins += p.min[j][r][0] * (xt[b].bsums[2 * j] + xt[b].bsums[2 * j + 1]);
                        }
                        acc = std::fma(p.d[r] * xt[b].d, static_cast<float>(dot), acc);
                        acc = std::fma(-(p.dmin[r] * xt[b].d), static_cast<float>(mins), acc);
                    }
                    yt[r] = acc;
                }
            }
        });
}

}  // namespace edgert::kernels
