// The chat template families: their names, recognising one from a template's text, and
// rendering a conversation in it. Formats follow llama.cpp's built-in (legacy) formatter so the
// output is byte-identical to llama_chat_apply_template's; see chat-template.h.
#include "edgert/chat-template.h"

#include <array>
#include <cctype>
#include <string>

namespace edgert {

namespace {

struct FormatName {
    ChatFormat format;
    const char* name;
};

constexpr std::array kFormatNames{
    FormatName{ChatFormat::Plain, "plain"},
    FormatName{ChatFormat::ChatML, "chatml"},
    FormatName{ChatFormat::Llama2, "llama2"},
    FormatName{ChatFormat::Llama2Sys, "llama2-sys"},
    FormatName{ChatFormat::Llama2SysBos, "llama2-sys-bos"},
    FormatName{ChatFormat::Llama2SysStrip, "llama2-sys-strip"},
    FormatName{ChatFormat::MistralV1, "mistral-v1"},
    FormatName{ChatFormat::MistralV3, "mistral-v3"},
    FormatName{ChatFormat::MistralV3Tekken, "mistral-v3-tekken"},
    FormatName{ChatFormat::MistralV7, "mistral-v7"},
    FormatName{ChatFormat::MistralV7Tekken, "mistral-v7-tekken"},
    FormatName{ChatFormat::Phi3, "phi3"},
    FormatName{ChatFormat::Phi4, "phi4"},
    FormatName{ChatFormat::Falcon3, "falcon3"},
    FormatName{ChatFormat::Zephyr, "zephyr"},
    FormatName{ChatFormat::Monarch, "monarch"},
    FormatName{ChatFormat::Gemma, "gemma"},
    FormatName{ChatFormat::Orion, "orion"},
    FormatName{ChatFormat::OpenChat, "openchat"},
    FormatName{ChatFormat::Vicuna, "vicuna"},
    FormatName{ChatFormat::VicunaOrca, "vicuna-orca"},
    FormatName{ChatFormat::DeepSeek, "deepseek"},
    FormatName{ChatFormat::DeepSeek2, "deepseek2"},
    FormatName{ChatFormat::CommandR, "command-r"},
    FormatName{ChatFormat::Llama3, "llama3"},
    FormatName{ChatFormat::ChatGLM3, "chatglm3"},
    FormatName{ChatFormat::ChatGLM4, "chatglm4"},
    FormatName{ChatFormat::GlmEdge, "glmedge"},
    FormatName{ChatFormat::MiniCPM, "minicpm"},
    FormatName{ChatFormat::Granite, "granite"},
    FormatName{ChatFormat::GigaChat, "gigachat"},
    FormatName{ChatFormat::Megrez, "megrez"},
};

/// ASCII whitespace trimmed from both ends (what llama.cpp's formatter trims).
std::string trimmed(std::string_view s)
{
    std::size_t begin = 0;
    std::size_t end = s.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
    return std::string(s.substr(begin, end - begin));
}

/// The template text as a set of marker tests.
class Markers {
public:
    explicit Markers(std::string_view text) : m_text(text) {}
    bool has(std::string_view marker) const { return m_text.find(marker) != std::string_view::npos; }
    bool startsWith(std::string_view prefix) const { return m_text.substr(0, prefix.size()) == prefix; }

private:
    std::string_view m_text;
};

/// The [INST] families: Mistral's official templates, else Llama-2 and its variants.
ChatFormat detectInstFamily(const Markers& t)
{
    if (t.has("[SYSTEM_PROMPT]")) return ChatFormat::MistralV7;
    // Mistral's official v1 / v3 / v3-tekken templates: the v1 prefix or the tool-calling block.
    if (t.has("' [INST] ' + system_message") || t.has("[AVAILABLE_TOOLS]")) {
        if (t.has(" [INST]")) return ChatFormat::MistralV1;
        if (t.has("\"[INST]\"")) return ChatFormat::MistralV3Tekken;
        return ChatFormat::MistralV3;
    }
    if (t.has("content.strip()")) return ChatFormat::Llama2SysStrip;
    if (t.has("bos_token + '[INST]")) return ChatFormat::Llama2SysBos;
    if (t.has("<<SYS>>")) return ChatFormat::Llama2Sys;
    return ChatFormat::Llama2;
}

// ---- renderers: one per family (or group of variants) -------------------------------------

using Messages = std::span<const ChatMessage>;

void renderChatML(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    if (addAssistant) out += "<|im_start|>assistant\n";
}

void renderMistralV7(std::string& out, Messages messages, bool tekken)
{
    const std::string space = tekken ? "" : " ";
    for (const ChatMessage& m : messages) {
        if (m.role == "system")
            out += "[SYSTEM_PROMPT]" + space + m.content + "[/SYSTEM_PROMPT]";
        else if (m.role == "user")
            out += "[INST]" + space + m.content + "[/INST]";
        else
            out += space + m.content + "</s>";
    }
}

void renderMistralV1V3(std::string& out, Messages messages, ChatFormat format)
{
    const std::string before = format == ChatFormat::MistralV1 ? " " : "";
    const std::string after = format == ChatFormat::MistralV3Tekken ? "" : " ";
    const bool trimAssistant = format == ChatFormat::MistralV3;
    bool turnOpen = false;
    for (const ChatMessage& m : messages) {
        if (!turnOpen) {
            out += before + "[INST]" + after;
            turnOpen = true;
        }
        if (m.role == "system") {
            out += m.content + "\n\n";
        } else if (m.role == "user") {
            out += m.content + before + "[/INST]";
        } else {
            out += after + (trimAssistant ? trimmed(m.content) : m.content) + "</s>";
            turnOpen = false;
        }
    }
}

void renderLlama2(std::string& out, Messages messages, ChatFormat format)
{
    const bool systemBlock = format != ChatFormat::Llama2;
    const bool bosInHistory = format == ChatFormat::Llama2SysBos;
    const bool strip = format == ChatFormat::Llama2SysStrip;
    out += "[INST] ";  // the first turn's BOS is the tokenizer's
    bool turnOpen = true;
    for (const ChatMessage& m : messages) {
        const std::string content = strip ? trimmed(m.content) : m.content;
        if (!turnOpen) {
            out += bosInHistory ? "<s>[INST] " : "[INST] ";
            turnOpen = true;
        }
        if (m.role == "system") {
            out += systemBlock ? "<<SYS>>\n" + content + "\n<</SYS>>\n\n" : content + "\n";
        } else if (m.role == "user") {
            out += content + " [/INST]";
        } else {
            out += content + "</s>";
            turnOpen = false;
        }
    }
}

/// <|role|>\n content <end> for each message, then `assistant` when asked (Phi-3, Zephyr, ...).
void renderRoleTags(std::string& out, Messages messages, bool addAssistant, const std::string& end,
                    const std::string& assistant)
{
    for (const ChatMessage& m : messages) out += "<|" + m.role + "|>\n" + m.content + end;
    if (addAssistant) out += assistant;
}

void renderGemma(std::string& out, Messages messages, bool addAssistant)
{
    // Gemma has no system role: the system text opens the next user turn.
    std::string system;
    for (const ChatMessage& m : messages) {
        if (m.role == "system") {
            system += trimmed(m.content);
            continue;
        }
        const std::string role = m.role == "assistant" ? "model" : m.role;
        out += "<start_of_turn>" + role + "\n";
        if (!system.empty() && role != "model") {
            out += system + "\n\n";
            system.clear();
        }
        out += trimmed(m.content) + "<end_of_turn>\n";
    }
    if (addAssistant) out += "<start_of_turn>model\n";
}

void renderOrion(std::string& out, Messages messages)
{
    std::string system;
    for (const ChatMessage& m : messages) {
        if (m.role == "system") {
            system += m.content;
        } else if (m.role == "user") {
            out += "Human: ";
            if (!system.empty()) {
                out += system + "\n\n";
                system.clear();
            }
            out += m.content + "\n\nAssistant: </s>";
        } else {
            out += m.content + "</s>";
        }
    }
}

void renderOpenChat(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) {
        if (m.role == "system") {
            out += m.content + "<|end_of_turn|>";
            continue;
        }
        std::string role = m.role;
        if (!role.empty()) role[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(role[0])));
        out += "GPT4 Correct " + role + ": " + m.content + "<|end_of_turn|>";
    }
    if (addAssistant) out += "GPT4 Correct Assistant:";
}

