#include "graph/decoder-graph.h"

#include "edgert/error.h"
#include "models/common/rope.h"

namespace edgert {

bool sameTensor(const TensorRef& a, const TensorRef& b)
{
    return a.file == b.file && a.fileOffset == b.fileOffset && a.sizeBytes == b.sizeBytes;
}

namespace {

void checkHeads(Problems& problems, const HyperParams& hp, bool headDimGiven)
{
    if (!headDimGiven && hp.dim % hp.nHeads != 0)
        problems.add("embedding length " + std::to_string(hp.dim) + " is not a multiple of the head count " +
                     std::to_string(hp.nHeads));
    if (hp.nHeads % hp.nKvHeads != 0)
        problems.add("head count " + std::to_string(hp.nHeads) + " is not a multiple of the KV head count " +
                     std::to_string(hp.nKvHeads));
}

}  // namespace

void readGgufDecoderHparams(const GgufFile& f, const std::string& arch, Problems& problems, HyperParams& hp)
{
    const std::string a = arch + ".";
    hp.dim = ggufPositive(f, problems, a + "embedding_length");
    hp.ffnDim = ggufPositive(f, problems, a + "feed_forward_length");
    hp.nLayers = ggufPositive(f, problems, a + "block_count");
    hp.nHeads = ggufPositive(f, problems, a + "attention.head_count");
    hp.nKvHeads = ggufPositive(f, problems, a + "attention.head_count_kv", hp.nHeads);
    hp.contextLength = ggufPositive(f, problems, a + "context_length");
    problems.throwIfAny();
    const bool headDimGiven = f.has(a + "attention.key_length");
    checkHeads(problems, hp, headDimGiven);
    problems.throwIfAny();
    hp.headDim = headDimGiven ? ggufPositive(f, problems, a + "attention.key_length") : hp.dim / hp.nHeads;
    if (f.has(a + "attention.value_length") && ggufPositive(f, problems, a + "attention.value_length") != hp.headDim)
        problems.add("attention.value_length differs from attention.key_length " + std::to_string(hp.headDim) +
                     ", which edge-rt does not support");
    problems.throwIfAny();
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
}

void readGgufTokenEmbedding(const GgufFile& f, GraphBuilder& b, GraphParts& g)
{
    Problems& problems = b.problems();
    HyperParams& hp = g.hparams;
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
}

void readGgufHead(const GgufFile& f, GraphBuilder& b, GraphParts& g, bool outputRequired)
{
    const auto dim = std::uint64_t{g.hparams.dim};
    if (auto n = b.vector("output_norm.weight", dim)) g.head.outputNorm = *n;
    if (f.findTensor("output.weight")) {
        if (auto o = b.matrix("output.weight", dim, g.hparams.vocabSize)) g.head.output = *o;
    } else if (outputRequired) {
        b.problems().add("missing tensor 'output.weight' (this architecture has an untied LM head)");
    } else {
        g.hparams.tiedEmbeddings = true;  // no output.weight: the LM head is token_embd.weight
        g.head.output = g.tokenEmbedding;
    }
}

// ---------------------------------------------------------------------------------------------
namespace {

/// rope_scaling of config.json: absent/null, or {rope_type: "llama3", ...} -> per-pair factors.
void readHfRopeScaling(const HfConfig& c, Problems& problems, HyperParams& hp)
{
    if (c.isAbsentOrNull("rope_scaling")) return;
    const json::Value& s = *c.root().find("rope_scaling");
    const auto member = [&](const char* key) -> const json::Value* {
        const auto* v = s.isObject() ? s.find(key) : nullptr;
        return v && !v->isNull() ? v : nullptr;
    };
    const auto* type = member("rope_type");
    if (!type) type = member("type");
    if (!type || !type->isString() || type->text() != "llama3") {
        problems.add("config.json " + c.describe("rope_scaling") +
                     ": RoPE scaling is not supported except rope_type \"llama3\"");
        return;
    }
    const auto number = [&](const char* key, double fallback) {
        const auto* v = member(key);
        if (!v) return fallback;
        if (!v->isNumber()) {
            problems.add("config.json rope_scaling." + std::string(key) + " (byte " + std::to_string(v->offset()) +
                         ") is " + json::summary(*v) + ", expected a number");
            return fallback;
        }
        return v->asDouble();
    };
    // convert_hf_to_gguf.py's defaults for a llama3 rope_scaling without them.
    const double factor = number("factor", 8.0);
    const double low = number("low_freq_factor", 1.0);
    const double high = number("high_freq_factor", 4.0);
    const double original = number("original_max_position_embeddings", 8192.0);
    if (!(factor >= 1.0) || !(low > 0.0) || !(high > low) || !(original >= 1.0)) {
        problems.add(
            "config.json " + c.describe("rope_scaling") +
            ": needs factor >= 1, 0 < low_freq_factor < high_freq_factor, original_max_position_embeddings >= 1");
        return;
    }
    hp.ropeFreqFactors =
        llama3RopeFactors(hp.ropeDim, hp.ropeFreqBase, static_cast<float>(factor), static_cast<float>(low),
                          static_cast<float>(high), static_cast<float>(original));
}

}  // namespace

GraphParts buildHfDecoderGraph(const ModelFiles& files, const HfDecoderOptions& options)
{
    const HfConfig& c = *files.config;
    Problems problems(files.directory);
    GraphParts g;
    HyperParams& hp = g.hparams;
    hp.arch = options.arch;
    hp.ropeStyle = options.permuteRope ? RopeStyle::Interleaved : RopeStyle::NeoX;
    hp.dim = configPositive(c, problems, "hidden_size");
    hp.ffnDim = configPositive(c, problems, "intermediate_size");
    hp.nLayers = configPositive(c, problems, "num_hidden_layers");
    hp.nHeads = configPositive(c, problems, "num_attention_heads");
    hp.nKvHeads = configPositive(c, problems, "num_key_value_heads", hp.nHeads);
    hp.contextLength = configPositive(c, problems, "max_position_embeddings", 2048);
    problems.throwIfAny();
    checkHeads(problems, hp, false);
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
        hp.normEps = static_cast<float>(c.findNumber("rms_norm_eps").value_or(options.normEpsDefault));
        if (!options.qkvBias && c.findBool("attention_bias").value_or(false))
            problems.add("config.json attention_bias = true: biased q/k/v/o projections are not supported");
        if (c.findBool("mlp_bias").value_or(false))
            problems.add("config.json mlp_bias = true: biased MLP projections are not supported");
        if (auto act = c.findString("hidden_act"); act && *act != "silu")
            problems.add("config.json " + c.describe("hidden_act") + ": only \"silu\" (SwiGLU) is supported");
        if (c.findBool("use_sliding_window").value_or(false))
            problems.add("config.json use_sliding_window = true is not supported for this architecture");
        tie = c.findBool("tie_word_embeddings").value_or(options.tieDefault);
    } catch (const FormatError& e) {
        problems.add(e.what());
    }
    if (!(hp.ropeFreqBase > 0.0f)) problems.add("config.json rope_theta must be positive");
    if (!(hp.normEps > 0.0f && hp.normEps < 1.0f)) problems.add("config.json rms_norm_eps is out of range");
    problems.throwIfAny();
    readHfRopeScaling(c, problems, hp);
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

