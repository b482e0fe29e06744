#include "tokenizer/token-text.h"

namespace edgert::tokenizer {

namespace {
int hexDigit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
}  // namespace

int byteTokenValue(std::string_view text)
{
    if (text.size() != 6 || !text.starts_with("<0x") || text.back() != '>') return -1;
    const int hi = hexDigit(text[3]);
    const int lo = hexDigit(text[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

std::string replaceAll(std::string_view text, std::string_view from, std::string_view to)
{
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    for (std::size_t hit = text.find(from); hit != std::string_view::npos; hit = text.find(from, pos)) {
        out.append(text.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
    }
    out.append(text.substr(pos));
    return out;
}

std::vector<TextFragment> splitAtSpecialTokens(std::string_view text, std::span<const SpecialToken> specials)
{
    std::vector<TextFragment> fragments;
    if (!text.empty()) fragments.push_back({0, text.size(), -1});
    std::vector<TextFragment> split;
    for (const SpecialToken& s : specials) {
        if (s.text.empty()) continue;
        split.clear();
        for (const TextFragment& f : fragments) {
            if (f.id >= 0) {
                split.push_back(f);
                continue;
            }
            const std::string_view area = text.substr(0, f.offset + f.length);
            std::size_t pos = f.offset;
            while (pos < area.size()) {
                const std::size_t hit = area.find(s.text, pos);
                if (hit == std::string_view::npos) break;
                if (hit > pos) split.push_back({pos, hit - pos, -1});
                split.push_back({hit, s.text.size(), s.id});
                pos = hit + s.text.size();
            }
            if (pos < area.size()) split.push_back({pos, area.size() - pos, -1});
        }
        fragments.swap(split);
    }
    return fragments;
}

}  // namespace edgert::tokenizer
