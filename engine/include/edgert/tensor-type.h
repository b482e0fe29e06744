// Tensor element types as numbered by ggml/GGUF (ggml.h `enum ggml_type`, GGUF spec
// "GGMLType"). Every id is known by name and block layout (tensor/quant-blocks.h), so a file
// using a type edge-rt has no kernels for (computeSupported false, e.g. the IQ1-IQ3 i-quants)
// gets a clear "has type IQ2_XS, which edge-rt cannot compute" instead of "unknown 16".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace edgert {

enum class TensorType : std::uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
};

/// Layout facts of a type: `blockElements` values are stored in `blockBytes` bytes.
struct TensorTypeTraits {
    const char* name;
    std::uint32_t blockElements;
    std::uint32_t blockBytes;
    bool computeSupported;  ///< edge-rt has kernels for it
};

/// Traits of a ggml type id, or nullopt when the id is not a ggml type at all.
std::optional<TensorTypeTraits> tensorTypeTraits(std::uint32_t id);

/// Traits of a known type (asserts the id is known).
TensorTypeTraits traitsOf(TensorType type);

/// "Q8_0", "F32", ... or "type#N" for an unknown id.
std::string tensorTypeName(std::uint32_t id);
inline std::string tensorTypeName(TensorType type)
{
    return tensorTypeName(static_cast<std::uint32_t>(type));
}

/// "F32, F16, BF16, Q8_0, ..." : the names of the types with computeSupported, in id order.
std::string computableTypeNames();

/// Bytes of one row of `elements` values (elements must be a multiple of the block size).
std::uint64_t rowBytes(TensorType type, std::uint64_t elements);

}  // namespace edgert
