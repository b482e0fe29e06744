// writeSynthetic(): the checks and keys every architecture shares, then the architecture's own
// writer from the table (models/architectures.cpp).
#include "models/common/synth-writer.h"

#include "edgert/error.h"
#include "models/architectures.h"
#include "models/common/random-fill.h"

#include <cmath>
#include <cstring>

namespace edgert {

SynthWriter::SynthWriter(GgufWriter& writer, const SynthOptions& options, const GgufFile& vocab)
    : m_writer(writer),
      m_options(options),
      m_vocab(vocab),
      m_vocabSize(vocab.arrayCount("tokenizer.ggml.tokens")),
      m_key(options.seed * 0x100000001b3ull)
{
    if (!options.mixture.empty()) m_mixture = quantFileType(options.mixture);
    m_model.nLayer = options.shape.nLayers;
    m_model.nHead = options.shape.nHeads;
    m_model.nHeadKv = options.shape.kvHeads();
    m_model.hasOutput = !options.shape.tiedEmbeddings;
}

void SynthWriter::copyTokenizer()
{
    m_writer.copyMetadata(m_vocab, [](std::string_view key) { return key.starts_with("tokenizer."); });
}

void SynthWriter::decoderKeys(const std::string& arch)
{
    const auto& s = m_options.shape;
    const std::string a = arch + ".";
    m_writer.setUInt32(a + "context_length", s.contextLength);
    m_writer.setUInt32(a + "embedding_length", s.dim);
    m_writer.setUInt32(a + "feed_forward_length", s.ffnDim);
    m_writer.setUInt32(a + "block_count", s.nLayers);
    m_writer.setUInt32(a + "attention.head_count", s.nHeads);
    m_writer.setUInt32(a + "attention.head_count_kv", s.kvHeads());
    m_writer.setUInt32(a + "rope.dimension_count", s.headSize());
    m_writer.setFloat32(a + "rope.freq_base", s.ropeFreqBase);
    m_writer.setFloat32(a + "attention.layer_norm_rms_epsilon", s.normEps);
}

void SynthWriter::matrix(const std::string& name, std::uint64_t cols, std::uint64_t rows)
{
    const TensorType type =
        m_mixture ? chooseTensorType(*m_mixture, name, {cols, rows}, TensorType::F32, m_model).to : m_options.type;
    m_writer.addTensor(name, {cols, rows}, type,
                       synth::randomFill(type, ++m_key, 0.0f, 1.0f / std::sqrt(static_cast<float>(cols))));
}

void SynthWriter::randomVector(const std::string& name, std::uint64_t n, float mean, float stddev)
{
    randomF32(name, {n}, mean, stddev);
}

void SynthWriter::randomF32(const std::string& name, std::vector<std::uint64_t> dims, float mean, float stddev)
{
    m_writer.addTensor(name, std::move(dims), TensorType::F32,
                       synth::randomFill(TensorType::F32, ++m_key, mean, stddev));
}

void SynthWriter::constantVector(const std::string& name, std::uint64_t n, float value)
{
    m_writer.addTensor(name, {n}, TensorType::F32, synth::constantFill(value));
}

void SynthWriter::valuesVector(const std::string& name, std::vector<float> values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(float));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    m_writer.addTensor(name, {values.size()}, TensorType::F32, bytes);
}

// ---------------------------------------------------------------------------------------------
std::optional<SynthShape> knownSynthShape(const std::string& name)
{
    for (const auto& a : architectureTable())
        for (const auto& s : a.synthShapes())
            if (s.name == name) return s;
    return std::nullopt;
}

std::vector<std::string> knownSynthShapeNames(Architecture arch)
{
    std::vector<std::string> out;
    for (const auto& s : architectureEntry(arch).synthShapes()) out.push_back(s.name);
    return out;
}

std::vector<std::string> knownSynthShapeNames()
{
    std::vector<std::string> out;
    for (const auto& a : architectureTable())
        for (const auto& s : a.synthShapes()) out.push_back(s.name);
    return out;
}

std::uint64_t writeSynthetic(const SynthOptions& o, const std::string& outPath)
{
    const auto& s = o.shape;
    const auto& entry = architectureEntry(s.arch);
    const auto mixture = o.mixture.empty() ? std::nullopt : std::optional(quantFileType(o.mixture));
    const auto fileType = mixture ? mixture->llamaFileType : synth::fileTypeOf(o.type);
    const std::string typeName = mixture ? mixture->name : tensorTypeName(o.type);
    const std::string what = std::string("synthetic ") + entry.name + " shape";
    if (s.dim == 0 || s.ffnDim == 0 || s.nLayers == 0 || s.nHeads == 0 || s.contextLength == 0)
        throw UsageError(what + " needs positive dim, ffn, layers, heads and context");
    if (s.headDim == 0 && s.dim % s.nHeads != 0)
        throw UsageError(what + ": dim must be a multiple of heads (or give the head size)");
    if (s.nHeads % s.kvHeads() != 0) throw UsageError(what + ": heads must be a multiple of KV heads");
    // A mixture places each matrix by llama-quantize's rules (with its fallbacks; SynthWriter::matrix
    // names a tensor that fits none); a single type must divide every row length.
    const auto block = traitsOf(o.type).blockElements;
    const std::uint64_t kvWidth = std::uint64_t{s.headSize()} * s.kvHeads();
    if (!mixture && (s.dim % block != 0 || s.ffnDim % block != 0 || kvWidth % block != 0 ||
                     (std::uint64_t{s.headSize()} * s.nHeads) % block != 0))
        throw UsageError(what + ": dim, ffn and the q/KV widths must be multiples of " + std::to_string(block) +
                         " for " + tensorTypeName(o.type));
    if (s.arch != Architecture::Gpt2 && s.headSize() % 2 != 0)
        throw UsageError(what + ": head size must be even for RoPE");

    const GgufFile vocab(o.vocabPath);
    GgufWriter w;
    w.setString("general.architecture", entry.name);
    w.setString("general.name", "synthetic " + s.name + " shape, " + typeName +
                                    ", random weights (edge-rt synth; text is meaningless)");
    w.setUInt32("general.file_type", fileType);
    w.setUInt32("general.quantization_version", 2);
    SynthWriter sw(w, o, vocab);
    entry.writeSynthetic(sw);  // the architecture's keys (before the tokenizer's, as converters write) and tensors
    w.write(outPath);
    return w.fileSizeBytes();
}

}  // namespace edgert
