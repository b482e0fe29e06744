#include "graph/hf-config.h"

#include "edgert/error.h"

namespace edgert {

HfConfig::HfConfig(std::string path) : m_path(std::move(path)), m_root(json::parseFile(m_path))
{
    if (!m_root.isObject())
        throw FormatError(m_path + ": config.json holds " + json::kindName(m_root.kind()) + ", expected an object");
}

std::string HfConfig::architecture() const
{
    if (const auto* a = value("architectures")) {
        if (!a->isArray() || a->items().empty() || !a->items()[0].isString())
            throw FormatError(m_path + ": key 'architectures' (byte " + std::to_string(a->offset()) +
                              ") must be a non-empty array of strings");
        return a->items()[0].text();
    }
    return findString("model_type").value_or("");
}

const json::Value* HfConfig::value(std::string_view key) const
{
    const auto* v = m_root.find(key);
    return v && !v->isNull() ? v : nullptr;
}

void HfConfig::wrongType(std::string_view key, const json::Value& v, const char* expected) const
{
    throw FormatError(m_path + ": key '" + std::string(key) + "' (byte " + std::to_string(v.offset()) + ") is " +
                      (v.isNumber() || v.isString() ? json::summary(v) : std::string(json::kindName(v.kind()))) +
                      ", expected " + expected);
}

std::optional<std::uint64_t> HfConfig::findUInt(std::string_view key) const
{
    const auto* v = value(key);
    if (!v) return std::nullopt;
    if (auto u = v->asUInt64()) return u;
    // 1.0e3-style integers written by some exporters
    if (v->isNumber() && v->asDouble() >= 0 && v->asDouble() < 9.0e15 &&
        v->asDouble() == static_cast<double>(static_cast<std::uint64_t>(v->asDouble())))
        return static_cast<std::uint64_t>(v->asDouble());
    wrongType(key, *v, "a non-negative integer");
}

std::optional<double> HfConfig::findNumber(std::string_view key) const
{
    const auto* v = value(key);
    if (!v) return std::nullopt;
    if (!v->isNumber()) wrongType(key, *v, "a number");
    return v->asDouble();
}

std::optional<bool> HfConfig::findBool(std::string_view key) const
{
    const auto* v = value(key);
    if (!v) return std::nullopt;
    if (!v->isBool()) wrongType(key, *v, "true or false");
    return v->asBool();
}

std::optional<std::string> HfConfig::findString(std::string_view key) const
{
    const auto* v = value(key);
    if (!v) return std::nullopt;
    if (!v->isString()) wrongType(key, *v, "a string");
    return v->text();
}

bool HfConfig::isAbsentOrNull(std::string_view key) const
{
    return value(key) == nullptr;
}

std::string HfConfig::describe(std::string_view key) const
{
    const auto* v = m_root.find(key);
    return "'" + std::string(key) + "'" +
           (v ? " (byte " + std::to_string(v->offset()) + ") = " + json::summary(*v) : "");
}

}  // namespace edgert
