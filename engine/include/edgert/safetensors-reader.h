// SafeTensors reader over a read-only mmap, for single files and sharded checkpoints.
// Source: the format description in github.com/huggingface/safetensors (README, "Format"):
//   file   = u64 N (little-endian) | N bytes of UTF-8 JSON header | data
//   header = { "__metadata__": {string: string}   (optional)
//              "<tensor name>": { "dtype": "F32", "shape": [2048, 128], "data_offsets": [begin, end] }, ... }
//   data_offsets are relative to the start of the data (byte 8 + N); shape is row-major, outermost
//   first; the tensors must tile the data exactly (no holes, no overlaps), as the reference
//   implementation's Metadata::validate() enforces. The header may be padded with spaces.
//   Sharded checkpoints: model.safetensors.index.json = {"metadata": {...}, "weight_map":
//   {"<tensor name>": "<shard file name>"}} beside the shards.
//
// Every number in the header is checked before use, and a file that fails a check is a
// FormatError naming the file, the tensor and the byte offset: a header length past the end of
// the file or above 100 MiB, malformed JSON (see io/json-parser.h), an unknown dtype, a bad shape,
// data_offsets that are reversed or out of range, shape × dtype size ≠ the byte range, and
// tensors that overlap or leave gaps. Nothing is ever read out of bounds.
#pragma once

#include "edgert/mapped-file.h"
#include "edgert/tensor-type.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgert {

/// The dtypes of the SafeTensors format (safetensors `Dtype`).
enum class SafeTensorsDtype : std::uint8_t {
    Bool,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    I64,
    U64,
    F64
};

/// "F32", "BF16", ...
const char* safeTensorsDtypeName(SafeTensorsDtype dtype);
/// Bytes per element.
std::uint32_t safeTensorsDtypeBytes(SafeTensorsDtype dtype);
/// Parses a dtype name as it appears in headers; nullopt for an unknown one.
std::optional<SafeTensorsDtype> parseSafeTensorsDtype(std::string_view name);
/// The ggml type with the same element layout (F32, F16, BF16, I8, I16, I32, I64, F64), or
/// nullopt when ggml has none (BOOL, U8, U16, U32, U64, F8_*).
std::optional<TensorType> tensorTypeOf(SafeTensorsDtype dtype);

/// One tensor as the header describes it.
struct SafeTensorsTensor {
    std::string name;
    SafeTensorsDtype dtype = SafeTensorsDtype::F32;
    std::vector<std::uint64_t> shape;  ///< as stored: outermost first (row-major)
    std::uint64_t dataBegin = 0;       ///< data_offsets[0], relative to the data section
    std::uint64_t dataEnd = 0;         ///< data_offsets[1]
    std::uint64_t fileOffset = 0;      ///< absolute offset of the first byte in the file
    std::uint64_t headerOffset = 0;    ///< where the tensor's entry starts in the file (errors)
    std::uint64_t sizeBytes() const { return dataEnd - dataBegin; }
    std::uint64_t elementCount() const;
    /// "[2048, 128]" (as stored)
    std::string shapeString() const;
};

/// One .safetensors file.
class SafeTensorsFile {
public:
    static constexpr std::uint64_t kMaxHeaderBytes = std::uint64_t{100} << 20;  ///< as the reference implementation

    /// Maps and validates `path`. Throws IoError (cannot open) or FormatError (malformed).
    explicit SafeTensorsFile(const std::string& path);

    const std::string& path() const { return m_file.path(); }
    std::uint64_t fileSizeBytes() const { return m_file.sizeBytes(); }
    std::uint64_t headerBytes() const { return m_headerBytes; }  ///< N
    std::uint64_t dataOffset() const { return 8 + m_headerBytes; }
    const MappedFile& file() const { return m_file; }

    /// Tensors in header order.
    const std::vector<SafeTensorsTensor>& tensors() const { return m_tensors; }
    const SafeTensorsTensor* findTensor(std::string_view name) const;
    /// The "__metadata__" pairs in header order (empty when absent).
    const std::vector<std::pair<std::string, std::string>>& metadata() const { return m_metadata; }
    std::optional<std::string> findMetadata(std::string_view key) const;

    /// Drops the header pages from the resident set once parsed.
    void releaseHeaderPages() const { m_file.releasePages(0, dataOffset()); }

private:
    void parse();

    MappedFile m_file;
    std::uint64_t m_headerBytes = 0;
    std::vector<SafeTensorsTensor> m_tensors;
    std::vector<std::size_t> m_byName;  ///< indices into m_tensors sorted by name
    std::vector<std::pair<std::string, std::string>> m_metadata;
};

/// A checkpoint: one .safetensors file, or every shard a model.safetensors.index.json names.
class SafeTensorsCheckpoint {
public:
    /// `path` is a .safetensors file, a *.safetensors.index.json, or a directory holding
    /// model.safetensors or model.safetensors.index.json. The index must name shards by plain
    /// file names in its own directory, every tensor it maps must be in the named shard, and
    /// every tensor of a shard must be in the map; no tensor may appear twice.
    /// Throws IoError / FormatError naming the file (and tensor) at fault.
    explicit SafeTensorsCheckpoint(const std::string& path);

    /// The file that was opened: the .safetensors file or the index.
    const std::string& path() const { return m_path; }
    bool sharded() const { return m_sharded; }
    const std::vector<std::unique_ptr<SafeTensorsFile>>& shards() const { return m_shards; }
    std::uint64_t totalSizeBytes() const;

    struct Entry {
        const SafeTensorsFile* shard;
        const SafeTensorsTensor* tensor;
    };
    /// Every tensor, shard by shard in header order.
    std::vector<Entry> tensors() const;
    /// The tensor named `name`, or {nullptr, nullptr}.
    Entry findTensor(std::string_view name) const;
    /// A "__metadata__" value of the first shard that has `key`.
    std::optional<std::string> findMetadata(std::string_view key) const;

    void releaseHeaderPages() const;

private:
    std::string m_path;
    bool m_sharded = false;
    std::vector<std::unique_ptr<SafeTensorsFile>> m_shards;
};

}  // namespace edgert
