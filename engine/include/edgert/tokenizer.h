// Tokenizers: text <-> token ids for the vocabulary embedded in a GGUF file.
// Source: llama.cpp src/llama-vocab.cpp (github.com/ggml-org/llama.cpp), whose SentencePiece-style
// tokenizer ("llama" vocab, llm_tokenizer_spm) and detokenizer this reproduces id for id; the
// GGUF keys are those of the GGUF specification (ggml docs/gguf.md, "tokenizer.ggml.*").
// One implementation per tokenizer.ggml.model value, all built through Tokenizer::fromGguf().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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
    /// llama_tokenize(text, add_special, parse_special = false). With `addSpecial`, BOS is
    /// prepended when the vocabulary says add_bos_token (default true for "llama" when the key is
    /// missing) and EOS appended when it says add_eos_token (default false). Control tokens written
    /// in the text ("<s>") are not recognised; user-defined tokens are. Never throws on any input.
    virtual std::vector<TokenId> encode(std::string_view text, bool addSpecial) const = 0;

    /// The bytes a token stands for (llama.cpp llama_token_to_piece with special = false): '▁'
    /// (U+2581) -> ' ', byte tokens "<0xNN>" -> that single byte, control/unknown/unused tokens
    /// (BOS, EOS, <unk>) -> empty string, user-defined tokens -> their text. A piece may be an
    /// incomplete UTF-8 sequence; TextStreamer reassembles those.
    /// Throws UsageError when `id` is not in [0, vocabSize()).
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
    /// The kind of token `id` is. Throws UsageError when `id` is out of range. Default: Normal.
    virtual TokenType tokenType(TokenId id) const;

    /// Ids -> text: the pieces of `ids` joined through a TextStreamer. For ids that start with BOS
    /// or text this equals llama.cpp's detokenize(remove_special = true, unparse_special = false):
    /// control tokens vanish and the space prefix of the first piece is removed; unlike llama.cpp,
    /// invalid UTF-8 becomes U+FFFD. Throws UsageError for an out-of-range id.
    std::string decode(const std::vector<TokenId>& ids) const;
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
    TextStreamer(const Tokenizer& tokenizer, bool continuesText) : TextStreamer(tokenizer)
    {
        m_atStart = !continuesText;
    }

    /// Adds one token; returns the text that became printable (possibly empty).
    /// Throws UsageError when `id` is out of range.
    std::string push(TokenId id);

    /// Ends the text: returns whatever is held back (an incomplete UTF-8 sequence, rendered as
    /// U+FFFD), and the streamer starts over (the next piece again loses its leading space).
    std::string flush();

private:
    const Tokenizer* m_tokenizer;
    std::string m_pending;  ///< bytes of an incomplete UTF-8 sequence
    bool m_atStart = true;  ///< no non-empty piece seen yet
};

}  // namespace edgert
