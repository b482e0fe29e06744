// Synthetic qwen2-architecture GGUFs: the tensors and keys llama.cpp's converter writes for
// Qwen2ForCausalLM (Q/K/V biases, tied embeddings in the small Qwen2.5 models).
#include "models/qwen2/qwen2.h"

#include "models/common/synth-writer.h"

namespace edgert {

std::vector<SynthShape> qwen2SynthShapes()
{
    // Sources: config.json of Qwen/Qwen2.5-0.5B-Instruct and Qwen/Qwen2.5-1.5B-Instruct
    // (rope_theta 1e6, rms_norm_eps 1e-6, tie_word_embeddings true, max_position_embeddings 32768).
    const SynthShape small{.name = "qwen2.5-0.5b",
                           .arch = Architecture::Qwen2,
                           .dim = 896,
                           .ffnDim = 4864,
                           .nLayers = 24,
                           .nHeads = 14,
                           .nKvHeads = 2,
                           .contextLength = 32768,
                           .tiedEmbeddings = true,
                           .ropeFreqBase = 1000000.0f,
                           .normEps = 1e-6f,
                           .vocabFile = "ggml-vocab-qwen2.gguf"};
    SynthShape medium = small;
    medium.name = "qwen2.5-1.5b";
    medium.dim = 1536;
    medium.ffnDim = 8960;
    medium.nLayers = 28;
    medium.nHeads = 12;
    medium.nKvHeads = 2;
    return {small, medium};
}

void writeQwen2Synthetic(SynthWriter& w)
{
    const SynthShape& s = w.shape();
    w.decoderKeys("qwen2");
    w.copyTokenizer();
    const std::uint64_t dim = s.dim, ffn = s.ffnDim, hd = s.headSize();
    const std::uint64_t qDim = hd * s.nHeads, kv = hd * s.kvHeads();
    w.matrix("token_embd.weight", dim, w.vocabSize());
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w.constantVector(p + "attn_norm.weight", dim, 1.0f);
        w.matrix(p + "attn_q.weight", dim, qDim);
        w.randomVector(p + "attn_q.bias", qDim, 0.0f, 0.02f);
        w.matrix(p + "attn_k.weight", dim, kv);
        w.randomVector(p + "attn_k.bias", kv, 0.0f, 0.02f);
        w.matrix(p + "attn_v.weight", dim, kv);
        w.randomVector(p + "attn_v.bias", kv, 0.0f, 0.02f);
        w.matrix(p + "attn_output.weight", qDim, dim);
        w.constantVector(p + "ffn_norm.weight", dim, 1.0f);
        w.matrix(p + "ffn_gate.weight", dim, ffn);
        w.matrix(p + "ffn_up.weight", dim, ffn);
        w.matrix(p + "ffn_down.weight", ffn, dim);
    }
    w.constantVector("output_norm.weight", dim, 1.0f);
    if (!s.tiedEmbeddings) w.matrix("output.weight", dim, w.vocabSize());
}

}  // namespace edgert
