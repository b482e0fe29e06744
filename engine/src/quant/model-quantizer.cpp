// edge-rt quantize: the per-tensor plan (tensor-type-rules.cpp) applied to a model's tensors,
// streamed tensor by tensor into an atomically written GGUF. The input is a GGUF (tensors read
// as stored) or a HF SafeTensors model (tensors in the canonical layout the HF graph builder
// gives them, named and described as llama.cpp's converter would: hf/hf-model-keys.h,
// hf/hf-tokenizer-keys.h). See edgert/quantize.h.
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/model-graph.h"
#include "edgert/quantize.h"
#include "edgert/tokenizer.h"
#include "graph/tensor-transform.h"
#include "hf/hf-model-keys.h"
#include "hf/hf-tokenizer-keys.h"
#include "kernels/quantize.h"
#include "quant/quantize-row.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace edgert {

namespace {

namespace fs = std::filesystem;

bool isFloatType(TensorType t)
{
    return t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16;
}

/// One tensor of the input: what it becomes and how to read its bytes (in `choice.from`).
struct InputTensor {
    TensorQuantChoice choice;
    /// Copies `n` bytes of the tensor, starting `offset` bytes into it, to `dst`. Reads arrive
    /// in increasing offsets; the last one ends at the tensor's end.
    std::function<void(std::uint64_t offset, std::byte* dst, std::size_t n)> read;
};

/// An opened input model: its tensors in output order and the metadata the output carries.
struct QuantInput {
    std::string path;
    std::uint64_t bytes = 0;
    std::vector<InputTensor> tensors;
    std::function<void(GgufWriter&)> setMetadata;  ///< everything but general.file_type
    std::shared_ptr<const void> keepAlive;         ///< the open files the read functions use
};

bool isGgufInput(const std::string& path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) return false;
    if (path.ends_with(".gguf")) return true;
    if (path.ends_with(".safetensors") || path.ends_with(".safetensors.index.json")) return false;
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

void checkChoice(const TensorQuantChoice& c, const std::string& path, bool allowRequantize)
{
    if (c.to != c.from && !isFloatType(c.from) && !allowRequantize)
        throw UsageError("tensor '" + c.name + "' in " + path + " is " + tensorTypeName(c.from) +
                         "; quantize reads F32, F16 or BF16 matrices (a quantised one with --allow-requantize, "
                         "which adds its rounding error)");
    if (c.to != c.from && !quant::canQuantise(c.to))
        throw UsageError("tensor '" + c.name + "' needs " + tensorTypeName(c.to) + " (" + c.reason +
                         "), which edge-rt cannot quantise");
}

QuantInput openGgufInput(const std::string& path, const QuantFileType& type, bool allowRequantize)
{
    auto file = std::make_shared<const GgufFile>(path);
    const GgufFile& in = *file;
    const std::string arch = in.findString("general.architecture").value_or("llama");
    QuantModelInfo model;
    model.nLayer = static_cast<std::uint32_t>(in.findUInt(arch + ".block_count").value_or(0));
    model.nHead = static_cast<std::uint32_t>(in.findUInt(arch + ".attention.head_count").value_or(1));
    model.nHeadKv = static_cast<std::uint32_t>(in.findUInt(arch + ".attention.head_count_kv").value_or(model.nHead));
    model.hasOutput = in.findTensor("output.weight") != nullptr;

    QuantInput q;
    q.path = path;
    q.bytes = in.fileSizeBytes();
    for (const auto& t : in.tensors()) {
        auto c = chooseTensorType(type, t.name, t.dims, t.type, model);
        checkChoice(c, path, allowRequantize);
        const GgufFile* f = file.get();
        const std::uint64_t base = t.fileOffset;
        q.tensors.push_back({std::move(c), [f, base](std::uint64_t offset, std::byte* dst, std::size_t n) {
                                 f->file().readAt(base + offset, dst, n);
                             }});
    }
    q.setMetadata = [f = file.get()](GgufWriter& w) { w.copyMetadata(*f); };
    q.keepAlive = file;
    return q;
}

/// The HF directory a SafeTensors path belongs to (as ModelGraph::openSafeTensors finds it).
std::string hfDirectory(const std::string& path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) return path;
    const auto parent = fs::path(path).parent_path().string();
    return parent.empty() ? "." : parent;
}

