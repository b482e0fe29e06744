// Chat templates: turning a conversation (role, content messages) into the prompt text an
// instruct model was trained on.
//
// Models ship their template as Jinja text (GGUF `tokenizer.chat_template`, HF
// tokenizer_config.json `chat_template`). edge-rt does not run Jinja: like llama.cpp's built-in
// formatter (llama_chat_apply_template, "legacy" path) it recognises the template's family from
// marker substrings in the text (<|im_start|> -> ChatML, <|start_header_id|> -> Llama-3, [INST]
// -> Llama-2/Mistral, ...) and renders that family natively. The family names are llama.cpp's
// (chatml, llama3, llama2, llama2-sys, zephyr, gemma, phi3, ...), and a family's output is
// byte-identical to llama.cpp's for the same messages (checked against llama.cpp's own test cases
// in tests/tst_chat_template.cpp).
//
// A model without a template (a base model such as TinyStories) gets ChatFormat::Plain, a
// "User: ... / Assistant:" transcript, with a note saying so.
#pragma once

#include "edgert/error.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

/// One message of a conversation. `role` is "system", "user" or "assistant" (other roles are
/// passed through where the family writes the role name, as llama.cpp does).
struct ChatMessage {
    std::string role;
    std::string content;
};

/// The template families edge-rt renders (llama.cpp's llm_chat_template names in comments).
enum class ChatFormat {
    Plain,            ///< "plain": edge-rt's own User:/Assistant: transcript for base models
    ChatML,           ///< "chatml": <|im_start|>role\n...<|im_end|>\n (Qwen2.5, SmolLM2, OpenHermes)
    Llama2,           ///< "llama2": [INST] ... [/INST], system text without <<SYS>>
    Llama2Sys,        ///< "llama2-sys": with <<SYS>>\n...\n<</SYS>>\n\n
    Llama2SysBos,     ///< "llama2-sys-bos": <s>[INST] before every later turn
    Llama2SysStrip,   ///< "llama2-sys-strip": contents trimmed
    MistralV1,        ///< "mistral-v1": " [INST] ... [/INST]"
    MistralV3,        ///< "mistral-v3": "[INST] ...[/INST]", assistant trimmed
    MistralV3Tekken,  ///< "mistral-v3-tekken": "[INST]...[/INST]"
    MistralV7,        ///< "mistral-v7": [SYSTEM_PROMPT] ... [/SYSTEM_PROMPT]
    MistralV7Tekken,  ///< "mistral-v7-tekken"
    Phi3,             ///< "phi3": <|role|>\n...<|end|>\n
    Phi4,             ///< "phi4": <|im_start|>role<|im_sep|>...<|im_end|>
    Falcon3,          ///< "falcon3": <|role|>\n...\n
    Zephyr,           ///< "zephyr": <|role|>\n...<|endoftext|>\n
    Monarch,          ///< "monarch": role\n...</s>\n with <s> between messages
    Gemma,            ///< "gemma": <start_of_turn>user|model\n...<end_of_turn>\n, system merged
    Orion,            ///< "orion": Human: ...\n\nAssistant: </s>
    OpenChat,         ///< "openchat": GPT4 Correct User: ...<|end_of_turn|>
    Vicuna,           ///< "vicuna": USER: ...\nASSISTANT: ...</s>\n
    VicunaOrca,       ///< "vicuna-orca": with SYSTEM:
    DeepSeek,         ///< "deepseek": ### Instruction:\n...\n### Response:\n
    DeepSeek2,        ///< "deepseek2": User: ...\n\nAssistant: ...<｜end▁of▁sentence｜>
    CommandR,         ///< "command-r": <|START_OF_TURN_TOKEN|><|USER_TOKEN|>...
    Llama3,           ///< "llama3": <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>
    ChatGLM3,         ///< "chatglm3": [gMASK]sop<|role|>\n ...
    ChatGLM4,         ///< "chatglm4": [gMASK]<sop><|role|>\n...
    GlmEdge,          ///< "glmedge": <|role|>\n... (also TinyLlama-style <|user|> templates)
    MiniCPM,          ///< "minicpm": <用户>...<AI>
    Granite,          ///< "granite": <|start_of_role|>role<|end_of_role|>...<|end_of_text|>\n
    GigaChat,         ///< "gigachat": <s>system<|message_sep|>user<|role_sep|>...
    Megrez,           ///< "megrez": <|role_start|>role<|role_end|>...<|turn_end|>
};

