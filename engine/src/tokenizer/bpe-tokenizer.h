// Byte-pair encoding with ranked merges (Sennrich et al. 2016), in the two forms model files use:
//
//  - GPT-2's byte-level BPE (Radford et al. 2019; OpenAI gpt-2/src/encoder.py), as llama.cpp's
//    "gpt2" vocab (src/llama-vocab.cpp, llm_tokenizer_bpe with the gpt-2 pre-tokenizer) and HF
//    `tokenizers` (ByteLevel pre-tokenizer + BPE model) implement it:
//      1. split the text at special tokens (user-defined always; control tokens with parseSpecial);
//      2. split each fragment into words with the pre-tokenizer's regexes (bpe-pre-tokenizers.h:
//         gpt-2, llama-bpe, qwen2, smollm) on PCRE2 (regex-split.h); GPT-2's own pattern
//         's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//         runs on a hand-written matcher (splitGpt2, classes from bpe-unicode.h), which splits
//         alike and is faster (tst_bpe_tokenizer gpt2SplitterBenchmark: 33.5 vs 23.1 MB/s);
//         with ignore_merges (Llama 3) a word that is a token is emitted whole;
//      3. map every byte of a word to its printable stand-in character (Ġ for ' ', Ċ for '\n', ...);
//      4. repeatedly merge the adjacent pair with the lowest merge rank, leftmost first;
//      5. each final symbol is a token.
//  - the HF `tokenizers` BPE model of SentencePiece-style checkpoints (tokenizer.json with a
//    Prepend("▁") + Replace(" ", "▁") normalizer or a Metaspace pre-tokenizer, byte_fallback):
//    the whole fragment is one word of UTF-8 characters; a character outside the vocabulary becomes
//    its <0xNN> byte tokens (byte_fallback) or <unk> (consecutive ones fused with fuse_unk).
//
// Sources of a vocabulary: a GGUF file (tokenizer.ggml.model = "gpt2": tokens, token_type, merges),
// a HF tokenizer.json, or GPT-2's original vocab.json + merges.txt.
#pragma once

#include "edgert/tokenizer.h"
#include "tokenizer/bpe-unicode.h"
#include "tokenizer/regex-split.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace edgert {

class GgufFile;

/// Special token ids a HF model directory states in config.json (bos_token_id, eos_token_id).
struct HfSpecialIds {
    std::optional<TokenId> bos;
    std::optional<TokenId> eos;
};

class BpeTokenizer final : public Tokenizer {
public:
    enum class PreTokenizer {
        ByteLevel,  ///< GPT-2 regex split + byte-to-unicode map
        Metaspace,  ///< spaces become `spaceMarker`, one word per fragment (SentencePiece-style)
    };

    /// Everything but the vocabulary: how text is split and which ids are special.
    struct Config {
        PreTokenizer pre = PreTokenizer::ByteLevel;
        bool byteLevelAddPrefixSpace = false;  ///< ByteLevel(add_prefix_space): ' ' before a fragment
        /// ByteLevel: the word-splitting regexes (PCRE2), applied one after the other; empty means
        /// GPT-2's pattern.
        std::vector<std::string> splitPatterns;
        bool ignoreMerges = false;                 ///< a word that is a token is emitted whole
        std::string spaceMarker = "\xE2\x96\x81";  ///< Metaspace: U+2581 '▁'
        bool prependMarker = false;                ///< Metaspace: put the marker before a fragment
        bool prependFirstOnly = false;             ///< ... only before the first (prepend_scheme "first")
        bool byteFallback = false;                 ///< unknown characters -> <0xNN> tokens
        bool fuseUnk = false;                      ///< consecutive <unk> become one
        bool stripLeadingSpace = false;            ///< the decoder drops the first piece's leading space
        TokenId bos = -1;
        TokenId eos = -1;
        TokenId unk = -1;
        TokenId eot = -1;  ///< end of turn (GGUF eot_token_id), -1 if not declared
        TokenId eom = -1;  ///< end of message (GGUF eom_token_id), -1 if not declared
        bool addBos = false;
        bool addEos = false;
    };

    /// The vocabulary: token texts and kinds by id, merges by rank (pairs of token texts).
    struct Vocabulary {
        std::vector<std::string> tokens;
        std::vector<TokenType> types;  ///< empty: all Normal (Byte for "<0xNN>" with Metaspace)
        std::vector<std::pair<std::string, std::string>> merges;
    };

    /// Builds the tables. `source` names the file in errors. Throws FormatError naming it: empty
    /// vocabulary, duplicate token texts, a merge whose parts or result are not tokens, special ids
    /// out of range, a byte-level vocabulary lacking one of the 256 byte characters.
    BpeTokenizer(Vocabulary vocabulary, Config config, const std::string& source);

