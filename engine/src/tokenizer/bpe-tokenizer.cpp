#include "tokenizer/bpe-tokenizer.h"

#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "io/json-parser.h"
#include "tokenizer/bpe-pre-tokenizers.h"
#include "tokenizer/end-of-generation.h"
#include "tokenizer/token-text.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <queue>

namespace edgert {

using tokenizer::byteTokenValue;
using tokenizer::replaceAll;

namespace {

using unicode::CharClass;

FormatError sourceError(const std::string& source, const std::string& why)
{
    return FormatError(source + ": " + why);
}

/// Splits "a b" at the first space after the first byte (a merge's left part may itself start
/// with a space in exotic vocabularies; llama.cpp splits the same way).
std::optional<std::pair<std::string, std::string>> splitMerge(std::string_view line)
{
    if (line.size() < 3) return std::nullopt;
    const auto space = line.find(' ', 1);
    if (space == std::string_view::npos || space + 1 >= line.size()) return std::nullopt;
    return std::pair{std::string(line.substr(0, space)), std::string(line.substr(space + 1))};
}

/// A live symbol of a word during merging.
struct Symbol {
    TokenId id;
    std::size_t prev;
    std::size_t next;
};
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

struct Candidate {
    std::uint32_t rank;
    std::size_t left;
    TokenId leftId;
    TokenId rightId;
};
/// Lowest rank on top, then the leftmost pair (HF tokenizers' Merge ordering).
struct LaterCandidate {
    bool operator()(const Candidate& a, const Candidate& b) const
    {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
BpeTokenizer::BpeTokenizer(Vocabulary vocabulary, Config config, const std::string& source)
    : m_config(std::move(config))
{
    const std::size_t n = vocabulary.tokens.size();
    if (n == 0) throw sourceError(source, "the vocabulary is empty");
    if (n > static_cast<std::size_t>(std::numeric_limits<TokenId>::max()))
        throw sourceError(source, "the vocabulary has more tokens than a token id can address");
    if (!vocabulary.types.empty() && vocabulary.types.size() != n)
        throw sourceError(source, "token types and tokens differ in number");
    for (const TokenId id : {m_config.bos, m_config.eos, m_config.unk, m_config.eot, m_config.eom})
        if (id >= static_cast<TokenId>(n) || id < -1)
            throw sourceError(source, "special token id " + std::to_string(id) + " is outside the vocabulary of " +
                                          std::to_string(n) + " tokens");
    if (m_config.bos < 0) m_config.bos = m_config.eos;
    if (m_config.eos < 0) m_config.eos = m_config.bos;
    if (m_config.bos < 0) throw sourceError(source, "the vocabulary names no BOS or EOS token");

    const bool byteLevel = m_config.pre == PreTokenizer::ByteLevel;
    m_tokens.resize(n);
    m_idByText.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        Token& t = m_tokens[i];
        const auto id = static_cast<TokenId>(i);
        t.text = std::move(vocabulary.tokens[i]);
        if (!vocabulary.types.empty())
            t.type = vocabulary.types[i];
        else if (id == m_config.unk)
            t.type = TokenType::Unknown;
        else if (!byteLevel && byteTokenValue(t.text) >= 0)
            t.type = TokenType::Byte;
        if (t.text.empty()) t.text = "[EMPTY_" + std::to_string(i) + "]";

        switch (t.type) {
            case TokenType::Normal:
                if (byteLevel) {
                    // Every character stands for one byte; characters outside the map (none in
                    // GPT-2's vocabulary) are kept as their UTF-8.
                    for (std::size_t p = 0; p < t.text.size();) {
                        const auto d = unicode::decodeUtf8(t.text, p);
                        const int b = d.cp == 0xFFFD && d.length == 1 ? -1 : m_byteMap.toByte(d.cp);
                        if (b >= 0)
                            t.piece += static_cast<char>(b);
                        else
                            t.piece.append(t.text, p, d.length);
                        p += d.length;
                    }
                } else {
                    t.piece = replaceAll(t.text, m_config.spaceMarker, " ");
                }
                break;
            case TokenType::UserDefined: t.piece = t.text; break;
            case TokenType::Byte: {
                const int b = byteTokenValue(t.text);
                if (b < 0)
                    throw sourceError(source, "token #" + std::to_string(i) + " '" + t.text +
                                                  "' is marked as a byte token but is not of the form <0xNN>");
                t.piece = std::string(1, static_cast<char>(b));
                break;
            }
            case TokenType::Undefined:
            case TokenType::Unknown:
            case TokenType::Control:
            case TokenType::Unused: break;
        }
        if (const auto [it, inserted] = m_idByText.try_emplace(t.text, id); !inserted)
            throw sourceError(source, "the vocabulary holds '" + t.text + "' twice, as tokens #" +
                                          std::to_string(it->second) + " and #" + std::to_string(i));
    }

    m_merges.reserve(vocabulary.merges.size());
    for (std::size_t r = 0; r < vocabulary.merges.size(); ++r) {
        const auto& [a, b] = vocabulary.merges[r];
        const TokenId left = findToken(a), right = findToken(b), result = findToken(a + b);
        if (left < 0 || right < 0 || result < 0)
            throw sourceError(source, "merge #" + std::to_string(r) + " \"" + a + " " + b + "\": '" +
                                          (left < 0    ? a
                                           : right < 0 ? b
                                                       : a + b) +
                                          "' is not in the vocabulary");
        const auto key = (static_cast<std::uint64_t>(left) << 32) | static_cast<std::uint32_t>(right);
        m_merges.try_emplace(key, Merge{static_cast<std::uint32_t>(r), result});  // the first rank wins
    }

    if (byteLevel && !m_config.splitPatterns.empty()) {
        try {
            m_splitter = std::make_unique<tokenizer::RegexPreTokenizer>(m_config.splitPatterns);
        } catch (const FormatError& e) {
            throw sourceError(source, e.what());
        }
    }

    m_byteSymbol.fill(-1);
    m_byteToken.fill(-1);
    for (unsigned b = 0; b < 256; ++b) {
        if (byteLevel) {
            m_byteSymbol[b] = findToken(m_byteMap.text(static_cast<std::uint8_t>(b)));
            if (m_byteSymbol[b] < 0) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02X", b);
                throw sourceError(source, std::string("the byte-level vocabulary has no token for byte ") + hex +
                                              " ('" + m_byteMap.text(static_cast<std::uint8_t>(b)) + "')");
            }
        } else {
            char name[8];
            std::snprintf(name, sizeof name, "<0x%02X>", b);
            m_byteToken[b] = findToken(name);
        }
    }