    const auto rope = options.permuteRope ? LoadTransform::RopeHalvesToPairs : LoadTransform::None;
    g.layers.resize(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        auto& layer = g.layers[l];
        setRole(layer, TensorRole::AttnNorm, b.vector(p + "input_layernorm.weight", dim));
        setRole(layer, TensorRole::AttnQ, b.matrix(p + "self_attn.q_proj.weight", dim, qDim, rope, hp.nHeads));
        setRole(layer, TensorRole::AttnK, b.matrix(p + "self_attn.k_proj.weight", dim, kvDim, rope, hp.nKvHeads));
        setRole(layer, TensorRole::AttnV, b.matrix(p + "self_attn.v_proj.weight", dim, kvDim));
        if (options.qkvBias) {
            setRole(layer, TensorRole::AttnQBias, b.vector(p + "self_attn.q_proj.bias", qDim));
            setRole(layer, TensorRole::AttnKBias, b.vector(p + "self_attn.k_proj.bias", kvDim));
            setRole(layer, TensorRole::AttnVBias, b.vector(p + "self_attn.v_proj.bias", kvDim));
        }
        setRole(layer, TensorRole::AttnOutput, b.matrix(p + "self_attn.o_proj.weight", qDim, dim));
        setRole(layer, TensorRole::FfnNorm, b.vector(p + "post_attention_layernorm.weight", dim));
        setRole(layer, TensorRole::FfnGate, b.matrix(p + "mlp.gate_proj.weight", dim, ffn));
        setRole(layer, TensorRole::FfnUp, b.matrix(p + "mlp.up_proj.weight", dim, ffn));
        setRole(layer, TensorRole::FfnDown, b.matrix(p + "mlp.down_proj.weight", ffn, dim));
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

}  // namespace edgert
