// llama-quantize's per-tensor type choice (llama.cpp src/llama-quant.cpp, llama_tensor_get_type
// at c392e50, no importance matrix, no per-tensor overrides), for the file types edge-rt
// writes. Read to learn the rules; this is edge-rt's own code. The layer index comes from the
// tensor name ("blk.7."), which equals llama.cpp's running attn_v / ffn_down counters for the
// single-expert models edge-rt runs.
#include "edgert/error.h"
#include "edgert/quantize.h"
#include "quant/quantize-row.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

namespace edgert {

namespace {

bool endsWith(const std::string& s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool contains(const std::string& s, std::string_view part)
{
    return s.find(part) != std::string::npos;
}

// "blk.7.ffn_down.weight" -> 7
std::optional<std::uint32_t> layerOf(const std::string& name)
{
    unsigned layer = 0;
    if (std::sscanf(name.c_str(), "blk.%u.", &layer) == 1) return layer;
    return std::nullopt;
}

// llama.cpp's use_more_bits: the first and last eighth of the layers and every third in between.
bool useMoreBits(std::uint32_t i, std::uint32_t n)
{
    const auto si = static_cast<std::int64_t>(i), sn = static_cast<std::int64_t>(n);
    return si < sn / 8 || si >= 7 * sn / 8 || (si - sn / 8) % 3 == 2;
}

// Whether llama-quantize quantises a tensor at all.
bool isQuantisedTensor(const std::string& name, const std::vector<std::uint64_t>& dims)
{
    if (!endsWith(name, "weight") || dims.size() < 2) return false;
    if (contains(name, "_norm.weight")) return false;
    if (name == "position_embd.weight" || name == "token_types.weight" || contains(name, "rope_freqs")) return false;
    if (contains(name, "ffn_gate_inp.weight")) return false;
    return true;
}

// The fallback for a type whose block does not divide the row length (llama.cpp's
// convert_incompatible_tensor switch).
std::optional<TensorType> fallbackOf(TensorType t)
{
    switch (t) {
        case TensorType::Q2_K:
        case TensorType::Q3_K:
        case TensorType::IQ4_XS: return TensorType::IQ4_NL;
        case TensorType::Q4_K: return TensorType::Q5_0;
        case TensorType::Q5_K: return TensorType::Q5_1;
        case TensorType::Q6_K: return TensorType::Q8_0;
        default: return std::nullopt;
    }
}

bool isFloatType(TensorType t)
{
    return t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16;
}

}  // namespace

std::vector<TensorType> quantisableTypes()
{
    std::vector<TensorType> out;
    for (std::uint32_t id = 0; id < 64; ++id)
        if (quant::canQuantise(static_cast<TensorType>(id))) out.push_back(static_cast<TensorType>(id));
    return out;
}

std::optional<TensorType> quantisableTypeNamed(const std::string& name)
{
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const TensorType t : quantisableTypes())
        if (tensorTypeName(t) == upper) return t;
    return std::nullopt;
}

std::vector<QuantFileType> quantFileTypes()
{
    // general.file_type values: llama.h enum llama_ftype.
    return {
        {"Q8_0", TensorType::Q8_0, 7},    {"Q4_0", TensorType::Q4_0, 2},    {"Q4_1", TensorType::Q4_1, 3},
        {"Q5_0", TensorType::Q5_0, 8},    {"Q5_1", TensorType::Q5_1, 9},    {"IQ4_NL", TensorType::IQ4_NL, 25},
        {"Q2_K", TensorType::Q2_K, 10},   {"Q3_K_S", TensorType::Q3_K, 11}, {"Q3_K_M", TensorType::Q3_K, 12},
        {"Q4_K_S", TensorType::Q4_K, 14}, {"Q4_K_M", TensorType::Q4_K, 15}, {"Q5_K_S", TensorType::Q5_K, 16},
        {"Q5_K_M", TensorType::Q5_K, 17}, {"Q6_K", TensorType::Q6_K, 18},   {"IQ4_XS", TensorType::IQ4_XS, 30},
        {"F16", TensorType::F16, 1},      {"BF16", TensorType::BF16, 32},
    };
}

QuantFileType quantFileType(const std::string& name)
{
    std::string upper = name, known;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const auto& t : quantFileTypes()) {
        if (t.name == upper) return t;
        known += (known.empty() ? "" : ", ") + t.name;
    }
    throw UsageError("--type " + name + ": edge-rt quantizes to " + known);
}

