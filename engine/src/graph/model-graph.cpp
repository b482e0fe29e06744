// ModelGraph: opening a model in either format, the format-neutral views inspect uses, and the
// dispatch of validation to the architecture's graph builder through the architecture table
// (models/architectures.cpp).
#include "edgert/model-graph.h"

#include "edgert/error.h"
#include "io/regular-file.h"
#include "edgert/tokenizer.h"
#include "edgert/units.h"
#include "graph/graph-builder.h"
#include "models/architectures.h"
#include "tokenizer/bpe-tokenizer.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace edgert {

namespace fs = std::filesystem;

const char* modelFormatName(ModelFormat format)
{
    switch (format) {
        case ModelFormat::Gguf: return "GGUF";
        case ModelFormat::SafeTensors: return "SafeTensors";
    }
    return "?";
}

const char* tensorRoleName(TensorRole role)
{
    switch (role) {
        case TensorRole::AttnNorm: return "attn_norm.weight";
        case TensorRole::AttnNormBias: return "attn_norm.bias";
        case TensorRole::AttnQ: return "attn_q.weight";
        case TensorRole::AttnK: return "attn_k.weight";
        case TensorRole::AttnV: return "attn_v.weight";
        case TensorRole::AttnQkv: return "attn_qkv.weight";
        case TensorRole::AttnQkvBias: return "attn_qkv.bias";
        case TensorRole::AttnOutput: return "attn_output.weight";
        case TensorRole::AttnOutputBias: return "attn_output.bias";
        case TensorRole::FfnNorm: return "ffn_norm.weight";
        case TensorRole::FfnNormBias: return "ffn_norm.bias";
        case TensorRole::FfnGate: return "ffn_gate.weight";
        case TensorRole::FfnUp: return "ffn_up.weight";
        case TensorRole::FfnUpBias: return "ffn_up.bias";
        case TensorRole::FfnDown: return "ffn_down.weight";
        case TensorRole::FfnDownBias: return "ffn_down.bias";
        case TensorRole::AttnQBias: return "attn_q.bias";
        case TensorRole::AttnKBias: return "attn_k.bias";
        case TensorRole::AttnVBias: return "attn_v.bias";
        case TensorRole::AttnPostNorm: return "post_attention_norm.weight";
        case TensorRole::FfnPostNorm: return "post_ffw_norm.weight";
        case TensorRole::OutputNorm: return "output_norm.weight";
        case TensorRole::OutputNormBias: return "output_norm.bias";
        case TensorRole::Output: return "output.weight";
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

std::uint64_t TensorRef::fileBytes() const
{
    if (transform != LoadTransform::WidenToF32) return sizeBytes;
    return sizeBytes / sizeof(float) * traitsOf(storedType).blockBytes;
}

// ---------------------------------------------------------------------------------------------
namespace {

bool hasGgufMagic(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

std::shared_ptr<ModelFiles> requireFiles(const std::shared_ptr<ModelFiles>& files)
{
    if (!files) throw UsageError("the model graph was moved from");
    return files;
}

}  // namespace

ModelGraph ModelGraph::open(const std::string& path)
{
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_directory(p, ec)) return openSafeTensors(path);
    if (!fs::exists(p, ec)) throw IoError("cannot open model '" + path + "': No such file or directory");
    io::requireModelFile(path);  // a FIFO or device would block or never end in the sniffing below
    const std::string name = p.filename().string();
    if (name.ends_with(".safetensors") || name.ends_with(".safetensors.index.json")) return openSafeTensors(path);
    // A .gguf name goes to the GGUF reader even without the magic, for its precise errors.
    if (name.ends_with(".gguf") || hasGgufMagic(path)) return openGguf(path);
    throw FormatError(path +
                      ": not a model edge-rt can open: expected a GGUF file (magic \"GGUF\" at byte 0), a "
                      ".safetensors file or index, or a HuggingFace model directory (config.json + "
                      "model.safetensors)");
}

ModelGraph ModelGraph::openGguf(const std::string& path)
{
    ModelGraph g;
    g.m_files = std::make_shared<ModelFiles>();
    auto& f = *g.m_files;
    f.format = ModelFormat::Gguf;
    f.path = path;
    f.gguf = std::make_unique<GgufFile>(path);
    f.archName = f.gguf->findString("general.architecture").value_or("");
    return g;
}

ModelGraph ModelGraph::openSafeTensors(const std::string& path)
{
    ModelGraph g;
    g.m_files = std::make_shared<ModelFiles>();
    auto& f = *g.m_files;
    f.format = ModelFormat::SafeTensors;
    std::error_code ec;
    f.directory = fs::is_directory(path, ec) ? path : fs::path(path).parent_path().string();
    if (f.directory.empty()) f.directory = ".";
    const std::string configPath = (fs::path(f.directory) / "config.json").string();
    if (!fs::exists(configPath, ec))
        throw IoError("cannot open model '" + path + "': " + configPath +
                      " is missing (a HuggingFace model directory needs config.json beside the SafeTensors files)");
    f.safetensors = std::make_unique<SafeTensorsCheckpoint>(path);
    f.path = f.safetensors->path();
    f.config = std::make_unique<HfConfig>(configPath);
    f.archName = f.config->architecture();
    return g;
}

ModelFormat ModelGraph::format() const
{
    return requireFiles(m_files)->format;
}
const std::string& ModelGraph::path() const
{
    return requireFiles(m_files)->path;
}
const std::string& ModelGraph::architectureName() const
{
    return requireFiles(m_files)->archName;
}

std::uint64_t ModelGraph::fileSizeBytes() const
{
    const auto& f = *requireFiles(m_files);
    return f.gguf ? f.gguf->fileSizeBytes() : f.safetensors->totalSizeBytes();
}

const GgufFile& ModelGraph::gguf() const
{
    const auto& f = *requireFiles(m_files);
    if (!f.gguf) throw UsageError(f.path + " is a SafeTensors model, not a GGUF file");
    return *f.gguf;
}

const SafeTensorsCheckpoint& ModelGraph::safetensors() const
{
    const auto& f = *requireFiles(m_files);
    if (!f.safetensors) throw UsageError(f.path + " is a GGUF file, not a SafeTensors model");
    return *f.safetensors;
}

std::string ModelGraph::formatDescription() const
{
    const auto& f = *requireFiles(m_files);
    if (f.gguf) {
        const auto& g = *f.gguf;
        return "GGUF v" + std::to_string(g.version()) + ", " + formatBytes(g.fileSizeBytes()) + ", " +
               std::to_string(g.metadata().size()) + " metadata keys, " + std::to_string(g.tensors().size()) +
               " tensors, alignment " + std::to_string(g.alignment()) + ", data at byte " +
               std::to_string(g.dataOffset());
    }
    const auto& st = *f.safetensors;
    std::size_t nTensors = 0;
    std::uint64_t headerBytes = 0;
    for (const auto& s : st.shards()) {
        nTensors += s->tensors().size();
        headerBytes += s->headerBytes();
    }
    return "SafeTensors, " + std::to_string(st.shards().size()) + (st.sharded() ? " shards" : " file") + ", " +
           formatBytes(st.totalSizeBytes()) + ", " + std::to_string(nTensors) + " tensors, header " +
           std::to_string(headerBytes) + " bytes; config.json: " + (f.archName.empty() ? "?" : f.archName);
}

std::vector<MetadataEntry> ModelGraph::metadata() const
{
    const auto& f = *requireFiles(m_files);
    std::vector<MetadataEntry> out;
    if (f.gguf) {
        for (const auto& [key, value] : f.gguf->metadata()) out.push_back({key, f.gguf->valueToString(value)});
        return out;
    }
    for (const auto& m : f.config->root().members()) out.push_back({"config." + m.key, json::summary(m.value)});
    for (const auto& s : f.safetensors->shards())
        for (const auto& [key, value] : s->metadata()) out.push_back({"safetensors." + key, "\"" + value + "\""});
    return out;
}

std::vector<SourceTensor> ModelGraph::sourceTensors() const
{
    const auto& f = *requireFiles(m_files);
    std::vector<SourceTensor> out;
    if (f.gguf) {
        for (const auto& t : f.gguf->tensors())
            out.push_back({t.name, tensorTypeName(t.type), t.shapeString(), t.sizeBytes, t.fileOffset, f.gguf->path()});
        return out;
    }
    for (const auto& [shard, t] : f.safetensors->tensors())
        out.push_back(
            {t->name, safeTensorsDtypeName(t->dtype), t->shapeString(), t->sizeBytes(), t->fileOffset, shard->path()});
    return out;
}

ValidatedModelGraph ModelGraph::validate() &&
{
    auto files = requireFiles(m_files);
    const bool hf = files->format == ModelFormat::SafeTensors;
    const ArchitectureEntry* entry = findArchitecture(files->archName, hf);
    if (!entry) {
        if (hf)
            throw ValidationError(files->config->path() + ": unsupported architecture '" + files->archName +
                                  "' in config.json (supported: " + supportedArchitectureList(true) + ")");
        throw ValidationError(files->path + ": unsupported architecture '" + files->archName +
                              "' in general.architecture (supported: " + supportedArchitectureList(false) + ")");
    }
    GraphParts parts = entry->buildGraph(*files);
    ValidatedModelGraph v;
    v.m_files = std::move(files);
    m_files.reset();
    v.m_hparams = parts.hparams;
    v.m_layers = std::move(parts.layers);
    v.m_head = std::move(parts.head);
    v.m_tokenEmbedding = std::move(parts.tokenEmbedding);
    v.m_positionEmbedding = std::move(parts.positionEmbedding);
    return v;
}

// ---------------------------------------------------------------------------------------------
ModelFormat ValidatedModelGraph::format() const
{
    return m_files->format;
}
const std::string& ValidatedModelGraph::path() const
{
    return m_files->path;
}

const GgufFile& ValidatedModelGraph::gguf() const
{
    if (!m_files->gguf) throw UsageError(m_files->path + " is a SafeTensors model, not a GGUF file");
    return *m_files->gguf;
}

std::uint64_t ValidatedModelGraph::fileSizeBytes() const
{
    return m_files->gguf ? m_files->gguf->fileSizeBytes() : m_files->safetensors->totalSizeBytes();
}

std::string ValidatedModelGraph::displayName() const
{
    if (m_files->gguf) {
        if (auto n = m_files->gguf->findString("general.name"); n && !n->empty()) return *n;
        return fs::path(path()).filename().string();
    }
    auto dir = fs::path(m_files->directory).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    return dir.filename().string();
}

std::uint64_t ValidatedModelGraph::weightBytes() const
{
    std::uint64_t total = m_tokenEmbedding.sizeBytes + m_head.outputNorm.sizeBytes;
    if (m_positionEmbedding) total += m_positionEmbedding->sizeBytes;
    if (m_head.outputNormBias) total += m_head.outputNormBias->sizeBytes;
    if (!m_hparams.tiedEmbeddings) total += m_head.output.sizeBytes;
    for (const auto& layer : m_layers)
        for (const auto& t : layer.byRole)
            if (t) total += t->sizeBytes;
    return total;
}

namespace {
/// bos_token_id / eos_token_id of config.json (a list, as some models write, gives its first).
std::optional<TokenId> configTokenId(const HfConfig& c, const char* key)
{
    const auto* v = c.root().find(key);
    if (!v || v->isNull()) return std::nullopt;
    const json::Value& id = v->isArray() && !v->items().empty() ? v->items()[0] : *v;
    const auto u = id.asUInt64();
    if (!u || *u > static_cast<std::uint64_t>(std::numeric_limits<TokenId>::max()))
        throw FormatError(c.path() + ": key '" + key + "' (byte " + std::to_string(v->offset()) + ") is " +
                          json::summary(*v) + ", expected a token id");
    return static_cast<TokenId>(*u);
}
}  // namespace

std::unique_ptr<Tokenizer> ValidatedModelGraph::makeTokenizer() const
{
    if (m_files->gguf) return Tokenizer::fromGguf(*m_files->gguf);
    const HfConfig& c = *m_files->config;
    return makeHfTokenizer(m_files->directory,
                           HfSpecialIds{configTokenId(c, "bos_token_id"), configTokenId(c, "eos_token_id")});
}

void ValidatedModelGraph::releaseHeaderPages() const
{
    if (m_files->gguf) m_files->gguf->releaseHeaderPages();
    if (m_files->safetensors) m_files->safetensors->releaseHeaderPages();
}

}  // namespace edgert
