#include "io/json-parser.h"

#include "edgert/error.h"
#include "io/regular-file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

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

// Recursive descent over the text; `m_path` holds the member keys / indices being parsed, for
// error messages.
class Parser {
public:
    Parser(std::string_view text, const std::string& source, std::uint64_t baseOffset, ParseOptions options)
        : m_text(text), m_source(source), m_base(baseOffset), m_options(options)
    {
    }

    Value document()
    {
        skipSpace();
        if (m_pos >= m_text.size()) fail("the document is empty");
        Value v = value(0);
        skipSpace();
        if (m_pos < m_text.size()) fail("unexpected data after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const { failAt(m_pos, why); }

    [[noreturn]] void failAt(std::size_t pos, const std::string& why) const
    {
        std::string msg = m_source + ": malformed JSON at byte " + std::to_string(m_base + pos);
        if (!m_path.empty()) {
            std::string path;
            for (const auto& p : m_path) path += (path.empty() || p.front() == '[' ? "" : ".") + p;
            msg += " (in " + path + ")";
        }
        throw FormatError(msg + ": " + why);
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++m_pos;
        }
    }

    bool consume(std::string_view literal)
    {
        if (m_text.substr(m_pos, literal.size()) != literal) return false;
        m_pos += literal.size();
        return true;
    }

    Value value(std::size_t depth)
    {
        Value v;
        v.m_offset = m_base + m_pos;
        if (m_pos >= m_text.size()) fail("unexpected end of the document, expected a value");
        const char c = m_text[m_pos];
        if (c == '{' || c == '[') {
            if (depth >= m_options.maxDepth)
                fail("arrays and objects nest deeper than " + std::to_string(m_options.maxDepth) + " levels");
            if (c == '{')
                object(v, depth + 1);
            else
                array(v, depth + 1);
        } else if (c == '"') {
            v.m_kind = Kind::String;
            v.m_text = string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            number(v);
        } else if (consume("true")) {
            v.m_kind = Kind::Bool;
            v.m_bool = true;
        } else if (consume("false")) {
            v.m_kind = Kind::Bool;
        } else if (consume("null")) {
            v.m_kind = Kind::Null;
        } else {
            fail(std::string("unexpected ") + describe(c) + ", expected a value");
        }
        return v;
    }

    static std::string describe(char c)
    {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) return std::string("character '") + c + "'";
        char buf[16];
        std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
        return buf;
    }

