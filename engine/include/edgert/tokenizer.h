// Tokenizers: text <-> token ids for the vocabulary embedded in a GGUF file.
// Source: llama.cpp src/llama-vocab.cpp (github.com/ggml-org/llama.cpp), whose SentencePiece-style
// tokenizer ("llama" vocab, llm_tokenizer_spm) and detokenizer this reproduces id for id; the
// GGUF keys are those of the GGUF specification (ggml docs/gguf.md, "tokenizer.ggml.*").
// One implementation per tokenizer.ggml.model value, all built through Tokenizer::fromGguf().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

class GgufFile;

using TokenId = std::int32_t;

/// Token kinds as stored in `tokenizer.ggml.token_type` (llama.cpp llama_token_type).
enum class TokenType : std::uint8_t {
    Undefined = 0,
    Normal = 1,       ///< a text piece; '▁' (U+2581) stands for a space
    Unknown = 2,      ///< <unk>
    Control = 3,      ///< BOS, EOS and other markers that have no text
    UserDefined = 4,  ///< added tokens, always matched verbatim in the input text
    Unused = 5,
    Byte = 6,  ///< "<0xNN>": one raw byte, used when no piece covers a character
};

/// Converts text to token ids and back. Implementations must be immutable after construction, so
/// that one instance may be used from several threads at once.
/// How encode() treats special tokens.
struct EncodeOptions {
    std::optional<bool> addBos;  ///< prepend bos(); unset: addsBos()
    std::optional<bool> addEos;  ///< append eos(); unset: addsEos()
    bool parseSpecial = false;   ///< match control tokens written in the text
};

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    /// Builds the tokenizer that `tokenizer.ggml.model` names: "llama" is the SentencePiece-style
    /// tokenizer of llama.cpp (SpmTokenizer), "gpt2" GPT-2's byte-level BPE (BpeTokenizer).
    /// Reads the vocabulary from `gguf`'s metadata.
    /// Throws FormatError naming the file and the key when the key is missing, names a model that
    /// is not supported (the message lists the supported ones), or the vocabulary is malformed
    /// (array lengths disagree, special token ids out of range, unknown token types, duplicate
    /// token texts, NaN scores).
    static std::unique_ptr<Tokenizer> fromGguf(const GgufFile& gguf);

    /// The `tokenizer.ggml.model` values fromGguf() accepts, e.g. {"llama"}.
    static std::vector<std::string> supportedModels();

    /// Text (UTF-8; invalid bytes are tolerated and encoded as byte tokens) -> ids, as llama.cpp's
    /// llama_tokenize(text, add_special, parse_special):
    ///  - `options.addBos` / `addEos`: prepend bos() / append eos(); unset, the vocabulary decides
    ///    (addsBos(): GGUF add_bos_token, its per-pre-tokenizer default, or the HF post-processor;
    ///    addsEos() likewise);
    ///  - `options.parseSpecial`: control tokens written in the text ("<|im_start|>", "<|eot_id|>",
    ///    "<start_of_turn>", "<s>") are matched whole, longest first, and become their ids; without
    ///    it they are ordinary text (split into pieces and bytes). User-defined tokens are always
    ///    matched.
    /// Never throws on any input.
    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options = {}) const;
    /// encode() with llama.cpp's add_special flag: true = the vocabulary's BOS/EOS rule, false =
    /// neither; control tokens in the text are not recognised.
    std::vector<TokenId> encode(std::string_view text, bool addSpecial) const;

    /// The bytes token `id` stands for (llama.cpp llama_token_to_piece(id, special)): normal pieces
    /// decoded ('▁' -> ' ' for SentencePiece, the byte-level map for GPT-2 BPE), byte tokens
    /// "<0xNN>" -> that byte, user-defined tokens -> their text; control and unknown tokens (BOS,
    /// EOS, <|im_end|>, <unk>) -> their vocabulary text when `special`, else the empty string;
    /// unused tokens -> empty. A piece may be an incomplete UTF-8 sequence (TextStreamer
    /// reassembles those). Throws UsageError when `id` is not in [0, vocabSize()).
    std::string piece(TokenId id, bool special = false) const;

    /// piece(id, special = false).
    virtual std::string tokenToPiece(TokenId id) const = 0;

    /// The raw vocabulary string (for display in tables), e.g. "▁Once" or "<0x0A>".
    /// Throws UsageError when `id` is not in [0, vocabSize()).
    virtual const std::string& tokenText(TokenId id) const = 0;

    virtual TokenId bos() const = 0;
    virtual TokenId eos() const = 0;
    virtual std::size_t vocabSize() const = 0;
    /// Whether encode(text, addSpecial = true) prepends bos().
    virtual bool addsBos() const = 0;

    /// Whether encode(text, addSpecial = true) appends eos() (add_eos_token). Default: false.
    virtual bool addsEos() const { return false; }
    /// Whether the encoder puts a space before the text (SentencePiece add_dummy_prefix,
    /// GGUF add_space_prefix); TextStreamer then removes it again. Default: false.
    virtual bool addsSpacePrefix() const { return false; }
    /// The kind of token `id` is (tokenizer.ggml.token_type; tokens with a known end-of-generation
    /// text are Control, as llama.cpp overrides them). Throws UsageError when `id` is out of range.
    /// Default: Normal.
    virtual TokenType tokenType(TokenId id) const;
    /// tokenType(id) == Control. Throws UsageError when `id` is out of range.
    bool isControl(TokenId id) const { return tokenType(id) == TokenType::Control; }

    /// Whether generation stops at `id` (llama.cpp llama_vocab_is_eog): the EOS id, the EOT and EOM
    /// ids when the vocabulary declares them (tokenizer.ggml.eot_token_id / eom_token_id), and every
    /// token whose text is a known end-of-turn marker (<|eot_id|>, <|eom_id|>, <|im_end|>, <|end|>,
    /// <end_of_turn>, <|endoftext|>, <|end_of_text|>, <EOT>, ...). False for ids out of range.
    bool isEndOfGeneration(TokenId id) const;
    /// The end-of-generation ids, ascending.
    const std::vector<TokenId>& endOfGenerationIds() const { return m_endOfGeneration; }

    /// Ids -> text: the pieces of `ids` joined through a TextStreamer. For ids that start with BOS
    /// or text this equals llama.cpp's detokenize(remove_special = true, unparse_special = false):
    /// control tokens vanish and the space prefix of the first piece is removed; unlike llama.cpp,
    /// invalid UTF-8 becomes U+FFFD. Throws UsageError for an out-of-range id.
    /// With `special`, control tokens render as their text (piece(id, true)), as llama.cpp's
    /// detokenize(remove_special = false, unparse_special = true) does.
    std::string decode(const std::vector<TokenId>& ids, bool special = false) const;

