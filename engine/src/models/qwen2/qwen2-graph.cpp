// The Qwen2 / Qwen2.5 architecture's graph: Llama's tensors plus biases on the Q, K and V
// projections, NeoX (rotate-half) RoPE, rope.freq_base 1e6 in the released models, usually tied
// embeddings. GGUF: llama.cpp's qwen2 names (blk.N.attn_q.bias, ...). HF Qwen2ForCausalLM: the
// Llama layout with self_attn.{q,k,v}_proj.bias; its q/k rows are already in rotate-half order,
// which NeoX RoPE uses as they are (llama.cpp's converter does not permute them either).
#include "models/qwen2/qwen2.h"

#include "edgert/error.h"
#include "graph/decoder-graph.h"

namespace edgert {

namespace {

GraphParts fromGguf(const GgufFile& f)
{
    Problems problems(f.path());
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Qwen2;
    hp.ropeStyle = RopeStyle::NeoX;
    readGgufDecoderHparams(f, "qwen2", problems, hp);

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
        vector(TensorRole::AttnQBias, qDim);
        matrix(TensorRole::AttnK, dim, kvDim);
        vector(TensorRole::AttnKBias, kvDim);
        matrix(TensorRole::AttnV, dim, kvDim);
        vector(TensorRole::AttnVBias, kvDim);
        matrix(TensorRole::AttnOutput, qDim, dim);
        vector(TensorRole::FfnNorm, dim);
        matrix(TensorRole::FfnGate, dim, ffn);
        matrix(TensorRole::FfnUp, dim, ffn);
        matrix(TensorRole::FfnDown, ffn, dim);
    }
    readGgufHead(f, b, g);
    problems.throwIfAny();
    return g;
}

}  // namespace

GraphParts buildQwen2Graph(const ModelFiles& files)
{
    if (files.format == ModelFormat::Gguf) return fromGguf(*files.gguf);
    // Qwen2Config: tie_word_embeddings false and rms_norm_eps 1e-6 by default.
    return buildHfDecoderGraph(files, {.arch = Architecture::Qwen2,
                                       .permuteRope = false,
                                       .qkvBias = true,
                                       .tieDefault = false,
                                       .normEpsDefault = 1e-6});
}

}  // namespace edgert