/// Reads a tensor whose file layout needs a load transform: the whole canonical tensor is read
/// (and transformed) on the first read, served from memory, and freed after the last byte.
struct TransformedTensor {
    const TensorRef* ref;
    std::vector<std::byte> bytes;
    void read(std::uint64_t offset, std::byte* dst, std::size_t n)
    {
        if (bytes.empty()) {
            bytes.resize(ref->sizeBytes);
            readTensor(*ref, bytes.data());
        }
        std::memcpy(dst, bytes.data() + offset, n);
        if (offset + n == bytes.size()) std::vector<std::byte>().swap(bytes);
    }
};

QuantInput openHfInput(const std::string& path, const QuantFileType& type)
{
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openSafeTensors(path).validate());
    const ValidatedModelGraph& g = *graph;
    const std::string directory = hfDirectory(path);
    // Read the tokenizer first: a directory without one fails before any tensor is planned.
    std::shared_ptr<const Tokenizer> tokenizer = g.makeTokenizer();
    const HyperParams& hp = g.hparams();
    QuantModelInfo model;
    model.nLayer = hp.nLayers;
    model.nHead = hp.nHeads;
    model.nHeadKv = hp.nKvHeads;
    model.hasOutput = !hp.tiedEmbeddings;

    QuantInput q;
    q.path = g.path();
    q.bytes = g.fileSizeBytes();
    for (const auto& [name, ref] : hf::ggufTensors(g)) {
        auto c = chooseTensorType(type, name, ref->dims, ref->type, model);
        checkChoice(c, ref->file ? ref->file->path() : q.path, false);
        if (ref->transform == LoadTransform::None) {
            const MappedFile* f = ref->file;
            const std::uint64_t base = ref->fileOffset;
            q.tensors.push_back({std::move(c), [f, base](std::uint64_t offset, std::byte* dst, std::size_t n) {
                                     f->readAt(base + offset, dst, n);
                                 }});
        } else {
            auto t = std::make_shared<TransformedTensor>(TransformedTensor{ref, {}});
            q.tensors.push_back(
                {std::move(c), [t](std::uint64_t offset, std::byte* dst, std::size_t n) { t->read(offset, dst, n); }});
        }
    }
    if (const auto& freqs = hf::ropeFreqs(g); !freqs.empty()) {
        TensorQuantChoice c{"rope_freqs.weight", {freqs.size()}, TensorType::F32, TensorType::F32, "RoPE factors"};
        q.tensors.push_back({std::move(c), [&freqs](std::uint64_t offset, std::byte* dst, std::size_t n) {
                                 std::memcpy(dst, reinterpret_cast<const std::byte*>(freqs.data()) + offset, n);
                             }});
    }
    const std::string name = g.displayName();
    q.setMetadata = [graph, tokenizer, directory, name](GgufWriter& w) {
        hf::setModelKeys(w, *graph, name);
        hf::setTokenizerKeys(w, *tokenizer, directory);
    };
    q.keepAlive = graph;
    return q;
}

QuantInput openInput(const std::string& path, const QuantFileType& type, bool allowRequantize)
{
    if (isGgufInput(path)) return openGgufInput(path, type, allowRequantize);
    return openHfInput(path, type);
}