    /// tokenizer.ggml.model = "gpt2" with tokenizer.ggml.pre absent (= "gpt-2") or one of
    /// bpe-pre-tokenizers.h ("gpt-2", "llama-bpe", "qwen2", "smollm"). Throws FormatError naming
    /// the file and key, for another pre-tokenizer naming it and listing the supported ones.
    static std::unique_ptr<BpeTokenizer> fromGguf(const GgufFile& gguf);
    /// A HF tokenizer.json with a BPE model; pre_tokenizer ByteLevel, Metaspace, or a Sequence of
    /// Split(Regex, "Isolated") / Digits / ByteLevel (PCRE2 runs the patterns); model.ignore_merges.
    /// `ids` (from config.json) take precedence over the
    /// post-processor's special tokens for bos/eos. Throws IoError / FormatError naming the file
    /// and the unsupported component (the message lists what is supported).
    static std::unique_ptr<BpeTokenizer> fromTokenizerJson(const std::string& path, const HfSpecialIds& ids = {});
    /// GPT-2's vocab.json ({"token": id}) + merges.txt ("#version" line, then "a b" per line).
    static std::unique_ptr<BpeTokenizer> fromVocabAndMerges(const std::string& vocabJsonPath,
                                                            const std::string& mergesPath,
                                                            const HfSpecialIds& ids = {});

    std::string tokenToPiece(TokenId id) const override;
    const std::string& tokenText(TokenId id) const override;
    TokenId bos() const override { return m_config.bos; }
    TokenId eos() const override { return m_config.eos; }
    std::size_t vocabSize() const override { return m_tokens.size(); }
    bool addsBos() const override { return m_config.addBos; }
    bool addsEos() const override { return m_config.addEos; }
    bool addsSpacePrefix() const override { return m_config.stripLeadingSpace; }
    TokenType tokenType(TokenId id) const override;
    const Config& config() const { return m_config; }

    /// The id of the token whose text is `text`, or -1.
    TokenId findToken(std::string_view text) const;

    /// One merge rule: the adjacent pair (left, right) becomes `result`.
    struct RankedMerge {
        TokenId left;
        TokenId right;
        TokenId result;
    };
    /// The merge rules in rank order (lowest rank, applied first, at index 0); a pair listed
    /// twice keeps its first rank. For writing the vocabulary out (HF tokenizer.json -> GGUF).
    std::vector<RankedMerge> rankedMerges() const;

    /// GPT-2's pre-tokenizer regex as byte ranges of `text` (exposed for tests).
    static std::vector<std::string_view> splitGpt2(std::string_view text);

protected:
    void encodeText(std::string_view text, bool parseSpecial, std::vector<TokenId>& out) const override;

private:
    struct Token {
        std::string text;   ///< vocabulary string ("Ġhello", "▁Once", "<0x0A>")
        std::string piece;  ///< the bytes it decodes to
        TokenType type = TokenType::Normal;
    };
    struct Merge {
        std::uint32_t rank;
        TokenId result;
    };
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    const Token& token(TokenId id) const;
    /// BPE over initial symbols (token ids); appends the merged ids to `out`.
    void mergeSymbols(std::vector<TokenId>& symbols, std::vector<TokenId>& out) const;
    void encodeByteLevel(std::string_view fragment, std::vector<TokenId>& out) const;
    void encodeMetaspace(std::string_view fragment, bool first, std::vector<TokenId>& out) const;

    Config m_config;
    std::vector<Token> m_tokens;
    std::unordered_map<std::string, TokenId, TextHash, std::equal_to<>> m_idByText;
    std::unordered_map<std::uint64_t, Merge> m_merges;  ///< (left id << 32 | right id) -> merge
    unicode::ByteLevelMap m_byteMap;
    std::array<TokenId, 256> m_byteSymbol{};                   ///< ByteLevel: the token of each byte's character
    std::array<TokenId, 256> m_byteToken{};                    ///< Metaspace byte fallback: "<0xNN>" ids, or -1
    std::vector<TokenId> m_specialTokens;                      ///< user-defined and control; longest text first
    std::unique_ptr<tokenizer::RegexPreTokenizer> m_splitter;  ///< ByteLevel with splitPatterns
};

/// The tokenizer of a HF model directory: tokenizer.json, else vocab.json + merges.txt. Throws
/// IoError when neither exists (naming what was looked for), FormatError when malformed.
std::unique_ptr<Tokenizer> makeHfTokenizer(const std::string& directory, const HfSpecialIds& ids);

}  // namespace edgert