void renderVicuna(std::string& out, Messages messages, bool addAssistant, bool orca)
{
    for (const ChatMessage& m : messages) {
        if (m.role == "system")
            out += orca ? "SYSTEM: " + m.content + "\n" : m.content + "\n\n";
        else if (m.role == "user")
            out += "USER: " + m.content + "\n";
        else if (m.role == "assistant")
            out += "ASSISTANT: " + m.content + "</s>\n";
    }
    if (addAssistant) out += "ASSISTANT:";
}

void renderDeepSeek(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) {
        if (m.role == "system")
            out += m.content;
        else if (m.role == "user")
            out += "### Instruction:\n" + m.content + "\n";
        else if (m.role == "assistant")
            out += "### Response:\n" + m.content + "\n<|EOT|>\n";
    }
    if (addAssistant) out += "### Response:\n";
}

void renderDeepSeek2(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) {
        if (m.role == "system")
            out += m.content + "\n\n";
        else if (m.role == "user")
            out += "User: " + m.content + "\n\n";
        else if (m.role == "assistant")
            out += "Assistant: " + m.content +
                   "<\xEF\xBD\x9C"
                   "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
    }
    if (addAssistant) out += "Assistant:";
}

void renderCommandR(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) {
        const char* token = m.role == "system"      ? "<|SYSTEM_TOKEN|>"
                            : m.role == "user"      ? "<|USER_TOKEN|>"
                            : m.role == "assistant" ? "<|CHATBOT_TOKEN|>"
                                                    : nullptr;
        if (token) out += std::string("<|START_OF_TURN_TOKEN|>") + token + trimmed(m.content) + "<|END_OF_TURN_TOKEN|>";
    }
    if (addAssistant) out += "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>";
}

