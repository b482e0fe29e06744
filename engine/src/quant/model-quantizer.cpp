// edge-rt quantize: the per-tensor plan (tensor-type-rules.cpp) applied to a GGUF, streamed
// tensor by tensor into an atomically written GGUF. See edgert/quantize.h.
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/quantize.h"
#include "kernels/quantize.h"
#include "quant/quantize-row.h"

#include <cmath>
#include <string>
#include <vector>

namespace edgert {

namespace {

bool isFloatType(TensorType t)
{
    return t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16;
}

QuantModelInfo modelInfo(const GgufFile& in)
{
    const std::string arch = in.findString("general.architecture").value_or("llama");
    QuantModelInfo m;
    m.nLayer = static_cast<std::uint32_t>(in.findUInt(arch + ".block_count").value_or(0));
    m.nHead = static_cast<std::uint32_t>(in.findUInt(arch + ".attention.head_count").value_or(1));
    m.nHeadKv = static_cast<std::uint32_t>(in.findUInt(arch + ".attention.head_count_kv").value_or(m.nHead));
    m.hasOutput = in.findTensor("output.weight") != nullptr;
    return m;
}

std::vector<TensorQuantChoice> plan(const GgufFile& in, const QuantFileType& type, bool allowRequantize)
{
    const auto model = modelInfo(in);
    std::vector<TensorQuantChoice> out;
    for (const auto& t : in.tensors()) {
        auto c = chooseTensorType(type, t.name, t.dims, t.type, model);
        if (c.to != c.from && !isFloatType(t.type) && !allowRequantize)
            throw UsageError("tensor '" + t.name + "' in " + in.file().path() + " is " + tensorTypeName(t.type) +
                             "; quantize reads F32, F16 or BF16 matrices (a quantised one with --allow-requantize, "
                             "which adds its rounding error)");
        if (c.to != c.from && !quant::canQuantise(c.to))
            throw UsageError("tensor '" + t.name + "' needs " + tensorTypeName(c.to) + " (" + c.reason +
                             "), which edge-rt cannot quantise");
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

std::vector<TensorQuantChoice> planQuantization(const std::string& inputPath, const QuantFileType& type,
                                                bool allowRequantize)
{
    const GgufFile in(inputPath);
    return plan(in, type, allowRequantize);
}

QuantizeResult quantizeGguf(const std::string& inputPath, const std::string& outputPath, const QuantFileType& type,
                            const QuantizeOptions& options)
{
    if (options.threads < 1) throw UsageError("thread count must be at least 1");
    const GgufFile in(inputPath);
    QuantizeResult result;
    result.tensors = plan(in, type, options.allowRequantize);
    result.inputBytes = in.fileSizeBytes();

    GgufWriter w;
    w.copyMetadata(in);
    w.setUInt32("general.file_type", type.llamaFileType);
    w.setUInt32("general.quantization_version", 2);
    std::uint64_t written = 0;
    const std::size_t count = result.tensors.size();
    for (std::size_t i = 0; i < count; ++i) {
        const auto& choice = result.tensors[i];
        const auto& src = *in.findTensor(choice.name);
        std::uint64_t rows = 1;
        for (std::size_t d = 1; d < choice.dims.size(); ++d) rows *= choice.dims[d];
        const std::uint64_t tensorBytes = rowBytes(choice.to, choice.dims[0]) * rows;
        // Progress once the writer has filled the tensor's last chunk.
        const auto done = [&options, &written, &result, i, count, tensorBytes](std::uint64_t offset, std::size_t n) {
            written += n;
            if (options.onTensor && offset + n == tensorBytes) options.onTensor(i, count, result.tensors[i], written);
        };
        if (choice.to == choice.from) {
            w.addTensor(choice.name, choice.dims, choice.to,
                        [&in, &src, done](std::uint64_t offset, std::span<std::byte> chunk) {
                            in.file().readAt(src.fileOffset + offset, chunk.data(), chunk.size());
                            done(offset, chunk.size());
                        });
            continue;
        }
        // A chunk holds whole output blocks, i.e. a range of elements starting on an output
        // block; the input blocks (1 value for F32/F16/BF16, 32 or 256 for a requantised input)
        // covering it are read, dequantised, checked finite and quantised block by block in parallel.
        const TensorType from = choice.from, to = choice.to;
        const int threads = options.threads;
        const std::string name = choice.name, path = inputPath;
        w.addTensor(name, choice.dims, to,
                    [&in, &src, from, to, threads, done, name, path](std::uint64_t offset, std::span<std::byte> chunk) {
                        const std::uint64_t outBlock = traitsOf(to).blockBytes, outElems = traitsOf(to).blockElements;
                        const std::uint64_t inElems = traitsOf(from).blockElements, inBlock = traitsOf(from).blockBytes;
                        const std::uint64_t e0 = offset / outBlock * outElems;
                        const std::uint64_t n = chunk.size() / outBlock * outElems;
                        const std::uint64_t first = e0 / inElems * inElems;
                        const std::uint64_t last = (e0 + n + inElems - 1) / inElems * inElems;
                        std::vector<std::byte> raw((last - first) / inElems * inBlock);
                        in.file().readAt(src.fileOffset + first / inElems * inBlock, raw.data(), raw.size());
                        std::vector<float> values(last - first);
                        kernels::dequantizeRow(from, raw.data(), values.data(), values.size());
                        const float* x = values.data() + (e0 - first);
                        for (std::uint64_t j = 0; j < n; ++j)
                            if (!std::isfinite(x[j]))
                                throw FormatError("tensor '" + name + "' in " + path + " has a non-finite value (" +
                                                  std::to_string(x[j]) + ") at element " + std::to_string(e0 + j) +
                                                  "; refusing to quantise it");
                        const auto nBlocks = static_cast<std::int64_t>(n / outElems);
#pragma omp parallel for num_threads(threads) schedule(static)
                        for (std::int64_t b = 0; b < nBlocks; ++b)
                            quant::quantiseRow(to, x + b * static_cast<std::int64_t>(outElems), outElems,
                                               chunk.data() + b * static_cast<std::int64_t>(outBlock));
                        done(offset, chunk.size());
                    });
    }
    w.write(outputPath);
    result.outputBytes = w.fileSizeBytes();
    return result;
}

}  // namespace edgert
