// The Unicode facts GPT-2's byte-level BPE needs: code point classes for its pre-tokenizer regex
// (\p{L}, \p{N}, \s), UTF-8 decoding that tolerates invalid bytes, and the byte <-> code point map
// that makes every byte a printable vocabulary character (bytes_to_unicode() in OpenAI's
// gpt-2/src/encoder.py: printable Latin-1 bytes map to themselves, the other 68 to U+0100..).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgert::unicode {

enum class CharClass : std::uint8_t { Other = 0, Letter = 1, Number = 2, Whitespace = 3 };

/// A run of code points of one class, starting at `start` (generated table, bpe-unicode-data.cpp).
struct ClassRun {
    std::uint32_t start;
    std::uint8_t charClass;
};

/// Letter (\p{L}: Lu Ll Lt Lm Lo), Number (\p{N}: Nd Nl No), Whitespace (the White_Space
/// property, which is what \s matches), else Other.
CharClass classOf(char32_t cp);

/// One decoded code point of `text` at `pos`: its value and byte length. A byte that does not
/// start a well-formed sequence decodes as U+FFFD with length 1 (so every byte is covered once).
struct Decoded {
    char32_t cp;
    std::size_t length;
};
Decoded decodeUtf8(std::string_view text, std::size_t pos);

/// Appends the UTF-8 encoding of `cp` to `out`.
void appendUtf8(std::string& out, char32_t cp);

/// GPT-2's byte -> code point map and its inverse.
class ByteLevelMap {
public:
    ByteLevelMap();
    char32_t toCodePoint(std::uint8_t byte) const { return m_toCp[byte]; }
    /// The byte `cp` stands for, or -1 when it is not one of the 256 mapped code points.
    int toByte(char32_t cp) const { return cp < m_toByte.size() ? m_toByte[cp] : -1; }
    /// The UTF-8 text of the character `byte` becomes.
    const std::string& text(std::uint8_t byte) const { return m_text[byte]; }

private:
    std::array<char32_t, 256> m_toCp{};
    std::array<std::int16_t, 324> m_toByte{};  // every mapped code point is < 0x144
    std::array<std::string, 256> m_text;
};

}  // namespace edgert::unicode
