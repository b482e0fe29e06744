// GGUF version 3 writer. It builds metadata and tensor descriptions in memory and writes the file in
// one pass. Source: the GGUF specification, ggml docs/gguf.md (github.com/ggml-org/ggml).
// The writer produces this layout:
//   header  = "GGUF" | u32 3 | u64 tensor_count | u64 metadata_kv_count
//   kvs     = the metadata, in the order the keys were first set
//   infos   = the tensor infos, in the order the tensors were added (dims ne0 first)
//   padding = zeros up to the next multiple of general.alignment (default 32)
//   data    = each tensor's bytes, each followed by zeros up to the alignment
// Tensor data comes either from a caller's span, copied when the tensor is added, or from a fill
// callback. The callback streams the data in chunks of at most kMaxChunkBytes, so a multi-GB file
// needs only O(MB) of memory.
//
// Commit/rollback contract of write(path): the file is written to "<path>.tmp-XXXXXX" in the same
// directory, fsync'ed, then renamed over `path`. A reader sees either the old file or the complete
// new one, never a partial file. If anything fails (I/O error or an exception from a fill callback),
// the temporary file is removed, `path` is left untouched and the error propagates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgert/gguf-reader.h"
#include "edgert/tensor-type.h"

namespace edgert {

class GgufWriter {
public:
    /// Fills `chunk` with the tensor bytes that start `offset` bytes into the tensor. The chunk
    /// arrives zeroed. It holds whole blocks of the tensor's type and at most kMaxChunkBytes bytes.
    /// The writer calls it with increasing offsets that together cover the tensor exactly once.
    using Fill = std::function<void(std::uint64_t offset, std::span<std::byte> chunk)>;
    using KeyPredicate = std::function<bool(std::string_view key)>;

    static constexpr std::uint32_t kDefaultAlignment = 32;
    static constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;
    /// ggml's GGML_MAX_NAME (64) counts the terminating NUL, so a tensor name has at most 63 bytes.
    static constexpr std::size_t kMaxTensorNameBytes = 63;
    static constexpr std::size_t kMaxKeyBytes = 65535;

    // ---- metadata ---------------------------------------------------------------------------
    // When a key is already set, it keeps its position and takes the new type and value.
    // Keys must be non-empty ASCII of at most kMaxKeyBytes bytes; otherwise UsageError.
    // general.alignment must be a uint32 or uint64 power of two that is at least 8; otherwise UsageError.
    void setUInt8(std::string_view key, std::uint8_t value);
    void setInt8(std::string_view key, std::int8_t value);
    void setUInt16(std::string_view key, std::uint16_t value);
    void setInt16(std::string_view key, std::int16_t value);
    void setUInt32(std::string_view key, std::uint32_t value);
    void setInt32(std::string_view key, std::int32_t value);
    void setUInt64(std::string_view key, std::uint64_t value);
    void setInt64(std::string_view key, std::int64_t value);
    void setFloat32(std::string_view key, float value);
    void setFloat64(std::string_view key, double value);
    void setBool(std::string_view key, bool value);
    void setString(std::string_view key, std::string_view value);

    void setStringArray(std::string_view key, std::span<const std::string> values);
    void setFloat32Array(std::string_view key, std::span<const float> values);
    void setInt32Array(std::string_view key, std::span<const std::int32_t> values);
    void setUInt8Array(std::string_view key, std::span<const std::uint8_t> values);
    void setInt8Array(std::string_view key, std::span<const std::int8_t> values);
    void setUInt16Array(std::string_view key, std::span<const std::uint16_t> values);
    void setInt16Array(std::string_view key, std::span<const std::int16_t> values);
    void setUInt32Array(std::string_view key, std::span<const std::uint32_t> values);
    void setUInt64Array(std::string_view key, std::span<const std::uint64_t> values);
    void setInt64Array(std::string_view key, std::span<const std::int64_t> values);
    void setFloat64Array(std::string_view key, std::span<const double> values);
    void setBoolArray(std::string_view key, std::span<const bool> values);

    /// Sets general.alignment (uint32).
    void setAlignment(std::uint32_t alignmentBytes);
    /// The alignment write() uses: general.alignment when it is set, otherwise 32.
    std::uint64_t alignment() const;

    /// Copies the metadata of `from`, in file order, for every key `predicate` accepts (all keys
    /// when it is empty). Values keep their types. Arrays, including nested ones, are copied byte for
    /// byte. A key that is already set keeps its position and takes the copied value.
    void copyMetadata(const GgufFile& from, const KeyPredicate& predicate = {});

    bool hasKey(std::string_view key) const;
    /// Removes a key. Returns false when the key was not set.
    bool removeKey(std::string_view key);
    std::size_t metadataCount() const { return m_metadata.size(); }

    // ---- tensors ----------------------------------------------------------------------------
    // dims are ne0 first (ne0 = row length), 1 to 4 of them, each at least 1. ne0 must be a
    // multiple of the type's block size. The type may be any ggml type edge-rt knows, including
    // ones it has no kernels for (Q4_K, ...). Names are 1 to 63 bytes and unique. UsageError otherwise.

    /// Adds a tensor whose bytes are copied from `data`, which must hold exactly the tensor's size.
    void addTensor(std::string name, std::vector<std::uint64_t> dims, TensorType type, std::span<const std::byte> data);
    /// Adds a tensor whose bytes write() takes from `fill`, chunk by chunk (see Fill).
    void addTensor(std::string name, std::vector<std::uint64_t> dims, TensorType type, Fill fill);

    std::size_t tensorCount() const { return m_tensors.size(); }

    /// The size of the file write() produces.
    std::uint64_t fileSizeBytes() const;

    /// Writes the file atomically (see the contract above). Throws IoError naming the path and the
    /// OS error. Exceptions from fill callbacks propagate unchanged.
    void write(const std::string& path) const;

private:
    struct Entry {
        std::string key;
        GgufType type;
        std::vector<std::byte> payload;  ///< the encoded value (for arrays: element type, count, elements)
    };
    struct Tensor {
        std::string name;
        std::vector<std::uint64_t> dims;
        TensorType type;
        std::uint64_t sizeBytes;
        std::vector<std::byte> data;  ///< copied data, or empty when `fill` provides it
        Fill fill;
    };

    void put(std::string_view key, GgufType type, std::vector<std::byte> payload);
    template <typename T>
    void putScalarArray(std::string_view key, GgufType elementType, std::span<const T> values);
    Tensor& addTensorInfo(std::string name, std::vector<std::uint64_t> dims, TensorType type);
    std::vector<std::uint64_t> relativeOffsets() const;
    std::uint64_t headerSizeBytes() const;
    std::vector<std::byte> encodeHeader(const std::vector<std::uint64_t>& offsets) const;

    std::vector<Entry> m_metadata;
    std::vector<Tensor> m_tensors;
};

}  // namespace edgert
