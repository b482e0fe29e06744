// Synthetic llama-architecture GGUFs: the tensors and keys llama.cpp's converter writes for
// LlamaForCausalLM (SmolLM2 and Llama 3.2 included: tied embeddings have no output.weight; Llama 3
// RoPE scaling is written as rope_freqs.weight, as convert_hf_to_gguf.py does).
#include "models/llama/llama.h"

#include "models/common/rope.h"
#include "models/common/synth-writer.h"

namespace edgert {

std::vector<SynthShape> llamaSynthShapes()
{
    // Sources: config.json of HuggingFaceTB/SmolLM2-135M, -360M, -1.7B; meta-llama/Llama-3.2-1B;
    // TinyLlama/TinyLlama-1.1B-Chat-v1.0; meta-llama/Llama-2-7b-hf. Vocab: SmolLM2's own (49152)
    // is not in shared/models/vocab, GPT-2's byte-level BPE (50257) stands in for it.
    SynthShape smol135{.name = "smollm2-135m",
                       .dim = 576,
                       .ffnDim = 1536,
                       .nLayers = 30,
                       .nHeads = 9,
                       .nKvHeads = 3,
                       .contextLength = 8192,
                       .tiedEmbeddings = true,
                       .ropeFreqBase = 100000.0f,
                       .normEps = 1e-5f,
                       .vocabFile = "ggml-vocab-gpt-2.gguf"};
    SynthShape smol360 = smol135;
    smol360.name = "smollm2-360m";
    smol360.dim = 960;
    smol360.ffnDim = 2560;
    smol360.nLayers = 32;
    smol360.nHeads = 15;
    smol360.nKvHeads = 5;
    SynthShape smol17 = smol135;
    smol17.name = "smollm2-1.7b";
    smol17.dim = 2048;
    smol17.ffnDim = 8192;
    smol17.nLayers = 24;
    smol17.nHeads = 32;
    smol17.nKvHeads = 32;
    smol17.ropeFreqBase = 130000.0f;
    const SynthShape llama32{.name = "llama-3.2-1b",
                             .dim = 2048,
                             .ffnDim = 8192,
                             .nLayers = 16,
                             .nHeads = 32,
                             .nKvHeads = 8,
                             .contextLength = 131072,
                             .tiedEmbeddings = true,
                             .ropeFreqBase = 500000.0f,
                             .normEps = 1e-5f,
                             .ropeScalingFactor = 32.0f,
                             .ropeLowFreqFactor = 1.0f,
                             .ropeHighFreqFactor = 4.0f,
                             .ropeOriginalContext = 8192,
                             .vocabFile = "ggml-vocab-llama-bpe.gguf"};
    const SynthShape tiny{.name = "tinyllama-1.1b",
                          .dim = 2048,
                          .ffnDim = 5632,
                          .nLayers = 22,
                          .nHeads = 32,
                          .nKvHeads = 4,
                          .contextLength = 2048};
    const SynthShape llama2{.name = "llama2-7b",
                            .dim = 4096,
                            .ffnDim = 11008,
                            .nLayers = 32,
                            .nHeads = 32,
                            .nKvHeads = 32,
                            .contextLength = 4096};
    return {smol135, smol360, smol17, llama32, tiny, llama2};
}

void writeLlamaSynthetic(SynthWriter& w)
{
    const SynthShape& s = w.shape();
    auto& g = w.gguf();
    w.decoderKeys("llama");
    g.setUInt32("llama.vocab_size", static_cast<std::uint32_t>(w.vocabSize()));
    w.copyTokenizer();

    const std::uint64_t dim = s.dim, ffn = s.ffnDim, hd = s.headSize();
    const std::uint64_t qDim = hd * s.nHeads, kv = hd * s.kvHeads();
    w.matrix("token_embd.weight", dim, w.vocabSize());
    if (s.ropeScalingFactor > 0.0f)
        w.valuesVector("rope_freqs.weight",
                       llama3RopeFactors(hd, s.ropeFreqBase, s.ropeScalingFactor, s.ropeLowFreqFactor,
                                         s.ropeHighFreqFactor, static_cast<float>(s.ropeOriginalContext)));
    for (std::uint32_t l = 0; l < s.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w.constantVector(p + "attn_norm.weight", dim, 1.0f);
        w.matrix(p + "attn_q.weight", dim, qDim);
        w.matrix(p + "attn_k.weight", dim, kv);
        w.matrix(p + "attn_v.weight", dim, kv);
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
