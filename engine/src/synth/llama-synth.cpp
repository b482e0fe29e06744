#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/synth.h"
#include "kernels/quantize.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace edgert {

namespace {

// splitmix64 (Steele et al. 2014): a counter-based generator, so any element can be produced
// independently — the writer asks for arbitrary byte ranges, filled in parallel.
std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Uniform in [-a, a] with a = sqrt(3) * stddev, for element `i` of the tensor keyed `key`.
float randomValue(std::uint64_t key, std::uint64_t i, float amplitude)
{
    const std::uint64_t r = splitmix(key ^ (i * 0xd1b54a32d192ed03ull));
    const float u = static_cast<float>(r >> 40) * (1.0f / 16777216.0f);  // [0, 1)
    return (2.0f * u - 1.0f) * amplitude;
}

GgufWriter::Fill randomFill(TensorType type, std::uint64_t key, float stddev)
{
    const auto traits = traitsOf(type);
    const float amplitude = std::sqrt(3.0f) * stddev;
    return [=](std::uint64_t offset, std::span<std::byte> chunk) {
        // Produce whole blocks covering [offset, offset + size), then copy the asked bytes.
        const std::uint64_t firstBlock = offset / traits.blockBytes;
        const std::uint64_t endBlock = (offset + chunk.size() + traits.blockBytes - 1) / traits.blockBytes;
        const auto nBlocks = static_cast<std::ptrdiff_t>(endBlock - firstBlock);
        std::vector<std::byte> blocks(static_cast<std::size_t>(nBlocks) * traits.blockBytes);
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t b = 0; b < nBlocks; ++b) {
            float values[32];
            const std::uint64_t first = (firstBlock + static_cast<std::uint64_t>(b)) * traits.blockElements;
            for (std::uint32_t i = 0; i < traits.blockElements; ++i) values[i] = randomValue(key, first + i, amplitude);
            kernels::quantizeRow(type, values, blocks.data() + static_cast<std::size_t>(b) * traits.blockBytes,
                                 traits.blockElements);
        }
        std::memcpy(chunk.data(), blocks.data() + (offset - firstBlock * traits.blockBytes), chunk.size());
    };
}

GgufWriter::Fill onesFill()
{
    return [](std::uint64_t offset, std::span<std::byte> chunk) {
        const float one = 1.0f;
        for (std::size_t i = 0; i < chunk.size(); ++i)
            chunk[i] = reinterpret_cast<const std::byte*>(&one)[(offset + i) % sizeof(float)];
    };
}

std::uint32_t fileTypeOf(TensorType t)
{
    switch (t) {
    case TensorType::F32: return 0;   // LLAMA_FTYPE_ALL_F32
    case TensorType::F16: return 1;   // LLAMA_FTYPE_MOSTLY_F16
    case TensorType::Q4_0: return 2;  // LLAMA_FTYPE_MOSTLY_Q4_0
    case TensorType::Q8_0: return 7;  // LLAMA_FTYPE_MOSTLY_Q8_0
    default: throw UsageError("synthetic models can be f32, f16, q8_0 or q4_0, not " + tensorTypeName(t));
    }
}

}  // namespace

std::optional<SynthShape> knownSynthShape(const std::string& name)
{
    if (name == "smollm2-135m") return SynthShape{name, 576, 1536, 30, 9, 3, 2048, true};
    if (name == "tinyllama-1.1b") return SynthShape{name, 2048, 5632, 22, 32, 4, 2048, false};
    if (name == "llama2-7b") return SynthShape{name, 4096, 11008, 32, 32, 32, 4096, false};
    return std::nullopt;
}

std::vector<std::string> knownSynthShapeNames() { return {"smollm2-135m", "tinyllama-1.1b", "llama2-7b"}; }

std::uint64_t writeSyntheticLlama(const SynthOptions& o, const std::string& outPath)
{
    const auto& s = o.shape;
    const auto fileType = fileTypeOf(o.type);
    if (s.dim == 0 || s.ffnDim == 0 || s.nLayers == 0 || s.nHeads == 0 || s.nKvHeads == 0)
        throw UsageError("synthetic shape needs positive dim, ffn, layers, heads and KV heads");
    if (s.dim % s.nHeads != 0 || s.nHeads % s.nKvHeads != 0)
        throw UsageError("synthetic shape: dim must be a multiple of heads, and heads a multiple of KV heads");
    const auto block = traitsOf(o.type).blockElements;
    if (s.dim % block != 0 || s.ffnDim % block != 0 || (s.dim / s.nHeads * s.nKvHeads) % block != 0)
        throw UsageError("synthetic shape: dim, ffn and KV width must be multiples of " + std::to_string(block) +
                         " for " + tensorTypeName(o.type));
    if ((s.dim / s.nHeads) % 2 != 0) throw UsageError("synthetic shape: head size must be even for RoPE");

    const GgufFile vocab(o.vocabPath);
    if (vocab.findString("tokenizer.ggml.model").value_or("") != "llama")
        throw UsageError(o.vocabPath + ": the vocab must be a llama (SentencePiece) tokenizer for a llama-shaped model");
    const auto nVocab = vocab.arrayCount("tokenizer.ggml.tokens");

    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.setString("general.name", "synthetic " + s.name + " shape, " + tensorTypeName(o.type) +
                                    ", random weights (edge-rt synth; text is meaningless)");
    w.setUInt32("general.file_type", fileType);
    w.setUInt32("general.quantization_version", 2);
    w.setUInt32("llama.context_length", s.contextLength);
    w.setUInt32("llama.embedding_length", s.dim);
    w.setUInt32("llama.feed_forward_length", s.ffnDim);
    w.setUInt32("llama.block_count", s.nLayers);
    w.setUInt32("llama.attention.head_count", s.nHeads);
    w.setUInt32("llama.attention.head_count_kv", s.nKvHeads);
    w.setUInt32("llama.rope.dimension_count", s.dim / s.nHeads);
    w.setFloat32("llama.rope.freq_base", 10000.0f);
    w.setFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.setUInt32("llama.vocab_size", static_cast<std::uint32_t>(nVocab));
    w.copyMetadata(vocab, [](std::string_view key) { return key.starts_with("tokenizer."); });

    const std::uint64_t dim = s.dim, ffn = s.ffnDim, kv = s.dim / s.nHeads * s.nKvHeads;
    std::uint64_t key = o.seed * 0x100000001b3ull;
    const auto matrix = [&](const std::string& name, std::uint64_t cols, std::uint64_t rows) {
        w.addTensor(name, {cols, rows}, o.type, randomFill(o.type, ++key, 1.0f / std::sqrt(static_cast<float>(cols))));
    };
    const auto norm = [&](const std::string& name) { w.addTensor(name, {dim}, TensorType::F32, onesFill()); };

    matrix("token_embd.weight", dim, nVocab);
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        norm(p + "attn_norm.weight");
        matrix(p + "attn_q.weight", dim, dim);
        matrix(p + "attn_k.weight", dim, kv);
        matrix(p + "attn_v.weight", dim, kv);
        matrix(p + "attn_output.weight", dim, dim);
        norm(p + "ffn_norm.weight");
        matrix(p + "ffn_gate.weight", dim, ffn);
        matrix(p + "ffn_up.weight", dim, ffn);
        matrix(p + "ffn_down.weight", ffn, dim);
    }
    norm("output_norm.weight");
    if (!s.tiedEmbeddings) matrix("output.weight", dim, nVocab);
    w.write(outPath);
    return w.fileSizeBytes();
}

}  // namespace edgert