TensorQuantChoice chooseTensorType(const QuantFileType& ft, const std::string& name,
                                   const std::vector<std::uint64_t>& dims, TensorType from, const QuantModelInfo& model)
{
    TensorQuantChoice c{name, dims, from, from, "copied (not a quantised matrix)"};
    if (!isQuantisedTensor(name, dims)) return c;
    TensorType to = ft.defaultType;
    c.reason = "default type";
    c.to = to;
    if (isFloatType(to)) return c;  // F16/BF16 files: every matrix in that type, no rules

    const std::string& f = ft.name;
    const std::uint64_t cols = dims[0];
    const std::uint32_t gqa = model.nHeadKv ? model.nHead / model.nHeadKv : 1;
    const std::uint32_t layer = layerOf(name).value_or(0), nLayer = model.nLayer;
    const auto raise = [&](TensorType t, const char* why) {
        to = t;
        c.reason = why;
    };

    if (name == "output.weight" || (!model.hasOutput && name == "token_embd.weight")) {
        if (cols % 256 != 0)
            raise(TensorType::Q8_0, "output tensor, rows not a multiple of 256");
        else if (to != TensorType::Q8_0)
            raise(TensorType::Q6_K, "output tensor");
    } else if (contains(name, "attn_v.weight")) {
        if (f == "Q2_K")
            raise(gqa >= 4 ? TensorType::Q4_K : TensorType::Q3_K, "attn_v (Q2_K: Q3_K, Q4_K at GQA >= 4)");
        else if (f == "Q3_K_M")
            raise(layer < 2 ? TensorType::Q5_K : TensorType::Q4_K, "attn_v (Q3_K_M: Q5_K in the first 2 layers)");
        else if ((f == "IQ4_NL" || f == "IQ4_XS") && gqa >= 4)
            raise(TensorType::Q5_K, "attn_v with GQA >= 4");
        else if ((f == "Q4_K_M" || f == "Q5_K_M") && useMoreBits(layer, nLayer))
            raise(TensorType::Q6_K, "attn_v, use_more_bits layer");
        else if (f == "Q4_K_S" && layer < 4)
            raise(TensorType::Q5_K, "attn_v of the first 4 layers");
    } else if (contains(name, "ffn_down")) {
        if (f == "Q2_K")
            raise(TensorType::Q3_K, "ffn_down (Q2_K)");
        else if (f == "Q3_K_M")
            raise(layer < nLayer / 16 ? TensorType::Q5_K : TensorType::Q4_K,
                  "ffn_down (Q3_K_M: Q5_K in the first n_layer/16)");
        else if (f == "Q4_K_M") {
            if (useMoreBits(layer, nLayer)) raise(TensorType::Q6_K, "ffn_down, use_more_bits layer");
        } else if (layer < nLayer / 8 && (f == "IQ4_NL" || f == "IQ4_XS"))
            raise(TensorType::Q5_K, "ffn_down of the first n_layer/8");
        else if (f == "Q5_K_M" && useMoreBits(layer, nLayer))
            raise(TensorType::Q6_K, "ffn_down, use_more_bits layer");
        else if (f == "Q4_K_S" && layer < nLayer / 8)
            raise(TensorType::Q5_K, "ffn_down of the first n_layer/8");
    } else if (contains(name, "attn_output.weight")) {
        if (f == "Q2_K")
            raise(TensorType::Q3_K, "attn_output (Q2_K)");
        else if (f == "Q3_K_M")
            raise(TensorType::Q4_K, "attn_output (Q3_K_M)");
    } else if (contains(name, "attn_qkv.weight")) {
        if (f == "Q3_K_M")
            raise(TensorType::Q4_K, "attn_qkv (Q3_K_M)");
        else if (f == "Q4_K_M")
            raise(TensorType::Q5_K, "attn_qkv (Q4_K_M)");
        else if (f == "Q5_K_M")
            raise(TensorType::Q6_K, "attn_qkv (Q5_K_M)");
    }

    const std::uint32_t block = traitsOf(to).blockElements;
    if (cols % block != 0) {
        const auto fb = fallbackOf(to);
        if (!fb)
            throw UsageError(
                "tensor '" + name + "' has rows of " + std::to_string(cols) + " values, not a multiple of " +
                tensorTypeName(to) + "'s block of " + std::to_string(block) +
                " (llama-quantize refuses it too; choose F16, BF16 or Q8_0 if its rows are a multiple of 32)");
        c.reason = "fallback: " + std::to_string(cols) + " not a multiple of " + std::to_string(block) + " (" +
                   tensorTypeName(to) + ")";
        to = cols % traitsOf(*fb).blockElements == 0 ? *fb : TensorType::F16;
    }
    c.to = to;
    return c;
}

}  // namespace edgert
