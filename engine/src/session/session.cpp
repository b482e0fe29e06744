#include "edgert/session.h"

#include "edgert/error.h"

#include <algorithm>
#include <chrono>

namespace edgert {

using Clock = std::chrono::steady_clock;

namespace {

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

/// Holds back text that may be the start of a stop string, and finds the first stop string.
class StopStringFilter {
public:
    explicit StopStringFilter(const std::vector<std::string>& stops)
    {
        for (const auto& s : stops)
            if (!s.empty()) m_stops.push_back(s);
    }

    /// Adds `piece`; returns the text that is now final. Sets `hit` when a stop string appeared
    /// (the returned text then ends just before it).
    std::string push(std::string_view piece, std::string& hit)
    {
        m_text += piece;
        std::size_t first = std::string::npos;
        for (const auto& s : m_stops) {
            // A new occurrence must overlap what was not emitted yet.
            const std::size_t from = m_emitted >= s.size() ? m_emitted - s.size() + 1 : 0;
            const std::size_t at = m_text.find(s, from);
            if (at != std::string::npos && (first == std::string::npos || at < first)) {
                first = at;
                hit = s;
            }
        }
        if (first != std::string::npos) {
            const std::size_t end = std::max(first, m_emitted);
            return take(end);
        }
        std::size_t hold = 0;  // longest suffix of the unemitted text that begins a stop string
        for (const auto& s : m_stops)
            for (std::size_t n = std::min(s.size() - 1, m_text.size() - m_emitted); n > hold; --n)
                if (m_text.compare(m_text.size() - n, n, s, 0, n) == 0) {
                    hold = n;
                    break;
                }
        return take(m_text.size() - hold);
    }
    /// The text held back (the turn ended without the stop string completing).
    std::string flush() { return take(m_text.size()); }
    /// All text made final so far.
    std::string_view emitted() const { return std::string_view(m_text).substr(0, m_emitted); }

private:
    std::string take(std::size_t end)
    {
        std::string out = m_text.substr(m_emitted, end - m_emitted);
        m_emitted = end;
        return out;
    }
    std::vector<std::string> m_stops;
    std::string m_text;
    std::size_t m_emitted = 0;
};

std::string contextFullMessage(std::size_t needed, std::size_t turnTokens, std::uint32_t nCtx, bool firstTurn)
{
    if (firstTurn)
        return "the prompt has " + std::to_string(turnTokens) + " tokens, which leaves no room in the " +
               std::to_string(nCtx) + "-token context";
    return "context full: the conversation needs " + std::to_string(needed) + " tokens (" + std::to_string(turnTokens) +
           " in this turn) but the context holds " + std::to_string(nCtx) +
           "; start over, use a larger context, or let the oldest turns be dropped";
}

}  // namespace

const char* contextPolicyName(ContextPolicy policy)
{
    switch (policy) {
        case ContextPolicy::Stop: return "stop";
        case ContextPolicy::DropOldestTurns: return "drop-oldest";
    }
    return "?";
}

Session::Session(ReadyEngine& engine, SessionOptions options) : m_engine(engine), m_options(std::move(options))
{
    m_engine.resetContext();
}

std::uint32_t Session::contextSize() const
{
    return m_engine.shape().nCtx;
}

std::size_t Session::prompt(std::string_view text, bool parseSpecial)
{
    const auto ids = encodePrompt(tokenizer(), text, m_tokens.empty(), parseSpecial);
    append(ids);
    return ids.size();
}

void Session::append(std::span<const TokenId> tokens)
{
    const auto vocab = tokenizer().vocabSize();
    for (TokenId id : tokens)
        if (id < 0 || static_cast<std::size_t>(id) >= vocab)
            throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                             std::to_string(vocab));
    if (tokens.empty()) return;
    if (!m_inputOpen) {
        m_turnStarts.push_back(m_tokens.size());
        m_inputOpen = true;
    }
    m_tokens.insert(m_tokens.end(), tokens.begin(), tokens.end());
}

void Session::keepPrefix()
{
    m_keep = m_tokens.size();
    m_inputOpen = false;
}

void Session::reset()
{
    m_tokens.clear();
    m_turnStarts.clear();
    m_keep = 0;
    m_cached = 0;
    m_inputOpen = false;
    m_engine.resetContext();
}

