// The byte-level BPE pre-tokenizers edge-rt knows by their GGUF name (tokenizer.ggml.pre), with the
// word-splitting regexes and vocabulary flags llama.cpp uses for them (src/llama-vocab.cpp,
// llm_tokenizer_bpe and llama_vocab::impl::load), which in turn are the Split patterns of the
// models' HF tokenizer.json:
//   gpt-2      GPT-2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama-bpe  Llama 3: contractions in either case, [^\r\n\p{L}\p{N}]?\p{L}+, numbers in runs of
//                       at most 3 digits (\p{N}{1,3}), punctuation with its trailing newlines,
//                       newline runs, whitespace; whole words found in the vocabulary skip the
//                       merges (ignore_merges); BOS added by default
//   qwen2      Qwen2:   the Llama 3 pattern with single digits (\p{N})
//   smollm     SmolLM2: first every digit on its own (\p{N}), then the GPT-2 pattern
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert::tokenizer {

struct BpePreTokenizerSpec {
    std::vector<std::string_view> names;     ///< tokenizer.ggml.pre values (first: the canonical one)
    std::vector<std::string_view> patterns;  ///< applied one after the other (RegexPreTokenizer)
    bool ignoreMerges = false;               ///< a word that is a token is emitted whole
    std::optional<bool> addBos;              ///< default of add_bos_token when the key is absent
};

/// The pattern GPT-2 splits words with (also the second pattern of smollm).
extern const std::string_view kGpt2Pattern;

/// The spec `name` names, or nullptr.
const BpePreTokenizerSpec* findBpePreTokenizer(std::string_view name);

/// The canonical names, e.g. "\"gpt-2\", \"llama-bpe\", \"qwen2\", \"smollm\"", for error messages.
std::string supportedBpePreTokenizers();

}  // namespace edgert::tokenizer