void renderLlama3(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages)
        out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + trimmed(m.content) + "<|eot_id|>";
    if (addAssistant) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
}

void renderMiniCPM(std::string& out, Messages messages)
{
    for (const ChatMessage& m : messages) {
        if (m.role == "user")
            out += "<\xE7\x94\xA8\xE6\x88\xB7>" + trimmed(m.content) + "<AI>";  // <用户>
        else
            out += trimmed(m.content);
    }
}

void renderGranite(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) {
        out += "<|start_of_role|>" + m.role + "<|end_of_role|>";
        if (m.role == "assistant_tool_call") out += "<|tool_call|>";
        out += m.content + "<|end_of_text|>\n";
    }
    if (addAssistant) out += "<|start_of_role|>assistant<|end_of_role|>\n";
}

void renderGigaChat(std::string& out, Messages messages, bool addAssistant)
{
    const bool hasSystem = !messages.empty() && messages[0].role == "system";
    out += "<s>";
    if (hasSystem) out += messages[0].content + "<|message_sep|>";
    for (std::size_t i = hasSystem ? 1 : 0; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        if (m.role == "user")
            out += "user<|role_sep|>" + m.content + "<|message_sep|>available functions<|role_sep|>[]<|message_sep|>";
        else if (m.role == "assistant")
            out += "assistant<|role_sep|>" + m.content + "<|message_sep|>";
    }
    if (addAssistant) out += "assistant<|role_sep|>";
}

void renderPlain(std::string& out, Messages messages, bool addAssistant)
{
    for (const ChatMessage& m : messages) {
        if (m.role == "system")
            out += m.content + "\n\n";
        else if (m.role == "user")
            out += "User: " + m.content + "\n";
        else if (m.role == "assistant")
            out += "Assistant: " + m.content + "\n";
        else
            out += m.role + ": " + m.content + "\n";
    }
    if (addAssistant) out += "Assistant:";
}

}  // namespace

