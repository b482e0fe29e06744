// Synthetic gpt2-architecture GGUFs (llama.cpp tensor names, the real GPT-2 vocabulary). The LM
// head is tied to the token embedding, as in GPT-2; LayerNorm weights 1 and biases 0, other
// biases small random, position_embd and all vectors F32.
#include "models/gpt2/gpt2.h"

#include "edgert/error.h"
#include "models/common/synth-writer.h"

namespace edgert {

std::vector<SynthShape> gpt2SynthShapes()
{
    // Source: the models' config.json on Hugging Face (openai-community/gpt2, gpt2-medium,
    // gpt2-large, gpt2-xl; distilbert/distilgpt2): n_inner = 4·n_embd, 1024 positions.
    const auto shape = [](const char* name, std::uint32_t dim, std::uint32_t layers, std::uint32_t heads) {
        return SynthShape{.name = name,
                          .arch = Architecture::Gpt2,
                          .dim = dim,
                          .ffnDim = 4 * dim,
                          .nLayers = layers,
                          .nHeads = heads,
                          .nKvHeads = heads,
                          .contextLength = 1024,
                          .tiedEmbeddings = true,
                          .vocabFile = "ggml-vocab-gpt-2.gguf"};
    };
    return {shape("gpt2-124m", 768, 12, 12), shape("gpt2-355m", 1024, 24, 16), shape("gpt2-774m", 1280, 36, 20),
            shape("gpt2-1.5b", 1600, 48, 25), shape("distilgpt2", 768, 6, 12)};
}

void writeGpt2Synthetic(SynthWriter& w)
{
    const SynthShape& s = w.shape();
    if (w.vocab().findString("tokenizer.ggml.model").value_or("") != "gpt2")
        throw UsageError(w.vocab().path() + ": the vocab must be a gpt2 (byte-level BPE) tokenizer for a GPT-2 model");
    if (s.kvHeads() != s.nHeads || s.headSize() * s.nHeads != s.dim)
        throw UsageError("synthetic gpt2 shape: GPT-2 has as many KV heads as heads, of dim / heads each");
    auto& g = w.gguf();
    g.setUInt32("gpt2.context_length", s.contextLength);
    g.setUInt32("gpt2.embedding_length", s.dim);
    g.setUInt32("gpt2.feed_forward_length", s.ffnDim);
    g.setUInt32("gpt2.block_count", s.nLayers);
    g.setUInt32("gpt2.attention.head_count", s.nHeads);
    g.setFloat32("gpt2.attention.layer_norm_epsilon", s.normEps);
    w.copyTokenizer();

    const std::uint64_t dim = s.dim, ffn = s.ffnDim;
    w.matrix("token_embd.weight", dim, w.vocabSize());
    w.randomF32("position_embd.weight", {dim, s.contextLength}, 0.0f, 0.01f);
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w.randomVector(p + "attn_norm.weight", dim, 1.0f, 0.0f);
        w.randomVector(p + "attn_norm.bias", dim, 0.0f, 0.0f);
        w.matrix(p + "attn_qkv.weight", dim, 3 * dim);
        w.randomVector(p + "attn_qkv.bias", 3 * dim, 0.0f, 0.02f);
        w.matrix(p + "attn_output.weight", dim, dim);
        w.randomVector(p + "attn_output.bias", dim, 0.0f, 0.02f);
        w.randomVector(p + "ffn_norm.weight", dim, 1.0f, 0.0f);
        w.randomVector(p + "ffn_norm.bias", dim, 0.0f, 0.0f);
        w.matrix(p + "ffn_up.weight", dim, ffn);
        w.randomVector(p + "ffn_up.bias", ffn, 0.0f, 0.02f);
        w.matrix(p + "ffn_down.weight", ffn, dim);
        w.randomVector(p + "ffn_down.bias", dim, 0.0f, 0.02f);
    }
    w.randomVector("output_norm.weight", dim, 1.0f, 0.0f);
    w.randomVector("output_norm.bias", dim, 0.0f, 0.0f);
}

}  // namespace edgert
