// The Gemma 2 architecture's graph (GGUF, llama.cpp's gemma2 names and keys): Llama-like blocks
// with two extra RMSNorms (post_attention_norm after the attention output, post_ffw_norm after the
// FFN), a GeGLU FFN, a head size from attention.key_length that need not be dim / heads, NeoX RoPE
// (no rope keys: freq_base 10000, all of the head rotated), attention and final logit soft-capping,
// a sliding window on even layers, and an LM head tied to the token embedding.
// The norm weights are stored as the converter writes them (HF weight + 1), used as they are.
#include "models/gemma2/gemma2.h"

#include "edgert/error.h"
#include "graph/decoder-graph.h"

#include <cmath>

namespace edgert {

namespace {

float positiveFloat(const GgufFile& f, Problems& problems, const std::string& key, double fallback)
{
    try {
        const double v = f.findFloat(key).value_or(fallback);
        if (!(v >= 0.0) || !(v < 1e30))
            problems.add("hyper-parameter '" + key + "' = " + std::to_string(v) + " is out of range");
        return static_cast<float>(v);
    } catch (const FormatError& e) {
        problems.add(e.what());
        return 0.0f;
    }
}

GraphParts fromGguf(const GgufFile& f)
{
    Problems problems(f.path());
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Gemma2;
    hp.ropeStyle = RopeStyle::NeoX;
    readGgufDecoderHparams(f, "gemma2", problems, hp);
    // llama.cpp's defaults when the keys are absent: Gemma 2's own values.
    hp.attnLogitSoftcap = positiveFloat(f, problems, "gemma2.attn_logit_softcapping", 50.0);
    hp.finalLogitSoftcap = positiveFloat(f, problems, "gemma2.final_logit_softcapping", 30.0);
    hp.slidingWindow = ggufPositive(f, problems, "gemma2.attention.sliding_window", 4096);
    hp.slidingWindowPeriod = 2;  // even layers use the window, odd layers see the whole context
    // Gemma 2 2B and 9B scale q by 1/sqrt(head size); 27B (46 layers) by 1/sqrt(dim / heads)
    // (HF query_pre_attn_scalar; llama.cpp tells them apart by the layer count, as here).
    if (hp.nLayers == 46) hp.attentionScale = 1.0f / std::sqrt(static_cast<float>(hp.dim / hp.nHeads));

    const TensorTable table(f);
    GraphBuilder b(table, problems);
    readGgufTokenEmbedding(f, b, g);
    const auto dim = std::uint64_t{hp.dim}, ffn = std::uint64_t{hp.ffnDim};
    const auto qDim = std::uint64_t{hp.qDim()}, kvDim = std::uint64_t{hp.kvDim()};
    g.layers.resize(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        auto& layer = g.layers[l];
        const auto name = [&](TensorRole role) { return p + tensorRoleName(role); };
        const auto matrix = [&](TensorRole role, std::uint64_t cols, std::uint64_t rows) {
            setRole(layer, role, b.matrix(name(role), cols, rows));
        };
        const auto vector = [&](TensorRole role, std::uint64_t n) { setRole(layer, role, b.vector(name(role), n)); };
        vector(TensorRole::AttnNorm, dim);
        matrix(TensorRole::AttnQ, dim, qDim);
        matrix(TensorRole::AttnK, dim, kvDim);
        matrix(TensorRole::AttnV, dim, kvDim);
        matrix(TensorRole::AttnOutput, qDim, dim);
        vector(TensorRole::AttnPostNorm, dim);
        vector(TensorRole::FfnNorm, dim);
        matrix(TensorRole::FfnGate, dim, ffn);
        matrix(TensorRole::FfnUp, dim, ffn);
        matrix(TensorRole::FfnDown, ffn, dim);
        vector(TensorRole::FfnPostNorm, dim);
    }
    readGgufHead(f, b, g);
    problems.throwIfAny();
    return g;
}

}  // namespace

GraphParts buildGemma2Graph(const ModelFiles& files)
{
    if (files.format != ModelFormat::Gguf)
        throw ValidationError(files.directory + ": Gemma 2 is supported from GGUF files only");
    return fromGguf(*files.gguf);
}

}  // namespace edgert
