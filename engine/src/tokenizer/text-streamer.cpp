// TextStreamer: incremental detokenization into well-formed UTF-8.
// Sources: llama.cpp detokenize (lstrip of the first piece when add_space_prefix) and the
// well-formed UTF-8 byte sequences of The Unicode Standard, §3.9 Table 3-7, with U+FFFD
// substitution of maximal subparts (§3.9, "U+FFFD Substitution of Maximal Subparts").
#include "edgert/tokenizer.h"

namespace edgert {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

/// Appends the well-formed UTF-8 in `bytes` to `out`, each maximal ill-formed subpart replaced by
/// U+FFFD. An incomplete but so far valid sequence at the end is left unconsumed when `final` is
/// false (and replaced when true). Returns the number of bytes consumed.
std::size_t appendWellFormedUtf8(std::string_view bytes, std::string& out, bool final)
{
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto lead = static_cast<unsigned char>(bytes[i]);
        if (lead < 0x80) {
            out += bytes[i++];
            continue;
        }
        // Sequence length and the range of the second byte (Table 3-7); later bytes are 80..BF.
        std::size_t length = 0;
        unsigned char secondLow = 0x80;
        unsigned char secondHigh = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) secondLow = 0xA0;   // no overlong forms
            if (lead == 0xED) secondHigh = 0x9F;  // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) secondLow = 0x90;   // no overlong forms
            if (lead == 0xF4) secondHigh = 0x8F;  // nothing above U+10FFFF
        }
        if (length == 0) {  // 80..C1, F5..FF can never start a character
            out += kReplacementCharacter;
            ++i;
            continue;
        }
        std::size_t valid = 1;
        while (valid < length && i + valid < bytes.size()) {
            const auto byte = static_cast<unsigned char>(bytes[i + valid]);
            const unsigned char low = valid == 1 ? secondLow : 0x80;
            const unsigned char high = valid == 1 ? secondHigh : 0xBF;
            if (byte < low || byte > high) break;
            ++valid;
        }
        if (valid == length) {
            out.append(bytes.substr(i, length));
        } else if (i + valid == bytes.size() && !final) {
            return i;  // incomplete so far: wait for more bytes
        } else {
            out += kReplacementCharacter;  // the maximal subpart bytes[i, i + valid)
        }
        i += valid;
    }
    return i;
}

}  // namespace

TextStreamer::TextStreamer(const Tokenizer& tokenizer) : m_tokenizer(&tokenizer) {}

std::string TextStreamer::push(TokenId id)
{
    std::string piece = m_tokenizer->piece(id, m_special);
    if (piece.empty()) return {};
    if (m_atStart) {
        m_atStart = false;
        if (m_tokenizer->addsSpacePrefix() && piece.front() == ' ') piece.erase(0, 1);
    }
    m_pending += piece;
    std::string text;
    m_pending.erase(0, appendWellFormedUtf8(m_pending, text, false));
    return text;
}

std::string TextStreamer::flush()
{
    std::string text;
    appendWellFormedUtf8(m_pending, text, true);
    m_pending.clear();
    m_atStart = true;
    return text;
}

}  // namespace edgert
