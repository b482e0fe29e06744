// Synthetic phi3-architecture GGUFs: the tensors and keys convert_hf_to_gguf.py (Phi3MiniModel)
// writes for a 4k-context Phi-3: fused attn_qkv and ffn_up (gate rows, then up rows), untied
// output.weight, rope.scaling.original_context_length, attention.sliding_window.
#include "models/phi3/phi3.h"

#include "models/common/synth-writer.h"

namespace edgert {

std::vector<SynthShape> phi3SynthShapes()
{
    // Source: config.json of microsoft/Phi-3.5-mini-instruct (hidden 3072, intermediate 8192,
    // 32 layers, 32 heads = KV heads, rms_norm_eps 1e-5, rope_theta 10000, vocab 32064,
    // original_max_position_embeddings 4096). Its LongRoPE factors (128k context) are not written:
    // the file is the 4096-position model, the window that of Phi-3-mini-4k (2047). Vocab: the
    // llama-spm one (32000, Phi-3's base vocabulary) stands in for Phi-3's 32064.
    return {SynthShape{.name = "phi-3.5-mini",
                       .arch = Architecture::Phi3,
                       .dim = 3072,
                       .ffnDim = 8192,
                       .nLayers = 32,
                       .nHeads = 32,
                       .nKvHeads = 32,
                       .contextLength = 4096,
                       .tiedEmbeddings = false,
                       .ropeFreqBase = 10000.0f,
                       .normEps = 1e-5f,
                       .slidingWindow = 2047,
                       .vocabFile = "ggml-vocab-llama-spm.gguf"}};
}

void writePhi3Synthetic(SynthWriter& w)
{
    const SynthShape& s = w.shape();
    auto& g = w.gguf();
    w.decoderKeys("phi3");
    g.setUInt32("phi3.rope.scaling.original_context_length", s.contextLength);
    g.setUInt32("phi3.attention.sliding_window", s.slidingWindow ? s.slidingWindow : s.contextLength);
    w.copyTokenizer();

    const std::uint64_t dim = s.dim, ffn = s.ffnDim, hd = s.headSize();
    const std::uint64_t qDim = hd * s.nHeads, kv = hd * s.kvHeads();
    w.matrix("token_embd.weight", dim, w.vocabSize());
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w.constantVector(p + "attn_norm.weight", dim, 1.0f);
        w.matrix(p + "attn_qkv.weight", dim, qDim + 2 * kv);
        w.matrix(p + "attn_output.weight", qDim, dim);
        w.constantVector(p + "ffn_norm.weight", dim, 1.0f);
        w.matrix(p + "ffn_up.weight", dim, 2 * ffn);
        w.matrix(p + "ffn_down.weight", ffn, dim);
    }
    w.constantVector("output_norm.weight", dim, 1.0f);
    w.matrix("output.weight", dim, w.vocabSize());
}

}  // namespace edgert
