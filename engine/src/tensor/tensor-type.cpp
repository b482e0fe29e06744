#include "edgert/tensor-type.h"

#include "tensor/quant-blocks.h"

#include <array>
#include <cassert>

namespace edgert {

namespace {
struct Entry {
    std::uint32_t id;
    TensorTypeTraits traits;
};

// Block sizes and byte sizes from ggml.c `type_traits` (ggml commit c392e50).
constexpr std::array kTypes{
    Entry{0, {"F32", 1, 4, true}},
    Entry{1, {"F16", 1, 2, true}},
    Entry{2, {"Q4_0", kQK4_0, sizeof(BlockQ4_0), true}},
    Entry{3, {"Q4_1", kQK4_1, sizeof(BlockQ4_1), true}},
    Entry{6, {"Q5_0", kQK5_0, sizeof(BlockQ5_0), true}},
    Entry{7, {"Q5_1", kQK5_1, sizeof(BlockQ5_1), true}},
    Entry{8, {"Q8_0", kQK8_0, sizeof(BlockQ8_0), true}},
    Entry{9, {"Q8_1", kQK8_1, sizeof(BlockQ8_1), false}},
    Entry{10, {"Q2_K", kQK_K, sizeof(BlockQ2_K), true}},
    Entry{11, {"Q3_K", kQK_K, sizeof(BlockQ3_K), true}},
    Entry{12, {"Q4_K", kQK_K, sizeof(BlockQ4_K), true}},
    Entry{13, {"Q5_K", kQK_K, sizeof(BlockQ5_K), true}},
    Entry{14, {"Q6_K", kQK_K, sizeof(BlockQ6_K), true}},
    Entry{15, {"Q8_K", kQK_K, sizeof(BlockQ8_K), false}},
    Entry{16, {"IQ2_XXS", 256, 66, false}},
    Entry{17, {"IQ2_XS", 256, 74, false}},
    Entry{18, {"IQ3_XXS", 256, 98, false}},
    Entry{19, {"IQ1_S", 256, 50, false}},
    Entry{20, {"IQ4_NL", kQK4_NL, sizeof(BlockIQ4_NL), true}},
    Entry{21, {"IQ3_S", 256, 110, false}},
    Entry{22, {"IQ2_S", 256, 82, false}},
    Entry{23, {"IQ4_XS", kQK_K, sizeof(BlockIQ4_XS), true}},
    Entry{24, {"I8", 1, 1, false}},
    Entry{25, {"I16", 1, 2, false}},
    Entry{26, {"I32", 1, 4, false}},
    Entry{27, {"I64", 1, 8, false}},
    Entry{28, {"F64", 1, 8, false}},
    Entry{29, {"IQ1_M", 256, 56, false}},
    Entry{30, {"BF16", 1, 2, true}},
};
}  // namespace

std::optional<TensorTypeTraits> tensorTypeTraits(std::uint32_t id)
{
    for (const auto& e : kTypes)
        if (e.id == id) return e.traits;
    return std::nullopt;
}

TensorTypeTraits traitsOf(TensorType type)
{
    auto t = tensorTypeTraits(static_cast<std::uint32_t>(type));
    assert(t);
    return *t;
}

std::string tensorTypeName(std::uint32_t id)
{
    if (auto t = tensorTypeTraits(id)) return t->name;
    return "type#" + std::to_string(id);
}

std::string computableTypeNames()
{
    std::string out;
    for (const auto& e : kTypes)
        if (e.traits.computeSupported) out += (out.empty() ? "" : ", ") + std::string(e.traits.name);
    return out;
}

std::uint64_t rowBytes(TensorType type, std::uint64_t elements)
{
    const auto t = traitsOf(type);
    return elements / t.blockElements * t.blockBytes;
}

}  // namespace edgert
