// Configuration files: TOML parsed by toml++, then every key checked against the schema below
// (type, range, allowed names) with the key's file position in the error.
#include "edgert/config.h"

#include "config/suggest.h"
#include "io/regular-file.h"
#include "edgert/partition-planner.h"
#include "edgert/units.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace edgert {

namespace {

constexpr std::uint64_t kMinBudgetBytes = 64ull << 10;  // nothing plans below this
constexpr std::uint64_t kMaxBudgetBytes = 1ull << 40;   // 1 TiB

struct Position {
    std::uint32_t line = 0, column = 0;
};

Position positionOf(const toml::source_region& region)
{
    return {region.begin.line, region.begin.column};
}

std::string typeName(toml::node_type type)
{
    switch (type) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a floating-point number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

std::string formatNumber(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string joined(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

/// Reading one key: its node, dotted name and position, with typed accessors that throw
/// ConfigError naming all three.
class Field {
public:
    Field(const std::string& file, std::string key, const toml::node& node)
        : m_file(file), m_key(std::move(key)), m_node(node), m_pos(positionOf(node.source()))
    {
    }

    [[noreturn]] void fail(const std::string& problem) const
    {
        throw ConfigError(m_file, m_pos.line, m_pos.column, m_key, problem);
    }

    std::int64_t integer(std::int64_t minimum, std::int64_t maximum) const
    {
        const auto* v = m_node.as_integer();
        if (!v) fail("expected an integer, got " + typeName(m_node.type()));
        const std::int64_t x = v->get();
        if (x < minimum || x > maximum)
            fail("must be from " + std::to_string(minimum) + " to " + std::to_string(maximum) + ", got " +
                 std::to_string(x));
        return x;
    }

    /// A number (integers are accepted: `temperature = 1`).
    double number() const
    {
        if (const auto* i = m_node.as_integer()) return static_cast<double>(i->get());
        if (const auto* f = m_node.as_floating_point()) {
            if (!std::isfinite(f->get())) fail("must be a finite number, got " + formatNumber(f->get()));
            return f->get();
        }
        fail("expected a number, got " + typeName(m_node.type()));
    }

    std::string string() const
    {
        const auto* v = m_node.as_string();
        if (!v) fail("expected a string, got " + typeName(m_node.type()));
        return v->get();
    }

    /// A string that must be one of `allowed`.
    std::string choice(const std::vector<std::string>& allowed) const
    {
        const std::string s = string();
        if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
        std::string problem = "'" + s + "' is not one of " + joined(allowed);
        if (auto near = config::closestMatch(s, allowed)) problem += "; did you mean '" + *near + "'?";
        fail(problem);
    }

    bool boolean() const
    {
        const auto* v = m_node.as_boolean();
        if (!v) fail("expected true or false, got " + typeName(m_node.type()));
        return v->get();
    }

    const toml::node& node() const { return m_node; }
    Position position() const { return m_pos; }

private:
    const std::string& m_file;
    std::string m_key;
    const toml::node& m_node;
    Position m_pos;
};

struct KeyDef {
    const char* section;
    const char* name;
    std::function<void(const Field&, Config&)> apply;
};

const std::vector<KeyDef>& schema()
{
    static const std::vector<KeyDef> keys = {
        {"engine", "model",
         [](const Field& f, Config& c) {
             c.modelPath = f.string();
             if (c.modelPath.empty()) f.fail("must not be empty (leave the key out for the default model)");
         }},
        {"engine", "memory_budget",
         [](const Field& f, Config& c) {
             std::uint64_t bytes = 0;
             if (f.node().is_string() && f.string() == "auto") {
                 c.memoryBudgetAuto = true;
                 c.memoryBudgetBytes.reset();
                 return;
             }
             if (f.node().is_integer()) {
                 bytes = static_cast<std::uint64_t>(f.integer(1, std::numeric_limits<std::int64_t>::max()));
             } else if (f.node().is_string()) {
                 try {
                     bytes = parseByteSize(f.string());
                 } catch (const UsageError& e) {
                     f.fail(std::string(e.what()) + ", or \"auto\"");
                 }
             } else {
                 f.fail("expected a size such as \"512M\", a number of bytes or \"auto\", got " +
                        typeName(f.node().type()));
             }
             if (bytes < kMinBudgetBytes || bytes > kMaxBudgetBytes)
                 f.fail("must be from 64K to 1T, got " + formatBytes(bytes) + " (" + std::to_string(bytes) + " bytes)");
             c.memoryBudgetBytes = bytes;
         }},
        {"engine", "strategy",
         [](const Field& f, Config& c) {
             auto allowed = strategyNames();
             allowed.emplace_back("auto");
             c.strategy = f.choice(allowed);
         }},
        {"engine", "threads", [](const Field& f, Config& c) { c.threads = static_cast<int>(f.integer(1, 256)); }},
        {"engine", "weight_reads",
         [](const Field& f, Config& c) {
             c.weightReads = f.choice({"auto", "direct", "buffered"});
         }},
        {"generation", "prompt", [](const Field& f, Config& c) { c.generation.prompt = f.string(); }},
        {"generation", "max_tokens",
         [](const Field& f, Config& c) { c.generation.maxTokens = static_cast<std::uint32_t>(f.integer(1, 1 << 20)); }},
        {"generation", "temperature",
         [](const Field& f, Config& c) {
             const double t = f.number();
             if (t < 0.0 || t > 100.0) f.fail("must be from 0 (greedy) to 100, got " + formatNumber(t));
             c.generation.temperature = t;
         }},
        {"generation", "top_k",
         [](const Field& f, Config& c) { c.generation.topK = static_cast<std::uint32_t>(f.integer(0, 1 << 24)); }},
        {"generation", "top_p",
         [](const Field& f, Config& c) {
             const double p = f.number();
             if (!(p > 0.0 && p <= 1.0)) f.fail("must be in (0, 1], got " + formatNumber(p));
             c.generation.topP = p;
         }},
        {"generation", "seed",
         [](const Field& f, Config& c) {
             c.generation.seed = static_cast<std::uint64_t>(f.integer(0, std::numeric_limits<std::int64_t>::max()));
         }},
        {"generation", "context",
         [](const Field& f, Config& c) {
             c.generation.contextTokens = static_cast<std::uint32_t>(f.integer(1, 1 << 20));
         }},
        {"generation", "batch",
         [](const Field& f, Config& c) { c.generation.batch = static_cast<std::uint32_t>(f.integer(1, 4096)); }},
        {"monitor", "period_ms",
         [](const Field& f, Config& c) { c.monitor.periodMs = static_cast<int>(f.integer(50, 60000)); }},
        {"monitor", "root",
         [](const Field& f, Config& c) {
             c.monitor.root = f.string();
             if (c.monitor.root.empty()) f.fail("must not be empty (\"/\" reads this machine)");
         }},
        {"thermal", "soft_limit_c",
         [](const Field& f, Config& c) {
             const double t = f.number();
             if (!(t > 0.0 && t < 150.0)) f.fail("must be between 0 and 150 °C, got " + formatNumber(t));
             c.thermal.softLimitC = t;
         }},
        {"thermal", "hard_limit_c",
         [](const Field& f, Config& c) {
             const double t = f.number();
             if (!(t > 0.0 && t < 150.0)) f.fail("must be between 0 and 150 °C, got " + formatNumber(t));
             c.thermal.hardLimitC = t;
         }},
        {"dashboard", "kiosk", [](const Field& f, Config& c) { c.dashboard.kiosk = f.boolean(); }},
        {"dashboard", "language",
         [](const Field& f, Config& c) {
             c.dashboard.language = f.choice({"system", "en", "de"});
         }},
        {"dashboard", "theme",
         [](const Field& f, Config& c) {
             c.dashboard.theme = f.choice({"system", "light", "dark"});
         }},
        {"dashboard", "chat_prompts",
         [](const Field& f, Config& c) {
             const auto* list = f.node().as_array();
             if (!list) f.fail("expected a list of strings, got " + typeName(f.node().type()));
             if (list->empty() || list->size() > 8)
                 f.fail("must hold 1 to 8 prompts, got " + std::to_string(list->size()));
             std::vector<std::string> prompts;
             for (const toml::node& item : *list) {
                 const auto* text = item.as_string();
                 if (!text) f.fail("expected a list of strings, got " + typeName(item.type()) + " in it");
                 if (text->get().empty()) f.fail("a prompt must not be empty");
                 prompts.push_back(text->get());
             }
             c.dashboard.chatPrompts = std::move(prompts);
         }},
    };
    return keys;
}

std::vector<std::string> sectionNames()
{
    std::vector<std::string> out;
    for (const auto& k : schema())
        if (std::find(out.begin(), out.end(), k.section) == out.end()) out.emplace_back(k.section);
    return out;
}

/// "did you mean ...?" for an unknown key `name` found in `section` ("" at the top level).
std::string unknownKeyProblem(const std::string& section, const std::string& name, bool isTable = false)
{
    std::string problem = isTable ? "unknown table [" + name + "]" : "unknown key";
    std::optional<std::string> suggestion;
    if (section.empty()) {
        // A misspelt table name, or a key written outside its table.
        if (auto s = config::closestMatch(name, sectionNames())) suggestion = "[" + *s + "]";
        for (const auto& k : schema())
            if (!suggestion && name == k.name) suggestion = std::string(k.section) + "." + k.name;
    } else {
        std::vector<std::string> here;
        for (const auto& k : schema())
            if (section == k.section) here.emplace_back(k.name);
        if (auto s = config::closestMatch(name, here)) suggestion = section + "." + *s;
        for (const auto& k : schema())
            if (!suggestion && name == k.name) suggestion = std::string(k.section) + "." + k.name;
    }
    if (suggestion) return problem + "; did you mean '" + *suggestion + "'?";
    return problem + " (known keys: " + joined(configKeys()) + ")";
}

}  // namespace

ConfigError::ConfigError(std::string file, std::uint32_t line, std::uint32_t column, std::string key,
                         std::string problem)
    : UsageError(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                 (key.empty() ? std::string() : key + ": ") + problem),
      m_file(std::move(file)),
      m_line(line),
      m_column(column),
      m_key(std::move(key)),
      m_problem(std::move(problem))
{
}

bool Config::isSet(std::string_view dottedKey) const
{
    return std::find(keysSet.begin(), keysSet.end(), dottedKey) != keysSet.end();
}

const std::vector<std::string>& configKeys()
{
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const auto& k : schema()) out.push_back(std::string(k.section) + "." + k.name);
        return out;
    }();
    return keys;
}

Config parseConfig(std::string_view text, const std::filesystem::path& sourceName)
{
    const std::string file = sourceName.string();
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        const auto pos = positionOf(e.source());
        throw ConfigError(file, pos.line, pos.column, {}, "malformed TOML: " + std::string(e.description()));
    }

