#include "edgert/model-graph.h"

#include "edgert/error.h"
#include "edgert/tokenizer.h"

#include <filesystem>

namespace edgert {

const char* architectureName(Architecture arch)
{
    switch (arch) {
    case Architecture::Llama: return "llama";
    }
    return "?";
}

const char* tensorRoleName(TensorRole role)
{
    switch (role) {
    case TensorRole::AttnNorm: return "attn_norm";
    case TensorRole::AttnQ: return "attn_q";
    case TensorRole::AttnK: return "attn_k";
    case TensorRole::AttnV: return "attn_v";
    case TensorRole::AttnOutput: return "attn_output";
    case TensorRole::FfnNorm: return "ffn_norm";
    case TensorRole::FfnGate: return "ffn_gate";
    case TensorRole::FfnUp: return "ffn_up";
    case TensorRole::FfnDown: return "ffn_down";
    case TensorRole::Count: break;
    }
    return "?";
}

std::uint64_t TensorRef::rows() const
{
    std::uint64_t n = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
    return n;
}

ModelGraph ModelGraph::openGguf(const std::string& path)
{
    ModelGraph g;
    g.m_gguf = std::make_unique<GgufFile>(path);
    g.m_archName = g.m_gguf->findString("general.architecture").value_or("");
    return g;
}

namespace {

// Collects every problem so one error lists all of them.
class Problems {
public:
    explicit Problems(std::string file) : m_file(std::move(file)) {}
    void add(std::string p) { m_list.push_back(std::move(p)); }
    void throwIfAny() const
    {
        if (m_list.empty()) return;
        std::string msg = m_file + ": model validation failed: ";
        for (std::size_t i = 0; i < m_list.size(); ++i) {
            if (i == 6) {
                msg += "; and " + std::to_string(m_list.size() - 6) + " more";
                break;
            }
            msg += (i ? "; " : "") + m_list[i];
        }
        throw ValidationError(msg);
    }

private:
    std::string m_file;
    std::vector<std::string> m_list;
};

std::string shapeText(const std::vector<std::uint64_t>& dims)
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

TensorRef refOf(const GgufFile& f, const GgufTensorInfo& t)
{
    return TensorRef{t.name, t.type, t.dims, &f.file(), t.fileOffset, t.sizeBytes};
}

// Looks a tensor up and checks shape and type; records a problem and returns nullopt otherwise.
std::optional<TensorRef> expectTensor(const GgufFile& f, Problems& problems, const std::string& name,
                                      std::vector<std::uint64_t> shape, bool mustBeF32)
{
    const auto* t = f.findTensor(name);
    if (!t) {
        problems.add("missing tensor '" + name + "' (expected shape " + shapeText(shape) + ")");
        return std::nullopt;
    }
    if (t->dims != shape) {
        problems.add("tensor '" + name + "' has shape " + t->shapeString() + ", expected " + shapeText(shape));
        return std::nullopt;
    }
    const auto traits = traitsOf(t->type);
    if (!traits.computeSupported) {
        problems.add("tensor '" + name + "' has type " + traits.name +
                     ", which edge-rt cannot compute (supported: F32, F16, BF16, Q8_0, Q4_0)");
        return std::nullopt;
    }
    if (mustBeF32 && t->type != TensorType::F32) {
        problems.add("tensor '" + name + "' has type " + traits.name + ", expected F32 for a norm weight");
        return std::nullopt;
    }
    return refOf(f, *t);
}

std::uint32_t requirePositive(const GgufFile& f, Problems& problems, const std::string& key,
                              std::optional<std::uint64_t> fallback = std::nullopt)
{
    try {
        const auto v = f.has(key) || !fallback ? f.getUInt(key) : *fallback;
        if (v == 0 || v > (1u << 30)) {
            problems.add("hyper-parameter '" + key + "' = " + std::to_string(v) + " is out of range");
            return 0;
        }
        return static_cast<std::uint32_t>(v);
    } catch (const FormatError&) {
        problems.add("missing or non-integer hyper-parameter '" + key + "'");
        return 0;
    }
}

}  // namespace

ValidatedModelGraph ModelGraph::validate() &&
{
    const GgufFile& f = *m_gguf;
    if (m_archName != "llama")
        throw ValidationError(f.path() + ": unsupported architecture '" + m_archName +
                              "' in general.architecture (supported: llama)");
    Problems problems(f.path());
    const std::string a = m_archName + ".";

    HyperParams hp;
    hp.arch = Architecture::Llama;
    hp.dim = requirePositive(f, problems, a + "embedding_length");
    hp.ffnDim = requirePositive(f, problems, a + "feed_forward_length");
    hp.nLayers = requirePositive(f, problems, a + "block_count");
    hp.nHeads = requirePositive(f, problems, a + "attention.head_count");
    hp.nKvHeads = requirePositive(f, problems, a + "attention.head_count_kv", hp.nHeads);
    hp.contextLength = requirePositive(f, problems, a + "context_length");
    problems.throwIfAny();

    if (hp.dim % hp.nHeads != 0)
        problems.add("embedding_length " + std::to_string(hp.dim) + " is not a multiple of head_count " +
                     std::to_string(hp.nHeads));
    if (hp.nHeads % hp.nKvHeads != 0)
        problems.add("head_count " + std::to_string(hp.nHeads) + " is not a multiple of head_count_kv " +
                     std::to_string(hp.nKvHeads));
    problems.throwIfAny();
    hp.headDim = hp.dim / hp.nHeads;
    hp.ropeDim = requirePositive(f, problems, a + "rope.dimension_count", hp.headDim);
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

    ValidatedModelGraph v;
    const auto dim = std::uint64_t{hp.dim}, ffn = std::uint64_t{hp.ffnDim};
    const auto qDim = std::uint64_t{hp.qDim()}, kvDim = std::uint64_t{hp.kvDim()};

    const auto* embd = f.findTensor("token_embd.weight");
    if (!embd) problems.add("missing tensor 'token_embd.weight'");
    else if (embd->dims.size() != 2 || embd->dims[0] != dim)
        problems.add("tensor 'token_embd.weight' has shape " + embd->shapeString() + ", expected [" +
                     std::to_string(dim) + ", n_vocab]");
    problems.throwIfAny();
    hp.vocabSize = static_cast<std::uint32_t>(embd->dims[1]);
    if (f.has("tokenizer.ggml.tokens") && f.arrayCount("tokenizer.ggml.tokens") != hp.vocabSize)
        problems.add("tokenizer has " + std::to_string(f.arrayCount("tokenizer.ggml.tokens")) +
                     " tokens but token_embd.weight has " + std::to_string(hp.vocabSize) + " rows");
    if (auto e = expectTensor(f, problems, "token_embd.weight", {dim, hp.vocabSize}, false)) v.m_tokenEmbedding = *e;

    v.m_layers.resize(hp.nLayers);
    for (std::uint32_t l = 0; l < hp.nLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        auto& layer = v.m_layers[l].byRole;
        const auto set = [&](TensorRole role, std::vector<std::uint64_t> shape, bool norm) {
            layer[static_cast<std::size_t>(role)] =
                expectTensor(f, problems, p + tensorRoleName(role) + ".weight", std::move(shape), norm);
        };
        set(TensorRole::AttnNorm, {dim}, true);
        set(TensorRole::AttnQ, {dim, qDim}, false);
        set(TensorRole::AttnK, {dim, kvDim}, false);
        set(TensorRole::AttnV, {dim, kvDim}, false);
        set(TensorRole::AttnOutput, {qDim, dim}, false);
        set(TensorRole::FfnNorm, {dim}, true);
        set(TensorRole::FfnGate, {dim, ffn}, false);
        set(TensorRole::FfnUp, {dim, ffn}, false);
        set(TensorRole::FfnDown, {ffn, dim}, false);
    }

    if (auto n = expectTensor(f, problems, "output_norm.weight", {dim}, true)) v.m_head.outputNorm = *n;
    if (f.findTensor("output.weight")) {
        if (auto o = expectTensor(f, problems, "output.weight", {dim, hp.vocabSize}, false)) v.m_head.output = *o;
    } else {
        hp.tiedEmbeddings = true;  // no output.weight: the LM head is token_embd.weight
        v.m_head.output = v.m_tokenEmbedding;
    }
    problems.throwIfAny();

    v.m_hparams = hp;
    v.m_gguf = std::move(m_gguf);
    return v;
}

std::string ValidatedModelGraph::displayName() const
{
    if (auto n = m_gguf->findString("general.name"); n && !n->empty()) return *n;
    return std::filesystem::path(path()).filename().string();
}

std::uint64_t ValidatedModelGraph::weightBytes() const
{
    std::uint64_t total = m_tokenEmbedding.sizeBytes + m_head.outputNorm.sizeBytes;
    if (!m_hparams.tiedEmbeddings) total += m_head.output.sizeBytes;
    for (const auto& layer : m_layers)
        for (const auto& t : layer.byRole)
            if (t) total += t->sizeBytes;
    return total;
}

std::unique_ptr<Tokenizer> ValidatedModelGraph::makeTokenizer() const { return Tokenizer::fromGguf(*m_gguf); }

}  // namespace edgert
