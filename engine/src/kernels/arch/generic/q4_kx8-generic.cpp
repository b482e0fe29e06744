// The scalar reference of the Q4_Kx8 rows kernel (kernels/q4_k-interleaved.h): the definition
// whose bits the AVX2 and NEON twins reproduce, and q4_kGemmReference's on the file layout.
#include "kernels/q4_k-interleaved.h"

#include <cmath>

namespace edgert::kernels {

void q4_kx8RowsReference(const void* w, std::size_t rowBytes, std::size_t r0, std::size_t r1, const BlockQ8_K* x,
                         std::size_t nTokens, std::size_t nBlocks, float* y, std::size_t yStride)
{
    for (std::size_t g = r0; g < r1; g += kInterleavedRows) {
        const BlockQ4_Kx8* group = q4_kx8Group(w, rowBytes, g);
        for (std::size_t t = 0; t < nTokens; ++t) {
            const BlockQ8_K* xt = x + t * nBlocks;
            for (std::size_t k = 0; k < kInterleavedRows; ++k) {
                float acc = 0.0f;
                for (std::size_t b = 0; b < nBlocks; ++b) {
                    const BlockQ4_Kx8& wb = group[b];
                    std::int32_t dot = 0, mins = 0;
                    for (std::size_t j = 0; j < 8; ++j) {
                        // Sub-block j: nibble half j % 2 of chunk j / 2.
                        std::int32_t sub = 0;
                        for (std::size_t s = 0; s < 8; ++s)
                            for (std::size_t i = 0; i < 4; ++i) {
                                const int q = wb.qs[j / 2][s][k][i];
                                sub += (j % 2 == 0 ? q & 0x0f : q >> 4) * xt[b].qs[32 * j + 4 * s + i];
                            }
                        int sc = 0, m = 0;
                        q4_kx8ScaleMin(wb, j, k, sc, m);
                        dot += sc * sub;
                        mins += m * (xt[b].bsums[2 * j] + xt[b].bsums[2 * j + 1]);
                    }
                    acc = std::fma(fp16ToFp32(wb.d[k]) * xt[b].d, static_cast<float>(dot), acc);
                    acc = std::fma(-(fp16ToFp32(wb.dmin[k]) * xt[b].d), static_cast<float>(mins), acc);
                }
                y[t * yStride + g + k] = acc;
            }
        }
    }
}

}  // namespace edgert::kernels
