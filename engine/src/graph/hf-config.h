// config.json of a HuggingFace model directory: the architecture name and typed access to its
// hyper-parameters, with errors naming the file, the key and its byte offset.
#pragma once

#include "io/json-parser.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgert {

class HfConfig {
public:
    /// Reads and parses `path`. Throws IoError / FormatError (not a JSON object).
    explicit HfConfig(std::string path);

    const std::string& path() const { return m_path; }
    const json::Value& root() const { return m_root; }

    /// architectures[0] ("LlamaForCausalLM"), else model_type ("llama"), else "".
    std::string architecture() const;

    /// Typed optional getters: nullopt when the key is absent or null; FormatError naming the
    /// file, key and byte offset when it has another type (for integers: also when negative,
    /// fractional or beyond 64 bits).
    std::optional<std::uint64_t> findUInt(std::string_view key) const;
    std::optional<double> findNumber(std::string_view key) const;
    std::optional<bool> findBool(std::string_view key) const;
    std::optional<std::string> findString(std::string_view key) const;
    /// True when the key is absent or null.
    bool isAbsentOrNull(std::string_view key) const;

    /// "<path>: key 'x' (byte N) <why>" — for callers that reject a well-typed value.
    std::string describe(std::string_view key) const;

private:
    const json::Value* value(std::string_view key) const;
    [[noreturn]] void wrongType(std::string_view key, const json::Value& v, const char* expected) const;

    std::string m_path;
    json::Value m_root;
};

}  // namespace edgert
