#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/synth.h"
#include "synth/random-fill.h"

#include <cmath>

namespace edgert {

using synth::constantFill;
using synth::fileTypeOf;
using synth::randomFill;

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
        w.addTensor(name, {cols, rows}, o.type, randomFill(o.type, ++key, 0.0f, 1.0f / std::sqrt(static_cast<float>(cols))));
    };
    const auto norm = [&](const std::string& name) { w.addTensor(name, {dim}, TensorType::F32, constantFill(1.0f)); };

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
