// The SentencePiece-style ("llama") tokenizer, as llama.cpp implements it (src/llama-vocab.cpp:
// llm_tokenizer_spm_session, llama_vocab::impl::tokenize / token_to_piece), which in turn follows
// SentencePiece's BPE model (github.com/google/sentencepiece, src/bpe_model.cc):
//   1. split the input at user-defined tokens (and, with parseSpecial, control tokens);
//   2. for each remaining text fragment: prepend ' ' if it starts the input or follows a special
//      token (add_space_prefix), replace every ' ' by '▁' (U+2581);
//   3. split the fragment into UTF-8 characters (lead byte decides the length, clipped at the end);
//   4. repeatedly merge the adjacent pair whose concatenation is a vocabulary piece with the highest
//      score, ties going to the leftmost pair (priority queue, O(n log n));
//   5. emit each final symbol's id; a symbol that is not a piece becomes one token per byte:
//      "<0xNN>", else the one-byte piece, else <unk>.
#pragma once

#include "edgert/tokenizer.h"

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace edgert {

class SpmTokenizer final : public Tokenizer {
public:
    /// Reads the vocabulary from `gguf`'s metadata:
    ///   tokenizer.ggml.tokens (string array, required, non-empty), tokenizer.ggml.scores (float
    ///   array, optional, default 0), tokenizer.ggml.token_type (int array, optional, values 0..6),
    ///   tokenizer.ggml.{bos,eos,unknown}_token_id (defaults 1, 2, 0),
    ///   tokenizer.ggml.add_bos_token (default true), add_eos_token (default false),
    ///   add_space_prefix (default true).
    ///   tokenizer.ggml.eot_token_id / eom_token_id (optional, end-of-generation ids).
    /// Without token_type, tokens are Normal except "<0xNN>" (Byte), BOS/EOS (Control) and UNK
    /// (Unknown). Empty token texts become "[EMPTY_<id>]" (as in llama.cpp).
    /// Throws FormatError naming the file and key: missing/mistyped arrays, lengths that disagree,
    /// special ids outside the vocabulary, unknown token types, duplicate token texts.
    explicit SpmTokenizer(const GgufFile& gguf);

    std::string tokenToPiece(TokenId id) const override;
    const std::string& tokenText(TokenId id) const override;
    TokenId bos() const override { return m_bos; }
    TokenId eos() const override { return m_eos; }
    TokenId unk() const { return m_unk; }
    std::size_t vocabSize() const override { return m_tokens.size(); }
    bool addsBos() const override { return m_addBos; }
    bool addsEos() const override { return m_addEos; }
    bool addsSpacePrefix() const override { return m_addSpacePrefix; }
    TokenType tokenType(TokenId id) const override;
    float tokenScore(TokenId id) const;

    /// The id of the token whose text is `text`, or -1.
    TokenId findToken(std::string_view text) const;

protected:
    void encodeText(std::string_view text, bool parseSpecial, std::vector<TokenId>& out) const override;

private:
    struct Token {
        std::string text;  ///< vocabulary string, e.g. "▁Once" (decodes to " Once")
        float score = 0.0f;
        TokenType type = TokenType::Normal;
    };

    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    const Token& token(TokenId id) const;
    /// Steps 3-5 on one escaped fragment; appends to `out`.
    void encodeFragment(std::string_view text, std::vector<TokenId>& out) const;

    std::vector<Token> m_tokens;
    /// Keys view m_tokens[i].text (sized once, never reallocated): the texts are stored once.
    std::unordered_map<std::string_view, TokenId, TextHash> m_idByText;
    std::array<TokenId, 256> m_byteToken{};  ///< fallback id for each byte value
    std::vector<TokenId> m_specialTokens;    ///< user-defined, control, unknown; longest text first
    TokenId m_bos = 1;
    TokenId m_eos = 2;
    TokenId m_unk = 0;
    bool m_addBos = true;
    bool m_addEos = false;
    bool m_addSpacePrefix = true;
};

}  // namespace edgert
