// Prompt encoding and end-of-generation tokens: the one place front ends turn text into a
// prompt and decide that a sampled token ends a turn. Both defer to the tokenizer
// (Tokenizer::encode with EncodeOptions, Tokenizer::isEndOfGeneration over llama.cpp's EOG set).
#include "edgert/session.h"

namespace edgert {

std::vector<TokenId> encodePrompt(const Tokenizer& tokenizer, std::string_view text, bool atStart, bool parseSpecial)
{
    EncodeOptions options;
    // BOS only where a conversation begins, as the vocabulary says (add_bos_token); never EOS.
    options.addBos = atStart && tokenizer.addsBos() && tokenizer.bos() >= 0;
    options.addEos = false;
    options.parseSpecial = parseSpecial;
    return tokenizer.encode(text, options);
}

bool isEndOfGeneration(const Tokenizer& tokenizer, TokenId id)
{
    return tokenizer.isEndOfGeneration(id);
}

std::string tokenPiece(const Tokenizer& tokenizer, TokenId id, bool special)
{
    return tokenizer.piece(id, special);
}

}  // namespace edgert