/// Fills `chunk` (whole output blocks starting `offset` bytes into the output tensor): reads the
/// input blocks covering it (1 value for F32/F16/BF16, 32 or 256 for a requantised input),
/// dequantises, checks every value is finite and quantises block by block on `threads` threads.
void quantiseChunk(const InputTensor& t, const std::string& path, int threads, std::uint64_t offset,
                   std::span<std::byte> chunk)
{
    const TensorType from = t.choice.from, to = t.choice.to;
    const std::uint64_t outBlock = traitsOf(to).blockBytes, outElems = traitsOf(to).blockElements;
    const std::uint64_t inElems = traitsOf(from).blockElements, inBlock = traitsOf(from).blockBytes;
    const std::uint64_t e0 = offset / outBlock * outElems;
    const std::uint64_t n = chunk.size() / outBlock * outElems;
    const std::uint64_t first = e0 / inElems * inElems;
    const std::uint64_t last = (e0 + n + inElems - 1) / inElems * inElems;
    std::vector<std::byte> raw((last - first) / inElems * inBlock);
    t.read(first / inElems * inBlock, raw.data(), raw.size());
    std::vector<float> values(last - first);
    kernels::dequantizeRow(from, raw.data(), values.data(), values.size());
    const float* x = values.data() + (e0 - first);
    for (std::uint64_t j = 0; j < n; ++j)
        if (!std::isfinite(x[j]))
            throw FormatError("tensor '" + t.choice.name + "' in " + path + " has a non-finite value (" +
                              std::to_string(x[j]) + ") at element " + std::to_string(e0 + j) +
                              "; refusing to quantise it");
    const auto nBlocks = static_cast<std::int64_t>(n / outElems);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t b = 0; b < nBlocks; ++b)
        quant::quantiseRow(to, x + b * static_cast<std::int64_t>(outElems), outElems,
                           chunk.data() + b * static_cast<std::int64_t>(outBlock));
}

}  // namespace

std::vector<TensorQuantChoice> planQuantization(const std::string& inputPath, const QuantFileType& type,
                                                bool allowRequantize)
{
    const QuantInput in = openInput(inputPath, type, allowRequantize);
    std::vector<TensorQuantChoice> out;
    for (const auto& t : in.tensors) out.push_back(t.choice);
    return out;
}

QuantizeResult quantizeModel(const std::string& inputPath, const std::string& outputPath, const QuantFileType& type,
                             const QuantizeOptions& options)
{
    if (options.threads < 1) throw UsageError("thread count must be at least 1");
    const QuantInput in = openInput(inputPath, type, options.allowRequantize);
    QuantizeResult result;
    for (const auto& t : in.tensors) result.tensors.push_back(t.choice);
    result.inputBytes = in.bytes;

    GgufWriter w;
    in.setMetadata(w);
    w.setUInt32("general.file_type", type.llamaFileType);
    w.setUInt32("general.quantization_version", 2);
    std::uint64_t written = 0;
    const std::size_t count = in.tensors.size();
    for (std::size_t i = 0; i < count; ++i) {
        const InputTensor& t = in.tensors[i];
        const auto& choice = t.choice;
        std::uint64_t rows = 1;
        for (std::size_t d = 1; d < choice.dims.size(); ++d) rows *= choice.dims[d];
        const std::uint64_t tensorBytes = rowBytes(choice.to, choice.dims[0]) * rows;
        // Progress once the writer has filled the tensor's last chunk.
        const auto done = [&options, &written, &result, i, count, tensorBytes](std::uint64_t offset, std::size_t n) {
            written += n;
            if (options.onTensor && offset + n == tensorBytes) options.onTensor(i, count, result.tensors[i], written);
        };
        const int threads = options.threads;
        const std::string& path = in.path;
        w.addTensor(choice.name, choice.dims, choice.to,
                    [&t, &path, threads, done](std::uint64_t offset, std::span<std::byte> chunk) {
                        if (t.choice.to == t.choice.from)
                            t.read(offset, chunk.data(), chunk.size());
                        else
                            quantiseChunk(t, path, threads, offset, chunk);
                        done(offset, chunk.size());
                    });
    }
    w.write(outputPath);
    result.outputBytes = w.fileSizeBytes();
    return result;
}

}  // namespace edgert
