// ChatSession: chat turns rendered with a template, run through the one Session.
#include "edgert/chat-session.h"

#include <algorithm>
#include <cctype>

namespace edgert {

namespace {

std::string_view trimmedView(std::string_view s)
{
    const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

SessionOptions withPlainStop(SessionOptions options, ChatFormat format)
{
    if (format == ChatFormat::Plain) options.stopStrings.emplace_back("\nUser:");
    return options;
}

}  // namespace

ChatSession::ChatSession(ReadyEngine& engine, ChatTemplate chatTemplate, SessionOptions options)
    : m_session(engine, withPlainStop(std::move(options), chatTemplate.format)), m_template(std::move(chatTemplate))
{
}

void ChatSession::setSystemPrompt(std::string text)
{
    m_system = std::move(text);
}

void ChatSession::reset()
{
    m_session.reset();
    m_messages.clear();
    m_cachedText.clear();
    m_answerStart = 0;
    m_cachedTextExact = true;
    m_firstUserKept = false;
}

std::string ChatSession::newTurnText(const std::string& full, const ChatMessage& user) const
{
    // The cache holds A (rendered prompts) + G (the last answer's pieces). The template renders A,
    // then the answer (trimmed, by some templates), its closing, the new message and the opening.
    if (m_cachedTextExact) {
        const std::string_view cached(m_cachedText);
        const std::string_view prompts = cached.substr(0, m_answerStart);
        const std::string_view answer = cached.substr(m_answerStart);
        if (std::string_view(full).starts_with(prompts)) {
            const std::string_view rest = std::string_view(full).substr(prompts.size());
            if (rest.starts_with(answer)) return std::string(rest.substr(answer.size()));
            const std::string_view trimmedAnswer = trimmedView(answer);
            if (rest.starts_with(trimmedAnswer)) return std::string(rest.substr(trimmedAnswer.size()));
        }
    }
    return renderChatDelta(m_template.format, m_messages, user, true);
}

ChatTurnResult ChatSession::say(std::string_view userText, const GenerationParams& params, RunObserver* observer)
{
    ChatTurnResult result;
    const ChatFormat format = m_template.format;
    std::string systemText;
    bool keepFirstUser = false;  // this turn's user message carries the system text
    if (m_messages.empty() && m_session.tokens().empty() && !m_system.empty()) {
        // The system prompt is its own kept prefix: rendered alone, as llama-cli does.
        m_messages.push_back({"system", m_system});
        systemText = renderChatDelta(format, {}, m_messages.back(), false);
        // A template without a system role (Gemma) renders nothing for it alone: it puts the text
        // into the first user message, which is then kept with it.
        keepFirstUser = systemText.find(trimmedView(m_system)) == std::string::npos;
        m_session.prompt(systemText, true);
        m_session.keepPrefix();
        m_cachedText = systemText;
        m_answerStart = m_cachedText.size();
    }

    const ChatMessage user{"user", std::string(userText)};
    std::vector<ChatMessage> withUser = m_messages;
    withUser.push_back(user);
    const std::string full = renderChat(format, withUser, true);
    const std::string delta = newTurnText(full, user);
    // The first user message carrying the system text: up to the assistant's opening it joins the
    // kept prefix, the opening starts the turn (so dropping that turn leaves a closed user message).
    const std::string closed = keepFirstUser ? renderChat(format, withUser, false) : std::string();
    const std::string_view opening = std::string_view(full).substr(std::min(closed.size(), full.size()));
    std::size_t before = m_session.tokens().size();
    if (keepFirstUser && std::string_view(full).starts_with(closed) && delta.size() > opening.size() &&
        std::string_view(delta).ends_with(opening)) {
        m_session.prompt(std::string_view(delta).substr(0, delta.size() - opening.size()), true);
        m_session.keepPrefix();
        before = m_session.tokens().size();
        m_session.prompt(opening, true);
        m_firstUserKept = true;
    } else {
        m_session.prompt(delta, true);
    }
    result.promptText = systemText + delta;

    result.turn = m_session.generate(params, observer);
    const TurnResult& turn = result.turn;
    if (turn.generation.stopReason == StopReason::ContextFull && turn.prefilledTokens == 0 &&
        m_session.tokens().size() <= before) {
        // The input did not fit and the Session removed it again: the conversation is unchanged.
        if (m_firstUserKept) {
            reset();  // the kept first user message goes too: the conversation starts afresh
        } else if (!systemText.empty() && m_session.tokens().empty()) {
            m_messages.clear();
            m_cachedText.clear();
            m_answerStart = 0;
        }
        return result;
    }
    result.accepted = true;

    // Turns the Session dropped to make room: the oldest user/assistant pairs after the system
    // prompt (and after the first user message where it carries the system text, whose answer
    // was a turn of its own).
    if (turn.droppedTurns > 0) {
        const std::ptrdiff_t kept =
            (!m_messages.empty() && m_messages[0].role == "system" ? 1 : 0) + (m_firstUserKept ? 1 : 0);
        const auto first = m_messages.begin() + std::min<std::ptrdiff_t>(kept, std::ssize(m_messages));
        const std::ptrdiff_t loneAnswer = first != m_messages.end() && first->role == "assistant" ? 1 : 0;
        const auto n = std::min<std::ptrdiff_t>(2 * static_cast<std::ptrdiff_t>(turn.droppedTurns) - loneAnswer,
                                                m_messages.end() - first);
        m_messages.erase(first, first + n);
        m_cachedTextExact = false;
    }
    m_messages.push_back(user);
    m_messages.push_back({"assistant", turn.text});

    if (m_cachedTextExact) {
        // What the cache now holds: what it held, this turn's text, then every generated token's
        // piece (control tokens by their text, the end-of-turn token included).
        m_cachedText += delta;
        m_answerStart = m_cachedText.size();
        const auto& tokens = m_session.tokens();
        const std::size_t generatedFrom =
            tokens.size() -
            std::min(tokens.size(), turn.generation.tokens.size() +
                                        (turn.generation.stopReason == StopReason::EndOfSequence ? 1u : 0u));
        for (std::size_t i = generatedFrom; i < tokens.size(); ++i)
            m_cachedText += tokenPiece(m_session.tokenizer(), tokens[i], true);
    }
    return result;
}

}  // namespace edgert
