#include "edgert/log-prob-file.h"

#include "edgert/error.h"
#include "io/atomic-file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace edgert::eval {

static_assert(std::endian::native == std::endian::little, "the log-probability file is little-endian");

namespace {

constexpr char kMagic[8] = {'_', 'l', 'o', 'g', 'i', 't', 's', '_'};
constexpr std::uint64_t kHeaderBytes = 20;
constexpr float kRangeNats = 16.0f;  // values more than 16 nats below the top are stored as the floor

std::string errnoText()
{
    return std::strerror(errno);
}

void preadExactly(int fd, void* out, std::size_t length, std::uint64_t offset, const std::string& path)
{
    auto* p = static_cast<char*>(out);
    while (length > 0) {
        const ssize_t n = ::pread(fd, p, length, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw IoError("cannot read '" + path + "' at byte " + std::to_string(offset) + ": " + errnoText());
        if (n == 0) throw FormatError("'" + path + "' is truncated at byte " + std::to_string(offset));
        p += n;
        length -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

}  // namespace

std::size_t logProbRowValues(std::int32_t nVocab)
{
    return 2 * ((static_cast<std::size_t>(nVocab) + 1) / 2) + 4;
}
std::uint32_t scoredPerChunk(std::uint32_t nCtx)
{
    return nCtx - 1 - nCtx / 2;
}

void encodeLogProbRow(std::span<const float> logits, std::span<std::uint16_t> row)
{
    const auto [minIt, maxIt] = std::minmax_element(logits.begin(), logits.end());
    const float maxLogit = *maxIt;
    const float minLogit = std::max(*minIt, maxLogit - kRangeNats);
    double sum = 0.0;
    for (const float l : logits) sum += std::exp(l - maxLogit);
    const auto logSum = static_cast<float>(std::log(sum));
    const float header[2] = {(maxLogit - minLogit) / 65535.0f, minLogit - maxLogit - logSum};
    std::memcpy(row.data(), header, sizeof header);
    auto* q = row.data() + 4;
    std::fill(q, row.data() + row.size(), std::uint16_t{0});
    if (header[0] > 0) {
        const float inverse = 1.0f / header[0];
        for (std::size_t i = 0; i < logits.size(); ++i)
            if (logits[i] > minLogit)
                q[i] = static_cast<std::uint16_t>(std::min(65535.0f, std::nearbyint(inverse * (logits[i] - minLogit))));
    }
}

// ---------------------------------------------------------------------------------------------
LogProbWriter::LogProbWriter(const std::string& path, std::uint32_t nCtx, std::int32_t nVocab, std::int32_t nChunks,
                             std::span<const TokenId> tokens)
    : m_file(std::make_unique<AtomicFile>(path)),
      m_nVocab(nVocab),
      m_rowsExpected(std::uint64_t{scoredPerChunk(nCtx)} * static_cast<std::uint64_t>(nChunks)),
      m_row(logProbRowValues(nVocab))
{
    if (tokens.size() != std::uint64_t{nCtx} * static_cast<std::uint64_t>(nChunks))
        throw UsageError("log-probability file: " + std::to_string(tokens.size()) + " tokens for " +
                         std::to_string(nChunks) + " chunks of " + std::to_string(nCtx));
    m_file->write(kMagic, sizeof kMagic);
    m_file->write(&nCtx, sizeof nCtx);
    m_file->write(&nVocab, sizeof nVocab);
    m_file->write(&nChunks, sizeof nChunks);
    m_file->write(tokens.data(), tokens.size_bytes());
}

LogProbWriter::~LogProbWriter() = default;

void LogProbWriter::addRow(std::span<const float> logits)
{
    if (logits.size() != static_cast<std::size_t>(m_nVocab))
        throw UsageError("log-probability file: a row of " + std::to_string(logits.size()) + " logits, expected " +
                         std::to_string(m_nVocab));
    if (m_rows == m_rowsExpected) throw UsageError("log-probability file: more rows than the header announces");
    encodeLogProbRow(logits, m_row);
    m_file->write(m_row.data(), m_row.size() * sizeof(std::uint16_t));
    ++m_rows;
}

void LogProbWriter::commit()
{
    if (m_rows != m_rowsExpected)
        throw UsageError("log-probability file '" + m_file->target() + "': " + std::to_string(m_rows) + " of " +
                         std::to_string(m_rowsExpected) + " rows written");
    m_file->commit();
}

// ---------------------------------------------------------------------------------------------
LogProbReader::LogProbReader(const std::string& path) : m_path(path)
{
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) throw IoError("cannot open log-probability file '" + path + "': " + errnoText());
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) {
        ::close(m_fd);
        throw IoError("cannot stat '" + path + "': " + errnoText());
    }
    try {
        const auto size = static_cast<std::uint64_t>(st.st_size);
        const auto bad = [&](const std::string& what, std::uint64_t offset) {
            return FormatError("'" + path + "' is not a log-probability file: " + what + " (byte " +
                               std::to_string(offset) + ")");
        };
        if (size < kHeaderBytes) throw bad("shorter than its 20-byte header, " + std::to_string(size) + " bytes", 0);
        char header[kHeaderBytes];
        preadExactly(m_fd, header, sizeof header, 0, path);
        if (std::memcmp(header, kMagic, sizeof kMagic) != 0) throw bad("magic is not \"_logits_\"", 0);
        std::memcpy(&m_nCtx, header + 8, 4);
        std::memcpy(&m_nVocab, header + 12, 4);
        std::memcpy(&m_nChunks, header + 16, 4);
        if (m_nCtx < 4 || m_nCtx > (1u << 24)) throw bad("context of " + std::to_string(m_nCtx) + " tokens", 8);
        if (m_nVocab < 1 || m_nVocab > (1 << 24)) throw bad("vocabulary of " + std::to_string(m_nVocab), 12);
        if (m_nChunks < 1) throw bad(std::to_string(m_nChunks) + " chunks", 16);
        const std::uint64_t tokenBytes = std::uint64_t{m_nCtx} * static_cast<std::uint64_t>(m_nChunks) * 4;
        const std::uint64_t rowBytes = logProbRowValues(m_nVocab) * 2;
        const std::uint64_t rows = std::uint64_t{scoredPerChunk(m_nCtx)} * static_cast<std::uint64_t>(m_nChunks);
        const std::uint64_t expected = kHeaderBytes + tokenBytes + rows * rowBytes;
        if (size != expected)
            throw bad("the header (" + std::to_string(m_nChunks) + " chunks of " + std::to_string(m_nCtx) +
                          " tokens, vocabulary " + std::to_string(m_nVocab) + ") needs " + std::to_string(expected) +
                          " bytes, the file has " + std::to_string(size),
                      8);
        m_tokens.resize(tokenBytes / 4);
        preadExactly(m_fd, m_tokens.data(), tokenBytes, kHeaderBytes, path);
        for (std::size_t i = 0; i < m_tokens.size(); ++i)
            if (m_tokens[i] < 0 || m_tokens[i] >= m_nVocab)
                throw bad("token " + std::to_string(m_tokens[i]) + " outside the vocabulary", kHeaderBytes + 4 * i);
        m_rowsOffset = kHeaderBytes + tokenBytes;
        m_row.resize(logProbRowValues(m_nVocab));
    } catch (...) {
        ::close(m_fd);
        throw;
    }
}

LogProbReader::~LogProbReader()
{
    if (m_fd >= 0) ::close(m_fd);
}

void LogProbReader::readRow(std::uint64_t index, std::span<float> logProbs)
{
    if (logProbs.size() != static_cast<std::size_t>(m_nVocab))
        throw UsageError("log-probability row of " + std::to_string(logProbs.size()) + " values, the file has " +
                         std::to_string(m_nVocab));
    const std::uint64_t rows = std::uint64_t{scoredPerChunk(m_nCtx)} * static_cast<std::uint64_t>(m_nChunks);
    if (index >= rows)
        throw UsageError("log-probability row " + std::to_string(index) + " of '" + m_path + "', which has " +
                         std::to_string(rows));
    const std::uint64_t rowBytes = m_row.size() * 2;
    preadExactly(m_fd, m_row.data(), rowBytes, m_rowsOffset + index * rowBytes, m_path);
    float header[2];
    std::memcpy(header, m_row.data(), sizeof header);
    for (std::size_t i = 0; i < logProbs.size(); ++i) logProbs[i] = header[0] * m_row[4 + i] + header[1];
}

}  // namespace edgert::eval