void Session::forgetFrom(std::size_t index)
{
    m_tokens.resize(std::min(index, m_tokens.size()));
    while (!m_turnStarts.empty() && m_turnStarts.back() >= m_tokens.size()) m_turnStarts.pop_back();
    m_keep = std::min(m_keep, m_tokens.size());
    m_cached = std::min<std::uint32_t>(m_cached, static_cast<std::uint32_t>(m_tokens.size()));
    m_engine.rewind(m_cached);
}

bool Session::dropOldestTurns(std::size_t needed, TurnResult& result)
{
    // The BOS token always stays: the model never saw a conversation without it.
    const TokenId bos = tokenizer().bos();
    const std::size_t keep = std::max<std::size_t>(m_keep, !m_tokens.empty() && m_tokens[0] == bos ? 1 : 0);
    std::size_t freed = 0;
    while (freed < needed) {
        bool dropped = false;
        // Never the last turn: it is the one being answered.
        for (std::size_t i = 0; i + 1 < m_turnStarts.size(); ++i) {
            const std::size_t begin = std::max(m_turnStarts[i], keep);
            const std::size_t end = m_turnStarts[i + 1];
            if (begin >= end) continue;
            const std::size_t n = end - begin;
            m_tokens.erase(m_tokens.begin() + static_cast<std::ptrdiff_t>(begin),
                           m_tokens.begin() + static_cast<std::ptrdiff_t>(end));
            if (m_turnStarts[i] >= keep)
                m_turnStarts.erase(m_turnStarts.begin() + static_cast<std::ptrdiff_t>(i));
            else
                ++i;  // the kept part of turn i remains a turn of its own
            for (std::size_t k = i; k < m_turnStarts.size(); ++k) m_turnStarts[k] -= n;
            m_cached = std::min<std::uint32_t>(m_cached, static_cast<std::uint32_t>(begin));
            freed += n;
            ++result.droppedTurns;
            result.droppedTokens += static_cast<std::uint32_t>(n);
            dropped = true;
            break;
        }
        if (!dropped) break;
    }
    if (result.droppedTurns > 0) {
        m_engine.rewind(m_cached);
        result.message = "context full: dropped the " + std::to_string(result.droppedTurns) + " oldest turn" +
                         (result.droppedTurns == 1 ? "" : "s") + " (" + std::to_string(result.droppedTokens) +
                         " tokens) after the kept prefix of " + std::to_string(keep) + " tokens and re-prefilled " +
                         std::to_string(m_tokens.size() - m_cached) + " tokens";
    }
    return freed >= needed;
}

