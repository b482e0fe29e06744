#include "edgert/synth.h"

#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "synth/random-fill.h"

#include <cmath>
#include <cstring>

namespace edgert {

using synth::fileTypeOf;
using synth::randomFill;

std::optional<Gpt2SynthShape> knownGpt2SynthShape(const std::string& name)
{
    if (name == "gpt2-124m") return Gpt2SynthShape{name, 768, 3072, 12, 12, 1024};
    if (name == "gpt2-355m") return Gpt2SynthShape{name, 1024, 4096, 24, 16, 1024};
    if (name == "gpt2-774m") return Gpt2SynthShape{name, 1280, 5120, 36, 20, 1024};
    if (name == "gpt2-1.5b") return Gpt2SynthShape{name, 1600, 6400, 48, 25, 1024};
    if (name == "distilgpt2") return Gpt2SynthShape{name, 768, 3072, 6, 12, 1024};
    return std::nullopt;
}

std::vector<std::string> knownGpt2SynthShapeNames()
{
    return {"gpt2-124m", "gpt2-355m", "gpt2-774m", "gpt2-1.5b", "distilgpt2"};
}

std::uint64_t writeSyntheticGpt2(const Gpt2SynthOptions& o, const std::string& outPath)
{
    const auto& s = o.shape;
    const auto fileType = fileTypeOf(o.type);
    if (s.dim == 0 || s.ffnDim == 0 || s.nLayers == 0 || s.nHeads == 0 || s.contextLength == 0)
        throw UsageError("synthetic GPT-2 shape needs positive dim, ffn, layers, heads and context");
    if (s.dim % s.nHeads != 0) throw UsageError("synthetic GPT-2 shape: dim must be a multiple of heads");
    const auto block = traitsOf(o.type).blockElements;
    if (s.dim % block != 0 || s.ffnDim % block != 0)
        throw UsageError("synthetic GPT-2 shape: dim and ffn must be multiples of " + std::to_string(block) + " for " +
                         tensorTypeName(o.type));

    const GgufFile vocab(o.vocabPath);
    if (vocab.findString("tokenizer.ggml.model").value_or("") != "gpt2")
        throw UsageError(o.vocabPath + ": the vocab must be a gpt2 (byte-level BPE) tokenizer for a GPT-2 model");
    const std::uint64_t nVocab = vocab.arrayCount("tokenizer.ggml.tokens");

    GgufWriter w;
    w.setString("general.architecture", "gpt2");
    w.setString("general.name", "synthetic " + s.name + " shape, " + tensorTypeName(o.type) +
                                    ", random weights (edge-rt synth; text is meaningless)");
    w.setUInt32("general.file_type", fileType);
    w.setUInt32("general.quantization_version", 2);
    w.setUInt32("gpt2.context_length", s.contextLength);
    w.setUInt32("gpt2.embedding_length", s.dim);
    w.setUInt32("gpt2.feed_forward_length", s.ffnDim);
    w.setUInt32("gpt2.block_count", s.nLayers);
    w.setUInt32("gpt2.attention.head_count", s.nHeads);
    w.setFloat32("gpt2.attention.layer_norm_epsilon", 1e-5f);
    w.copyMetadata(vocab, [](std::string_view key) { return key.starts_with("tokenizer."); });

    const std::uint64_t dim = s.dim, ffn = s.ffnDim;
    std::uint64_t key = o.seed * 0x100000001b3ull;
    const auto matrix = [&](const std::string& name, std::uint64_t cols, std::uint64_t rows) {
        w.addTensor(name, {cols, rows}, o.type,
                    randomFill(o.type, ++key, 0.0f, 1.0f / std::sqrt(static_cast<float>(cols))));
    };
    const auto vector = [&](const std::string& name, std::uint64_t n, float mean, float stddev) {
        w.addTensor(name, {n}, TensorType::F32, randomFill(TensorType::F32, ++key, mean, stddev));
    };

    matrix("token_embd.weight", dim, nVocab);
    w.addTensor("position_embd.weight", {dim, s.contextLength}, TensorType::F32,
                randomFill(TensorType::F32, ++key, 0.0f, 0.01f));
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        vector(p + "attn_norm.weight", dim, 1.0f, 0.0f);
        vector(p + "attn_norm.bias", dim, 0.0f, 0.0f);
        matrix(p + "attn_qkv.weight", dim, 3 * dim);
        vector(p + "attn_qkv.bias", 3 * dim, 0.0f, 0.02f);
        matrix(p + "attn_output.weight", dim, dim);
        vector(p + "attn_output.bias", dim, 0.0f, 0.02f);
        vector(p + "ffn_norm.weight", dim, 1.0f, 0.0f);
        vector(p + "ffn_norm.bias", dim, 0.0f, 0.0f);
        matrix(p + "ffn_up.weight", dim, ffn);
        vector(p + "ffn_up.bias", ffn, 0.0f, 0.02f);
        matrix(p + "ffn_down.weight", ffn, dim);
        vector(p + "ffn_down.bias", dim, 0.0f, 0.02f);
    }
    vector("output_norm.weight", dim, 1.0f, 0.0f);
    vector("output_norm.bias", dim, 0.0f, 0.0f);
    w.write(outPath);
    return w.fileSizeBytes();
}

}  // namespace edgert
