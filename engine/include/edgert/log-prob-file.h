// The log-probability file of `edge-rt perplexity --kl-divergence-base FILE`: a base model's
// log-softmax at every scored position, which `--kl-divergence FILE` compares another model with.
// The layout is llama-perplexity's `--kl-divergence-base` file (tools/perplexity in llama.cpp),
// so edge-rt can compare against a base file llama.cpp wrote and the other way round.
// All values little-endian:
//
//   offset  size                         field
//   0       8                            magic "_logits_"
//   8       4  u32                       nCtx: tokens per chunk
//   12      4  i32                       nVocab
//   16      4  i32                       nChunks
//   20      4·nCtx·nChunks  i32          the evaluated tokens, chunk after chunk (the file's own
//                                        tokens are scored; the first of each chunk is replaced
//                                        by BOS when the vocabulary adds one)
//   then nChunks × (nCtx − 1 − nCtx/2) rows, one per scored position, each nv = 2·⌈nVocab/2⌉ + 4
//   u16 values: [0..1] f32 scale, [2..3] f32 minLogProb, [4..4+nVocab) q_i, padding to nv.
//   log p_i = scale · q_i + minLogProb. The range covers at most 16 nats below the top logit:
//   minLogit = max(min logit, max logit − 16), scale = (max − minLogit) / 65535,
//   q_i = round((logit_i − minLogit) / scale) for logit_i > minLogit, else 0.
//
// Files are written atomically (io/atomic-file.h). The reader checks the header against the file
// size before reading anything, and reads one row at a time (no unbounded allocation).
#pragma once

#include "edgert/tokenizer.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace edgert {
class AtomicFile;
}

namespace edgert::eval {

/// u16 values per row for a vocabulary of nVocab (2·⌈nVocab/2⌉ + 4).
std::size_t logProbRowValues(std::int32_t nVocab);
/// Scored positions per chunk of nCtx tokens (nCtx − 1 − nCtx/2).
std::uint32_t scoredPerChunk(std::uint32_t nCtx);

/// Encodes one logits row (nVocab,) into `row` (logProbRowValues(nVocab) u16) as above.
void encodeLogProbRow(std::span<const float> logits, std::span<std::uint16_t> row);

class LogProbWriter {
public:
    /// Starts `path` (atomically; nothing appears until commit()). tokens: nChunks·nCtx ids.
    LogProbWriter(const std::string& path, std::uint32_t nCtx, std::int32_t nVocab, std::int32_t nChunks,
                  std::span<const TokenId> tokens);
    /// Appends the row of one scored position, in order.
    void addRow(std::span<const float> logits);
    /// Checks every row was written and publishes the file. UsageError when rows are missing.
    void commit();
    ~LogProbWriter();
    LogProbWriter(const LogProbWriter&) = delete;
    LogProbWriter& operator=(const LogProbWriter&) = delete;

private:
    std::unique_ptr<AtomicFile> m_file;
    std::int32_t m_nVocab;
    std::uint64_t m_rowsExpected;
    std::uint64_t m_rows = 0;
    std::vector<std::uint16_t> m_row;
};

class LogProbReader {
public:
    /// Opens and validates `path`: magic, nCtx ≥ 4, nVocab ≥ 1, nChunks ≥ 1, the file size equal to
    /// the header's claim, every token in [0, nVocab). FormatError naming the file, field and byte
    /// offset otherwise; IoError when it cannot be read.
    explicit LogProbReader(const std::string& path);
    ~LogProbReader();
    LogProbReader(const LogProbReader&) = delete;
    LogProbReader& operator=(const LogProbReader&) = delete;

    std::uint32_t nCtx() const { return m_nCtx; }
    std::int32_t nVocab() const { return m_nVocab; }
    std::int32_t nChunks() const { return m_nChunks; }
    const std::vector<TokenId>& tokens() const { return m_tokens; }

    /// Decodes scored row `index` (chunk · scoredPerChunk + position − nCtx/2) into log p (nVocab,).
    void readRow(std::uint64_t index, std::span<float> logProbs);

private:
    std::string m_path;
    int m_fd = -1;
    std::uint32_t m_nCtx = 0;
    std::int32_t m_nVocab = 0;
    std::int32_t m_nChunks = 0;
    std::uint64_t m_rowsOffset = 0;
    std::vector<TokenId> m_tokens;
    std::vector<std::uint16_t> m_row;
};

}  // namespace edgert::eval
