// Small text helpers shared by the SentencePiece and BPE tokenizers.
#pragma once

#include <string>
#include <string_view>

namespace edgert::tokenizer {

/// The byte a "<0xNN>" byte-fallback token stands for (hex, either case), or -1.
int byteTokenValue(std::string_view text);

/// `text` with every occurrence of `from` replaced by `to` (e.g. "▁" -> " ").
std::string replaceAll(std::string_view text, std::string_view from, std::string_view to);

}  // namespace edgert::tokenizer
