#include "tokenizer/spm-tokenizer.h"

#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "tokenizer/end-of-generation.h"
#include "tokenizer/token-text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <queue>

namespace edgert {

using tokenizer::byteTokenValue;
using tokenizer::replaceAll;

namespace {

constexpr std::string_view kTokensKey = "tokenizer.ggml.tokens";
constexpr std::string_view kScoresKey = "tokenizer.ggml.scores";
constexpr std::string_view kTypesKey = "tokenizer.ggml.token_type";
constexpr std::string_view kBosKey = "tokenizer.ggml.bos_token_id";
constexpr std::string_view kEosKey = "tokenizer.ggml.eos_token_id";
constexpr std::string_view kUnkKey = "tokenizer.ggml.unknown_token_id";
constexpr std::string_view kEotKey = "tokenizer.ggml.eot_token_id";
constexpr std::string_view kEomKey = "tokenizer.ggml.eom_token_id";
constexpr std::string_view kAddBosKey = "tokenizer.ggml.add_bos_token";
constexpr std::string_view kAddEosKey = "tokenizer.ggml.add_eos_token";
constexpr std::string_view kAddSpacePrefixKey = "tokenizer.ggml.add_space_prefix";

constexpr std::string_view kSpaceMarker = "\xE2\x96\x81";  // U+2581 '▁', SentencePiece's space

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

FormatError keyError(const GgufFile& gguf, std::string_view key, const std::string& why)
{
    return FormatError(gguf.path() + ": metadata key '" + std::string(key) + "' " + why);
}

/// Bytes of the UTF-8 sequence a lead byte starts, by its high nibble; continuation and invalid
/// bytes count as 1 (llama.cpp unicode_len_utf8). The encoder clips the length at the text's end.
std::size_t utf8SequenceLength(unsigned char lead)
{
    static constexpr std::array<std::uint8_t, 16> kLength{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLength[lead >> 4];
}

/// The byte a "<0xNN>" token stands for, or -1 when `text` has another form.

/// A run of input bytes during merging; merged-away symbols have length 0. prev/next link the
/// live symbols (kNone at the ends).
struct Symbol {
    std::size_t offset;
    std::size_t length;
    std::size_t prev;
    std::size_t next;
};

/// Adjacent symbols whose concatenation (`length` bytes) is the piece with `score`.
struct MergeCandidate {
    float score;
    std::size_t left;
    std::size_t right;
    std::size_t length;
};

/// Orders the priority queue: highest score on top, then the leftmost pair.
struct LowerMergePriority {
    bool operator()(const MergeCandidate& a, const MergeCandidate& b) const
    {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

}  // namespace

SpmTokenizer::SpmTokenizer(const GgufFile& gguf)
{
    std::vector<std::string> texts = gguf.arrayStrings(kTokensKey);
    const std::size_t n = texts.size();
    if (n == 0) throw keyError(gguf, kTokensKey, "is empty: the vocabulary has no tokens");
    if (n > static_cast<std::size_t>(std::numeric_limits<TokenId>::max()))
        throw keyError(gguf, kTokensKey, "has " + std::to_string(n) + " tokens, more than a token id can address");
    const auto arrayLengthError = [&](std::string_view key, std::size_t count) {
        return keyError(
            gguf, key,
            "has " + std::to_string(count) + " entries but " + std::string(kTokensKey) + " has " + std::to_string(n));
    };

    std::vector<float> scores;
    if (gguf.has(kScoresKey)) {
        scores = gguf.arrayFloats(kScoresKey);
        if (scores.size() != n) throw arrayLengthError(kScoresKey, scores.size());
    }
    std::vector<std::int64_t> types;
    if (gguf.has(kTypesKey)) {
        types = gguf.arrayInts(kTypesKey);
        if (types.size() != n) throw arrayLengthError(kTypesKey, types.size());
    }

    const auto readId = [&](std::string_view key, TokenId fallback) -> TokenId {
        const std::optional<std::uint64_t> value = gguf.findUInt(key);
        const std::uint64_t id = value.value_or(static_cast<std::uint64_t>(fallback));
        if (id >= n)
            throw keyError(gguf, key,
                           (value ? "is " : "is missing and its default ") + std::to_string(id) +
                               (value ? "," : " is") + " outside the vocabulary of " + std::to_string(n) + " tokens");
        return static_cast<TokenId>(id);
    };
    m_bos = readId(kBosKey, 1);
    m_eos = readId(kEosKey, 2);
    m_unk = readId(kUnkKey, 0);
    m_addBos = gguf.findBool(kAddBosKey).value_or(true);
    m_addEos = gguf.findBool(kAddEosKey).value_or(false);
    m_addSpacePrefix = gguf.findBool(kAddSpacePrefixKey).value_or(true);

    m_tokens.resize(n);
    m_idByText.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto id = static_cast<TokenId>(i);
        Token& t = m_tokens[i];
        t.text = texts[i].empty() ? "[EMPTY_" + std::to_string(i) + "]" : std::move(texts[i]);
        t.score = scores.empty() ? 0.0f : scores[i];
        if (std::isnan(t.score))  // would break the merge queue's ordering
            throw keyError(gguf, kScoresKey, "entry #" + std::to_string(i) + " is NaN");
        if (!types.empty()) {
            if (types[i] < 0 || types[i] > static_cast<std::int64_t>(TokenType::Byte))
                throw keyError(
                    gguf, kTypesKey,
                    "entry #" + std::to_string(i) + " is " + std::to_string(types[i]) + ", not a token type (0..6)");
            t.type = static_cast<TokenType>(types[i]);
        } else if (id == m_bos || id == m_eos) {
            t.type = TokenType::Control;
        } else if (id == m_unk) {
            t.type = TokenType::Unknown;
        } else if (byteTokenValue(t.text) >= 0) {
            t.type = TokenType::Byte;
        }

        if (t.type == TokenType::Byte && byteTokenValue(t.text) < 0)
            throw keyError(gguf, kTypesKey,
                           "marks token #" + std::to_string(i) + " '" + t.text +
                               "' as a byte token, but its text is not of the form <0xNN>");

        if (const auto [it, inserted] = m_idByText.try_emplace(t.text, id); !inserted)
            throw keyError(gguf, kTokensKey,
                           "holds '" + t.text + "' twice, as tokens #" + std::to_string(it->second) + " and #" +
                               std::to_string(i));
    }

    // Byte fallback: "<0xNN>", else the one-byte piece, else <unk> (llama.cpp byte_to_token, which
    // throws instead of the last step).
    for (std::size_t b = 0; b < m_byteToken.size(); ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", static_cast<unsigned>(b));
        TokenId id = findToken(name);
        if (id < 0) id = findToken(std::string(1, static_cast<char>(b)));
        m_byteToken[b] = id < 0 ? m_unk : id;
    }

    // Declared EOT / EOM ids (optional; -1 when absent) and the known end-of-turn texts.
    const auto optionalId = [&](std::string_view key) { return gguf.has(key) ? readId(key, 0) : TokenId{-1}; };
    setEndOfGeneration(tokenizer::findEndOfGeneration(
        n, [this](TokenId id) { return std::string_view(m_tokens[static_cast<std::size_t>(id)].text); },
        [this](TokenId id) { m_tokens[static_cast<std::size_t>(id)].type = TokenType::Control; },
        {m_eos, optionalId(kEotKey), optionalId(kEomKey)}));

    for (std::size_t i = 0; i < n; ++i) {
        const TokenType type = m_tokens[i].type;
        if (type == TokenType::UserDefined || type == TokenType::Control || type == TokenType::Unknown)
            m_specialTokens.push_back(static_cast<TokenId>(i));
    }
    std::stable_sort(m_specialTokens.begin(), m_specialTokens.end(), [this](TokenId a, TokenId b) {
        return m_tokens[static_cast<std::size_t>(a)].text.size() > m_tokens[static_cast<std::size_t>(b)].text.size();
    });
}

void SpmTokenizer::encodeText(std::string_view text, bool parseSpecial, std::vector<TokenId>& out) const
{
    // Step 1: split at special tokens, longest first (llama.cpp tokenizer_st_partition).
    std::vector<tokenizer::SpecialToken> specials;
    for (const TokenId id : m_specialTokens) {
        const Token& t = token(id);
        if (parseSpecial || t.type == TokenType::UserDefined) specials.push_back({id, t.text});
    }
    const auto fragments = tokenizer::splitAtSpecialTokens(text, specials);

    // Step 2: space prefix and escaping, then steps 3-5 per text fragment.
    bool afterSpecial = true;  // the input start counts as following a special token
    std::string escaped;
    for (const tokenizer::TextFragment& f : fragments) {
        if (f.id >= 0) {
            out.push_back(f.id);
            afterSpecial = true;
            continue;
        }
        escaped.clear();
        if (m_addSpacePrefix && afterSpecial) escaped += kSpaceMarker;
        for (const char c : text.substr(f.offset, f.length)) {
            if (c == ' ') {
                escaped += kSpaceMarker;
            } else {
                escaped += c;
            }
        }
        encodeFragment(escaped, out);
        afterSpecial = false;
    }
}

void SpmTokenizer::encodeFragment(std::string_view text, std::vector<TokenId>& out) const
{
    if (text.empty()) return;

    // Step 3: one symbol per UTF-8 character.
    std::vector<Symbol> symbols;
    symbols.reserve(text.size());
    for (std::size_t offset = 0; offset < text.size();) {
        const std::size_t length =
            std::min(utf8SequenceLength(static_cast<unsigned char>(text[offset])), text.size() - offset);
        const std::size_t index = symbols.size();
        symbols.push_back({offset, length, index == 0 ? kNone : index - 1, kNone});
        if (index > 0) symbols[index - 1].next = index;
        offset += length;
    }

    // Step 4: merge the best adjacent pair until no pair forms a piece.
    std::priority_queue<MergeCandidate, std::vector<MergeCandidate>, LowerMergePriority> queue;
    const auto consider = [&](std::size_t left, std::size_t right) {
        if (left == kNone || right == kNone) return;
        const std::size_t length = symbols[left].length + symbols[right].length;
        const TokenId id = findToken(text.substr(symbols[left].offset, length));
        if (id >= 0) queue.push({token(id).score, left, right, length});
    };
    for (std::size_t i = 1; i < symbols.size(); ++i) consider(i - 1, i);

    while (!queue.empty()) {
        const MergeCandidate best = queue.top();
        queue.pop();
        Symbol& left = symbols[best.left];
        Symbol& right = symbols[best.right];
        // Stale candidate: one side was merged away or has grown since it was queued (symbols only
        // grow, so an unchanged total length means both sides are unchanged).
        if (left.length == 0 || right.length == 0 || left.length + right.length != best.length) continue;
        left.length += right.length;
        right.length = 0;
        left.next = right.next;
        if (right.next != kNone) symbols[right.next].prev = best.left;
        consider(left.prev, best.left);
        consider(best.left, left.next);
    }

    // Step 5: a final symbol is a piece (every merge result is), or a character outside the
    // vocabulary that falls back to byte tokens.
    for (std::size_t i = 0; i != kNone; i = symbols[i].next) {
        const std::string_view piece = text.substr(symbols[i].offset, symbols[i].length);
        if (const TokenId id = findToken(piece); id >= 0) {
            out.push_back(id);
        } else {
            for (const char byte : piece) out.push_back(m_byteToken[static_cast<unsigned char>(byte)]);
        }
    }
}

const SpmTokenizer::Token& SpmTokenizer::token(TokenId id) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= m_tokens.size())
        throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                         std::to_string(m_tokens.size()) + " tokens");
    return m_tokens[static_cast<std::size_t>(id)];
}

std::string SpmTokenizer::tokenToPiece(TokenId id) const
{
    // Derived on demand rather than stored: the vocabulary is held once (32000 tokens: ~1 MiB less).
    const Token& t = token(id);
    switch (t.type) {
        case TokenType::Normal: return replaceAll(t.text, kSpaceMarker, " ");
        case TokenType::UserDefined: return t.text;
        case TokenType::Byte: return std::string(1, static_cast<char>(byteTokenValue(t.text)));
        case TokenType::Undefined:
        case TokenType::Unknown:
        case TokenType::Control:
        case TokenType::Unused: break;  // no text
    }
    return {};
}

const std::string& SpmTokenizer::tokenText(TokenId id) const
{
    return token(id).text;
}

TokenType SpmTokenizer::tokenType(TokenId id) const
{
    return token(id).type;
}

float SpmTokenizer::tokenScore(TokenId id) const
{
    return token(id).score;
}

TokenId SpmTokenizer::findToken(std::string_view text) const
{
    const auto it = m_idByText.find(text);
    return it == m_idByText.end() ? -1 : it->second;
}

}  // namespace edgert
