#include "io/json-parser.h"

#include "edgert/error.h"
#include "io/regular-file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <unordered_map>

namespace edgert::json {

const char* kindName(Kind kind)
{
    switch (kind) {
        case Kind::Null: return "null";
        case Kind::Bool: return "a boolean";
        case Kind::Number: return "a number";
        case Kind::String: return "a string";
        case Kind::Array: return "an array";
        case Kind::Object: return "an object";
    }
    return "?";
}

std::optional<std::uint64_t> Value::asUInt64() const
{
    if (m_kind != Kind::Number) return std::nullopt;
    std::uint64_t v = 0;
    const char* first = m_text.data();
    const char* last = first + m_text.size();
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last) return std::nullopt;  // sign, fraction, exponent or overflow
    return v;
}

std::optional<std::int64_t> Value::asInt64() const
{
    if (m_kind != Kind::Number) return std::nullopt;
    std::int64_t v = 0;
    const char* first = m_text.data();
    const char* last = first + m_text.size();
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last) return std::nullopt;
    return v;
}

const Value* Value::find(std::string_view key) const
{
    for (const auto& m : m_members)
        if (m.key == key) return &m.value;
    return nullptr;
}

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Where the current token began. nlohmann's SAX events carry no positions, so the parser reads
/// the document through TrackedChars, which notes the offset of the first byte of every token
/// (the first byte read after an event that is not whitespace or a ':' / ',' separator).
struct TokenTracker {
    const char* begin = nullptr;
    std::size_t tokenStart = 0;
    bool pending = true;  ///< set after each event: the next significant byte starts a token
};

/// A forward iterator over the document's bytes for nlohmann's iterator_input_adapter, which
/// reads each byte once (operator* then ++), so ++ sees every byte the lexer consumes, in order.
class TrackedChars {
public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    TrackedChars() = default;
    TrackedChars(const char* p, TokenTracker* tracker) : m_p(p), m_tracker(tracker) {}
    reference operator*() const { return *m_p; }
    TrackedChars& operator++()
    {
        const char c = *m_p;
        if (m_tracker->pending && !isJsonSpace(c) && c != ':' && c != ',') {
            m_tracker->tokenStart = static_cast<std::size_t>(m_p - m_tracker->begin);
            m_tracker->pending = false;
        }
        ++m_p;
        return *this;
    }
    TrackedChars operator++(int)
    {
        TrackedChars old = *this;
        ++*this;
        return old;
    }
    bool operator==(const TrackedChars& other) const { return m_p == other.m_p; }

private:
    const char* m_p = nullptr;
    TokenTracker* m_tracker = nullptr;
};

/// A JSON object key, quoted when it would not read back unambiguously after a '.' (empty, or
/// holding '.', '[', '"' or a space).
std::string pathKey(const std::string& key)
{
    if (!key.empty() && key.find_first_of(".[\" ") == std::string::npos) return "." + key;
    return "[\"" + key + "\"]";
}

}  // namespace

// Builds the Value tree from nlohmann's SAX events and adds edge-rt's checks: nesting depth,
// duplicate keys, and errors that name the source, the byte offset and the member being read.
class Parser : public nlohmann::json_sax<nlohmann::json> {
public:
    Parser(std::string_view text, const std::string& source, std::uint64_t baseOffset, ParseOptions options)
        : m_text(text), m_source(source), m_base(baseOffset), m_options(options)
    {
        m_tracker.begin = text.data();
    }

    Value document()
    {
        std::size_t skipped = 0;
        while (skipped < m_text.size() && isJsonSpace(m_text[skipped])) ++skipped;
        if (skipped == m_text.size()) failAt(skipped, "the document is empty");
        // A leading UTF-8 byte-order mark is skipped (RFC 8259 §8.1 lets a parser ignore one);
        // offsets stay in file coordinates because the tracker counts from the text's start.
        const char* first = m_text.data();
        const TrackedChars begin(first + (m_text.starts_with("\xEF\xBB\xBF") ? 3 : 0), &m_tracker);
        const TrackedChars end(first + m_text.size(), &m_tracker);
        nlohmann::json::sax_parse(begin, end, this, nlohmann::json::input_format_t::json, /*strict=*/true,
                                  /*ignore_comments=*/false);
        // nlohmann's lexer takes a NUL byte outside a string for the end of the input, so
        // "{}\0junk" would pass; inside a string a NUL is already an error, so any NUL left in a
        // document that parsed is trailing data.
        if (const auto nul = m_text.find('\0'); nul != std::string_view::npos)
            failAt(nul, "unexpected byte 0x00 after the JSON value");
        return std::move(m_root);
    }

    // ---- nlohmann::json_sax ---------------------------------------------------------------
    bool null() override
    {
        place(Kind::Null);
        return true;
    }
    bool boolean(bool val) override
    {
        place(Kind::Bool).m_bool = val;
        return true;
    }
    bool number_integer(number_integer_t val) override
    {
        Value& v = place(Kind::Number);
        v.m_text = std::to_string(val);
        v.m_number = static_cast<double>(val);
        return true;
    }
    bool number_unsigned(number_unsigned_t val) override
    {
        Value& v = place(Kind::Number);
        v.m_text = std::to_string(val);
        v.m_number = static_cast<double>(val);
        return true;
    }
    bool number_float(number_float_t val, const string_t& raw) override
    {
        Value& v = place(Kind::Number);  // nlohmann rejects non-finite results (number overflow)
        v.m_text = raw;
        v.m_number = val;
        return true;
    }
    bool string(string_t& val) override
    {
        place(Kind::String).m_text = std::move(val);
        return true;
    }
    bool binary(binary_t&) override { return false; }  // not produced by the JSON input format