/// llama.cpp's name of a family ("chatml", "llama2-sys", ...); "plain" for ChatFormat::Plain.
const char* chatFormatName(ChatFormat format);
/// The family with that name, or nullopt.
std::optional<ChatFormat> chatFormatFromName(std::string_view name);
/// Every family name, in enum order, for help texts and error messages.
std::vector<std::string> chatFormatNames();

/// Recognises a template text as llama.cpp's llm_chat_detect_template does: a family name
/// ("chatml") is taken as is, otherwise the first matching marker heuristic decides. nullopt when
/// no family matches (the text is then not a template edge-rt can render).
std::optional<ChatFormat> detectChatFormat(std::string_view templateText);

/// Renders `messages` in `format`; with `addGenerationPrompt` the text ends with the opening of
/// an assistant turn ("<|im_start|>assistant\n") for the model to continue. Never throws.
std::string renderChat(ChatFormat format, std::span<const ChatMessage> messages, bool addGenerationPrompt);

/// The text one new message adds to a conversation already rendered, as llama.cpp's
/// common_chat_format_single computes it: render(history + message) minus render(history), with
/// the newline a family puts after an assistant turn restored in front (the model's answer ends
/// at its end-of-turn token, so the KV cache lacks that newline). Never throws.
std::string renderChatDelta(ChatFormat format, std::span<const ChatMessage> history, const ChatMessage& message,
                            bool addGenerationPrompt);

/// A template that cannot be rendered: none of the families matched its text.
class ChatTemplateError : public Error {
public:
    using Error::Error;
};

/// A chat template as a front end uses it: the recognised family plus where it came from.
struct ChatTemplate {
    ChatFormat format = ChatFormat::Plain;
    std::string source;  ///< "GGUF tokenizer.chat_template", "--chat-template llama3", a file path...
    std::string text;    ///< the template text as found ("" for a name or the plain format)
    std::string note;    ///< a sentence for the user (e.g. the model has no template), or ""

    std::string name() const { return chatFormatName(format); }
    std::string render(std::span<const ChatMessage> messages, bool addGenerationPrompt) const
    {
        return renderChat(format, messages, addGenerationPrompt);
    }

    /// Recognises `text` (a Jinja template or a family name). Throws ChatTemplateError naming
    /// `source` and quoting the start of the text when no family matches.
    static ChatTemplate fromText(std::string text, std::string source);
    /// A family by name (--chat-template NAME). Throws UsageError listing the names.
    static ChatTemplate fromName(std::string_view name);
    /// The plain User:/Assistant: format with `note` explaining why.
    static ChatTemplate plain(std::string note);
};

/// The template text a model carries, or nullopt: a GGUF file's `tokenizer.chat_template`, or for
/// a HF model (a directory, or a *.safetensors / index file inside one) tokenizer_config.json's
/// `chat_template` (a string, or a list of {name, template} of which "default" or the first is
/// taken); chat_template.jinja beside it is used when tokenizer_config.json has none. Reads only
/// metadata. Throws IoError / FormatError for an unreadable or malformed file.
std::optional<std::string> modelChatTemplateText(const std::string& modelPath);

/// What the user asked for: --chat-template NAME / --chat-template-file FILE, or neither.
struct ChatTemplateChoice {
    std::string name;  ///< a family name, or ""
    std::string file;  ///< a template text file, or ""
};

/// The template a chat uses: the user's choice when given, else the model's own
/// (modelChatTemplateText), else ChatFormat::Plain with a note. Throws UsageError when both a name
/// and a file are given or the name is unknown, ChatTemplateError when the model's or the file's
/// template is of no family edge-rt renders, IoError when the file cannot be read.
ChatTemplate resolveChatTemplate(const std::string& modelPath, const ChatTemplateChoice& choice);

}  // namespace edgert
