// GGUF reader (versions 2 and 3) over a read-only mmap.
// Source: the GGUF specification, ggml docs/gguf.md (github.com/ggml-org/ggml), which defines:
//   header   = magic "GGUF" | u32 version | u64 tensor_count | u64 metadata_kv_count
//   kv       = gguf_string key | u32 value_type | value
//   tensor   = gguf_string name | u32 n_dims | u64 dims[n_dims] (ne0 first) | u32 ggml_type | u64 offset
//   data     = starts at the first multiple of general.alignment (default 32) after the infos;
//              tensor offsets are relative to it and aligned.
// Every read is bounds-checked; malformed input raises FormatError naming the file, the key or
// tensor being read and the byte offset. Nothing is read out of bounds.
#pragma once

#include "edgert/mapped-file.h"
#include "edgert/tensor-type.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace edgert {

/// GGUF metadata value types (gguf_metadata_value_type).
enum class GgufType : std::uint32_t {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

const char* ggufTypeName(GgufType type);

/// An array value, decoded lazily: elements stay in the mapped file until asked for.
struct GgufArrayRef {
    GgufType elementType;
    std::uint64_t count;
    std::uint64_t fileOffset;  ///< offset of the first element
    std::uint64_t byteSize;    ///< bytes all elements occupy
};

/// A metadata value. Strings are views into the mapped file.
struct GgufValue {
    GgufType type;
    std::variant<std::uint64_t, std::int64_t, double, bool, std::string_view, GgufArrayRef> value;
    std::uint64_t fileOffset;  ///< where the value starts, for error messages
};

/// One tensor as described by the file. dims are ne0-first (ne0 = row length).
struct GgufTensorInfo {
    std::string name;
    std::vector<std::uint64_t> dims;
    TensorType type;
    std::uint64_t fileOffset;  ///< absolute offset of the data in the file
    std::uint64_t sizeBytes;   ///< bytes of data
    std::uint64_t elementCount() const;
    /// "[64, 512]"
    std::string shapeString() const;
};

class GgufFile {
public:
    /// Maps and parses `path`. Throws IoError (cannot open) or FormatError (malformed).
    explicit GgufFile(const std::string& path);

    const std::string& path() const { return m_file.path(); }
    std::uint32_t version() const { return m_version; }
    std::uint64_t fileSizeBytes() const { return m_file.sizeBytes(); }
    std::uint64_t alignment() const { return m_alignment; }
    std::uint64_t dataOffset() const { return m_dataOffset; }
    const MappedFile& file() const { return m_file; }

    // ---- metadata -------------------------------------------------------------------------
    const std::map<std::string, GgufValue, std::less<>>& metadata() const { return m_metadata; }
    bool has(std::string_view key) const { return m_metadata.find(key) != m_metadata.end(); }
    const GgufValue* find(std::string_view key) const;

    /// Typed getters: throw FormatError naming the key when it is missing or has another type.
    /// Integer getters accept any integer type whose value fits.
    std::uint64_t getUInt(std::string_view key) const;
    std::int64_t getInt(std::string_view key) const;
    double getFloat(std::string_view key) const;
    bool getBool(std::string_view key) const;
    std::string getString(std::string_view key) const;
    /// Optional variants return nullopt when missing but still throw on a wrong type.
    std::optional<std::uint64_t> findUInt(std::string_view key) const;
    std::optional<double> findFloat(std::string_view key) const;
    std::optional<bool> findBool(std::string_view key) const;
    std::optional<std::string> findString(std::string_view key) const;

    /// Array decoders. Throw FormatError when the key is missing, not an array, or its elements
    /// are of another type (integers of any width are accepted by arrayInt).
    std::vector<std::string> arrayStrings(std::string_view key) const;
    std::vector<float> arrayFloats(std::string_view key) const;
    std::vector<std::int64_t> arrayInts(std::string_view key) const;
    std::uint64_t arrayCount(std::string_view key) const;

    /// The value rendered for people: scalars in full, strings quoted (truncated), arrays as
    /// "[string × 32000]".
    std::string valueToString(const GgufValue& value) const;

    // ---- tensors --------------------------------------------------------------------------
    const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }
    const GgufTensorInfo* findTensor(std::string_view name) const;

    /// Copies a tensor's bytes into `dst` (sizeBytes) with pread; weights do not stay mapped.
    void readTensor(const GgufTensorInfo& tensor, void* dst) const;

    /// Drops the header pages (metadata, tensor infos) from the resident set once parsed;
    /// accessors stay valid (pages fault back in from the page cache when touched).
    void releaseHeaderPages() const { m_file.releasePages(0, m_dataOffset); }

private:
    void parse();
    const GgufValue& require(std::string_view key) const;

    MappedFile m_file;
    std::uint32_t m_version = 0;
    std::uint64_t m_alignment = 32;
    std::uint64_t m_dataOffset = 0;
    std::map<std::string, GgufValue, std::less<>> m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    std::unordered_map<std::string, std::size_t> m_tensorIndex;  ///< name -> index in m_tensors
};

}  // namespace edgert