    setEndOfGeneration(tokenizer::findEndOfGeneration(
        n, [this](TokenId id) { return std::string_view(m_tokens[static_cast<std::size_t>(id)].text); },
        [this](TokenId id) {
            Token& t = m_tokens[static_cast<std::size_t>(id)];
            t.type = TokenType::Control;
            t.piece.clear();
        },
        {m_config.eos, m_config.eot, m_config.eom}));

    for (std::size_t i = 0; i < n; ++i)
        if (m_tokens[i].type == TokenType::UserDefined || m_tokens[i].type == TokenType::Control)
            m_specialTokens.push_back(static_cast<TokenId>(i));
    std::stable_sort(m_specialTokens.begin(), m_specialTokens.end(), [this](TokenId a, TokenId b) {
        return m_tokens[static_cast<std::size_t>(a)].text.size() > m_tokens[static_cast<std::size_t>(b)].text.size();
    });
}

// ---------------------------------------------------------------------------------------------
std::vector<std::string_view> BpeTokenizer::splitGpt2(std::string_view text)
{
    struct Cp {
        char32_t cp;
        CharClass cls;
        std::size_t offset;
    };
    std::vector<Cp> cps;
    cps.reserve(text.size());
    for (std::size_t p = 0; p < text.size();) {
        const auto d = unicode::decodeUtf8(text, p);
        cps.push_back({d.cp, unicode::classOf(d.cp), p});
        p += d.length;
    }
    const std::size_t n = cps.size();
    const auto offsetOf = [&](std::size_t i) { return i < n ? cps[i].offset : text.size(); };
    const auto cls = [&](std::size_t i) { return cps[i].cls; };
    std::vector<std::string_view> words;
    const auto emit = [&](std::size_t from, std::size_t to) {
        words.push_back(text.substr(offsetOf(from), offsetOf(to) - offsetOf(from)));
    };
    const auto runOf = [&](std::size_t from, CharClass c) {
        while (from < n && cls(from) == c) ++from;
        return from;
    };

    for (std::size_t i = 0; i < n;) {
        const char32_t c = cps[i].cp;
        // 's 't 'm 'd 're 've 'll (case-sensitive, as the regex)
        if (c == U'\'' && i + 1 < n) {
            const char32_t c1 = cps[i + 1].cp;
            if (c1 == U's' || c1 == U't' || c1 == U'm' || c1 == U'd') {
                emit(i, i + 2);
                i += 2;
                continue;
            }
            if (i + 2 < n) {
                const char32_t c2 = cps[i + 2].cp;
                if ((c1 == U'r' && c2 == U'e') || (c1 == U'v' && c2 == U'e') || (c1 == U'l' && c2 == U'l')) {
                    emit(i, i + 3);
                    i += 3;
                    continue;
                }
            }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional ' ' then a run of one class.
        const std::size_t start = c == U' ' && i + 1 < n && cls(i + 1) != CharClass::Whitespace ? i + 1 : i;
        const CharClass k = cls(start);
        if (k != CharClass::Whitespace) {
            const std::size_t end = runOf(start, k);
            emit(i, end);
            i = end;
            continue;
        }
        // `\s+(?!\S)` then `\s+`: a whitespace run leaves its last character to the next word.
        const std::size_t end = runOf(i, CharClass::Whitespace);
        const std::size_t take = end == n || end - i == 1 ? end : end - 1;
        emit(i, take);
        i = take;
    }
    return words;
}

void BpeTokenizer::mergeSymbols(std::vector<TokenId>& ids, std::vector<TokenId>& out) const
{
    if (ids.empty()) return;
    std::vector<Symbol> symbols(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        symbols[i] = {ids[i], i == 0 ? kNone : i - 1, i + 1 == ids.size() ? kNone : i + 1};

    std::priority_queue<Candidate, std::vector<Candidate>, LaterCandidate> queue;
    const auto consider = [&](std::size_t left) {
        if (left == kNone || symbols[left].next == kNone) return;
        const TokenId a = symbols[left].id, b = symbols[symbols[left].next].id;
        if (a < 0 || b < 0) return;
        const auto it = m_merges.find((static_cast<std::uint64_t>(a) << 32) | static_cast<std::uint32_t>(b));
        if (it != m_merges.end()) queue.push({it->second.rank, left, a, b});
    };
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) consider(i);

    while (!queue.empty()) {
        const Candidate best = queue.top();
        queue.pop();
        Symbol& left = symbols[best.left];
        // Stale: the left symbol was merged away or either side has changed since it was queued.
        if (left.id != best.leftId || left.next == kNone || symbols[left.next].id != best.rightId) continue;
        const std::size_t rightIndex = left.next;
        Symbol& right = symbols[rightIndex];
        left.id =
            m_merges.at((static_cast<std::uint64_t>(best.leftId) << 32) | static_cast<std::uint32_t>(best.rightId))
                .result;
        left.next = right.next;
        if (right.next != kNone) symbols[right.next].prev = best.left;
        right.id = -2;  // merged away
        consider(left.prev);
        consider(best.left);
    }
    for (std::size_t i = 0; i != kNone; i = symbols[i].next) out.push_back(symbols[i].id);
}

void BpeTokenizer::encodeByteLevel(std::string_view fragment, std::vector<TokenId>& out) const
{
    std::string prefixed;
    if (m_config.byteLevelAddPrefixSpace && !fragment.empty() && fragment.front() != ' ') {
        prefixed = " " + std::string(fragment);
        fragment = prefixed;
    }
    std::vector<TokenId> symbols;
    std::string mapped;
    for (const std::string_view word : m_splitter ? m_splitter->split(fragment) : splitGpt2(fragment)) {
        if (m_config.ignoreMerges) {  // Llama 3: a word that is a token is that token
            mapped.clear();
            for (const char byte : word) mapped += m_byteMap.text(static_cast<std::uint8_t>(byte));
            if (const TokenId id = findToken(mapped); id >= 0) {
                out.push_back(id);
                continue;
            }
        }
        symbols.clear();
        for (const char byte : word) symbols.push_back(m_byteSymbol[static_cast<unsigned char>(byte)]);
        mergeSymbols(symbols, out);
    }
}

void BpeTokenizer::encodeMetaspace(std::string_view fragment, bool first, std::vector<TokenId>& out) const
{
    std::string text;
    if (m_config.prependMarker && (first || !m_config.prependFirstOnly)) text = m_config.spaceMarker;
    text += replaceAll(fragment, " ", m_config.spaceMarker);
    std::vector<TokenId> symbols;
    bool lastWasUnk = false;
    for (std::size_t p = 0; p < text.size();) {
        const auto d = unicode::decodeUtf8(text, p);
        const std::string_view ch(text.data() + p, d.length);
        p += d.length;
        if (const TokenId id = findToken(ch); id >= 0) {
            symbols.push_back(id);
            lastWasUnk = false;
            continue;
        }
        bool allBytes = m_config.byteFallback;
        for (const char b : ch) allBytes = allBytes && m_byteToken[static_cast<unsigned char>(b)] >= 0;
        if (allBytes) {
            for (const char b : ch) symbols.push_back(m_byteToken[static_cast<unsigned char>(b)]);
            lastWasUnk = false;
        } else if (m_config.unk >= 0) {
            if (!(m_config.fuseUnk && lastWasUnk)) symbols.push_back(m_config.unk);
            lastWasUnk = true;
        }
        // no <unk> either: the character is dropped (HF would fail; llama.cpp drops it too)
    }
    mergeSymbols(symbols, out);
}

void BpeTokenizer::encodeText(std::string_view text, bool parseSpecial, std::vector<TokenId>& out) const
{
    std::vector<tokenizer::SpecialToken> specials;
    for (const TokenId id : m_specialTokens) {
        const Token& t = token(id);
        if (parseSpecial || t.type == TokenType::UserDefined) specials.push_back({id, t.text});
    }
    bool first = true;
    for (const tokenizer::TextFragment& f : tokenizer::splitAtSpecialTokens(text, specials)) {
        if (f.id >= 0) {
            out.push_back(f.id);
        } else if (m_config.pre == PreTokenizer::ByteLevel) {
            encodeByteLevel(text.substr(f.offset, f.length), out);
        } else {
            encodeMetaspace(text.substr(f.offset, f.length), first, out);
        }
        first = false;
    }
}

const BpeTokenizer::Token& BpeTokenizer::token(TokenId id) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= m_tokens.size())
        throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                         std::to_string(m_tokens.size()) + " tokens");
    return m_tokens[static_cast<std::size_t>(id)];
}

