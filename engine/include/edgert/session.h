// Session: the one generation path of edge-rt. Every front end (edge-rt run, chat, benchmark,
// the dashboard bridge) goes through it, as llama.cpp's examples all go through llama_decode and
// the same common_* helpers.
//
// A Session is a conversation over a ReadyEngine's KV cache: prompt(text) / append(tokens) add
// input, generate() prefills only what the KV cache does not hold yet and samples until an
// end-of-generation token, a stop string, the token limit, the end of the context or a cancel.
// Turn after turn the cache is kept, so a new turn prefills only its new tokens (TurnResult
// reports reused vs prefilled). When a turn does not fit the context the caller's ContextPolicy
// decides: stop with a clear reason, or forget the oldest turns after the kept prefix (the system
// prompt) and re-prefill the rest.
//
// Prompt encoding (BOS handling, special-token parsing) and the context check with its message
// live here and nowhere else.
#pragma once

#include "edgert/inference-engine.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edgert {

/// What a Session does when a turn does not fit the KV cache.
enum class ContextPolicy {
    Stop,             ///< the turn ends (StopReason::ContextFull) and TurnResult::message says why
    DropOldestTurns,  ///< whole turns after the kept prefix are forgotten, oldest first, and the
                      ///< tokens after them re-prefilled; TurnResult::droppedTurns says how many
};
const char* contextPolicyName(ContextPolicy policy);

struct SessionOptions {
    ContextPolicy contextPolicy = ContextPolicy::Stop;
    /// Generation stops as soon as the turn's text contains one of these; the stop string itself
    /// is not reported as text (it stays in the KV cache). Empty strings are ignored. With
    /// GenerationParams::stopAtEos the EOS token's own text ("<|end_story|>", "</s>") is one too:
    /// models that spell the marker out in ordinary pieces end the turn there.
    std::vector<std::string> stopStrings;
    /// Control tokens (<|im_end|>, <s>, ...) are reported as their text instead of nothing.
    bool printSpecial = false;
};

/// The outcome of one generate() call.
struct TurnResult {
    GenerationResult generation;        ///< ids (EOG excluded), stop reason, timings
    std::string text;                   ///< the printable text of the turn (what onText delivered)
    std::uint32_t reusedTokens = 0;     ///< conversation tokens already in the KV cache
    std::uint32_t prefilledTokens = 0;  ///< tokens run through the model before the first sample
    std::uint32_t droppedTurns = 0;     ///< turns forgotten by ContextPolicy::DropOldestTurns
    std::uint32_t droppedTokens = 0;    ///< their tokens
    std::string stopString;             ///< the stop string that ended the turn, if any
    std::string message;                ///< a sentence for the user: context full / dropped turns
};

/// Encodes `text` as a prompt, the one place front ends get ids from text.
/// `atStart`: the text begins a conversation, so BOS is prepended when the vocabulary adds one
/// (tokenizer.ggml.add_bos_token). `parseSpecial`: control-token texts written in `text`
/// ("<|im_start|>", "<start_of_turn>") become those tokens, as chat templates need; otherwise they
/// are encoded as plain text. Never throws on any input.
std::vector<TokenId> encodePrompt(const Tokenizer& tokenizer, std::string_view text, bool atStart, bool parseSpecial);

/// Whether sampling `id` ends a generation: the vocabulary's EOS, and control tokens that end a
/// turn in chat models (<|im_end|>, <|eot_id|>, <|eom_id|>, <end_of_turn>, <|end|>, <|endoftext|>).
bool isEndOfGeneration(const Tokenizer& tokenizer, TokenId id);

/// The text a generated token prints as: tokenToPiece(), or for control tokens their vocabulary
/// text when `special` (else nothing).
std::string tokenPiece(const Tokenizer& tokenizer, TokenId id, bool special);

class Session {
public:
    /// `engine` must outlive the session; the session owns its KV cache from now on (it is reset).
    explicit Session(ReadyEngine& engine, SessionOptions options = {});

    /// Encodes `text` (encodePrompt: BOS when the conversation is empty) and appends it. Returns
    /// the number of tokens appended.
    std::size_t prompt(std::string_view text, bool parseSpecial = false);
    /// Appends `tokens` as input for the next generate(). The first input after a generate()
    /// starts a new turn. Throws UsageError for an id outside the vocabulary.
    void append(std::span<const TokenId> tokens);
    /// Everything so far (a system prompt) is never dropped by ContextPolicy::DropOldestTurns.
    void keepPrefix();

    /// Prefills the input the KV cache does not hold, then samples up to params.maxTokens tokens.
    /// Without any input the conversation starts from BOS. Stops on isEndOfGeneration() when
    /// params.stopAtEos (the EOG token is kept in the conversation but not reported), on a stop
    /// string, at the token limit, at the end of the context (per the ContextPolicy) or when the
    /// observer cancels (the KV cache keeps what completed; the next turn continues from there).
    /// When the input itself cannot fit, returns StopReason::ContextFull with nothing prefilled,
    /// the input removed again and `message` saying so.
    TurnResult generate(const GenerationParams& params, RunObserver* observer = nullptr);

    /// Forgets the conversation and the KV cache.
    void reset();

    std::uint32_t tokensUsed() const { return static_cast<std::uint32_t>(m_tokens.size()); }
    std::uint32_t contextSize() const;
    /// Tokens of the conversation the KV cache holds.
    std::uint32_t cachedTokens() const { return m_cached; }
    /// The conversation: prompt and generated ids (with EOG tokens), oldest first.
    const std::vector<TokenId>& tokens() const { return m_tokens; }
    const SessionOptions& options() const { return m_options; }
    void setOptions(SessionOptions options) { m_options = std::move(options); }
    ReadyEngine& engine() { return m_engine; }
    const Tokenizer& tokenizer() const { return m_engine.tokenizer(); }

private:
    bool dropOldestTurns(std::size_t needed, TurnResult& result);
    void forgetFrom(std::size_t index);

    ReadyEngine& m_engine;
    SessionOptions m_options;
    std::vector<TokenId> m_tokens;          ///< the conversation
    std::vector<std::size_t> m_turnStarts;  ///< index in m_tokens where each turn begins
    std::size_t m_keep = 0;                 ///< tokens never dropped (system prompt)
    std::uint32_t m_cached = 0;             ///< m_tokens[0, m_cached) are in the KV cache
    bool m_inputOpen = false;               ///< input was appended since the last generate()
};

}  // namespace edgert
