#include "models/common/random-fill.h"

#include "edgert/error.h"
#include "quant/quantize-row.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace edgert::synth {

namespace {

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

float valueAt(std::uint64_t key, std::uint64_t i, float mean, float amplitude)
{
    const float u = static_cast<float>(splitmix(key ^ (i * 0xd1b54a32d192ed03ull)) >> 40) * (1.0f / 16777216.0f);
    return mean + (2.0f * u - 1.0f) * amplitude;
}

}  // namespace

GgufWriter::Fill randomFill(TensorType type, std::uint64_t key, float mean, float stddev)
{
    const auto traits = traitsOf(type);
    const float amplitude = std::sqrt(3.0f) * stddev;
    return [=](std::uint64_t offset, std::span<std::byte> chunk) {
        // Whole blocks covering [offset, offset + size), generated in parallel, then the asked bytes.
        const std::uint64_t firstBlock = offset / traits.blockBytes;
        const std::uint64_t endBlock = (offset + chunk.size() + traits.blockBytes - 1) / traits.blockBytes;
        const auto nBlocks = static_cast<std::ptrdiff_t>(endBlock - firstBlock);
        std::vector<std::byte> blocks(static_cast<std::size_t>(nBlocks) * traits.blockBytes);
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t b = 0; b < nBlocks; ++b) {
            float values[256];  // the largest block (the K-quants' super-block)
            const std::uint64_t first = (firstBlock + static_cast<std::uint64_t>(b)) * traits.blockElements;
            for (std::uint32_t i = 0; i < traits.blockElements; ++i)
                values[i] = valueAt(key, first + i, mean, amplitude);
            quant::quantiseRow(type, values, traits.blockElements,
                               blocks.data() + static_cast<std::size_t>(b) * traits.blockBytes);
        }
        std::memcpy(chunk.data(), blocks.data() + (offset - firstBlock * traits.blockBytes), chunk.size());
    };
}

GgufWriter::Fill constantFill(float value)
{
    return [value](std::uint64_t offset, std::span<std::byte> chunk) {
        const auto* bytes = reinterpret_cast<const std::byte*>(&value);
        for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = bytes[(offset + i) % sizeof(float)];
    };
}

std::uint32_t fileTypeOf(TensorType t)
{
    // llama.h enum llama_ftype; a pure K-quant file is named by its _S variant, as llama-quantize
    // --pure leaves general.file_type at the requested ftype.
    switch (t) {
        case TensorType::F32: return 0;      // LLAMA_FTYPE_ALL_F32
        case TensorType::F16: return 1;      // LLAMA_FTYPE_MOSTLY_F16
        case TensorType::Q4_0: return 2;     // LLAMA_FTYPE_MOSTLY_Q4_0
        case TensorType::Q4_1: return 3;     // LLAMA_FTYPE_MOSTLY_Q4_1
        case TensorType::Q8_0: return 7;     // LLAMA_FTYPE_MOSTLY_Q8_0
        case TensorType::Q5_0: return 8;     // LLAMA_FTYPE_MOSTLY_Q5_0
        case TensorType::Q5_1: return 9;     // LLAMA_FTYPE_MOSTLY_Q5_1
        case TensorType::Q2_K: return 10;    // LLAMA_FTYPE_MOSTLY_Q2_K
        case TensorType::Q3_K: return 11;    // LLAMA_FTYPE_MOSTLY_Q3_K_S
        case TensorType::Q4_K: return 14;    // LLAMA_FTYPE_MOSTLY_Q4_K_S
        case TensorType::Q5_K: return 16;    // LLAMA_FTYPE_MOSTLY_Q5_K_S
        case TensorType::Q6_K: return 18;    // LLAMA_FTYPE_MOSTLY_Q6_K
        case TensorType::IQ4_NL: return 25;  // LLAMA_FTYPE_MOSTLY_IQ4_NL
        case TensorType::IQ4_XS: return 30;  // LLAMA_FTYPE_MOSTLY_IQ4_XS
        case TensorType::BF16: return 32;    // LLAMA_FTYPE_MOSTLY_BF16
        default:
            throw UsageError("synthetic models can be " + std::string(quant::quantisableTypeNames()) + ", not " +
                             tensorTypeName(t));
    }
}

}  // namespace edgert::synth
