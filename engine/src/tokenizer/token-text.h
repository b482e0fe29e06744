// Small text helpers shared by the SentencePiece and BPE tokenizers.
#pragma once

#include "edgert/tokenizer.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edgert::tokenizer {

/// The byte a "<0xNN>" byte-fallback token stands for (hex, either case), or -1.
int byteTokenValue(std::string_view text);

/// `text` with every occurrence of `from` replaced by `to` (e.g. "▁" -> " ").
std::string replaceAll(std::string_view text, std::string_view from, std::string_view to);

/// A special token to split the input at: its id and its text.
struct SpecialToken {
    TokenId id;
    std::string_view text;
};

/// A piece of the input: [offset, offset + length) of the text, and the special token it is, or
/// -1 for ordinary text still to encode.
struct TextFragment {
    std::size_t offset;
    std::size_t length;
    TokenId id;
};

/// Splits `text` at every occurrence of the special tokens, trying them in the order given
/// (callers pass longest first), as llama.cpp's tokenizer_st_partition does.
std::vector<TextFragment> splitAtSpecialTokens(std::string_view text, std::span<const SpecialToken> specials);

}  // namespace edgert::tokenizer
