// JSON for the small documents a model directory carries: SafeTensors headers, config.json,
// tokenizer.json, vocab.json and model.safetensors.index.json. The grammar is nlohmann-json's
// (RFC 8259, strict: no comments, trailing commas, NaN/Infinity, single quotes or leading zeros;
// strings valid UTF-8 with no raw control characters and paired \u surrogates; a leading UTF-8 BOM
// is ignored); this layer adds edge-rt's own checks and keeps the engine core Qt-free:
//  - an object may not repeat a key (JSON parsers disagree on which duplicate wins, which is how
//    SafeTensors aliasing attacks work, so edge-rt rejects the document instead);
//  - nesting is bounded (maxDepth), files by size (maxFileBytes), and only regular files are read;
//  - every value keeps its byte offset, and every error is a FormatError
//    "<source>: malformed JSON at byte N (in a.b[3]): why", where N is the offset in the file (the
//    document's own offset plus `baseOffset`) and the path names the member being read (keys that
//    are empty or hold '.', '[', '"' or ' ' are written ["key"]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert::json {

enum class Kind : std::uint8_t { Null, Bool, Number, String, Array, Object };

/// "null", "a boolean", "a number", "a string", "an array", "an object" (for error messages).
const char* kindName(Kind kind);

struct Member;

/// One parsed value. Numbers keep their source text, so integers convert exactly.
class Value {
public:
    Kind kind() const { return m_kind; }
    /// Byte offset of the value's first character, in file coordinates (baseOffset included).
    std::uint64_t offset() const { return m_offset; }

    bool isNull() const { return m_kind == Kind::Null; }
    bool isBool() const { return m_kind == Kind::Bool; }
    bool isNumber() const { return m_kind == Kind::Number; }
    bool isString() const { return m_kind == Kind::String; }
    bool isArray() const { return m_kind == Kind::Array; }
    bool isObject() const { return m_kind == Kind::Object; }

    /// Precondition: isBool().
    bool asBool() const { return m_bool; }
    /// The decoded string (isString()) or the number's source text (isNumber()).
    const std::string& text() const { return m_text; }
    /// The number as a double (isNumber()); finite by construction.
    double asDouble() const { return m_number; }
    /// The number as an exact unsigned integer: nullopt when it is negative, has a fraction or an
    /// exponent, or does not fit 64 bits.
    std::optional<std::uint64_t> asUInt64() const;
    /// As asUInt64 but signed.
    std::optional<std::int64_t> asInt64() const;

    /// Elements of an array (empty for other kinds).
    const std::vector<Value>& items() const { return m_items; }
    /// Members of an object in document order (empty for other kinds); keys are unique.
    const std::vector<Member>& members() const { return m_members; }
    /// The member named `key`, or nullptr (linear search; objects here are small or iterated).
    const Value* find(std::string_view key) const;

private:
    friend class Parser;
    Kind m_kind = Kind::Null;
    bool m_bool = false;
    double m_number = 0.0;
    std::uint64_t m_offset = 0;
    std::string m_text;
    std::vector<Value> m_items;
    std::vector<Member> m_members;
};

struct Member {
    std::string key;
    Value value;
};

struct ParseOptions {
    std::size_t maxDepth = 64;  ///< arrays/objects nested deeper than this are an error
    /// parseFile() refuses larger files (256 MiB: the largest real tokenizer.json is ~35 MB).
    std::uint64_t maxFileBytes = 256ull << 20;
};

/// Parses `text` as one JSON document. `source` names it in errors (a file path); `baseOffset`
/// is added to every byte offset (e.g. 8 for a SafeTensors header, which starts at byte 8).
/// Throws FormatError on any deviation from the grammar above.
Value parse(std::string_view text, const std::string& source, std::uint64_t baseOffset = 0, ParseOptions options = {});

/// Reads and parses a whole file. Throws IoError when it cannot be read, is not a regular file or
/// is larger than options.maxFileBytes; FormatError as parse().
Value parseFile(const std::string& path, ParseOptions options = {});

/// A short rendering for people: scalars in full (strings quoted, truncated past `maxChars`),
/// arrays as "[3 items]", objects as "{5 keys}".
std::string summary(const Value& value, std::size_t maxChars = 60);

}  // namespace edgert::json
