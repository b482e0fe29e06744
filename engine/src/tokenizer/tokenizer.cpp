// Tokenizer factory: one entry per tokenizer.ggml.model value (llama.cpp llama_vocab::impl::load
// names the same models: "llama" = SPM, "gpt2" = byte-level BPE, "bert" = WPM, "t5" = UGM, ...).
#include "edgert/tokenizer.h"

#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "tokenizer/bpe-tokenizer.h"
#include "tokenizer/spm-tokenizer.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace edgert {

namespace {

constexpr std::string_view kModelKey = "tokenizer.ggml.model";

struct TokenizerFactory {
    std::string_view model;
    std::unique_ptr<Tokenizer> (*create)(const GgufFile& gguf);
};

constexpr std::array kFactories{
    TokenizerFactory{
        "llama",
        [](const GgufFile& gguf) -> std::unique_ptr<Tokenizer> { return std::make_unique<SpmTokenizer>(gguf); }},
    TokenizerFactory{"gpt2",
                     [](const GgufFile& gguf) -> std::unique_ptr<Tokenizer> { return BpeTokenizer::fromGguf(gguf); }},
};

std::string supportedList()
{
    std::string list;
    for (const auto& f : kFactories) list += (list.empty() ? "\"" : ", \"") + std::string(f.model) + "\"";
    return list;
}

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::fromGguf(const GgufFile& gguf)
{
    if (!gguf.has(kModelKey))
        throw FormatError(gguf.path() + ": metadata key '" + std::string(kModelKey) +
                          "' is missing: the file embeds no tokenizer (supported: " + supportedList() + ")");
    const std::string model = gguf.getString(kModelKey);
    for (const auto& f : kFactories) {
        if (f.model == model) return f.create(gguf);
    }
    throw FormatError(gguf.path() + ": metadata key '" + std::string(kModelKey) + "' names tokenizer model \"" + model +
                      "\", which edge-rt does not support (supported: " + supportedList() + ")");
}

std::vector<std::string> Tokenizer::supportedModels()
{
    std::vector<std::string> models;
    for (const auto& f : kFactories) models.emplace_back(f.model);
    return models;
}

TokenType Tokenizer::tokenType(TokenId id) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= vocabSize())
        throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                         std::to_string(vocabSize()) + " tokens");
    return TokenType::Normal;
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, const EncodeOptions& options) const
{
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 4);
    if (options.addBos.value_or(addsBos()) && bos() >= 0) out.push_back(bos());
    encodeText(text, options.parseSpecial, out);
    if (options.addEos.value_or(addsEos()) && eos() >= 0) out.push_back(eos());
    return out;
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool addSpecial) const
{
    EncodeOptions options;
    if (!addSpecial) options.addBos = options.addEos = false;
    return encode(text, options);
}

std::string Tokenizer::piece(TokenId id, bool special) const
{
    const TokenType type = tokenType(id);  // throws for an id out of range
    if (special && (type == TokenType::Control || type == TokenType::Unknown)) return tokenText(id);
    return tokenToPiece(id);
}

bool Tokenizer::isEndOfGeneration(TokenId id) const
{
    return std::binary_search(m_endOfGeneration.begin(), m_endOfGeneration.end(), id);
}

void Tokenizer::setEndOfGeneration(std::vector<TokenId> ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    m_endOfGeneration = std::move(ids);
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids, bool special) const
{
    TextStreamer streamer(*this, false, special);
    std::string text;
    for (const TokenId id : ids) text += streamer.push(id);
    return text + streamer.flush();
}

}  // namespace edgert