const char* chatFormatName(ChatFormat format)
{
    for (const FormatName& f : kFormatNames)
        if (f.format == format) return f.name;
    return "unknown";
}

std::optional<ChatFormat> chatFormatFromName(std::string_view name)
{
    for (const FormatName& f : kFormatNames)
        if (name == f.name) return f.format;
    return std::nullopt;
}

std::vector<std::string> chatFormatNames()
{
    std::vector<std::string> names;
    for (const FormatName& f : kFormatNames) names.emplace_back(f.name);
    return names;
}

std::optional<ChatFormat> detectChatFormat(std::string_view templateText)
{
    if (auto byName = chatFormatFromName(templateText)) return byName;
    const Markers t(templateText);
    // Order matters: the first family whose markers match wins, as in llama.cpp.
    if (t.has("<|im_start|>")) {
        if (t.has("<|im_sep|>")) return ChatFormat::Phi4;
        if (t.has("<end_of_utterance>")) return std::nullopt;  // SmolVLM: <|im_start|> as BOS, not ChatML
        return ChatFormat::ChatML;
    }
    if (t.startsWith("mistral") || t.has("[INST]")) return detectInstFamily(t);
    if (t.has("<|assistant|>") && t.has("<|end|>")) return ChatFormat::Phi3;
    if (t.has("[gMASK]<sop>")) return ChatFormat::ChatGLM4;
    if (t.has("<|assistant|>") && t.has("<|user|>")) return t.has("</s>") ? ChatFormat::Falcon3 : ChatFormat::GlmEdge;
    if (t.has("<|{{ item['role'] }}|>") && t.has("<|begin_of_image|>")) return ChatFormat::GlmEdge;
    if (t.has("<|user|>") && t.has("<|endoftext|>")) return ChatFormat::Zephyr;
    if (t.has("bos_token + message['role']")) return ChatFormat::Monarch;
    if (t.has("<start_of_turn>")) return ChatFormat::Gemma;
    if (t.has("'\\n\\nAssistant: ' + eos_token")) return ChatFormat::Orion;
    if (t.has("GPT4 Correct ")) return ChatFormat::OpenChat;
    if (t.has("USER: ") && t.has("ASSISTANT: ")) return t.has("SYSTEM: ") ? ChatFormat::VicunaOrca : ChatFormat::Vicuna;
    if (t.has("### Instruction:") && t.has("<|EOT|>")) return ChatFormat::DeepSeek;
    if (t.has("<|START_OF_TURN_TOKEN|>") && t.has("<|USER_TOKEN|>")) return ChatFormat::CommandR;
    if (t.has("<|start_header_id|>") && t.has("<|end_header_id|>")) return ChatFormat::Llama3;
    if (t.has("[gMASK]sop")) return ChatFormat::ChatGLM3;
    if (t.has("<\xE7\x94\xA8\xE6\x88\xB7>")) return ChatFormat::MiniCPM;  // <用户>
    if (t.has("'Assistant: ' + message['content'] + eos_token")) return ChatFormat::DeepSeek2;
    if (t.has("<|start_of_role|>")) return ChatFormat::Granite;
    if (t.has("message['role'] + additional_special_tokens[0] + message['content'] + additional_special_tokens[1]"))
        return ChatFormat::GigaChat;
    if (t.has("<|role_start|>")) return ChatFormat::Megrez;
    return std::nullopt;
}

