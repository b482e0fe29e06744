// The Llama architecture's graph, from GGUF (llama.cpp names: token_embd, blk.N.attn_q, ...) or
// from a HF LlamaForCausalLM SafeTensors checkpoint (model.layers.N.self_attn.q_proj, ...).
// HF stores q/k rows for rotate-half RoPE; the graph marks them RopeHalvesToPairs so that the
// loader permutes them into GGUF's interleaved pairs (what llama.cpp's converter does on disk).
#include "model/graph-builder.h"

#include "edgert/error.h"

namespace edgert {

namespace {

bool sameTensor(const TensorRef& a, const TensorRef& b)
{
    return a.file == b.file && a.fileOffset == b.fileOffset && a.sizeBytes == b.sizeBytes;
}

void checkHeads(Problems& problems, const HyperParams& hp)
{
    if (hp.dim % hp.nHeads != 0)
        problems.add("embedding length " + std::to_string(hp.dim) + " is not a multiple of the head count " +
                     std::to_string(hp.nHeads));
    if (hp.nHeads % hp.nKvHeads != 0)
        problems.add("head count " + std::to_string(hp.nHeads) + " is not a multiple of the KV head count " +
                     std::to_string(hp.nKvHeads));
}

GraphParts fromGguf(const GgufFile& f)
{
    Problems problems(f.path());
    const std::string a = "llama.";

    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = Architecture::Llama;
    hp.dim = ggufPositive(f, problems, a + "embedding_length");
    hp.ffnDim = ggufPositive(f, problems, a + "feed_forward_length");
    hp.nLayers = ggufPositive(f, problems, a + "block_count");
    hp.nHeads = ggufPositive(f, problems, a + "attention.head_count");
    hp.nKvHeads = ggufPositive(f, problems, a + "attention.head_count_kv", hp.nHeads);
    hp.contextLength = ggufPositive(f, problems, a + "context_length");
    problems.throwIfAny();
    checkHeads(problems, hp);
    problems.throwIfAny();
    hp.headDim = hp.dim / hp.nHeads;
    hp.ropeDim = ggufPositive(f, problems, a + "rope.dimension_count", hp.headDim);
    if (hp.ropeDim > hp.headDim || hp.ropeDim % 2 != 0)
        problems.add("rope.dimension_count " + std::to_string(hp.ropeDim) + " must be even and at most the head size " +
                     std::to_string(hp.headDim));
    try {
        hp.ropeFreqBase = static_cast<float>(f.findFloat(a + "rope.freq_base").value_or(10000.0));
        hp.normEps = static_cast<float>(f.findFloat(a + "attention.layer_norm_rms_epsilon").value_or(1e-5));
    } catch (const FormatError& e) {
        problems.add(e.what());
    }
    if (!(hp.ropeFreqBase > 0.0f)) problems.add("rope.freq_base must be positive");
    if (!(hp.normEps > 0.0f && hp.normEps < 1.0f)) problems.add("layer_norm_rms_epsilon is out of range");

    const TensorTable table(f);
    GraphBuilder b(table, problems);
    const auto dim = std::uint64_t{hp.dim}, ffn = std::uint64_t{hp.ffnDim};
    const auto qDim = std::uint64_t{hp.qDim()}, kvDim = std::uint64_t{hp.kvDim()};

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

    g.layers.resize(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        auto& layer = g.layers[l].byRole;
        const auto name = [&](TensorRole role) { return p + tensorRoleName(role); };
        const auto matrix = [&](TensorRole role, std::uint64_t cols, std::uint64_t rows) {
            layer[static_cast<std::size_t>(role)] = b.matrix(name(role), cols, rows);
        };
        layer[static_cast<std::size_t>(TensorRole::AttnNorm)] = b.vector(name(TensorRole::AttnNorm), dim);
        matrix(TensorRole::AttnQ, dim, qDim);
        matrix(TensorRole::AttnK, dim, kvDim);
        matrix(TensorRole::AttnV, dim, kvDim);
        matrix(TensorRole::AttnOutput, qDim, dim);
        layer[static_cast<std::size_t>(TensorRole::FfnNorm)] = b.vector(name(TensorRole::FfnNorm), dim);
        matrix(TensorRole::FfnGate, dim, ffn);
        matrix(TensorRole::FfnUp, dim, ffn);
        matrix(TensorRole::FfnDown, ffn, dim);
    }

    if (auto n = b.vector("output_norm.weight", dim)) g.head.outputNorm = *n;
    if (f.findTensor("output.weight")) {
        if (auto o = b.matrix("output.weight", dim, hp.vocabSize)) g.head.output = *o;
    } else {
        hp.tiedEmbeddings = true;  // no output.weight: the LM head is token_embd.weight
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
    hp.arch = Architecture::Llama;
    hp.dim = configPositive(c, problems, "hidden_size");
    hp.ffnDim = configPositive(c, problems, "intermediate_size");
    hp.nLayers = configPositive(c, problems, "num_hidden_layers");
    hp.nHeads = configPositive(c, problems, "num_attention_heads");
    hp.nKvHeads = configPositive(c, problems, "num_key_value_heads", hp.nHeads);
    hp.contextLength = configPositive(c, problems, "max_position_embeddings", 2048);
    problems.throwIfAny();
    checkHeads(problems, hp);
    problems.throwIfAny();
    hp.headDim = hp.dim / hp.nHeads;
    hp.ropeDim = hp.headDim;
    bool tie = false;
    try {
        if (auto headDim = c.findUInt("head_dim"); headDim && *headDim != hp.headDim)
            problems.add("config.json " + c.describe("head_dim") +
                         " differs from hidden_size / num_attention_heads = " + std::to_string(hp.headDim) +
                         ", which edge-rt does not support");
        if (hp.headDim % 2 != 0) problems.add("the head size " + std::to_string(hp.headDim) + " must be even for RoPE");
        hp.ropeFreqBase = static_cast<float>(c.findNumber("rope_theta").value_or(10000.0));
        hp.normEps = static_cast<float>(c.findNumber("rms_norm_eps").value_or(1e-6));
        if (!c.isAbsentOrNull("rope_scaling"))
            problems.add("config.json " + c.describe("rope_scaling") + ": RoPE scaling is not supported");
        if (c.findBool("attention_bias").value_or(false))
            problems.add("config.json attention_bias = true: biased q/k/v/o projections are not supported");
        if (c.findBool("mlp_bias").value_or(false))
            problems.add("config.json mlp_bias = true: biased MLP projections are not supported");
        if (auto act = c.findString("hidden_act"); act && *act != "silu")
            problems.add("config.json " + c.describe("hidden_act") + ": only \"silu\" (SwiGLU) is supported");
        tie = c.findBool("tie_word_embeddings").value_or(false);  // LlamaConfig's default
    } catch (const FormatError& e) {
        problems.add(e.what());
    }
    if (!(hp.ropeFreqBase > 0.0f)) problems.add("config.json rope_theta must be positive");
    if (!(hp.normEps > 0.0f && hp.normEps < 1.0f)) problems.add("config.json rms_norm_eps is out of range");
    problems.throwIfAny();

    const TensorTable table(*files.safetensors);
    GraphBuilder b(table, problems);
    const auto dim = std::uint64_t{hp.dim}, ffn = std::uint64_t{hp.ffnDim};
    const auto qDim = std::uint64_t{hp.qDim()}, kvDim = std::uint64_t{hp.kvDim()};

    // Embeddings: tied checkpoints may keep either name (torch drops one of the shared tensors).
    const char* kEmbed = "model.embed_tokens.weight";
    const char* kHead = "lm_head.weight";
    const auto* embed = table.find(kEmbed);
    const auto* lmHead = table.find(kHead);
    const auto* embedSource = embed ? embed : (tie ? lmHead : nullptr);
    if (!embedSource) {
        problems.add(std::string("missing tensor '") + kEmbed + "'" +
                     (tie ? " (nor lm_head.weight, which tie_word_embeddings would reuse)" : ""));
        problems.throwIfAny();
    }
    const auto& e = embedSource->ref;
    if (e.dims.size() != 2 || e.dims[0] != dim) {
        problems.add("tensor '" + e.name + "' has shape " + TensorTable::shapeText(embedSource->storedShape) +
                     ", expected [vocab_size, " + std::to_string(dim) + "]");
        problems.throwIfAny();
    }
    hp.vocabSize = static_cast<std::uint32_t>(e.dims[1]);
    try {
        if (auto v = c.findUInt("vocab_size"); v && *v != hp.vocabSize)
            problems.add("config.json " + c.describe("vocab_size") + " but '" + e.name + "' has " +
                         std::to_string(hp.vocabSize) + " rows");
    } catch (const FormatError& err) {
        problems.add(err.what());
    }
    if (auto t = b.table(embedSource == embed ? kEmbed : kHead, dim, hp.vocabSize)) g.tokenEmbedding = *t;

    g.layers.resize(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        auto& layer = g.layers[l].byRole;
        const auto set = [&](TensorRole role, std::optional<TensorRef> ref) {
            layer[static_cast<std::size_t>(role)] = std::move(ref);
        };
        set(TensorRole::AttnNorm, b.vector(p + "input_layernorm.weight", dim));
        set(TensorRole::AttnQ,
            b.matrix(p + "self_attn.q_proj.weight", dim, qDim, LoadTransform::RopeHalvesToPairs, hp.nHeads));
        set(TensorRole::AttnK,
            b.matrix(p + "self_attn.k_proj.weight", dim, kvDim, LoadTransform::RopeHalvesToPairs, hp.nKvHeads));
        set(TensorRole::AttnV, b.matrix(p + "self_attn.v_proj.weight", dim, kvDim));
        set(TensorRole::AttnOutput, b.matrix(p + "self_attn.o_proj.weight", qDim, dim));
        set(TensorRole::FfnNorm, b.vector(p + "post_attention_layernorm.weight", dim));
        set(TensorRole::FfnGate, b.matrix(p + "mlp.gate_proj.weight", dim, ffn));
        set(TensorRole::FfnUp, b.matrix(p + "mlp.up_proj.weight", dim, ffn));
        set(TensorRole::FfnDown, b.matrix(p + "mlp.down_proj.weight", ffn, dim));
    }

    if (auto n = b.vector("model.norm.weight", dim)) g.head.outputNorm = *n;
    if (lmHead) {
        if (auto o = b.matrix(kHead, dim, hp.vocabSize)) g.head.output = *o;
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

GraphParts buildLlamaGraph(const ModelFiles& files)
{
    return files.format == ModelFormat::Gguf ? fromGguf(*files.gguf) : fromHf(files);
}

}  // namespace edgert
