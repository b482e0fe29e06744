#include "tokenizer/bpe-unicode.h"

#include <algorithm>

namespace edgert::unicode {

extern const ClassRun kClassRuns[];
extern const std::size_t kClassRunCount;

CharClass classOf(char32_t cp)
{
    // White_Space (Unicode PropList.txt).
    if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
        (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return CharClass::Whitespace;
    if (cp < 0x80) {  // fast path
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return CharClass::Letter;
        if (cp >= '0' && cp <= '9') return CharClass::Number;
        return CharClass::Other;
    }
    const ClassRun* end = kClassRuns + kClassRunCount;
    const ClassRun* it =
        std::upper_bound(kClassRuns, end, cp, [](char32_t c, const ClassRun& r) { return c < r.start; });
    return static_cast<CharClass>((it - 1)->charClass);
}

Decoded decodeUtf8(std::string_view text, std::size_t pos)
{
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char lead = b(0);
    if (lead < 0x80) return {lead, 1};
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    char32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
        cp = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        cp = lead & 0x0Fu;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        cp = lead & 0x07u;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    }
    if (n == 0 || text.size() - pos < n) return {0xFFFD, 1};
    for (std::size_t i = 1; i < n; ++i) {
        const unsigned char c = b(i);
        if (c < (i == 1 ? lo : 0x80) || c > (i == 1 ? hi : 0xBF)) return {0xFFFD, 1};
        cp = (cp << 6) | (c & 0x3Fu);
    }
    return {cp, n};
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

ByteLevelMap::ByteLevelMap()
{
    m_toByte.fill(-1);
    // Printable bytes keep their code point: '!'..'~', '¡'..'¬', '®'..'ÿ'. The rest, in byte
    // order, take U+0100, U+0101, ...
    const auto printable = [](unsigned b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; };
    char32_t next = 0x100;
    for (unsigned b = 0; b < 256; ++b) {
        const char32_t cp = printable(b) ? b : next++;
        m_toCp[b] = cp;
        m_toByte[cp] = static_cast<std::int16_t>(b);
        appendUtf8(m_text[b], cp);
    }
}

}  // namespace edgert::unicode
