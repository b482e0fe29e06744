#include "tokenizer/regex-split.h"

#include "edgert/error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace edgert::tokenizer {

namespace {

std::string pcre2Message(int code)
{
    PCRE2_UCHAR buffer[256];
    const int n = pcre2_get_error_message(code, buffer, sizeof buffer);
    return n < 0 ? "PCRE2 error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buffer));
}

struct MatchDataDeleter {
    void operator()(pcre2_match_data* d) const { pcre2_match_data_free(d); }
};

}  // namespace

struct RegexSplitter::Compiled {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Compiled() { pcre2_code_free(code); }
};

RegexSplitter::RegexSplitter(std::string pattern) : m_pattern(std::move(pattern)), m_compiled(new Compiled)
{
    int error = 0;
    PCRE2_SIZE offset = 0;
    m_compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(m_pattern.data()), m_pattern.size(),
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
    if (!m_compiled->code)
        throw FormatError("pre-tokenizer regex /" + m_pattern + "/ does not compile at offset " +
                          std::to_string(offset) + ": " + pcre2Message(error));
    m_compiled->jit = pcre2_jit_compile(m_compiled->code, PCRE2_JIT_COMPLETE) == 0;
}

RegexSplitter::~RegexSplitter() = default;
RegexSplitter::RegexSplitter(RegexSplitter&&) noexcept = default;
RegexSplitter& RegexSplitter::operator=(RegexSplitter&&) noexcept = default;

void RegexSplitter::split(std::string_view text, std::vector<std::string_view>& out) const
{
    const std::unique_ptr<pcre2_match_data, MatchDataDeleter> data(
        pcre2_match_data_create_from_pattern(m_compiled->code, nullptr));
    if (!data) throw Error("out of memory matching pre-tokenizer regex /" + m_pattern + "/");
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t gapStart = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        int rc = m_compiled->jit ? pcre2_jit_match(m_compiled->code, subject, text.size(), at, 0, data.get(), nullptr)
                                 : PCRE2_ERROR_JIT_STACKLIMIT;
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)  // very long match: the interpreter has a larger limit
            rc = pcre2_match(m_compiled->code, subject, text.size(), at, PCRE2_NO_JIT, data.get(), nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0)
            throw Error("pre-tokenizer regex /" + m_pattern + "/ failed at byte " + std::to_string(at) + ": " +
                        pcre2Message(rc));
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
        const std::size_t begin = ovector[0], end = ovector[1];
        if (end == begin) {  // an empty match: step over one character (UTF-8 lead + continuations)
            at = begin + 1;
            while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
            continue;
        }
        if (begin > gapStart) out.push_back(text.substr(gapStart, begin - gapStart));
        out.push_back(text.substr(begin, end - begin));
        gapStart = at = end;
    }
    if (gapStart < text.size()) out.push_back(text.substr(gapStart));
}

RegexPreTokenizer::RegexPreTokenizer(const std::vector<std::string>& patterns)
{
    m_splitters.reserve(patterns.size());
    for (const auto& p : patterns) m_splitters.emplace_back(p);
}

std::vector<std::string_view> RegexPreTokenizer::split(std::string_view text) const
{
    std::vector<std::string_view> words;
    if (text.empty()) return words;
    words.push_back(text);
    std::vector<std::string_view> next;
    for (const RegexSplitter& s : m_splitters) {
        next.clear();
        next.reserve(words.size() * 2);
        for (const std::string_view w : words) s.split(w, next);
        words.swap(next);
    }
    return words;
}

}  // namespace edgert::tokenizer
