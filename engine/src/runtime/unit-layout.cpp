#include "runtime/unit-layout.h"

#include "io/direct-reader.h"

#include <algorithm>
#include <numeric>

namespace edgert {

namespace {

/// The address alignment the kernels read a tensor's elements at, in bytes: 4 for F32 and I32,
/// 8 for the 64-bit types, 1 for I8, 2 otherwise (F16, BF16, I16 and the quantised blocks, whose
/// scales are 16-bit fields).
std::uint64_t elementAlignment(TensorType type)
{
    switch (type) {
        case TensorType::F32:
        case TensorType::I32: return 4;
        case TensorType::F64:
        case TensorType::I64: return 8;
        case TensorType::I8: return 1;
        default: return 2;
    }
}

/// Read as stored into the group buffer: no load transform, and the file offset keeps the
/// element alignment (a GGUF file's general.alignment always does; a SafeTensors tensor behind
/// one of odd length, such as an old GPT-2 checkpoint's 1-byte attn.masked_bias, may not).
bool readAsStored(const TensorRef& t)
{
    return t.transform == LoadTransform::None && t.fileOffset % elementAlignment(t.type) == 0;
}

}  // namespace

UnitLayout unitLayout(const ValidatedModelGraph& graph, int layer)
{
    constexpr std::uint64_t page = io::kDirectAlignment;
    UnitLayout out;
    for (const auto& t : unitTensorsByRole(graph, layer)) {
        out.tensors.push_back({t.role, t.ref, 0});
        out.tensorFileBytes += t.ref->fileBytes();
    }
    std::vector<std::size_t> asStored;
    for (std::size_t i = 0; i < out.tensors.size(); ++i)
        (readAsStored(*out.tensors[i].ref) ? asStored : out.transformed).push_back(i);
    std::sort(asStored.begin(), asStored.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = *out.tensors[a].ref;
        const auto& y = *out.tensors[b].ref;
        return x.file != y.file ? std::less<const MappedFile*>()(x.file, y.file) : x.fileOffset < y.fileOffset;
    });

    std::uint64_t at = 0;
    FileSpan* span = nullptr;
    for (std::size_t i : asStored) {
        const TensorRef& t = *out.tensors[i].ref;
        const std::uint64_t spanEnd = span ? span->fileOffset + span->length : 0;
        const bool extends = span && span->file == t.file && t.fileOffset >= spanEnd && t.fileOffset - spanEnd < page;
        if (!extends) {
            if (span) at = span->offset + span->length;
            // The next offset at or after `at` congruent to the tensor's file offset.
            const std::uint64_t shift = (t.fileOffset % page + page - at % page) % page;
            out.spans.push_back({t.file, t.fileOffset, 0, at + shift});
            span = &out.spans.back();
        }
        const std::uint64_t end = std::max(span->fileOffset + span->length, t.fileOffset + t.sizeBytes);
        span->length = end - span->fileOffset;
        out.tensors[i].offset = span->offset + (t.fileOffset - span->fileOffset);
    }
    if (span) at = span->offset + span->length;
    for (std::size_t i : out.transformed) {
        at = alignUp(at);
        out.tensors[i].offset = at;
        at += out.tensors[i].ref->sizeBytes;
    }
    out.bytes = alignUp(at, page);
    return out;
}

}  // namespace edgert
