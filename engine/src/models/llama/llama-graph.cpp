// The Llama architecture's graph, from GGUF (llama.cpp names: token_embd, blk.N.attn_q, ...) or
// from a HF LlamaForCausalLM SafeTensors checkpoint (model.layers.N.self_attn.q_proj, ...).
// HF stores q/k rows for rotate-half RoPE; the graph marks them RopeHalvesToPairs so that the
// loader permutes them into GGUF's interleaved pairs (what llama.cpp's converter does on disk).
// Llama 3 RoPE scaling: GGUF rope_freqs.weight (ropeDim/2 F32 divisors of θ_i), or HF
// rope_scaling {rope_type: llama3} computed the same way (graph/decoder-graph.cpp).
// SmolLM2 is this architecture with tied embeddings (no output.weight).
#include "models/llama/llama.h"

#include "edgert/error.h"
#include "graph/decoder-graph.h"

namespace edgert {

namespace {

/// Block tensors, shapes as (cols, rows) of y = W·x: qDim = nHeads·headDim, kvDim = nKvHeads·headDim.
void readBlocks(GraphBuilder& b, GraphParts& g)
{
    const auto& hp = g.hparams;
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
        setRole(layer, TensorRole::AttnNorm, b.vector(name(TensorRole::AttnNorm), dim));
        matrix(TensorRole::AttnQ, dim, qDim);
        matrix(TensorRole::AttnK, dim, kvDim);
        matrix(TensorRole::AttnV, dim, kvDim);
        matrix(TensorRole::AttnOutput, qDim, dim);
        setRole(layer, TensorRole::FfnNorm, b.vector(name(TensorRole::FfnNorm), dim));
        matrix(TensorRole::FfnGate, dim, ffn);
        matrix(TensorRole::FfnUp, dim, ffn);
        matrix(TensorRole::FfnDown, ffn, dim);
    }
}

GraphParts fromGguf(const GgufFile& f)
{
    Problems problems(f.path());
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Llama;
    hp.ropeStyle = RopeStyle::Interleaved;
    readGgufDecoderHparams(f, "llama", problems, hp);

    const TensorTable table(f);
    GraphBuilder b(table, problems);
    readGgufTokenEmbedding(f, b, g);
    readBlocks(b, g);
    readGgufHead(f, b, g);
    readGgufRopeFreqs(f, b, hp);
    problems.throwIfAny();
    return g;
}

}  // namespace

void readGgufRopeFreqs(const GgufFile& f, GraphBuilder& b, HyperParams& hp)
{
    const char* kName = "rope_freqs.weight";
    if (!f.findTensor(kName)) return;
    const auto ref = b.vector(kName, hp.ropeDim / 2);
    if (!ref) return;
    std::vector<float> factors(hp.ropeDim / 2);
    ref->file->readAt(ref->fileOffset, factors.data(), factors.size() * sizeof(float));
    for (std::size_t i = 0; i < factors.size(); ++i)
        if (!(factors[i] > 0.0f) || !(factors[i] < 1e30f)) {
            b.problems().add(std::string("tensor '") + kName + "' value " + std::to_string(i) + " = " +
                             std::to_string(factors[i]) + " is not a positive frequency divisor");
            return;
        }
    hp.ropeFreqFactors = std::move(factors);
}

GraphParts buildLlamaGraph(const ModelFiles& files)
{
    if (files.format == ModelFormat::Gguf) return fromGguf(*files.gguf);
    return buildHfDecoderGraph(files, {.arch = Architecture::Llama,
                                       .permuteRope = true,
                                       .qkvBias = false,
                                       .tieDefault = false,
                                       .normEpsDefault = 1e-6});
}

}  // namespace edgert