    Config config;
    config.sourceFile = sourceName;
    std::map<std::string, Position> positions;
    for (auto&& [sectionKey, sectionNode] : root) {
        const std::string section(sectionKey.str());
        const auto pos = positionOf(sectionKey.source());
        const auto names = sectionNames();
        if (std::find(names.begin(), names.end(), section) == names.end())
            throw ConfigError(file, pos.line, pos.column, section,
                              unknownKeyProblem({}, section, sectionNode.is_table()));
        const auto* table = sectionNode.as_table();
        if (!table)
            throw ConfigError(file, pos.line, pos.column, section,
                              "expected a table ([" + section + "]), got " + typeName(sectionNode.type()));
        for (auto&& [key, node] : *table) {
            const std::string name(key.str());
            const std::string dotted = section + "." + name;
            const auto it = std::find_if(schema().begin(), schema().end(),
                                         [&](const KeyDef& k) { return section == k.section && name == k.name; });
            if (it == schema().end()) {
                const auto keyPos = positionOf(key.source());
                throw ConfigError(file, keyPos.line, keyPos.column, dotted, unknownKeyProblem(section, name));
            }
            const Field field(file, dotted, node);
            it->apply(field, config);
            positions[dotted] = field.position();
            config.keysSet.push_back(dotted);
        }
    }

    // Cross-key checks.
    if (config.thermal.softLimitC >= config.thermal.hardLimitC) {
        const std::string key = config.isSet("thermal.hard_limit_c") ? "thermal.hard_limit_c" : "thermal.soft_limit_c";
        const auto pos = positions[key];
        throw ConfigError(file, pos.line, pos.column, key,
                          "thermal.soft_limit_c (" + formatNumber(config.thermal.softLimitC) +
                              " °C) must be below thermal.hard_limit_c (" + formatNumber(config.thermal.hardLimitC) +
                              " °C)");
    }

    if (!config.modelPath.empty()) {
        const std::filesystem::path model(config.modelPath);
        if (model.is_relative() && sourceName.has_parent_path())
            config.modelPath = (sourceName.parent_path() / model).lexically_normal().string();
    }
    return config;
}

Config loadConfig(const std::filesystem::path& file)
{
    // No real configuration file comes near 1 MiB; the cap keeps `-c /dev/zero`-like mistakes
    // bounded, and a directory, FIFO or device is refused by name before it is read.
    return parseConfig(io::readRegularFile(file.string(), "configuration file", kMaxConfigFileBytes), file);
}

}  // namespace edgert
