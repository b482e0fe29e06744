// Prompt encoding and end-of-generation tokens: the one place front ends turn text into a
// prompt and decide that a sampled token ends a turn.
// Source for the EOG set: llama.cpp src/llama-vocab.cpp (special_eog_ids: eos, eot, eom and the
// control tokens whose text ends a turn in the common chat formats).
#include "edgert/session.h"

#include "tokenizer/token-text.h"

#include <algorithm>
#include <array>

namespace edgert {

namespace {

constexpr std::array<std::string_view, 9> kEndOfTurnTexts = {
    "<|im_end|>",    "<|eot_id|>", "<|eom_id|>",      "<end_of_turn>",       "<|end|>",
    "<|endoftext|>", "<EOT>",      "<|end_of_text|>", "<|end▁of▁sentence|>",
};

bool isControl(const Tokenizer& tokenizer, TokenId id)
{
    const TokenType type = tokenizer.tokenType(id);
    return type == TokenType::Control;
}

}  // namespace

std::vector<TokenId> encodePrompt(const Tokenizer& tokenizer, std::string_view text, bool atStart, bool parseSpecial)
{
    std::vector<TokenId> out;
    if (atStart && tokenizer.addsBos() && tokenizer.bos() >= 0) out.push_back(tokenizer.bos());
    if (text.empty()) return out;
    if (!parseSpecial) {
        const auto ids = tokenizer.encode(text, false);
        out.insert(out.end(), ids.begin(), ids.end());
        return out;
    }
    // Control tokens written in the text become those tokens; the text between them is encoded
    // as ordinary text (user-defined tokens are recognised by encode() itself).
    std::vector<tokenizer::SpecialToken> specials;
    for (std::size_t id = 0; id < tokenizer.vocabSize(); ++id) {
        const auto tid = static_cast<TokenId>(id);
        if (!isControl(tokenizer, tid)) continue;
        const std::string& t = tokenizer.tokenText(tid);
        if (!t.empty()) specials.push_back({tid, t});
    }
    std::stable_sort(specials.begin(), specials.end(),
                     [](const auto& a, const auto& b) { return a.text.size() > b.text.size(); });
    for (const auto& f : tokenizer::splitAtSpecialTokens(text, specials)) {
        if (f.id >= 0) {
            out.push_back(f.id);
            continue;
        }
        const auto ids = tokenizer.encode(text.substr(f.offset, f.length), false);
        out.insert(out.end(), ids.begin(), ids.end());
    }
    return out;
}

bool isEndOfGeneration(const Tokenizer& tokenizer, TokenId id)
{
    if (id < 0 || static_cast<std::size_t>(id) >= tokenizer.vocabSize()) return false;
    if (id == tokenizer.eos()) return true;
    const TokenType type = tokenizer.tokenType(id);
    if (type != TokenType::Control && type != TokenType::UserDefined) return false;
    const std::string& text = tokenizer.tokenText(id);
    return std::find(kEndOfTurnTexts.begin(), kEndOfTurnTexts.end(), text) != kEndOfTurnTexts.end();
}

std::string tokenPiece(const Tokenizer& tokenizer, TokenId id, bool special)
{
    if (special && isControl(tokenizer, id)) return tokenizer.tokenText(id);
    return tokenizer.tokenToPiece(id);
}

}  // namespace edgert