std::string BpeTokenizer::tokenToPiece(TokenId id) const
{
    return token(id).piece;
}
const std::string& BpeTokenizer::tokenText(TokenId id) const
{
    return token(id).text;
}
TokenType BpeTokenizer::tokenType(TokenId id) const
{
    return token(id).type;
}

TokenId BpeTokenizer::findToken(std::string_view text) const
{
    const auto it = m_idByText.find(text);
    return it == m_idByText.end() ? -1 : it->second;
}

std::vector<BpeTokenizer::RankedMerge> BpeTokenizer::rankedMerges() const
{
    std::vector<std::pair<std::uint32_t, RankedMerge>> byRank;
    byRank.reserve(m_merges.size());
    for (const auto& [key, m] : m_merges)
        byRank.push_back(
            {m.rank, {static_cast<TokenId>(key >> 32), static_cast<TokenId>(key & 0xffffffffu), m.result}});
    std::sort(byRank.begin(), byRank.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<RankedMerge> out;
    out.reserve(byRank.size());
    for (const auto& [rank, m] : byRank) out.push_back(m);
    return out;
}

// ---------------------------------------------------------------------------------------------
// GGUF

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromGguf(const GgufFile& gguf)
{
    const auto keyError = [&](std::string_view key, const std::string& why) {
        return FormatError(gguf.path() + ": metadata key '" + std::string(key) + "' " + why);
    };
    constexpr std::string_view kPre = "tokenizer.ggml.pre";
    const std::string preName = gguf.findString(kPre).value_or("gpt-2");
    const tokenizer::BpePreTokenizerSpec* pre = tokenizer::findBpePreTokenizer(preName);
    if (!pre)
        throw keyError(kPre, "names pre-tokenizer \"" + preName +
                                 "\", which edge-rt does not support for BPE vocabularies (supported: " +
                                 tokenizer::supportedBpePreTokenizers() + ")");
    Vocabulary v;
    v.tokens = gguf.arrayStrings("tokenizer.ggml.tokens");
    const std::size_t n = v.tokens.size();
    if (gguf.has("tokenizer.ggml.token_type")) {
        const auto types = gguf.arrayInts("tokenizer.ggml.token_type");
        if (types.size() != n)
            throw keyError("tokenizer.ggml.token_type", "has " + std::to_string(types.size()) + " entries but " +
                                                            "tokenizer.ggml.tokens has " + std::to_string(n));
        for (std::size_t i = 0; i < n; ++i) {
            if (types[i] < 0 || types[i] > static_cast<std::int64_t>(TokenType::Byte))
                throw keyError("tokenizer.ggml.token_type", "entry #" + std::to_string(i) + " is " +
                                                                std::to_string(types[i]) + ", not a token type (0..6)");
            v.types.push_back(static_cast<TokenType>(types[i]));
        }
    }
    const auto merges = gguf.arrayStrings("tokenizer.ggml.merges");
    v.merges.reserve(merges.size());
    for (std::size_t r = 0; r < merges.size(); ++r) {
        auto m = splitMerge(merges[r]);
        if (!m)
            throw keyError("tokenizer.ggml.merges", "entry #" + std::to_string(r) + " \"" + merges[r] +
                                                        "\" is not two tokens separated by a space");
        v.merges.push_back(std::move(*m));
    }
    Config c;
    c.pre = PreTokenizer::ByteLevel;
    if (pre->patterns != std::vector<std::string_view>{tokenizer::kGpt2Pattern})
        c.splitPatterns.assign(pre->patterns.begin(), pre->patterns.end());
    c.ignoreMerges = pre->ignoreMerges;
    const auto readId = [&](std::string_view key) -> TokenId {
        const auto id = gguf.findUInt(key);
        if (!id) return -1;
        if (*id >= n)
            throw keyError(
                key, "is " + std::to_string(*id) + ", outside the vocabulary of " + std::to_string(n) + " tokens");
        return static_cast<TokenId>(*id);
    };
    c.bos = readId("tokenizer.ggml.bos_token_id");
    c.eos = readId("tokenizer.ggml.eos_token_id");
    c.unk = readId("tokenizer.ggml.unknown_token_id");
    c.eot = readId("tokenizer.ggml.eot_token_id");
    c.eom = readId("tokenizer.ggml.eom_token_id");
    c.addBos = gguf.findBool("tokenizer.ggml.add_bos_token").value_or(pre->addBos.value_or(false));
    c.addEos = gguf.findBool("tokenizer.ggml.add_eos_token").value_or(false);
    return std::make_unique<BpeTokenizer>(std::move(v), std::move(c), gguf.path());
}

// ---------------------------------------------------------------------------------------------
// HF tokenizer.json

namespace {

/// Reads the parts of a tokenizer.json the BPE tokenizer understands; everything else is an
/// error naming the component, so a tokenizer is never silently run differently.
class TokenizerJsonReader {
public:
    explicit TokenizerJsonReader(const std::string& path) : m_path(path), m_root(json::parseFile(path)) {}

    [[noreturn]] void fail(const json::Value& at, const std::string& why) const
    {
        throw FormatError(m_path + ": " + why + " (byte " + std::to_string(at.offset()) + ")");
    }

    const json::Value& require(const json::Value& object, std::string_view key, json::Kind kind) const
    {
        const auto* v = object.find(key);
        if (!v) fail(object, "missing \"" + std::string(key) + "\"");
        if (v->kind() != kind)
            fail(*v,
                 "\"" + std::string(key) + "\" is " + json::kindName(v->kind()) + ", expected " + json::kindName(kind));
        return *v;
    }

    std::string type(const json::Value& component) const
    {
        if (!component.isObject()) fail(component, "a component is " + std::string(json::kindName(component.kind())));
        return require(component, "type", json::Kind::String).text();
    }

    bool flag(const json::Value& object, std::string_view key, bool fallback) const
    {
        const auto* v = object.find(key);
        if (!v || v->isNull()) return fallback;
        if (!v->isBool()) fail(*v, "\"" + std::string(key) + "\" must be true or false");
        return v->asBool();
    }

    const std::string& path() const { return m_path; }
    const json::Value& root() const { return m_root; }

private:
    std::string m_path;
    json::Value m_root;
};

void applyNormalizer(const TokenizerJsonReader& r, const json::Value& n, BpeTokenizer::Config& c, bool& sawReplace)
{
    if (n.isNull()) return;
    const std::string t = r.type(n);
    if (t == "Sequence") {
        for (const auto& item : r.require(n, "normalizers", json::Kind::Array).items())
            applyNormalizer(r, item, c, sawReplace);
        return;
    }
    if (t == "Prepend") {
        const auto& p = r.require(n, "prepend", json::Kind::String).text();
        if (p != c.spaceMarker) r.fail(n, "normalizer Prepend(\"" + p + "\") is not supported (only \"▁\")");
        c.prependMarker = true;
        return;
    }
    if (t == "Replace") {
        const auto& pattern = r.require(n, "pattern", json::Kind::Object);
        const auto* s = pattern.find("String");
        const auto& content = r.require(n, "content", json::Kind::String).text();
        if (!s || !s->isString() || s->text() != " " || content != c.spaceMarker)
            r.fail(n, "normalizer Replace is only supported as Replace(\" \", \"▁\")");
        sawReplace = true;
        return;
    }
    r.fail(n, "normalizer \"" + t + "\" is not supported (supported: Prepend(\"▁\"), Replace(\" \", \"▁\"), Sequence)");
}

/// The word-splitting steps of a pre-tokenizer, in order: Split(Regex, "Isolated") patterns,
/// Digits as \p{N} / \p{N}+, ByteLevel(use_regex) as GPT-2's pattern; Sequence recurses.
void applyPreTokenizer(const TokenizerJsonReader& r, const json::Value& p, BpeTokenizer::Config& c, bool& byteLevel,
                       bool& metaspace)
{
    if (p.isNull()) return;
    const std::string t = r.type(p);
    if (t == "Sequence") {
        for (const auto& item : r.require(p, "pretokenizers", json::Kind::Array).items())
            applyPreTokenizer(r, item, c, byteLevel, metaspace);
        return;
    }
    if (t == "ByteLevel") {
        if (r.flag(p, "use_regex", true)) c.splitPatterns.emplace_back(tokenizer::kGpt2Pattern);
        c.byteLevelAddPrefixSpace = c.byteLevelAddPrefixSpace || r.flag(p, "add_prefix_space", false);
        byteLevel = true;
        return;
    }
    if (t == "Split") {
        const auto& pattern = r.require(p, "pattern", json::Kind::Object);
        const auto& behavior = r.require(p, "behavior", json::Kind::String).text();
        if (behavior != "Isolated")
            r.fail(p, "pre-tokenizer Split with behavior \"" + behavior + "\" is not supported (only \"Isolated\")");
        if (r.flag(p, "invert", false)) r.fail(p, "pre-tokenizer Split with invert = true is not supported");
        if (const auto* regex = pattern.find("Regex"); regex && regex->isString())
            c.splitPatterns.push_back(regex->text());
        else if (const auto* text = pattern.find("String"); text && text->isString())
            c.splitPatterns.push_back("\\Q" + text->text() + "\\E");
        else
            r.fail(pattern, "pre-tokenizer Split needs a pattern {\"Regex\": ...} or {\"String\": ...}");
        return;
    }
    if (t == "Digits") {
        c.splitPatterns.emplace_back(r.flag(p, "individual_digits", false) ? "\\p{N}" : "\\p{N}+");
        return;
    }
    if (t == "Metaspace") {
        const auto* rep = p.find("replacement");
        if (rep && (!rep->isString() || rep->text() != c.spaceMarker))
            r.fail(p, "pre-tokenizer Metaspace is only supported with replacement \"▁\"");
        if (r.flag(p, "split", false)) r.fail(p, "pre-tokenizer Metaspace with split = true is not supported");
        const auto* scheme = p.find("prepend_scheme");
        if (scheme && scheme->isString()) {
            c.prependMarker = scheme->text() != "never";
            c.prependFirstOnly = scheme->text() == "first";
        } else {
            c.prependMarker = r.flag(p, "add_prefix_space", true);
        }
        metaspace = true;
        return;
    }
    r.fail(p,
           "pre-tokenizer \"" + t + "\" is not supported (supported: ByteLevel, Split, Digits, Metaspace, Sequence)");
}

/// Reads TemplateProcessing's `single` template: a leading / trailing SpecialToken.
using TokenLookup = std::function<TokenId(const std::string&)>;

void applyPostProcessor(const TokenizerJsonReader& r, const json::Value& p, const TokenLookup& lookup,
                        BpeTokenizer::Config& c)
{
    if (p.isNull()) return;
    const std::string t = r.type(p);
    if (t == "ByteLevel") return;
    if (t == "Sequence") {
        for (const auto& item : r.require(p, "processors", json::Kind::Array).items())
            applyPostProcessor(r, item, lookup, c);
        return;
    }
    if (t != "TemplateProcessing")
        r.fail(p, "post-processor \"" + t + "\" is not supported (supported: TemplateProcessing, ByteLevel, Sequence)");
    const auto& single = r.require(p, "single", json::Kind::Array).items();
    const auto specialId = [&](const json::Value& piece) -> std::optional<TokenId> {
        const auto* s = piece.find("SpecialToken");
        if (!s) return std::nullopt;
        const auto& name = r.require(*s, "id", json::Kind::String).text();
        const TokenId id = lookup(name);
        if (id < 0) r.fail(piece, "post-processor special token \"" + name + "\" is not in the vocabulary");
        return id;
    };
    for (std::size_t i = 0; i < single.size(); ++i) {
        if (!single[i].isObject()) r.fail(single[i], "a post-processor template piece must be an object");
        if (auto id = specialId(single[i])) {
            if (i == 0) {
                c.addBos = true;
                c.bos = *id;
            } else if (i + 1 == single.size()) {
                c.addEos = true;
                c.eos = *id;
            } else {
                r.fail(single[i], "a special token in the middle of the post-processor template is not supported");
            }
        }
    }
}

}  // namespace

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromTokenizerJson(const std::string& path, const HfSpecialIds& ids)
{
    const TokenizerJsonReader r(path);
    const json::Value& root = r.root();
    if (!root.isObject())
        r.fail(root, "tokenizer.json holds " + std::string(json::kindName(root.kind())) + ", not an object");
    const json::Value& model = r.require(root, "model", json::Kind::Object);
    if (auto t = r.type(model); t != "BPE") r.fail(model, "model type \"" + t + "\" is not supported (supported: BPE)");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (const auto* v = model.find(key); v && !v->isNull() && !(v->isString() && v->text().empty()))
            r.fail(*v, std::string("BPE ") + key + " is not supported");
    if (const auto* d = model.find("dropout"); d && !d->isNull() && !(d->isNumber() && d->asDouble() == 0.0))
        r.fail(*d, "BPE dropout is not supported (it makes tokenization random)");

    // Vocabulary: model.vocab plus added_tokens (which may extend it).
    Vocabulary v;
    std::vector<bool> seen;
    const auto place = [&](const std::string& text, const json::Value& idValue) {
        const auto id = idValue.asUInt64();
        if (!id || *id >= (1u << 24))
            r.fail(idValue, "token id " + json::summary(idValue) + " of '" + text + "' is invalid");
        if (*id >= v.tokens.size()) {
            v.tokens.resize(*id + 1);
            seen.resize(*id + 1, false);
        }
        if (seen[*id] && v.tokens[*id] != text)
            r.fail(idValue,
                   "token id " + std::to_string(*id) + " is given to both '" + v.tokens[*id] + "' and '" + text + "'");
        v.tokens[*id] = text;
        seen[*id] = true;
        return static_cast<TokenId>(*id);
    };
    for (const auto& m : r.require(model, "vocab", json::Kind::Object).members()) place(m.key, m.value);
    std::vector<std::pair<TokenId, TokenType>> added;
    if (const auto* list = root.find("added_tokens"); list && !list->isNull()) {
        if (!list->isArray()) r.fail(*list, "\"added_tokens\" must be an array");
        for (const auto& a : list->items()) {
            const auto& content = r.require(a, "content", json::Kind::String).text();
            const TokenId id = place(content, r.require(a, "id", json::Kind::Number));
            added.emplace_back(id, r.flag(a, "special", false) ? TokenType::Control : TokenType::UserDefined);
        }
    }
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (!seen[i]) r.fail(model, "the vocabulary has no token with id " + std::to_string(i));

    const auto& merges = r.require(model, "merges", json::Kind::Array).items();
    v.merges.reserve(merges.size());
    for (std::size_t i = 0; i < merges.size(); ++i) {
        const auto& m = merges[i];
        if (m.isString()) {
            auto pair = splitMerge(m.text());
            if (!pair)
                r.fail(m,
                       "merge #" + std::to_string(i) + " \"" + m.text() + "\" is not two tokens separated by a space");
            v.merges.push_back(std::move(*pair));
        } else if (m.isArray() && m.items().size() == 2 && m.items()[0].isString() && m.items()[1].isString()) {
            v.merges.emplace_back(m.items()[0].text(), m.items()[1].text());
        } else {
            r.fail(m, "merge #" + std::to_string(i) + " must be \"a b\" or [\"a\", \"b\"]");
        }
    }

    Config c;
    c.byteFallback = r.flag(model, "byte_fallback", false);
    c.fuseUnk = r.flag(model, "fuse_unk", false);
    bool sawReplace = false, byteLevel = false, metaspace = false;
    if (const auto* n = root.find("normalizer")) applyNormalizer(r, *n, c, sawReplace);
    if (const auto* p = root.find("pre_tokenizer")) applyPreTokenizer(r, *p, c, byteLevel, metaspace);
    if (!byteLevel && !c.splitPatterns.empty())
        r.fail(root, "Split / Digits pre-tokenizers without ByteLevel are not supported");
    if (c.splitPatterns == std::vector<std::string>{std::string(tokenizer::kGpt2Pattern)})
        c.splitPatterns.clear();  // GPT-2's pattern alone: the faster hand-written matcher
    c.ignoreMerges = r.flag(model, "ignore_merges", false);
    if (byteLevel && (c.prependMarker || sawReplace))
        r.fail(root, "a ByteLevel pre-tokenizer combined with a \"▁\" normalizer is not supported");
    if (!byteLevel && !metaspace && !sawReplace)
        r.fail(root,
               "no pre-tokenizer (ByteLevel or Metaspace) and no Replace(\" \", \"▁\") normalizer: "
               "the word splitting of this tokenizer is not supported");
    c.pre = byteLevel ? PreTokenizer::ByteLevel : PreTokenizer::Metaspace;
    c.stripLeadingSpace = !byteLevel && c.prependMarker;  // decoder Strip(" ", 1) / Metaspace prepend
    c.bos = ids.bos.value_or(-1);
    c.eos = ids.eos.value_or(-1);

    std::vector<TokenType> types(v.tokens.size(), TokenType::Normal);
    for (std::size_t i = 0; i < types.size(); ++i)
        if (!byteLevel && byteTokenValue(v.tokens[i]) >= 0) types[i] = TokenType::Byte;
    for (const auto& [id, type] : added) types[static_cast<std::size_t>(id)] = type;
    if (const auto* unk = model.find("unk_token"); unk && unk->isString()) {
        for (std::size_t i = 0; i < v.tokens.size(); ++i)
            if (v.tokens[i] == unk->text()) {
                c.unk = static_cast<TokenId>(i);
                types[i] = TokenType::Unknown;
            }
        if (c.unk < 0) r.fail(*unk, "unk_token \"" + unk->text() + "\" is not in the vocabulary");
    }
    v.types = types;

    // The post-processor names its special tokens by text: resolve them against a first build.
    const json::Value* post = root.find("post_processor");
    if (post && !post->isNull()) {
        const TokenLookup lookup = [&](const std::string& name) -> TokenId {
            const auto it = std::find(v.tokens.begin(), v.tokens.end(), name);
            return it == v.tokens.end() ? -1 : static_cast<TokenId>(it - v.tokens.begin());
        };
        Config fromTemplate = c;
        applyPostProcessor(r, *post, lookup, fromTemplate);
        c.addBos = fromTemplate.addBos;
        c.addEos = fromTemplate.addEos;
        if (!ids.bos) c.bos = fromTemplate.bos;
        if (!ids.eos && fromTemplate.addEos) c.eos = fromTemplate.eos;
    }
    if (c.bos < 0 && c.eos < 0)
        for (const char* name : {"<|endoftext|>", "<s>", "</s>"})
            for (std::size_t i = 0; i < v.tokens.size() && c.bos < 0; ++i)
                if (v.tokens[i] == name) c.bos = static_cast<TokenId>(i);
    return std::make_unique<BpeTokenizer>(std::move(v), std::move(c), path);
}

// ---------------------------------------------------------------------------------------------
// vocab.json + merges.txt

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromVocabAndMerges(const std::string& vocabJsonPath,
                                                               const std::string& mergesPath, const HfSpecialIds& ids)
{
    const json::Value vocab = json::parseFile(vocabJsonPath);
    if (!vocab.isObject())
        throw FormatError(vocabJsonPath + ": vocab.json holds " + json::kindName(vocab.kind()) +
                          ", expected an object {\"token\": id}");
    Vocabulary v;
    std::vector<bool> seen;
    for (const auto& m : vocab.members()) {
        const auto id = m.value.asUInt64();
        if (!id || *id >= (1u << 24))
            throw FormatError(vocabJsonPath + ": token '" + m.key + "' has id " + json::summary(m.value) + " at byte " +
                              std::to_string(m.value.offset()) + ", expected a non-negative integer");
        if (*id >= v.tokens.size()) {
            v.tokens.resize(*id + 1);
            seen.resize(*id + 1, false);
        }
        if (seen[*id])
            throw FormatError(vocabJsonPath + ": id " + std::to_string(*id) + " (byte " +
                              std::to_string(m.value.offset()) + ") is given to both '" + v.tokens[*id] + "' and '" +
                              m.key + "'");
        v.tokens[*id] = m.key;
        seen[*id] = true;
    }
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (!seen[i]) throw FormatError(vocabJsonPath + ": no token has id " + std::to_string(i));

    std::ifstream in(mergesPath, std::ios::binary);
    if (!in) throw IoError("cannot open '" + mergesPath + "'");
    std::string line;
    for (std::size_t lineNo = 1; std::getline(in, line); ++lineNo) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || (lineNo == 1 && line.starts_with("#version"))) continue;
        auto pair = splitMerge(line);
        if (!pair)
            throw FormatError(mergesPath + ": line " + std::to_string(lineNo) + " \"" + line +
                              "\" is not two tokens separated by a space");
        v.merges.push_back(std::move(*pair));
    }
    if (in.bad()) throw IoError("cannot read '" + mergesPath + "'");

    Config c;
    c.pre = PreTokenizer::ByteLevel;
    c.bos = ids.bos.value_or(-1);
    c.eos = ids.eos.value_or(-1);
    v.types.assign(v.tokens.size(), TokenType::Normal);
    for (std::size_t i = 0; i < v.tokens.size(); ++i)
        if (v.tokens[i] == "<|endoftext|>") {
            v.types[i] = TokenType::Control;
            if (c.bos < 0) c.bos = static_cast<TokenId>(i);
            if (c.eos < 0) c.eos = static_cast<TokenId>(i);
        }
    for (const TokenId id : {c.bos, c.eos})
        if (id >= 0 && static_cast<std::size_t>(id) < v.types.size())
            v.types[static_cast<std::size_t>(id)] = TokenType::Control;
    return std::make_unique<BpeTokenizer>(std::move(v), std::move(c), vocabJsonPath);
}

std::unique_ptr<Tokenizer> makeHfTokenizer(const std::string& directory, const HfSpecialIds& ids)
{
    namespace fs = std::filesystem;
    const fs::path dir(directory);
    std::error_code ec;
    if (fs::exists(dir / "tokenizer.json", ec))
        return BpeTokenizer::fromTokenizerJson((dir / "tokenizer.json").string(), ids);
    if (fs::exists(dir / "vocab.json", ec) && fs::exists(dir / "merges.txt", ec))
        return BpeTokenizer::fromVocabAndMerges((dir / "vocab.json").string(), (dir / "merges.txt").string(), ids);
    if (fs::exists(dir / "tokenizer.model", ec))
        throw FormatError((dir / "tokenizer.model").string() +
                          ": SentencePiece model files are not supported; edge-rt reads tokenizer.json or "
                          "vocab.json + merges.txt");
    throw IoError("no tokenizer in '" + directory + "': expected tokenizer.json, or vocab.json and merges.txt");
}

}  // namespace edgert
