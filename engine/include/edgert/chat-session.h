// ChatSession: a conversation with an instruct model, turn by turn, on the one Session path.
//
// Each say() renders the conversation with the chat template, appends to the Session only the
// text the new user message adds (the rest is already in the KV cache), and generates the
// assistant's answer until an end-of-generation token (<|im_end|>, <|eot_id|>, ...). The answer
// becomes an assistant message of the conversation. Front ends (edge-rt chat, the dashboard's Chat
// page through the Qt bridge) use this class and nothing else to talk to a model.
//
// What the new turn prefills: the conversation text the KV cache holds is tracked exactly (the
// rendered prompts plus the pieces of every generated token, end-of-turn tokens included). When
// the template's rendering of the whole conversation starts with it (the last answer compared as
// generated, or trimmed as Llama-3 and Gemma render it), the rest is the new text (this also
// closes an answer cut off by the token limit, e.g. with "<|im_end|>\n"). Otherwise
// (a template that trims answers, a control token sampled mid-answer, dropped turns) the new text
// is llama.cpp's common_chat_format_single difference (renderChatDelta).
#pragma once

#include "edgert/chat-template.h"
#include "edgert/session.h"

#include <string>
#include <string_view>
#include <vector>

namespace edgert {

/// The outcome of one say(): the Session's TurnResult plus the text that turn appended.
struct ChatTurnResult {
    TurnResult turn;         ///< reused vs prefilled tokens, stop reason, timings, dropped turns
    std::string promptText;  ///< the template text appended for this turn (system + user + opening)
    bool accepted = false;   ///< false: the turn did not fit the context and was not added
};

class ChatSession {
public:
    /// `engine` must outlive the chat. With ChatFormat::Plain "\nUser:" is added to the stop
    /// strings, so a base model does not write the user's next line itself.
    ChatSession(ReadyEngine& engine, ChatTemplate chatTemplate, SessionOptions options = {});

    /// The system prompt of the conversation (empty: none). Takes effect at the next turn after
    /// a reset() or before the first; it is never dropped by ContextPolicy::DropOldestTurns. A
    /// template without a system role (Gemma) puts it into the first user message: that message
    /// is then kept with it, and only the turns after it are dropped.
    void setSystemPrompt(std::string text);
    const std::string& systemPrompt() const { return m_system; }

    /// One turn: appends the user message, prefills what the KV cache lacks and generates the
    /// answer (streamed to `observer`: onToken / onText, cancellable through shouldStop()). When
    /// the turn does not fit the context (ContextPolicy::Stop), nothing is added and
    /// turn.message says why. Throws what Session::generate throws.
    ChatTurnResult say(std::string_view userText, const GenerationParams& params, RunObserver* observer = nullptr);

    /// Forgets the conversation and the KV cache (the system prompt stays set).
    void reset();

    /// The conversation: system (if any), then user and assistant messages, oldest first.
    const std::vector<ChatMessage>& messages() const { return m_messages; }
    const ChatTemplate& chatTemplate() const { return m_template; }
    Session& session() { return m_session; }
    const Session& session() const { return m_session; }

private:
    /// The text to append for `user`, given the conversation's full rendering with it.
    std::string newTurnText(const std::string& full, const ChatMessage& user) const;

    Session m_session;
    ChatTemplate m_template;
    std::string m_system;
    std::vector<ChatMessage> m_messages;
    std::string m_cachedText;       ///< the text the KV cache holds, when m_cachedTextExact
    std::size_t m_answerStart = 0;  ///< m_cachedText[m_answerStart, end): the last answer's pieces
    bool m_cachedTextExact = true;
    /// The first user message is part of the Session's kept prefix: the template (Gemma) merged
    /// the system text into it.
    bool m_firstUserKept = false;
};

}  // namespace edgert