    void object(Value& v, std::size_t depth)
    {
        v.m_kind = Kind::Object;
        ++m_pos;  // '{'
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return;
        }
        std::vector<std::size_t> keyOffsets;
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                fail(m_pos >= m_text.size() ? "unexpected end of the document inside an object"
                                            : "expected a string key in an object");
            keyOffsets.push_back(m_pos);
            std::string key = string();
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') fail("expected ':' after the object key");
            ++m_pos;
            skipSpace();
            m_path.push_back(key);
            Value member = value(depth);
            m_path.pop_back();
            v.m_members.push_back({std::move(key), std::move(member)});
            skipSpace();
            if (m_pos >= m_text.size()) fail("unexpected end of the document inside an object");
            if (m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_text[m_pos] == '}') {
                ++m_pos;
                break;
            }
            fail("expected ',' or '}' after an object member");
        }
        // Duplicate keys: sort member indices by key and compare neighbours.
        std::vector<std::size_t> order(v.m_members.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return v.m_members[a].key < v.m_members[b].key || (v.m_members[a].key == v.m_members[b].key && a < b);
        });
        for (std::size_t i = 1; i < order.size(); ++i)
            if (v.m_members[order[i]].key == v.m_members[order[i - 1]].key)
                failAt(keyOffsets[order[i]], "duplicate key \"" + v.m_members[order[i]].key + "\" (first at byte " +
                                                 std::to_string(m_base + keyOffsets[order[i - 1]]) + ")");
    }

    void array(Value& v, std::size_t depth)
    {
        v.m_kind = Kind::Array;
        ++m_pos;  // '['
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return;
        }
        for (;;) {
            skipSpace();
            m_path.push_back("[" + std::to_string(v.m_items.size()) + "]");
            v.m_items.push_back(value(depth));
            m_path.pop_back();
            skipSpace();
            if (m_pos >= m_text.size()) fail("unexpected end of the document inside an array");
            if (m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_text[m_pos] == ']') {
                ++m_pos;
                return;
            }
            fail("expected ',' or ']' after an array element");
        }
    }

    void number(Value& v)
    {
        const std::size_t start = m_pos;
        const auto digit = [&] { return m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9'; };
        if (m_text[m_pos] == '-') ++m_pos;
        if (!digit()) fail("expected a digit in a number");
        if (m_text[m_pos] == '0') {
            ++m_pos;
            if (digit()) fail("a number may not have a leading zero");
        } else {
            while (digit()) ++m_pos;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            if (!digit()) fail("expected a digit after the decimal point");
            while (digit()) ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
            if (!digit()) fail("expected a digit in the exponent");
            while (digit()) ++m_pos;
        }
        v.m_kind = Kind::Number;
        v.m_text = std::string(m_text.substr(start, m_pos - start));
        double d = 0.0;
        const auto [end, ec] = std::from_chars(v.m_text.data(), v.m_text.data() + v.m_text.size(), d);
        const auto exponent = v.m_text.find_first_of("eE");
        const bool tiny = exponent != std::string::npos && v.m_text[exponent + 1] == '-';
        if (ec == std::errc::result_out_of_range && tiny)
            d = 0.0;  // underflow to zero: fine
        else if (ec != std::errc() || end != v.m_text.data() + v.m_text.size() || !std::isfinite(d))
            failAt(start, "number " + v.m_text + " is out of range");
        v.m_number = d;
    }

    unsigned hex4()
    {
        if (m_pos + 4 > m_text.size()) fail("incomplete \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            else
                failAt(m_pos - 1, "invalid hex digit in a \\u escape");
        }
        return v;
    }

    static void appendUtf8(std::string& out, char32_t cp)
    {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // Length of the well-formed UTF-8 sequence at m_pos (Unicode §3.9 Table 3-7), or 0.
    std::size_t utf8Length() const
    {
        const auto b = [&](std::size_t i) { return static_cast<unsigned char>(m_text[m_pos + i]); };
        const std::size_t left = m_text.size() - m_pos;
        const unsigned char lead = b(0);
        std::size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF)
            n = 2;
        else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 3;
            if (lead == 0xE0) lo = 0xA0;
            if (lead == 0xED) hi = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 4;
            if (lead == 0xF0) lo = 0x90;
            if (lead == 0xF4) hi = 0x8F;
        }
        if (n == 0 || left < n) return 0;
        if (b(1) < lo || b(1) > hi) return 0;
        for (std::size_t i = 2; i < n; ++i)
            if (b(i) < 0x80 || b(i) > 0xBF) return 0;
        return n;
    }

    std::string string()
    {
        ++m_pos;  // opening quote
        std::string out;
        for (;;) {
            if (m_pos >= m_text.size()) fail("unterminated string");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c < 0x20) fail("raw control character " + describe(static_cast<char>(c)) + " in a string");
            if (c == '\\') {
                ++m_pos;
                if (m_pos >= m_text.size()) fail("unterminated escape in a string");
                const char e = m_text[m_pos++];
                switch (e) {
                    case '"': out += '"'; break;
                    case '\\': out += '\\'; break;
                    case '/': out += '/'; break;
                    case 'b': out += '\b'; break;
                    case 'f': out += '\f'; break;
                    case 'n': out += '\n'; break;
                    case 'r': out += '\r'; break;
                    case 't': out += '\t'; break;
                    case 'u': {
                        const std::size_t at = m_pos - 2;
                        char32_t cp = hex4();
                        if (cp >= 0xDC00 && cp <= 0xDFFF) failAt(at, "unpaired low surrogate in a \\u escape");
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            if (!consume("\\u")) failAt(at, "high surrogate not followed by a \\u low surrogate");
                            const char32_t low = hex4();
                            if (low < 0xDC00 || low > 0xDFFF)
                                failAt(at, "high surrogate not followed by a low surrogate");
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        }
                        appendUtf8(out, cp);
                        break;
                    }
                    default: failAt(m_pos - 2, "invalid escape: a backslash followed by " + describe(e));
                }
                continue;
            }
            if (c < 0x80) {
                out += static_cast<char>(c);
                ++m_pos;
                continue;
            }
            const std::size_t n = utf8Length();
            if (n == 0) fail("invalid UTF-8 " + describe(static_cast<char>(c)) + " in a string");
            out.append(m_text.substr(m_pos, n));
            m_pos += n;
        }
    }

    std::string_view m_text;
    const std::string& m_source;
    std::uint64_t m_base;
    ParseOptions m_options;
    std::size_t m_pos = 0;
    std::vector<std::string> m_path;
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
