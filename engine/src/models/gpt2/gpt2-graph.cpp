// The GPT-2 architecture's graph (Radford et al. 2019): learned token and position embeddings,
// pre-LayerNorm blocks with biases, a fused QKV projection, a GELU MLP, a final LayerNorm and an
// LM head tied to the token embedding.
//  - GGUF (llama.cpp's gpt2 architecture): token_embd, position_embd, output_norm(.bias), output
//    (optional), blk.N.{attn_norm, attn_qkv, attn_output, ffn_norm, ffn_up, ffn_down}.{weight,bias};
//    llama.cpp's converter transposes the Conv1D weights, so they are stored as y = W·x matrices.
//  - HF GPT2LMHeadModel: [transformer.]wte, wpe, h.N.{ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc,
//    mlp.c_proj}, ln_f, lm_head (usually absent: tied). Conv1D stores W as (in, out) for y = x·W,
//    the transpose of the canonical layout, so those matrices are marked Transpose.
#include "models/gpt2/gpt2.h"

#include "edgert/error.h"
#include "graph/decoder-graph.h"

namespace edgert {

namespace {

std::size_t idx(TensorRole role)
{
    return static_cast<std::size_t>(role);
}

void checkShape(Problems& problems, const HyperParams& hp)
{
    if (hp.dim % hp.nHeads != 0)
        problems.add("embedding length " + std::to_string(hp.dim) + " is not a multiple of the head count " +
                     std::to_string(hp.nHeads));
}

/// Tensor names of one block in one format.
struct BlockNames {
    std::string norm1, norm1Bias, qkv, qkvBias, out, outBias, norm2, norm2Bias, up, upBias, down, downBias;
};

/// Builds the blocks and head from names; transposeConv1D for HF.
void buildTensors(GraphParts& g, GraphBuilder& b, const std::vector<BlockNames>& blocks, bool transposeConv1D)
{
    const auto& hp = g.hparams;
    const auto dim = std::uint64_t{hp.dim}, ffn = std::uint64_t{hp.ffnDim};
    const auto qkv = std::uint64_t{hp.qDim()} + 2ull * hp.kvDim();
    const auto conv = transposeConv1D ? LoadTransform::Transpose : LoadTransform::None;
    g.layers.resize(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const auto& n = blocks[l];
        auto& layer = g.layers[l].byRole;
        layer[idx(TensorRole::AttnNorm)] = b.vector(n.norm1, dim);
        layer[idx(TensorRole::AttnNormBias)] = b.vector(n.norm1Bias, dim);
        layer[idx(TensorRole::AttnQkv)] = b.matrix(n.qkv, dim, qkv, conv);
        layer[idx(TensorRole::AttnQkvBias)] = b.vector(n.qkvBias, qkv);
        layer[idx(TensorRole::AttnOutput)] = b.matrix(n.out, hp.qDim(), dim, conv);
        layer[idx(TensorRole::AttnOutputBias)] = b.vector(n.outBias, dim);
        layer[idx(TensorRole::FfnNorm)] = b.vector(n.norm2, dim);
        layer[idx(TensorRole::FfnNormBias)] = b.vector(n.norm2Bias, dim);
        layer[idx(TensorRole::FfnUp)] = b.matrix(n.up, dim, ffn, conv);
        layer[idx(TensorRole::FfnUpBias)] = b.vector(n.upBias, ffn);
        layer[idx(TensorRole::FfnDown)] = b.matrix(n.down, ffn, dim, conv);
        layer[idx(TensorRole::FfnDownBias)] = b.vector(n.downBias, dim);
    }
}

GraphParts fromGguf(const GgufFile& f)
{
    Problems problems(f.path());
    const std::string a = "gpt2.";
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Gpt2;
    hp.dim = ggufPositive(f, problems, a + "embedding_length");
    hp.ffnDim = ggufPositive(f, problems, a + "feed_forward_length", 4ull * hp.dim);
    hp.nLayers = ggufPositive(f, problems, a + "block_count");
    hp.nHeads = ggufPositive(f, problems, a + "attention.head_count");
    hp.contextLength = ggufPositive(f, problems, a + "context_length");
    problems.throwIfAny();
    checkShape(problems, hp);
    problems.throwIfAny();
    hp.nKvHeads = hp.nHeads;
    hp.headDim = hp.dim / hp.nHeads;
    hp.ropeDim = 0;
    try {
        hp.normEps = static_cast<float>(f.findFloat(a + "attention.layer_norm_epsilon").value_or(1e-5));
    } catch (const FormatError& e) {
        problems.add(e.what());
    }
    if (!(hp.normEps > 0.0f && hp.normEps < 1.0f)) problems.add("attention.layer_norm_epsilon is out of range");

    const TensorTable table(f);
    GraphBuilder b(table, problems);
    const auto dim = std::uint64_t{hp.dim};
    const auto* embd = f.findTensor("token_embd.weight");
    if (!embd)
        problems.add("missing tensor 'token_embd.weight'");
    else if (embd->dims.size() != 2 || embd->dims[0] != dim)
        problems.add("tensor 'token_embd.weight' has shape " + embd->shapeString() + ", expected [" +
                     std::to_string(dim) + ", n_vocab]");
    problems.throwIfAny();
    hp.vocabSize = static_cast<std::uint32_t>(embd->dims[1]);
    if (f.has("tokenizer.ggml.tokens") && f.arrayCount("tokenizer.ggml.tokens") != hp.vocabSize)
        problems.add("tokenizer has " + std::to_string(f.arrayCount("tokenizer.ggml.tokens")) +
                     " tokens but token_embd.weight has " + std::to_string(hp.vocabSize) + " rows");
    if (auto e = b.table("token_embd.weight", dim, hp.vocabSize)) g.tokenEmbedding = *e;
    g.positionEmbedding = b.table("position_embd.weight", dim, hp.contextLength);

    std::vector<BlockNames> blocks(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        const auto n = [&](TensorRole role) { return p + tensorRoleName(role); };
        blocks[l] = {n(TensorRole::AttnNorm),    n(TensorRole::AttnNormBias), n(TensorRole::AttnQkv),
                     n(TensorRole::AttnQkvBias), n(TensorRole::AttnOutput),   n(TensorRole::AttnOutputBias),
                     n(TensorRole::FfnNorm),     n(TensorRole::FfnNormBias),  n(TensorRole::FfnUp),
                     n(TensorRole::FfnUpBias),   n(TensorRole::FfnDown),      n(TensorRole::FfnDownBias)};
    }
    buildTensors(g, b, blocks, false);

    if (auto n = b.vector("output_norm.weight", dim)) g.head.outputNorm = *n;
    g.head.outputNormBias = b.vector("output_norm.bias", dim);
    if (f.findTensor("output.weight")) {
        if (auto o = b.matrix("output.weight", dim, hp.vocabSize)) g.head.output = *o;
    } else {
        hp.tiedEmbeddings = true;
        g.head.output = g.tokenEmbedding;
    }
    problems.throwIfAny();
    return g;
}

GraphParts fromHf(const ModelFiles& files)
{
    const HfConfig& c = *files.config;
    Problems problems(files.directory);
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Gpt2;
    hp.dim = configPositive(c, problems, "n_embd");
    hp.nLayers = configPositive(c, problems, "n_layer");
    hp.nHeads = configPositive(c, problems, "n_head");
    bool tie = true;
    try {
        hp.contextLength = configPositive(c, problems, c.isAbsentOrNull("n_positions") ? "n_ctx" : "n_positions");
        hp.ffnDim = configPositive(c, problems, "n_inner", 4ull * hp.dim);
        hp.normEps = static_cast<float>(c.findNumber("layer_norm_epsilon").value_or(1e-5));
        if (auto act = c.findString("activation_function");
            act && *act != "gelu_new" && *act != "gelu_pytorch_tanh" && *act != "gelu_fast")
            problems.add("config.json " + c.describe("activation_function") +
                         ": only the tanh approximation of GELU (\"gelu_new\") is supported");
        if (!c.findBool("scale_attn_weights").value_or(true))
            problems.add("config.json scale_attn_weights = false is not supported");
        if (c.findBool("scale_attn_by_inverse_layer_idx").value_or(false))
            problems.add("config.json scale_attn_by_inverse_layer_idx = true is not supported");
        tie = c.findBool("tie_word_embeddings").value_or(true);  // GPT2Config's default
    } catch (const FormatError& e) {
        problems.add(e.what());
    }
    problems.throwIfAny();
    checkShape(problems, hp);
    if (!(hp.normEps > 0.0f && hp.normEps < 1.0f)) problems.add("config.json layer_norm_epsilon is out of range");
    problems.throwIfAny();
    hp.nKvHeads = hp.nHeads;
    hp.headDim = hp.dim / hp.nHeads;
    hp.ropeDim = 0;

    const TensorTable table(*files.safetensors);
    GraphBuilder b(table, problems);
    // Checkpoints saved from GPT2LMHeadModel prefix the body with "transformer."; the original
    // OpenAI conversions (and GPT2Model) do not.
    const std::string p = table.has("transformer.wte.weight") ? "transformer." : "";
    const auto dim = std::uint64_t{hp.dim};
    const auto* wte = table.find(p + "wte.weight");
    if (!wte) {
        problems.add("missing tensor 'wte.weight' (nor 'transformer.wte.weight')");
        problems.throwIfAny();
    }
    if (wte->ref.dims.size() != 2 || wte->ref.dims[0] != dim) {
        problems.add("tensor '" + wte->ref.name + "' has shape " + TensorTable::shapeText(wte->storedShape) +
                     ", expected [vocab_size, " + std::to_string(dim) + "]");
        problems.throwIfAny();
    }
    hp.vocabSize = static_cast<std::uint32_t>(wte->ref.dims[1]);
    try {
        if (auto v = c.findUInt("vocab_size"); v && *v != hp.vocabSize)
            problems.add("config.json " + c.describe("vocab_size") + " but '" + wte->ref.name + "' has " +
                         std::to_string(hp.vocabSize) + " rows");
    } catch (const FormatError& e) {
        problems.add(e.what());
    }
    if (auto e = b.table(p + "wte.weight", dim, hp.vocabSize)) g.tokenEmbedding = *e;
    g.positionEmbedding = b.table(p + "wpe.weight", dim, hp.contextLength);

    std::vector<BlockNames> blocks(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string h = p + "h." + std::to_string(l) + ".";
        blocks[l] = {h + "ln_1.weight",        h + "ln_1.bias",        h + "attn.c_attn.weight", h + "attn.c_attn.bias",
                     h + "attn.c_proj.weight", h + "attn.c_proj.bias", h + "ln_2.weight",        h + "ln_2.bias",
                     h + "mlp.c_fc.weight",    h + "mlp.c_fc.bias",    h + "mlp.c_proj.weight",  h + "mlp.c_proj.bias"};
    }
    buildTensors(g, b, blocks, true);

    if (auto n = b.vector(p + "ln_f.weight", dim)) g.head.outputNorm = *n;
    g.head.outputNormBias = b.vector(p + "ln_f.bias", dim);
    if (table.has("lm_head.weight")) {
        if (auto o = b.matrix("lm_head.weight", dim, hp.vocabSize)) g.head.output = *o;
    } else if (tie) {
        g.head.output = g.tokenEmbedding;
    } else {
        problems.add("missing tensor 'lm_head.weight' (tie_word_embeddings is false)");
    }
    problems.throwIfAny();
    hp.tiedEmbeddings = sameTensor(g.head.output, g.tokenEmbedding);
    return g;
}

}  // namespace

GraphParts buildGpt2Graph(const ModelFiles& files)
{
    return files.format == ModelFormat::Gguf ? fromGguf(*files.gguf) : fromHf(files);
}

}  // namespace edgert
