// The Phi-3 architecture's graph (GGUF, llama.cpp's phi3 names and keys, as convert_hf_to_gguf.py's
// Phi3MiniModel writes them): a fused attn_qkv (q, k, v output rows stacked), a fused ffn_up
// holding the gate rows then the up rows (HF gate_up_proj), NeoX RoPE, a sliding window on every
// layer (attention.sliding_window), an untied output.weight.
#include "models/phi3/phi3.h"

#include "edgert/error.h"
#include "graph/decoder-graph.h"

namespace edgert {

namespace {

GraphParts fromGguf(const GgufFile& f)
{
    Problems problems(f.path());
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Phi3;
    hp.ropeStyle = RopeStyle::NeoX;
    readGgufDecoderHparams(f, "phi3", problems, hp);
    if (f.has("phi3.attention.sliding_window")) {
        hp.slidingWindow = ggufPositive(f, problems, "phi3.attention.sliding_window");
        hp.slidingWindowPeriod = 1;  // every layer
    }
    for (const char* factors : {"rope_factors_long.weight", "rope_factors_short.weight"})
        if (f.findTensor(factors))
            problems.add(std::string("tensor '") + factors +
                         "': LongRoPE scaling (Phi-3 128k / Phi-3.5 files) is not supported");

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
        if (l == 0 && !f.findTensor(name(TensorRole::AttnQkv)) && f.findTensor(name(TensorRole::AttnQ)))
            problems.add(
                "separate attn_q/attn_k/attn_v tensors: edge-rt reads Phi-3 with the fused attn_qkv the "
                "converter writes");
        setRole(layer, TensorRole::AttnNorm, b.vector(name(TensorRole::AttnNorm), dim));
        setRole(layer, TensorRole::AttnQkv, b.matrix(name(TensorRole::AttnQkv), dim, qDim + 2 * kvDim));
        setRole(layer, TensorRole::AttnOutput, b.matrix(name(TensorRole::AttnOutput), qDim, dim));
        setRole(layer, TensorRole::FfnNorm, b.vector(name(TensorRole::FfnNorm), dim));
        setRole(layer, TensorRole::FfnUp, b.matrix(name(TensorRole::FfnUp), dim, 2 * ffn));  // gate rows, up rows
        setRole(layer, TensorRole::FfnDown, b.matrix(name(TensorRole::FfnDown), ffn, dim));
    }
    readGgufHead(f, b, g, /*outputRequired=*/true);
    problems.throwIfAny();
    return g;
}

}  // namespace

GraphParts buildPhi3Graph(const ModelFiles& files)
{
    if (files.format != ModelFormat::Gguf)
        throw ValidationError(files.directory + ": Phi-3 is supported from GGUF files only");
    return fromGguf(*files.gguf);
}

}  // namespace edgert
