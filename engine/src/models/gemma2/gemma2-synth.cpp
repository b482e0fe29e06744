// Synthetic gemma2-architecture GGUFs: the tensors and keys llama.cpp's converter (Gemma2Model)
// writes — per block attn_norm, attn_q/k/v, attn_output, post_attention_norm, ffn_norm, ffn_gate,
// ffn_up, ffn_down, post_ffw_norm; attention.key_length/value_length; the two soft-caps and the
// sliding window; tied embeddings (no output.weight); no rope keys.
#include "models/gemma2/gemma2.h"

#include "models/common/synth-writer.h"

namespace edgert {

std::vector<SynthShape> gemma2SynthShapes()
{
    // Source: config.json of google/gemma-2-2b-it (hidden 2304, intermediate 9216, 26 layers,
    // 8 heads, 4 KV heads, head_dim 256, sliding_window 4096, attn_logit_softcapping 50,
    // final_logit_softcapping 30, rms_norm_eps 1e-6, 8192 positions). Gemma's vocabulary (256000)
    // is not in shared/models/vocab; the llama-spm one (32000) stands in for it.
    return {SynthShape{.name = "gemma-2-2b",
                       .arch = Architecture::Gemma2,
                       .dim = 2304,
                       .ffnDim = 9216,
                       .nLayers = 26,
                       .nHeads = 8,
                       .nKvHeads = 4,
                       .headDim = 256,
                       .contextLength = 8192,
                       .tiedEmbeddings = true,
                       .normEps = 1e-6f,
                       .attnLogitSoftcap = 50.0f,
                       .finalLogitSoftcap = 30.0f,
                       .slidingWindow = 4096,
                       .vocabFile = "ggml-vocab-llama-spm.gguf"}};
}

void writeGemma2Synthetic(SynthWriter& w)
{
    const SynthShape& s = w.shape();
    auto& g = w.gguf();
    g.setUInt32("gemma2.context_length", s.contextLength);
    g.setUInt32("gemma2.embedding_length", s.dim);
    g.setUInt32("gemma2.feed_forward_length", s.ffnDim);
    g.setUInt32("gemma2.block_count", s.nLayers);
    g.setUInt32("gemma2.attention.head_count", s.nHeads);
    g.setUInt32("gemma2.attention.head_count_kv", s.kvHeads());
    g.setUInt32("gemma2.attention.key_length", s.headSize());
    g.setUInt32("gemma2.attention.value_length", s.headSize());
    g.setFloat32("gemma2.attention.layer_norm_rms_epsilon", s.normEps);
    g.setFloat32("gemma2.attn_logit_softcapping", s.attnLogitSoftcap > 0 ? s.attnLogitSoftcap : 50.0f);
    g.setFloat32("gemma2.final_logit_softcapping", s.finalLogitSoftcap > 0 ? s.finalLogitSoftcap : 30.0f);
    g.setUInt32("gemma2.attention.sliding_window", s.slidingWindow ? s.slidingWindow : 4096);
    w.copyTokenizer();

    const std::uint64_t dim = s.dim, ffn = s.ffnDim, hd = s.headSize();
    const std::uint64_t qDim = hd * s.nHeads, kv = hd * s.kvHeads();
    w.matrix("token_embd.weight", dim, w.vocabSize());
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w.constantVector(p + "attn_norm.weight", dim, 1.0f);
        w.matrix(p + "attn_q.weight", dim, qDim);
        w.matrix(p + "attn_k.weight", dim, kv);
        w.matrix(p + "attn_v.weight", dim, kv);
        w.matrix(p + "attn_output.weight", qDim, dim);
        w.constantVector(p + "post_attention_norm.weight", dim, 1.0f);
        w.constantVector(p + "ffn_norm.weight", dim, 1.0f);
        w.matrix(p + "ffn_gate.weight", dim, ffn);
        w.matrix(p + "ffn_up.weight", dim, ffn);
        w.matrix(p + "ffn_down.weight", ffn, dim);
        w.constantVector(p + "post_ffw_norm.weight", dim, 1.0f);
    }
    w.constantVector("output_norm.weight", dim, 1.0f);
}

}  // namespace edgert
