// Where a chat template comes from: the model's metadata (GGUF tokenizer.chat_template or HF
// tokenizer_config.json), a --chat-template NAME or a --chat-template-file, or the plain format.
#include "edgert/chat-template.h"

#include "edgert/gguf-reader.h"
#include "io/json-parser.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace edgert {

namespace {

/// Largest template file read (--chat-template-file, chat_template.jinja): real templates are a
/// few KiB, the largest upstream ones ~20 KiB.
constexpr std::uintmax_t kMaxTemplateBytes = 1u << 20;

std::string namesList()
{
    std::string list;
    for (const std::string& n : chatFormatNames()) list += (list.empty() ? "" : ", ") + n;
    return list;
}

/// The first line of a template, shortened, to name it in an error.
std::string quoteStart(std::string_view text)
{
    std::string s(text.substr(0, 80));
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return "\"" + s + (text.size() > 80 ? "…" : "") + "\"";
}

bool isGguf(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && std::string_view(magic, 4) == "GGUF";
}

std::string readTemplateFile(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError("cannot read chat template '" + path.string() + "': not a regular file");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw IoError("cannot read chat template '" + path.string() + "': " + ec.message());
    if (size > kMaxTemplateBytes)
        throw UsageError("chat template '" + path.string() + "' has " + std::to_string(size) + " bytes; at most " +
                         std::to_string(kMaxTemplateBytes) + " are read");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open chat template '" + path.string() + "'");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw IoError("cannot read chat template '" + path.string() + "'");
    return text;
}

/// tokenizer_config.json's chat_template: a string, or [{name, template}, ...] ("default" first).
std::optional<std::string> hfConfigTemplate(const std::filesystem::path& configPath)
{
    const json::Value root = json::parseFile(configPath.string());
    if (!root.isObject())
        throw FormatError(configPath.string() + ": the document is " + json::kindName(root.kind()) + ", not an object");
    const json::Value* value = root.find("chat_template");
    if (!value || value->isNull()) return std::nullopt;
    if (value->isString()) return value->text();
    if (value->isArray()) {
        const json::Value* chosen = nullptr;
        for (const json::Value& item : value->items()) {
            const json::Value* name = item.find("name");
            const json::Value* text = item.find("template");
            if (!text || !text->isString()) continue;
            if (!chosen) chosen = text;
            if (name && name->isString() && name->text() == "default") chosen = text;
        }
        if (chosen) return chosen->text();
    }
    throw FormatError(configPath.string() + ": chat_template at byte " + std::to_string(value->offset()) + " is " +
                      json::kindName(value->kind()) + ", not a string or a list of {name, template}");
}

}  // namespace

ChatTemplate ChatTemplate::fromText(std::string text, std::string source)
{
    const std::optional<ChatFormat> format = detectChatFormat(text);
    if (!format)
        throw ChatTemplateError("the chat template from " + source + " " + quoteStart(text) +
                                " is of no family edge-rt renders (it recognises templates as llama.cpp's built-in "
                                "formatter does: " +
                                namesList() + "); pass --chat-template NAME to choose one");
    ChatTemplate t;
    t.format = *format;
    t.source = std::move(source);
    t.text = std::move(text);
    return t;
}

ChatTemplate ChatTemplate::fromName(std::string_view name)
{
    const std::optional<ChatFormat> format = chatFormatFromName(name);
    if (!format) throw UsageError("unknown chat template '" + std::string(name) + "'; known: " + namesList());
    ChatTemplate t;
    t.format = *format;
    t.source = "--chat-template " + std::string(name);
    return t;
}

ChatTemplate ChatTemplate::plain(std::string note)
{
    ChatTemplate t;
    t.format = ChatFormat::Plain;
    t.source = "no template: the model carries none";
    t.note = std::move(note);
    return t;
}

std::optional<std::string> modelChatTemplateText(const std::string& modelPath)
{
    const std::filesystem::path path(modelPath);
    if (isGguf(path)) return GgufFile(modelPath).findString("tokenizer.chat_template");
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::is_directory(path, ec) ? path : path.parent_path();
    const std::filesystem::path config = dir / "tokenizer_config.json";
    if (std::filesystem::exists(config, ec))
        if (auto text = hfConfigTemplate(config)) return text;
    const std::filesystem::path jinja = dir / "chat_template.jinja";
    if (std::filesystem::exists(jinja, ec)) return readTemplateFile(jinja);
    return std::nullopt;
}

ChatTemplate resolveChatTemplate(const std::string& modelPath, const ChatTemplateChoice& choice)
{
    if (!choice.name.empty() && !choice.file.empty())
        throw UsageError("give either --chat-template NAME or --chat-template-file FILE, not both");
    if (!choice.name.empty()) return ChatTemplate::fromName(choice.name);
    if (!choice.file.empty()) return ChatTemplate::fromText(readTemplateFile(choice.file), "'" + choice.file + "'");
    std::optional<std::string> text = modelChatTemplateText(modelPath);
    if (!text || text->empty())
        return ChatTemplate::plain(
            "the model has no chat template (a base model?): using a plain "
            "\"User: ... / Assistant:\" transcript; pass --chat-template NAME for an "
            "instruct model whose file lacks one");
    const bool gguf = isGguf(modelPath);
    return ChatTemplate::fromText(std::move(*text), gguf ? "the GGUF's tokenizer.chat_template"
                                                         : "the model's tokenizer_config.json chat_template");
}

}  // namespace edgert