    bool start_object(std::size_t) override
    {
        open(Kind::Object);
        return true;
    }
    bool key(string_t& val) override
    {
        Frame& f = m_stack.back();
        const std::uint64_t at = m_base + m_tracker.tokenStart;
        const auto [it, inserted] = f.keyOffsets.try_emplace(val, at);
        if (!inserted)
            failAt(m_tracker.tokenStart,
                   "duplicate key \"" + val + "\" (first at byte " + std::to_string(it->second) + ")");
        f.value->m_members.push_back({std::move(val), Value{}});
        f.memberOpen = true;
        m_tracker.pending = true;
        return true;
    }
    bool end_object() override
    {
        close();
        return true;
    }
    bool start_array(std::size_t) override
    {
        open(Kind::Array);
        return true;
    }
    bool end_array() override
    {
        close();
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& ex) override
    {
        // position counts the bytes the lexer read; the error is at the last of them, except for
        // a number out of range (nlohmann's out_of_range 406), reported where the number starts.
        const std::size_t at = ex.id == 406 ? m_tracker.tokenStart : position == 0 ? 0 : position - 1;
        failAt(std::min(at, m_text.size()), reason(ex));
    }

private:
    struct Frame {
        Value* value;
        std::unordered_map<std::string, std::uint64_t> keyOffsets;  ///< objects: key -> byte offset
        bool memberOpen = false;  ///< objects: the last key's value is being read (for error paths)
    };

    /// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
    /// column 4: " prefix (the offset is reported in bytes instead), with bytes outside printable
    /// ASCII (the raw input it quotes as "last read") written as \xNN.
    static std::string reason(const nlohmann::json::exception& ex)
    {
        std::string what = ex.what();
        if (const auto bracket = what.find("] "); what.starts_with("[json.exception.") && bracket != std::string::npos)
            what.erase(0, bracket + 2);
        if (what.starts_with("parse error"))
            if (const auto colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
        std::string out;
        for (const char c : what) {
            const auto u = static_cast<unsigned char>(c);
            if (u >= 0x20 && u < 0x7f) {
                out += c;
            } else {
                static const char* const kHex = "0123456789ABCDEF";
                out += "\\x";
                out += kHex[u >> 4];
                out += kHex[u & 15];
            }
        }
        return out;
    }

    /// The new value's slot (the root, the next array element or the last key's value), with its
    /// kind and offset set.
    Value& place(Kind kind)
    {
        Value* v = &m_root;
        if (!m_stack.empty()) {
            Frame& parent = m_stack.back();
            if (parent.value->m_kind == Kind::Array) {
                v = &parent.value->m_items.emplace_back();
            } else {
                v = &parent.value->m_members.back().value;
                parent.memberOpen = kind == Kind::Object || kind == Kind::Array;  // a scalar is complete
            }
        }
        v->m_kind = kind;
        v->m_offset = m_base + m_tracker.tokenStart;
        m_tracker.pending = true;
        return *v;
    }

    // Pointers on the stack stay valid: only the innermost open container gains elements.
    void open(Kind kind)
    {
        if (m_stack.size() >= m_options.maxDepth)
            failAt(m_tracker.tokenStart,
                   "arrays and objects nest deeper than " + std::to_string(m_options.maxDepth) + " levels");
        Value& v = place(kind);
        m_stack.push_back({&v, {}});
    }

    void close()
    {
        m_stack.pop_back();
        if (!m_stack.empty()) m_stack.back().memberOpen = false;
        m_tracker.pending = true;
    }

    [[noreturn]] void failAt(std::size_t pos, const std::string& why) const
    {
        std::string msg = m_source + ": malformed JSON at byte " + std::to_string(m_base + pos);
        std::string path;
        for (const Frame& f : m_stack) {
            const Value& c = *f.value;
            if (c.m_kind == Kind::Object && f.memberOpen)
                path += pathKey(c.m_members.back().key);
            else if (c.m_kind == Kind::Array) {
                // An open child is the last element; otherwise the failing element is the next one.
                const bool childOpen = &f != &m_stack.back();
                path += "[" + std::to_string(c.m_items.size() - (childOpen ? 1 : 0)) + "]";
            }
        }
        if (!path.empty()) msg += " (in " + (path.front() == '.' ? path.substr(1) : path) + ")";
        throw FormatError(msg + ": " + why);
    }

    std::string_view m_text;
    const std::string& m_source;
    std::uint64_t m_base;
    ParseOptions m_options;
    TokenTracker m_tracker;
    Value m_root;
    std::vector<Frame> m_stack;
};

Value parse(std::string_view text, const std::string& source, std::uint64_t baseOffset, ParseOptions options)
{
    return Parser(text, source, baseOffset, options).document();
}

Value parseFile(const std::string& path, ParseOptions options)
{
    return parse(io::readRegularFile(path, "JSON file", options.maxFileBytes), path, 0, options);
}

std::string summary(const Value& value, std::size_t maxChars)
{
    switch (value.kind()) {
        case Kind::Null: return "null";
        case Kind::Bool: return value.asBool() ? "true" : "false";
        case Kind::Number: return value.text();
        case Kind::String: {
            const auto& s = value.text();
            return "\"" + (s.size() > maxChars ? s.substr(0, maxChars) + "…" : s) + "\"";
        }
        case Kind::Array: {
            const auto& items = value.items();
            if (items.size() <= 8 &&
                std::all_of(items.begin(), items.end(), [](const Value& v) { return !v.isArray() && !v.isObject(); })) {
                std::string s = "[";
                for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + summary(items[i], 24);
                if (s.size() <= maxChars + 2) return s + "]";
            }
            return "[" + std::to_string(items.size()) + " items]";
        }
        case Kind::Object: return "{" + std::to_string(value.members().size()) + " keys}";
    }
    return "?";
}

}  // namespace edgert::json
