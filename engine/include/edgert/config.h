// edge-rt configuration files (TOML): the settings `edge-rt run -c FILE`, `edge-rt benchmark -c
// FILE` and `edge-rt-dashboard -c FILE` start from; command-line flags override them.
//
//   [engine]      model, memory_budget, strategy, threads, weight_reads
//   [generation]  prompt, max_tokens, temperature, top_k, top_p, seed, context, batch
//   [monitor]     period_ms, root
//   [thermal]     soft_limit_c, hard_limit_c
//   [dashboard]   kiosk, language, theme, chat_prompts
//
// Every key is optional; an absent key keeps the default below (and the command's own default
// applies: Config::isSet() tells which keys the file set). A bad file is a ConfigError whose
// message names the file, line, column and key: malformed TOML, an unknown key (with a
// did-you-mean), a wrong type or an out-of-range value. Presets: resources/configs/*.toml.
#pragma once

#include "edgert/error.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

struct Config {
    // [engine]
    std::string modelPath;                           ///< engine.model; relative to the file's folder; "": default model
    std::optional<std::uint64_t> memoryBudgetBytes;  ///< engine.memory_budget ("512M" or bytes); none: all resident
    /// engine.memory_budget = "auto": what MemAvailable / the cgroup leaves, minus headroom
    /// (edgert/auto-choice.h), resolved by the command when it starts; memoryBudgetBytes is then none.
    bool memoryBudgetAuto = false;
    std::string strategy = "greedy-grouping";  ///< engine.strategy: a partition strategy name or "auto"
    std::optional<int> threads;                ///< engine.threads, 1..256; none: physical cores
    std::string weightReads = "auto";          ///< engine.weight_reads: "auto", "direct" (O_DIRECT) or "buffered"

    struct Generation {
        std::string prompt;                          ///< generation.prompt; "": start from BOS
        std::uint32_t maxTokens = 100;               ///< generation.max_tokens, 1..1048576
        double temperature = 0.0;                    ///< generation.temperature, 0..100; 0: greedy
        std::uint32_t topK = 40;                     ///< generation.top_k, 0..16777216; 0: off
        double topP = 0.95;                          ///< generation.top_p, (0, 1]
        std::uint64_t seed = 0;                      ///< generation.seed, >= 0
        std::optional<std::uint32_t> contextTokens;  ///< generation.context, 1..1048576; none: prompt + max_tokens
        std::uint32_t batch = 32;                    ///< generation.batch, prompt tokens per prefill pass, 1..4096
    } generation;

    struct Monitor {
        int periodMs = 500;      ///< monitor.period_ms, sampling period, 50..60000
        std::string root = "/";  ///< monitor.root: read /proc and /sys below this folder (recorded machines)
    } monitor;

    struct Thermal {
        double softLimitC = 75.0;  ///< thermal.soft_limit_c: fewer threads / cool-down pauses from here, (0, 150)
        double hardLimitC = 82.0;  ///< thermal.hard_limit_c: compute pauses from here, soft < hard < 150
    } thermal;

    struct Dashboard {
        bool kiosk = false;               ///< dashboard.kiosk: full screen for the 800x480 touchscreen
        std::string language = "system";  ///< dashboard.language: "system", "en" or "de"
        std::string theme = "system";     ///< dashboard.theme: "system", "light" or "dark"
        /// dashboard.chat_prompts: the Chat page's preset prompts (1 to 8 non-empty strings).
        std::vector<std::string> chatPrompts;
    } dashboard;

    std::filesystem::path sourceFile;  ///< the file these settings came from ("" for defaults)
    std::vector<std::string> keysSet;  ///< dotted keys the file set, in file order ("engine.threads")

    /// True when the file set `dottedKey` (e.g. "generation.temperature").
    bool isSet(std::string_view dottedKey) const;
};

/// A configuration file is unreadable as a configuration. what() is
/// "FILE:LINE:COLUMN: KEY: PROBLEM" (without "KEY: " when the problem is not about one key).
class ConfigError : public UsageError {
public:
    ConfigError(std::string file, std::uint32_t line, std::uint32_t column, std::string key, std::string problem);
    const std::string& file() const { return m_file; }
    std::uint32_t line() const { return m_line; }  ///< 1-based; 0 when unknown
    std::uint32_t column() const { return m_column; }
    const std::string& key() const { return m_key; }  ///< dotted key, "" for malformed TOML
    const std::string& problem() const { return m_problem; }

private:
    std::string m_file;
    std::uint32_t m_line, m_column;
    std::string m_key, m_problem;
};

/// Largest configuration file loadConfig() reads (1 MiB; real ones are a few hundred bytes).
inline constexpr std::uint64_t kMaxConfigFileBytes = 1ull << 20;

/// Reads and validates a configuration file. Throws IoError when it cannot be read, is not a
/// regular file (a directory, FIFO or device: named in the message) or is larger than
/// kMaxConfigFileBytes, and ConfigError when it is not a valid configuration.
Config loadConfig(const std::filesystem::path& file);

/// Validates configuration text; `sourceName` names it in errors and relative model paths
/// resolve against its parent folder.
Config parseConfig(std::string_view text, const std::filesystem::path& sourceName);

/// Every key a configuration file may set, dotted ("engine.model", ...), in documentation order.
const std::vector<std::string>& configKeys();

}  // namespace edgert
