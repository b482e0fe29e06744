#include "tokenizer/bpe-pre-tokenizers.h"

#include <algorithm>
#include <array>

namespace edgert::tokenizer {

const std::string_view kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

// tokenizer.json has (?i:'s|'t|'re|'ve|'m|'ll|'d); llama.cpp spells the case-insensitivity out
// for ASCII, which keeps non-ASCII case folds (U+017F 'ſ' ~ 's') from matching.
constexpr std::string_view kLlama3Pattern =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen2Pattern =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

const std::array<BpePreTokenizerSpec, 4>& specs()
{
    static const std::array<BpePreTokenizerSpec, 4> table{
        BpePreTokenizerSpec{{"gpt-2"}, {kGpt2Pattern}, false, std::nullopt},
        BpePreTokenizerSpec{{"llama-bpe", "llama3", "llama-v3"}, {kLlama3Pattern}, true, true},
        BpePreTokenizerSpec{{"qwen2"}, {kQwen2Pattern}, false, std::nullopt},
        BpePreTokenizerSpec{{"smollm"}, {R"(\p{N})", kGpt2Pattern}, false, std::nullopt},
    };
    return table;
}

}  // namespace

const BpePreTokenizerSpec* findBpePreTokenizer(std::string_view name)
{
    for (const auto& s : specs())
        if (std::find(s.names.begin(), s.names.end(), name) != s.names.end()) return &s;
    return nullptr;
}

std::string supportedBpePreTokenizers()
{
    std::string list;
    for (const auto& s : specs()) list += (list.empty() ? "\"" : ", \"") + std::string(s.names.front()) + "\"";
    return list;
}

}  // namespace edgert::tokenizer
