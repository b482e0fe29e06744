#include "hf/hf-model-keys.h"

#include "edgert/error.h"

namespace edgert::hf {

std::vector<GgufTensorOf> ggufTensors(const ValidatedModelGraph& graph)
{
    std::vector<GgufTensorOf> out;
    out.push_back({"token_embd.weight", &graph.tokenEmbedding()});
    if (const auto* pos = graph.positionEmbedding()) out.push_back({"position_embd.weight", pos});
    const auto& layers = graph.layers();
    for (std::size_t l = 0; l < layers.size(); ++l)
        for (std::size_t r = 0; r < kTensorRoleCount; ++r)
            if (const auto& t = layers[l].byRole[r])
                out.push_back({"blk." + std::to_string(l) + "." + tensorRoleName(static_cast<TensorRole>(r)), &*t});
    const auto& head = graph.head();
    out.push_back({tensorRoleName(TensorRole::OutputNorm), &head.outputNorm});
    if (head.outputNormBias) out.push_back({tensorRoleName(TensorRole::OutputNormBias), &*head.outputNormBias});
    if (!graph.hparams().tiedEmbeddings) out.push_back({tensorRoleName(TensorRole::Output), &head.output});
    return out;
}

const std::vector<float>& ropeFreqs(const ValidatedModelGraph& graph)
{
    return graph.hparams().ropeFreqFactors;
}

void setModelKeys(GgufWriter& w, const ValidatedModelGraph& graph, const std::string& name)
{
    const HyperParams& hp = graph.hparams();
    const std::string arch = architectureName(hp.arch);
    const std::string a = arch + ".";
    w.setString("general.architecture", arch);
    w.setString("general.type", "model");
    w.setString("general.name", name);
    const bool llamaFamily = hp.arch == Architecture::Llama || hp.arch == Architecture::Qwen2;
    if (!llamaFamily && hp.arch != Architecture::Gpt2)
        throw UsageError(graph.path() + ": architecture '" + arch +
                         "' has no HF-to-GGUF key mapping in edge-rt (it reads it from GGUF files only)");
    w.setUInt32(a + "context_length", hp.contextLength);
    w.setUInt32(a + "embedding_length", hp.dim);
    w.setUInt32(a + "feed_forward_length", hp.ffnDim);
    w.setUInt32(a + "block_count", hp.nLayers);
    w.setUInt32(a + "attention.head_count", hp.nHeads);
    if (llamaFamily) {
        w.setUInt32(a + "attention.head_count_kv", hp.nKvHeads);
        w.setUInt32(a + "rope.dimension_count", hp.ropeDim);
        w.setFloat32(a + "rope.freq_base", hp.ropeFreqBase);
        w.setFloat32(a + "attention.layer_norm_rms_epsilon", hp.normEps);
    } else {
        w.setFloat32(a + "attention.layer_norm_epsilon", hp.normEps);
    }
    w.setUInt32(a + "vocab_size", hp.vocabSize);
}

}  // namespace edgert::hf
