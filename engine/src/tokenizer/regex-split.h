// Regex word splitting for byte-level BPE pre-tokenizers, on PCRE2 (UTF-8 mode, Unicode
// properties, JIT): each pattern splits every piece of the text into its matches and the gaps
// between them, both kept in order — llama.cpp's unicode_regex_split over a list of patterns, and
// HF tokenizers' Split(pattern, behavior = "Isolated") in a Sequence.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace edgert::tokenizer {

/// One compiled pattern. Immutable after construction; split() may run on several threads at once.
class RegexSplitter {
public:
    /// Compiles `pattern` (PCRE2 syntax: \p{L}, \p{N}, look-ahead) with UTF, UCP and
    /// MATCH_INVALID_UTF (invalid UTF-8 in the text never matches and ends up in a gap).
    /// Throws FormatError quoting the pattern and PCRE2's message and offset when it does not compile.
    explicit RegexSplitter(std::string pattern);
    ~RegexSplitter();
    RegexSplitter(RegexSplitter&&) noexcept;
    RegexSplitter& operator=(RegexSplitter&&) noexcept;

    /// Appends to `out` the matches of the pattern in `text` and the non-empty gaps between them,
    /// in text order; together they cover `text` exactly. Empty matches are skipped.
    /// Throws Error only if PCRE2 itself fails (resource limits), naming the pattern.
    void split(std::string_view text, std::vector<std::string_view>& out) const;

    const std::string& pattern() const { return m_pattern; }

private:
    struct Compiled;
    std::string m_pattern;
    std::unique_ptr<Compiled> m_compiled;
};

/// A sequence of patterns applied one after the other, each to every piece the previous left.
class RegexPreTokenizer {
public:
    explicit RegexPreTokenizer(const std::vector<std::string>& patterns);

    /// The words of `text` (views into it), in order, covering it exactly.
    std::vector<std::string_view> split(std::string_view text) const;

private:
    std::vector<RegexSplitter> m_splitters;
};

}  // namespace edgert::tokenizer
