#include "hf/hf-tokenizer-keys.h"

#include "edgert/chat-template.h"
#include "edgert/error.h"
#include "io/json-parser.h"
#include "tokenizer/bpe-pre-tokenizers.h"
#include "tokenizer/bpe-tokenizer.h"

#include <filesystem>
#include <limits>
#include <optional>
#include <vector>

namespace edgert::hf {

namespace {

/// The tokenizer.ggml.pre name whose spec matches the byte-level tokenizer's word splitting.
std::string preTokenizerName(const BpeTokenizer::Config& c, const std::string& source)
{
    // Every byte-level pre-tokenizer bpe-pre-tokenizers.h names (its canonical names).
    for (const char* name : {"gpt-2", "llama-bpe", "qwen2", "smollm"}) {
        const auto* spec = tokenizer::findBpePreTokenizer(name);
        if (!spec) continue;
        std::vector<std::string> patterns(spec->patterns.begin(), spec->patterns.end());
        if (patterns == std::vector<std::string>{std::string(tokenizer::kGpt2Pattern)}) patterns.clear();
        if (patterns == c.splitPatterns && spec->ignoreMerges == c.ignoreMerges) return name;
    }
    std::string split;
    for (const auto& p : c.splitPatterns) split += (split.empty() ? "" : ", ") + ("/" + p + "/");
    throw FormatError(source + ": the byte-level pre-tokenizer (split " + (split.empty() ? "GPT-2's pattern" : split) +
                      (c.ignoreMerges ? ", ignore_merges" : "") +
                      ") matches no GGUF tokenizer.ggml.pre edge-rt knows (" + tokenizer::supportedBpePreTokenizers() +
                      "), so a GGUF could not reproduce its splitting");
}

/// tokenizer_config.json's pad_token ("text" or {"content": "text"}) as an id, if it is a token.
std::optional<TokenId> padTokenId(const std::filesystem::path& dir, const BpeTokenizer& tok)
{
    std::error_code ec;
    const auto path = dir / "tokenizer_config.json";
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    const json::Value root = json::parseFile(path.string());
    const json::Value* pad = root.isObject() ? root.find("pad_token") : nullptr;
    if (pad && pad->isObject()) pad = pad->find("content");
    if (!pad || !pad->isString()) return std::nullopt;
    const TokenId id = tok.findToken(pad->text());
    return id >= 0 ? std::optional<TokenId>(id) : std::nullopt;
}

std::uint32_t id32(TokenId id)
{
    return static_cast<std::uint32_t>(id);
}

}  // namespace

void setTokenizerKeys(GgufWriter& w, const Tokenizer& tokenizer, const std::string& directory)
{
    const auto* bpe = dynamic_cast<const BpeTokenizer*>(&tokenizer);
    const std::filesystem::path dir(directory);
    const std::string source = (dir / "tokenizer.json").string();
    if (!bpe) throw FormatError(directory + ": the tokenizer is not a BPE read from HF files; cannot write it to GGUF");
    const auto& c = bpe->config();
    const std::size_t n = bpe->vocabSize();
    if (n > static_cast<std::size_t>(std::numeric_limits<TokenId>::max()))
        throw FormatError(source + ": " + std::to_string(n) + " tokens do not fit GGUF's int32 token ids");

    std::vector<std::string> tokens(n);
    std::vector<std::int32_t> types(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto id = static_cast<TokenId>(i);
        tokens[i] = bpe->tokenText(id);
        types[i] = static_cast<std::int32_t>(bpe->tokenType(id));
    }
    const auto merges = bpe->rankedMerges();

    if (c.pre == BpeTokenizer::PreTokenizer::Metaspace) {
        if (c.spaceMarker != "\xE2\x96\x81")
            throw FormatError(source + ": the Metaspace replacement \"" + c.spaceMarker +
                              "\" is not \"\xE2\x96\x81\", the only one GGUF's llama tokenizer uses");
        // Score = -(rank of the first merge producing the token); tokens no merge produces score
        // below every merge, so only an exact vocabulary piece ever merges before a ranked one.
        const float unranked = -static_cast<float>(merges.size());
        std::vector<float> scores(n, unranked);
        for (std::size_t r = merges.size(); r-- > 0;)
            scores[static_cast<std::size_t>(merges[r].result)] = -static_cast<float>(r);
        w.setString("tokenizer.ggml.model", "llama");
        w.setString("tokenizer.ggml.pre", "default");
        w.setStringArray("tokenizer.ggml.tokens", tokens);
        w.setFloat32Array("tokenizer.ggml.scores", scores);
        w.setInt32Array("tokenizer.ggml.token_type", types);
        w.setBool("tokenizer.ggml.add_space_prefix", c.prependMarker);
    } else {
        if (c.byteLevelAddPrefixSpace)
            throw FormatError(source +
                              ": ByteLevel add_prefix_space = true has no GGUF equivalent for byte-level BPE "
                              "vocabularies (llama.cpp's gpt2 tokenizer never adds the space)");
        const std::string pre = preTokenizerName(c, source);
        std::vector<std::string> mergeTexts;
        mergeTexts.reserve(merges.size());
        for (const auto& m : merges) mergeTexts.push_back(bpe->tokenText(m.left) + " " + bpe->tokenText(m.right));
        w.setString("tokenizer.ggml.model", "gpt2");
        w.setString("tokenizer.ggml.pre", pre);
        w.setStringArray("tokenizer.ggml.tokens", tokens);
        w.setInt32Array("tokenizer.ggml.token_type", types);
        w.setStringArray("tokenizer.ggml.merges", mergeTexts);
    }
    if (c.bos >= 0) w.setUInt32("tokenizer.ggml.bos_token_id", id32(c.bos));
    if (c.eos >= 0) w.setUInt32("tokenizer.ggml.eos_token_id", id32(c.eos));
    if (c.unk >= 0) w.setUInt32("tokenizer.ggml.unknown_token_id", id32(c.unk));
    if (c.eot >= 0) w.setUInt32("tokenizer.ggml.eot_token_id", id32(c.eot));
    if (c.eom >= 0) w.setUInt32("tokenizer.ggml.eom_token_id", id32(c.eom));
    if (auto pad = padTokenId(dir, *bpe)) w.setUInt32("tokenizer.ggml.padding_token_id", id32(*pad));
    w.setBool("tokenizer.ggml.add_bos_token", c.addBos);
    w.setBool("tokenizer.ggml.add_eos_token", c.addEos);
    if (auto tmpl = modelChatTemplateText(directory); tmpl && !tmpl->empty())
        w.setString("tokenizer.chat_template", *tmpl);
}

}  // namespace edgert::hf