std::string renderChat(ChatFormat format, std::span<const ChatMessage> messages, bool addGenerationPrompt)
{
    std::string out;
    const bool add = addGenerationPrompt;
    switch (format) {
        case ChatFormat::Plain: renderPlain(out, messages, add); break;
        case ChatFormat::ChatML: renderChatML(out, messages, add); break;
        case ChatFormat::MistralV7: renderMistralV7(out, messages, false); break;
        case ChatFormat::MistralV7Tekken: renderMistralV7(out, messages, true); break;
        case ChatFormat::MistralV1:
        case ChatFormat::MistralV3:
        case ChatFormat::MistralV3Tekken: renderMistralV1V3(out, messages, format); break;
        case ChatFormat::Llama2:
        case ChatFormat::Llama2Sys:
        case ChatFormat::Llama2SysBos:
        case ChatFormat::Llama2SysStrip: renderLlama2(out, messages, format); break;
        case ChatFormat::Phi3: renderRoleTags(out, messages, add, "<|end|>\n", "<|assistant|>\n"); break;
        case ChatFormat::Phi4:
            for (const ChatMessage& m : messages)
                out += "<|im_start|>" + m.role + "<|im_sep|>" + m.content + "<|im_end|>";
            if (add) out += "<|im_start|>assistant<|im_sep|>";
            break;
        case ChatFormat::Falcon3: renderRoleTags(out, messages, add, "\n", "<|assistant|>\n"); break;
        case ChatFormat::Zephyr: renderRoleTags(out, messages, add, "<|endoftext|>\n", "<|assistant|>\n"); break;
        case ChatFormat::Monarch:
            for (std::size_t i = 0; i < messages.size(); ++i)
                out += (i ? "<s>" : "") + messages[i].role + "\n" + messages[i].content + "</s>\n";
            if (add) out += "<s>assistant\n";
            break;
        case ChatFormat::Gemma: renderGemma(out, messages, add); break;
        case ChatFormat::Orion: renderOrion(out, messages); break;
        case ChatFormat::OpenChat: renderOpenChat(out, messages, add); break;
        case ChatFormat::Vicuna: renderVicuna(out, messages, add, false); break;
        case ChatFormat::VicunaOrca: renderVicuna(out, messages, add, true); break;
        case ChatFormat::DeepSeek: renderDeepSeek(out, messages, add); break;
        case ChatFormat::DeepSeek2: renderDeepSeek2(out, messages, add); break;
        case ChatFormat::CommandR: renderCommandR(out, messages, add); break;
        case ChatFormat::Llama3: renderLlama3(out, messages, add); break;
        case ChatFormat::ChatGLM3:
            out += "[gMASK]sop";
            for (const ChatMessage& m : messages) out += "<|" + m.role + "|>\n " + m.content;
            if (add) out += "<|assistant|>";
            break;
        case ChatFormat::ChatGLM4:
            out += "[gMASK]<sop>";
            for (const ChatMessage& m : messages) out += "<|" + m.role + "|>\n" + m.content;
            if (add) out += "<|assistant|>";  // llama.cpp c392e50 (the reference) ends here, no newline
            break;
        case ChatFormat::GlmEdge:
            for (const ChatMessage& m : messages) out += "<|" + m.role + "|>\n" + m.content;
            if (add) out += "<|assistant|>";
            break;
        case ChatFormat::MiniCPM: renderMiniCPM(out, messages); break;
        case ChatFormat::Granite: renderGranite(out, messages, add); break;
        case ChatFormat::GigaChat: renderGigaChat(out, messages, add); break;
        case ChatFormat::Megrez:
            for (const ChatMessage& m : messages)
                out += "<|role_start|>" + m.role + "<|role_end|>" + m.content + "<|turn_end|>";
            if (add) out += "<|role_start|>assistant<|role_end|>";
            break;
    }
    return out;
}

std::string renderChatDelta(ChatFormat format, std::span<const ChatMessage> history, const ChatMessage& message,
                            bool addGenerationPrompt)
{
    const std::string past = history.empty() ? std::string() : renderChat(format, history, false);
    std::vector<ChatMessage> all(history.begin(), history.end());
    all.push_back(message);
    const std::string now = renderChat(format, all, addGenerationPrompt);
    std::size_t common = 0;
    while (common < past.size() && common < now.size() && past[common] == now[common]) ++common;
    std::string delta = addGenerationPrompt && !past.empty() && past.back() == '\n' ? "\n" : "";
    return delta + now.substr(common);
}

}  // namespace edgert
