// The end-of-generation (EOG) set of a vocabulary, as llama.cpp builds it (src/llama-vocab.cpp,
// llama_vocab::impl::load: special_eog_ids): the declared EOS / EOT / EOM ids plus every token whose
// text is a known end-of-turn marker of some model family. Those tokens are control tokens even when
// the file says otherwise (llama.cpp overrides their type with a warning), so that they render as
// empty text and are matched whole only with parse_special.
#pragma once

#include "edgert/tokenizer.h"

#include <functional>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace edgert::tokenizer {

/// Whether `text` is one of the known end-of-turn markers: <|eot_id|> <|eom_id|> (Llama 3),
/// <|im_end|> (ChatML: Qwen, SmolLM), <|end|> (Phi-3), <end_of_turn> (Gemma), <|endoftext|>
/// (GPT-2, Qwen, Phi), <|end_of_text|> (Llama 3, Granite), <EOT> / _<EOT> (CodeLlama), <|return|>
/// <|call|> (o200k harmony), <end_of_utterance> (SmolDocling), <｜end▁of▁sentence｜> (DeepSeek).
bool isEndOfGenerationText(std::string_view text);

/// The EOG ids of a vocabulary of `count` tokens: the `declared` ids that are >= 0 and every id
/// whose `text` isEndOfGenerationText(); `makeControl` is called for each of the latter.
std::vector<TokenId> findEndOfGeneration(std::size_t count, const std::function<std::string_view(TokenId)>& text,
                                         const std::function<void(TokenId)>& makeControl,
                                         std::initializer_list<TokenId> declared);

}  // namespace edgert::tokenizer
