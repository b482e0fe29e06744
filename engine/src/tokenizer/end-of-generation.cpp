#include "tokenizer/end-of-generation.h"

#include <array>

namespace edgert::tokenizer {

bool isEndOfGenerationText(std::string_view text)
{
    static constexpr std::array<std::string_view, 13> kMarkers{
        "<|eot_id|>",
        "<|eom_id|>",
        "<|im_end|>",
        "<|end|>",
        "<end_of_turn>",
        "<|endoftext|>",
        "<|end_of_text|>",
        "<EOT>",
        "_<EOT>",
        "<|return|>",
        "<|call|>",
        "<end_of_utterance>",
        "<\xEF\xBD\x9C"
        "end\xE2\x96\x81"
        "of\xE2\x96\x81"
        "sentence\xEF\xBD\x9C>",  // <｜end▁of▁sentence｜>
    };
    for (const std::string_view m : kMarkers)
        if (text == m) return true;
    return false;
}

std::vector<TokenId> findEndOfGeneration(std::size_t count, const std::function<std::string_view(TokenId)>& text,
                                         const std::function<void(TokenId)>& makeControl,
                                         std::initializer_list<TokenId> declared)
{
    std::vector<TokenId> ids;
    for (const TokenId id : declared)
        if (id >= 0 && static_cast<std::size_t>(id) < count) ids.push_back(id);
    for (std::size_t i = 0; i < count; ++i) {
        const auto id = static_cast<TokenId>(i);
        if (!isEndOfGenerationText(text(id))) continue;
        ids.push_back(id);
        makeControl(id);
    }
    return ids;
}

}  // namespace edgert::tokenizer
