// Shared helpers for the Qt Test suites: locating the real models in ../shared/models.
#pragma once

#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QTest>

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

// Sanitizer builds (ASan/TSan, GCC or clang): the process's measured RSS then includes shadow
// memory and the allocator's quarantine, which no memory budget can account for.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EDGERT_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define EDGERT_TEST_SANITIZED 1
#endif
#endif
#ifndef EDGERT_TEST_SANITIZED
#define EDGERT_TEST_SANITIZED 0
#endif

namespace edgert::test {

/// True in a sanitizer build: measured-peak-RSS assertions check the pool's peak instead
/// (see checkPeakRssWithinBudget) and say so in the test output.
inline constexpr bool kSanitizerBuild = EDGERT_TEST_SANITIZED != 0;

/// The measured-peak-RSS check of a run's JSON report fields: peak RSS above the baseline within
/// 5 % + 4 MiB of the budget in a normal build; in a sanitizer build (where RSS includes the
/// sanitizer's shadow memory) the pool's peak within the budget instead, with a qInfo line saying
/// so. Returns an empty string when the check passes, else the failure text.
inline QString checkPeakRssWithinBudget(std::uint64_t budgetBytes, double peakRssAboveBaselineBytes,
                                        double poolPeakBytes)
{
    if (kSanitizerBuild) {
        qInfo(
            "sanitizer build: measured peak RSS (+%.0f bytes) includes the sanitizer's shadow memory; checking "
            "the pool's peak (%.0f bytes) against the budget (%llu bytes) instead",
            peakRssAboveBaselineBytes, poolPeakBytes, static_cast<unsigned long long>(budgetBytes));
        if (poolPeakBytes > static_cast<double>(budgetBytes))
            return QStringLiteral("pool peak %1 bytes > budget %2").arg(poolPeakBytes).arg(budgetBytes);
        return {};
    }
    const double allowed = static_cast<double>(budgetBytes) * 1.05 + 4.0 * 1024 * 1024;
    if (peakRssAboveBaselineBytes > allowed)
        return QStringLiteral("peak RSS +%1 bytes > %2 allowed").arg(peakRssAboveBaselineBytes).arg(allowed);
    return {};
}

/// Absolute path of a file under ../shared/models (EDGERT_SHARED_DIR/models).
inline QString sharedModel(const QString& relative)
{
    return QStringLiteral(EDGERT_SHARED_DIR "/models/") + relative;
}

/// The golden greedy ids from ../shared/models/SOURCES.md (BOS-only prompt, argmax decoding).
inline const std::vector<int>& goldenIdsStories260K()
{
    static const std::vector<int> ids{403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421,
                                      395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292};
    return ids;
}
inline const std::vector<int>& goldenIdsTinyStories656K()
{
    static const std::vector<int> ids{147,  201, 282, 215,  286, 598, 1662, 356, 499, 826, 1363, 1145,
                                      1652, 615, 242, 1482, 951, 628, 499,  826, 872, 921, 318,  385};
    return ids;
}

/// `text` as a JSON string literal: quotes and backslashes escaped, control bytes as \u00XX, every
/// other byte as it is (so a test can write the bytes of a vocabulary into a tokenizer.json).
inline std::string jsonString(std::string_view text)
{
    std::string out = "\"";
    for (const char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else {
            out += ch;
        }
    }
    return out + '"';
}

/// The line that ends every text of llama.cpp's tokenizer test vectors (test-tokenizer-0's
/// `models/ggml-vocab-*.gguf.inp`, copied to ../shared/models/vocab at c392e50).
inline constexpr std::string_view kVocabTestSeparator = "\n__ggml_vocab_test__\n";

/// The texts of a `.inp` vector file, in file order: each is ended by kVocabTestSeparator (a last
/// text without one is kept too). Empty when the file cannot be read.
inline std::vector<std::string> readVocabTestTexts(const QString& inpPath)
{
    QFile file(inpPath);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const std::string all = file.readAll().toStdString();
    std::vector<std::string> texts;
    for (std::size_t pos = 0; pos < all.size();) {
        auto next = all.find(kVocabTestSeparator, pos);
        if (next == std::string::npos) next = all.size();
        texts.push_back(all.substr(pos, next - pos));
        pos = next + kVocabTestSeparator.size();
    }
    return texts;
}

/// One tokenizer test vector: a text and the ids llama.cpp encodes it to, without BOS.
struct VocabTestVector {
    std::string text;
    std::vector<std::int32_t> ids;
};

/// The vectors of `base`.inp and `base`.out (base: the vocabulary GGUF's path): text i with the ids
/// of line i of the .out file (space-separated; empty when the .out file has fewer lines).
inline std::vector<VocabTestVector> readVocabTestVectors(const QString& base)
{
    std::vector<VocabTestVector> vectors;
    for (auto& text : readVocabTestTexts(base + QStringLiteral(".inp"))) vectors.push_back({std::move(text), {}});
    QFile out(base + QStringLiteral(".out"));
    if (!out.open(QIODevice::ReadOnly)) return vectors;
    std::istringstream lines(out.readAll().toStdString());
    std::string line;
    for (auto& vector : vectors) {
        if (!std::getline(lines, line)) break;
        std::istringstream ids(line);
        for (std::int32_t id; ids >> id;) vector.ids.push_back(id);
    }
    return vectors;
}

}  // namespace edgert::test

/// True when $EDGERT_REQUIRE_MODELS is set to anything but "" or "0" (.ci/run sets it to 1): a
/// CI machine has ../shared/models, so a missing file there is a failure, not a skip.
inline bool edgertModelsRequired()
{
    const QByteArray v = qgetenv("EDGERT_REQUIRE_MODELS");
    return !v.isEmpty() && v != "0";
}

/// Skips the current test with a message naming the missing file; fails it instead when
/// EDGERT_REQUIRE_MODELS=1 (a skip counts as a pass in CTest).
#define EDGERT_REQUIRE_FILE(path)                                                                           \
    do {                                                                                                    \
        if (!QFileInfo::exists(path)) {                                                                     \
            const QString edgertMissing =                                                                   \
                QStringLiteral("shared model file absent: %1 (see ../shared/models/SOURCES.md)").arg(path); \
            if (edgertModelsRequired())                                                                     \
                QFAIL(qPrintable(edgertMissing + QStringLiteral(" — EDGERT_REQUIRE_MODELS is set")));       \
            QSKIP(qPrintable(edgertMissing));                                                               \
        }                                                                                                   \
    } while (0)