protected:
    /// Appends the ids of `text` without BOS/EOS (encode() adds those).
    virtual void encodeText(std::string_view text, bool parseSpecial, std::vector<TokenId>& out) const = 0;
    /// Sets the end-of-generation set (implementations call it once, when constructed).
    void setEndOfGeneration(std::vector<TokenId> ids);

private:
    std::vector<TokenId> m_endOfGeneration;  ///< ascending
};

/// Turns a stream of generated ids into printable UTF-8 text (SentencePiece's decoder, run
/// incrementally):
///  - strips the single leading space of the first non-empty piece when the tokenizer adds a
///    space prefix (SentencePiece add_space_prefix; llama.cpp detokenize's lstrip of the first piece);
///  - holds back an incomplete UTF-8 sequence (as made by byte tokens "<0xE2>" "<0x82>" ...) until
///    it completes, so every returned string is valid UTF-8;
///  - replaces bytes that can never become valid UTF-8 by U+FFFD (one per maximal ill-formed
///    subsequence, as Unicode §3.9 recommends).
/// Keeps a pointer to the tokenizer, which must outlive the streamer. Not thread-safe.
class TextStreamer {
public:
    explicit TextStreamer(const Tokenizer& tokenizer);
    /// `continuesText`: the ids continue text already shown (a prompt), so the first piece keeps
    /// its leading space.
    /// `special`: control tokens render as their text (piece(id, true)).
    TextStreamer(const Tokenizer& tokenizer, bool continuesText, bool special = false) : TextStreamer(tokenizer)
    {
        m_atStart = !continuesText;
        m_special = special;
    }

    /// Adds one token; returns the text that became printable (possibly empty).
    /// Throws UsageError when `id` is out of range.
    std::string push(TokenId id);

    /// Ends the text: returns whatever is held back (an incomplete UTF-8 sequence, rendered as
    /// U+FFFD), and the streamer starts over (the next piece again loses its leading space).
    std::string flush();

private:
    const Tokenizer* m_tokenizer;
    std::string m_pending;   ///< bytes of an incomplete UTF-8 sequence
    bool m_atStart = true;   ///< no non-empty piece seen yet
    bool m_special = false;  ///< render control tokens as their text
};

}  // namespace edgert