TurnResult Session::generate(const GenerationParams& params, RunObserver* observer)
{
    const Tokenizer& tok = tokenizer();
    const std::uint32_t nCtx = contextSize();
    TurnResult result;
    GenerationResult& gen = result.generation;
    const auto bytesBefore = m_engine.streamedBytesRead();
    const auto passesBefore = m_engine.forwardPasses();
    const auto finish = [&](StopReason why) -> TurnResult {
        gen.stopReason = why;
        gen.streamedBytesRead = m_engine.streamedBytesRead() - bytesBefore;
        gen.forwardPasses = m_engine.forwardPasses() - passesBefore;
        m_inputOpen = false;
        return std::move(result);
    };

    if (m_tokens.empty()) {
        const TokenId bos[1] = {tok.bos()};
        append(bos);
    }
    const std::size_t turnStart = m_turnStarts.empty() ? 0 : m_turnStarts.back();
    const std::size_t turnTokens = m_tokens.size() - turnStart;
    // The input must leave room for one generated token.
    if (m_tokens.size() + 1 > nCtx) {
        const std::size_t needed = m_tokens.size();
        if (m_options.contextPolicy == ContextPolicy::DropOldestTurns)
            dropOldestTurns(m_tokens.size() + 1 - nCtx, result);
        if (m_tokens.size() + 1 > nCtx) {
            result.message = contextFullMessage(needed, turnTokens, nCtx, m_turnStarts.size() <= 1);
            if (m_inputOpen) forgetFrom(m_turnStarts.empty() ? 0 : m_turnStarts.back());
            return finish(StopReason::ContextFull);
        }
    }
    // Nothing new to prefill (generate again without input): recompute the last token's logits.
    if (m_cached >= m_tokens.size()) m_cached = static_cast<std::uint32_t>(m_tokens.size() - 1);
    m_engine.rewind(m_cached);
    const bool continuesText = m_tokens.size() > (m_tokens.front() == tok.bos() ? 1u : 0u);

    Sampler sampler(params.sampler);
    const auto workspace = m_engine.samplerWorkspace();
    TextStreamer streamer(tok, continuesText, m_options.printSpecial);
    // A model that spells its end-of-sequence marker out as text ("<|end_story|>" in pieces, as
    // the TinyStories models do) ends the turn there too.
    std::vector<std::string> stopStrings = m_options.stopStrings;
    std::string eosAsText;  // the EOS marker when it is matched as text: the model ended, not a user stop
    if (params.stopAtEos && tok.eos() >= 0) {
        const std::string& eosText = tok.tokenText(tok.eos());
        if (eosText.size() >= 3 && eosText.front() == '<' && eosText.back() == '>') {
            stopStrings.push_back(eosText);
            if (std::find(m_options.stopStrings.begin(), m_options.stopStrings.end(), eosText) ==
                m_options.stopStrings.end())
                eosAsText = eosText;
        }
    }
    StopStringFilter stops(stopStrings);
    // Every generated token gets one onText call (possibly empty); flushes only when non-empty.
    const auto emit = [&](std::string text, std::size_t index, bool always) {
        if (text.empty() && !always) return;
        result.text += text;
        if (observer) observer->onText(text, index);
    };

    result.reusedTokens = m_cached;
    result.prefilledTokens = static_cast<std::uint32_t>(m_tokens.size() - m_cached);
    gen.promptTokens = result.prefilledTokens;
    const auto t0 = Clock::now();
    auto logits = m_engine.evaluate(std::span<const TokenId>(m_tokens).subspan(m_cached), observer);
    m_cached = m_engine.position();
    gen.prefillMs = msBetween(t0, Clock::now());
    gen.timeToFirstTokenMs = gen.prefillMs;
    if (logits.empty()) return finish(StopReason::Cancelled);

    const auto decodeStart = Clock::now();
    for (;;) {
        const TokenId next = sampler.sample(logits, workspace);
        if (gen.tokens.empty()) gen.timeToFirstTokenMs = msBetween(t0, Clock::now());
        const std::size_t index = gen.tokens.size();
        if (params.stopAtEos && isEndOfGeneration(tok, next)) {
            m_tokens.push_back(next);  // the conversation holds the end of the turn
            std::string rest = stops.flush();
            if (m_options.printSpecial) rest += streamer.push(next);
            rest += streamer.flush();
            emit(std::move(rest), index, false);
            return finish(StopReason::EndOfSequence);
        }
        m_tokens.push_back(next);
        gen.tokens.push_back(next);
        if (observer) observer->onToken(next, index);
        const std::string piece = streamer.push(next);
        std::string hit;
        emit(stops.push(piece, hit), index, true);
        gen.decodeMs = msBetween(decodeStart, Clock::now());
        if (!hit.empty()) {
            result.stopString = hit;
            return finish(hit == eosAsText ? StopReason::EndOfSequence : StopReason::StopString);
        }
        const auto flushText = [&] { emit(stops.flush() + streamer.flush(), index, false); };
        if (gen.tokens.size() >= params.maxTokens) {
            flushText();
            return finish(StopReason::MaxTokens);
        }
        if (m_cached + 1 > nCtx) {  // no room to run the token just sampled
            const bool dropped = m_options.contextPolicy == ContextPolicy::DropOldestTurns &&
                                 dropOldestTurns(m_tokens.size() + 1 - nCtx, result);
            if (!dropped) {
                flushText();
                if (result.message.empty())
                    result.message = "the " + std::to_string(nCtx) + "-token context is full after " +
                                     std::to_string(gen.tokens.size()) + " generated tokens";
                return finish(StopReason::ContextFull);
            }
        }
        logits = m_engine.evaluate(std::span<const TokenId>(m_tokens).subspan(m_cached), observer);
        m_cached = m_engine.position();
        if (logits.empty()) {
            flushText();
            return finish(StopReason::Cancelled);
        }
        gen.decodeMs = msBetween(decodeStart, Clock::now());
    }
}

}  // namespace edgert
