#include "graph/tensor-transform.h"

#include "edgert/error.h"
#include "kernels/fp16.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>
#include <vector>

namespace edgert {

namespace {

// Square (n, n) transposition of `T` elements in place, in tiles so both sides stay in cache.
template <typename T>
void transposeSquare(T* a, std::size_t n)
{
    constexpr std::size_t kTile = 32;
    for (std::size_t i0 = 0; i0 < n; i0 += kTile)
        for (std::size_t j0 = i0; j0 < n; j0 += kTile)
            for (std::size_t i = i0; i < std::min(i0 + kTile, n); ++i)
                for (std::size_t j = std::max(j0, i + 1); j < std::min(j0 + kTile, n); ++j)
                    std::swap(a[i * n + j], a[j * n + i]);
}

void transposeSquareBytes(std::byte* data, std::size_t n, std::size_t elementBytes)
{
    switch (elementBytes) {
        case 1: transposeSquare(reinterpret_cast<std::uint8_t*>(data), n); return;
        case 2: transposeSquare(reinterpret_cast<std::uint16_t*>(data), n); return;
        case 4: transposeSquare(reinterpret_cast<std::uint32_t*>(data), n); return;
        case 8: transposeSquare(reinterpret_cast<std::uint64_t*>(data), n); return;
        default: break;
    }
    std::vector<std::byte> tmp(elementBytes);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            std::byte* x = data + (i * n + j) * elementBytes;
            std::byte* y = data + (j * n + i) * elementBytes;
            std::memcpy(tmp.data(), x, elementBytes);
            std::memcpy(x, y, elementBytes);
            std::memcpy(y, tmp.data(), elementBytes);
        }
}

void widenToF32(std::byte* dst, const TensorRef& t)
{
    const std::size_t n = t.sizeBytes / sizeof(float);
    const std::byte* src = dst + (t.sizeBytes - t.fileBytes());
    // Ascending: writing dst[i] (bytes 4i..4i+3) never reaches src[j] for j > i
    // (bytes 2n+2j..), and src[i] is read before dst[i] is written.
    for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        const float v =
            t.storedType == TensorType::BF16 ? std::bit_cast<float>(std::uint32_t{h} << 16) : kernels::fp16ToFp32(h);
        std::memcpy(dst + 4 * i, &v, 4);
    }
}

}  // namespace

void transposeChunksInPlace(std::byte* data, std::size_t rows, std::size_t cols, std::size_t chunkBytes)
{
    if (rows <= 1 || cols <= 1) return;  // the layout is already the transposed one
    const std::size_t n = rows * cols;
    std::vector<bool> done(n, false);
    std::vector<std::byte> held(chunkBytes);
    // Destination index q = c * rows + r receives the chunk from source index p = r * cols + c.
    const auto sourceOf = [&](std::size_t q) { return (q % rows) * cols + q / rows; };
    for (std::size_t start = 1; start + 1 < n; ++start) {
        if (done[start]) continue;
        std::memcpy(held.data(), data + start * chunkBytes, chunkBytes);
        std::size_t cur = start;
        for (;;) {
            done[cur] = true;
            const std::size_t src = sourceOf(cur);
            if (src == start) {
                std::memcpy(data + cur * chunkBytes, held.data(), chunkBytes);
                break;
            }
            std::memcpy(data + cur * chunkBytes, data + src * chunkBytes, chunkBytes);
            cur = src;
        }
    }
}

void transposeInPlace(std::byte* data, std::size_t rows, std::size_t cols, std::size_t elementBytes)
{
    if (rows <= 1 || cols <= 1) return;
    const std::size_t g = std::gcd(rows, cols);
    const std::size_t a = rows / g, b = cols / g, chunk = g * elementBytes;
    // 1. Each band of g rows, [g][b][g], becomes [b][g][g]: its g×g blocks turn contiguous.
    for (std::size_t i = 0; i < a; ++i) transposeChunksInPlace(data + i * g * cols * elementBytes, g, b, chunk);
    // 2. Transpose every g×g block: [a][b][g(r)][g(c)] -> [a][b][g(c)][g(r)].
    for (std::size_t k = 0; k < a * b; ++k) transposeSquareBytes(data + k * g * chunk, g, elementBytes);
    // 3. [a][b·g][g] -> [b·g][a][g]: row c of block column j lands at output row j·g + c.
    transposeChunksInPlace(data, a, b * g, chunk);
}

void applyLoadTransform(const TensorRef& t, std::byte* dst)
{
    switch (t.transform) {
        case LoadTransform::None: return;
        case LoadTransform::Transpose: {
            const std::size_t element = traitsOf(t.type).blockBytes;
            // The file holds (cols, rows): `cols` rows of `rows` values.
            transposeInPlace(dst, static_cast<std::size_t>(t.cols()), static_cast<std::size_t>(t.rows()), element);
            return;
        }
        case LoadTransform::RopeHalvesToPairs: {
            const std::size_t rowBytes = edgert::rowBytes(t.type, t.cols());
            const std::size_t headRows = static_cast<std::size_t>(t.rows()) / t.transformGroups;
            for (std::size_t h = 0; h < t.transformGroups; ++h)
                transposeChunksInPlace(dst + h * headRows * rowBytes, 2, headRows / 2, rowBytes);
            return;
        }
        case LoadTransform::WidenToF32: widenToF32(dst, t); return;
    }
}

std::uint64_t readTensor(const TensorRef& t, std::byte* dst)
{
    const std::uint64_t stored = t.fileBytes();
    t.file->readAt(t.fileOffset, dst + (t.sizeBytes - stored), static_cast<std::size_t>(stored));
    applyLoadTransform(t, dst);
    return stored;
}

}  // namespace edgert
