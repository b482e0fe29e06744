// A HF tokenizer (tokenizer.json, or GPT-2's vocab.json + merges.txt, as BpeTokenizer reads it)
// as GGUF tokenizer.ggml.* keys (ggml docs/gguf.md, "Tokenizer"), so that the GGUF's tokenizer
// gives the same ids as the HF directory's on every text edge-rt's HF tokenizer accepts:
//
//  - a SentencePiece-style BPE (Metaspace: "▁" for spaces, byte fallback) becomes
//    tokenizer.ggml.model "llama" with tokens, token_type and scores. The llama (SPM) algorithm
//    merges the adjacent pair whose concatenation has the highest score, so each token's score is
//    minus the rank of the first merge rule that produces it (rank 0: score 0), and tokens no rule
//    produces (single characters, bytes, specials) score below every merge. This keeps the HF
//    merge order; llama.cpp's converter (gguf-py LlamaHfVocab) writes -1000 for every token,
//    which loses it (its file of TinyStories-656K splits "park with her" differently).
//    add_space_prefix follows the Prepend("▁") normalizer / Metaspace prepend.
//  - a byte-level BPE becomes tokenizer.ggml.model "gpt2" with tokens, token_type, merges ("a b"
//    in rank order) and tokenizer.ggml.pre, the name of the pre-tokenizer whose split regexes
//    equal tokenizer.json's (bpe-pre-tokenizers.h: gpt-2, llama-bpe, qwen2, smollm).
//  - both: bos/eos/unknown token ids, add_bos_token/add_eos_token (the post-processor's),
//    padding_token_id (tokenizer_config.json pad_token), tokenizer.chat_template.
#pragma once

#include "edgert/gguf-writer.h"
#include "edgert/tokenizer.h"

#include <string>

namespace edgert::hf {

/// Writes the tokenizer.ggml.* keys of `tokenizer` (a HF tokenizer read from `directory`) and,
/// from `directory`'s tokenizer_config.json (or chat_template.jinja), tokenizer.chat_template and
/// padding_token_id. Throws FormatError naming the file and what GGUF cannot express: a tokenizer
/// that is not a BPE read from HF files, a byte-level pre-tokenizer with no tokenizer.ggml.pre
/// name, ByteLevel add_prefix_space, a Metaspace replacement other than "▁", Metaspace
/// prepend_scheme "first".
void setTokenizerKeys(GgufWriter& writer, const Tokenizer& tokenizer, const std::string& directory);

}  // namespace edgert::hf
