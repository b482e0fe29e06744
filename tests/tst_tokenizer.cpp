// Tests for the tokenizers (engine/src/tokenizer):
//  - llama.cpp's test-tokenizer-0 ground truth for the Llama-2 SentencePiece vocabulary
//    (shared/models/vocab/ggml-vocab-llama-spm.gguf{,.inp,.out}), encoded without BOS as there;
//  - the vocabularies embedded in stories260K.gguf and tinystories-656k-q8_0.gguf: metadata,
//    pieces, encode/decode round trips and the documented greedy generations (SOURCES.md);
//  - the SentencePiece merge rules on a hand-made vocabulary (priority, ties, byte fallback,
//    user-defined and control tokens), written as a minimal GGUF v3 file;
//  - TextStreamer's UTF-8 reassembly; FormatError for malformed or unsupported vocabularies.
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/tokenizer.h"
#include "tokenizer/spm-tokenizer.h"
#include "test-support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

using namespace edgert;

namespace {

constexpr const char* kLlamaSpmVocab = "models/vocab/ggml-vocab-llama-spm.gguf";
constexpr const char* kStories260K = "models/stories260K.gguf";
constexpr const char* kTinyStories656K = "models/tinystories-656k-q8_0.gguf";
/// Vectors in ggml-vocab-llama-spm.gguf.inp / .out at llama.cpp c392e509.
constexpr int kLlamaSpmVectorCount = 46;
/// Upper bound for encoding kLongTextBytes with the 32000-token vocab: generous for a shared
/// 2-core machine, yet far below what a quadratic merge loop would need.
constexpr qint64 kLongTextBudgetMs = 20000;
constexpr std::size_t kLongTextBytes = 256 * 1024;
/// Random strings piecesReproduceArbitraryBytes() tries, from a fixed seed.
constexpr int kRandomRounds = 2000;
constexpr quint32 kRandomSeed = 20240229;
constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

QString sharedPath(const char* relative)
{
    return QStringLiteral(EDGERT_SHARED_DIR "/") + relative;
}

std::string readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = file.readAll();
    return bytes.toStdString();
}

/// The tokenizer of a shared model file, loaded once per test run.
const Tokenizer& sharedTokenizer(const QString& path)
{
    static std::map<QString, std::unique_ptr<Tokenizer>> cache;
    auto& slot = cache[path];
    if (!slot) {
        const GgufFile gguf(path.toStdString());
        slot = Tokenizer::fromGguf(gguf);
    }
    return *slot;
}

const SpmTokenizer& sharedSpmTokenizer(const QString& path)
{
    const auto* spm = dynamic_cast<const SpmTokenizer*>(&sharedTokenizer(path));
    if (!spm) throw Error(path.toStdString() + " is not a SentencePiece vocabulary");
    return *spm;
}

QString idsToString(const std::vector<TokenId>& ids)
{
    QStringList parts;
    for (const TokenId id : ids) parts << QString::number(id);
    return parts.join(u' ');
}

std::vector<TokenId> parseIds(const QString& line)
{
    std::vector<TokenId> ids;
    for (const QString& part : line.split(u' ', Qt::SkipEmptyParts)) ids.push_back(part.toInt());
    return ids;
}

/// A printable, bounded row name for a test string.
QByteArray preview(const std::string& text)
{
    QByteArray out;
    for (const char c : text) {
        if (out.size() >= 40) return out + "...";
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            out += c;
        }
    }
    return out;
}

/// Writes GGUF v3 files with metadata only (no tensors), following the layout in ggml docs/gguf.md.
class GgufBuilder {
public:
    GgufBuilder& string(std::string_view key, std::string_view value)
    {
        putKey(key, 8);
        putString(value);
        return *this;
    }
    GgufBuilder& uint32(std::string_view key, quint32 value)
    {
        putKey(key, 4);
        put(value);
        return *this;
    }
    GgufBuilder& int32(std::string_view key, qint32 value)
    {
        putKey(key, 5);
        put(value);
        return *this;
    }
    GgufBuilder& boolean(std::string_view key, bool value)
    {
        putKey(key, 7);
        put(static_cast<quint8>(value ? 1 : 0));
        return *this;
    }
    GgufBuilder& strings(std::string_view key, const std::vector<std::string>& values)
    {
        putArrayHeader(key, 8, values.size());
        for (const auto& v : values) putString(v);
        return *this;
    }
    GgufBuilder& floats(std::string_view key, const std::vector<float>& values)
    {
        putArrayHeader(key, 6, values.size());
        for (const float v : values) put(v);
        return *this;
    }
    GgufBuilder& int32s(std::string_view key, const std::vector<qint32>& values)
    {
        putArrayHeader(key, 5, values.size());
        for (const qint32 v : values) put(v);
        return *this;
    }

    QByteArray bytes() const
    {
        QByteArray header("GGUF");
        appendRaw(header, quint32{3});  // version
        appendRaw(header, quint64{0});  // tensor count
        appendRaw(header, m_count);     // metadata kv count
        return header + m_body;
    }

private:
    template <typename T>
    static void appendRaw(QByteArray& out, T value)
    {  // little-endian host (as the reader asserts)
        char raw[sizeof(T)];
        std::memcpy(raw, &value, sizeof(T));
        out.append(raw, sizeof(T));
    }
    template <typename T>
    void put(T value)
    {
        appendRaw(m_body, value);
    }
    void putString(std::string_view s)
    {
        put(quint64{s.size()});
        m_body.append(s.data(), static_cast<qsizetype>(s.size()));
    }
    void putKey(std::string_view key, quint32 type)
    {
        ++m_count;
        putString(key);
        put(type);
    }
    void putArrayHeader(std::string_view key, quint32 elementType, std::size_t count)
    {
        putKey(key, 9);
        put(elementType);
        put(quint64{count});
    }

    QByteArray m_body;
    quint64 m_count = 0;
};

/// A tiny SentencePiece vocabulary exercising every rule of the merge loop:
///   0 <unk>  1 <s>  2 </s>  3 a  4 b  5 ab  6 ba  7 ▁  8 ▁a  9 <0x63> ('c')  10 <mark> (user-defined)
/// "ab" and "ba" score `abScore` and `baScore`; "d" has neither a piece nor a byte token.
struct MiniVocab {
    inline static const std::string kMarker = "\xE2\x96\x81";  // U+2581 '▁'
    float abScore = -5.0f;
    float baScore = -5.0f;
    bool addSpacePrefix = false;
    bool addBos = true;
    bool addEos = false;

    GgufBuilder builder() const
    {
        GgufBuilder b;
        b.string("general.architecture", "llama")
            .string("tokenizer.ggml.model", "llama")
            .strings("tokenizer.ggml.tokens",
                     {"<unk>", "<s>", "</s>", "a", "b", "ab", "ba", kMarker, kMarker + "a", "<0x63>", "<mark>"})
            .floats("tokenizer.ggml.scores", {0, 0, 0, -1, -1, abScore, baScore, -1, -2, 0, 0})
            .int32s("tokenizer.ggml.token_type", {2, 3, 3, 1, 1, 1, 1, 1, 1, 6, 4})
            .uint32("tokenizer.ggml.bos_token_id", 1)
            .uint32("tokenizer.ggml.eos_token_id", 2)
            .uint32("tokenizer.ggml.unknown_token_id", 0)
            .boolean("tokenizer.ggml.add_bos_token", addBos)
            .boolean("tokenizer.ggml.add_eos_token", addEos)
            .boolean("tokenizer.ggml.add_space_prefix", addSpacePrefix);
        return b;
    }
};

/// Writes `bytes` to a file in `dir` and returns its path.
QString writeGguf(const QTemporaryDir& dir, const QByteArray& bytes, const QString& name = QStringLiteral("v.gguf"))
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) return {};
    return path;
}

std::unique_ptr<Tokenizer> tokenizerFromBytes(const QByteArray& bytes)
{
    QTemporaryDir dir;
    const GgufFile gguf(writeGguf(dir, bytes).toStdString());
    return Tokenizer::fromGguf(gguf);
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    // ---- llama.cpp test-tokenizer-0, Llama-2 SentencePiece vocab ---------------------------
    void llamaSpmMatchesLlamaCppVectors_data();
    void llamaSpmMatchesLlamaCppVectors();
    void llamaSpmVectorFilesAgree();
    void encodesQuarterMegabyteQuickly();
    void piecesReproduceArbitraryBytes();

    // ---- embedded vocabularies ---------------------------------------------------------------
    void vocabularyMetadataIsRead_data();
    void vocabularyMetadataIsRead();
    void tokenPiecesDecodeMarkers_data();
    void tokenPiecesDecodeMarkers();
    void encodeDecodeRoundTrips_data();
    void encodeDecodeRoundTrips();
    void characterWithoutPieceOrByteTokenBecomesUnk();
    void greedyGenerationDecodesToDocumentedText_data();
    void greedyGenerationDecodesToDocumentedText();

    // ---- merge rules on a hand-made vocabulary ------------------------------------------------
    void mergeRulesFollowSentencePiece_data();
    void mergeRulesFollowSentencePiece();
    void parseSpecialRecognisesControlTokens();
    void outOfRangeIdIsUsageError();

    // ---- special tokens of real vocabularies (parse_special, EOG set, piece(special)) ---------
    void specialTokensOfRealVocabularies_data();
    void specialTokensOfRealVocabularies();
    void addBosFollowsTheVocabularyUnlessOverridden();

    // ---- TextStreamer ------------------------------------------------------------------------
    void streamerReassemblesUtf8_data();
    void streamerReassemblesUtf8();
    void streamerKeepsSpaceWithoutSpacePrefix();

    // ---- errors --------------------------------------------------------------------------------
    void malformedVocabularyIsFormatError_data();
    void malformedVocabularyIsFormatError();
};

// ---- llama.cpp test-tokenizer-0 ------------------------------------------------------------------

void TestTokenizer::llamaSpmMatchesLlamaCppVectors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");

    const auto vectors = test::readVocabTestVectors(sharedPath(kLlamaSpmVocab));
    if (vectors.empty()) {
        QTest::newRow("vector files missing") << QByteArray() << QString();  // skipped in the test
        return;
    }
    for (std::size_t index = 0; index < vectors.size(); ++index)
        QTest::addRow("%02d \"%s\"", static_cast<int>(index), preview(vectors[index].text).constData())
            << QByteArray::fromStdString(vectors[index].text) << idsToString(vectors[index].ids);
}

void TestTokenizer::llamaSpmMatchesLlamaCppVectors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const QString vocab = sharedPath(kLlamaSpmVocab);
    EDGERT_REQUIRE_FILE(vocab);  // with its .inp/.out: llama.cpp's tokenizer test vectors
    EDGERT_REQUIRE_FILE(vocab + ".inp");
    EDGERT_REQUIRE_FILE(vocab + ".out");

    const Tokenizer& tokenizer = sharedTokenizer(vocab);
    const std::vector<TokenId> ids = tokenizer.encode(text.toStdString(), false);  // as test-tokenizer-0
    QCOMPARE(idsToString(ids), idsToString(parseIds(expected)));
    QCOMPARE(QByteArray::fromStdString(tokenizer.decode(ids)), text);  // SentencePiece is lossless
}

void TestTokenizer::llamaSpmVectorFilesAgree()
{
    const QString vocab = sharedPath(kLlamaSpmVocab);
    EDGERT_REQUIRE_FILE(vocab + ".inp");
    EDGERT_REQUIRE_FILE(vocab + ".out");
    const std::string outputs = readFile(vocab + ".out");
    QCOMPARE(static_cast<int>(test::readVocabTestTexts(vocab + ".inp").size()), kLlamaSpmVectorCount);
    QCOMPARE(static_cast<int>(std::count(outputs.begin(), outputs.end(), '\n')), kLlamaSpmVectorCount);
}

void TestTokenizer::encodesQuarterMegabyteQuickly()
{
    const QString vocab = sharedPath(kLlamaSpmVocab);
    EDGERT_REQUIRE_FILE(vocab);
    EDGERT_REQUIRE_FILE(vocab + ".inp");
    const std::string sample = readFile(vocab + ".inp");
    const Tokenizer& tokenizer = sharedTokenizer(vocab);
    std::string text;
    while (text.size() < kLongTextBytes) text += sample;

    QElapsedTimer timer;
    timer.start();
    const std::vector<TokenId> ids = tokenizer.encode(text, true);
    const qint64 elapsedMs = timer.elapsed();
    qInfo("encoded %zu bytes into %zu tokens in %lld ms", text.size(), ids.size(), elapsedMs);
    QVERIFY2(elapsedMs < kLongTextBudgetMs, "encoding is not O(n log n)");
    QCOMPARE(tokenizer.decode(ids), text);
}

void TestTokenizer::piecesReproduceArbitraryBytes()
{
    // SentencePiece with byte fallback is lossless: the pieces of encode(s) are ' ' + s for valid
    // UTF-8 and stray continuation bytes; TextStreamer always emits well-formed UTF-8.
    const QString vocab = sharedPath(kLlamaSpmVocab);
    EDGERT_REQUIRE_FILE(vocab);
    const Tokenizer& tokenizer = sharedTokenizer(vocab);
    // Left out: literal '▁', which decodes to ' ', and truncated sequences, see the end.
    static constexpr std::string_view kAlphabet[] = {"a",
                                                     "e",
                                                     "t",
                                                     "on",
                                                     " ",
                                                     "  ",
                                                     "\t",
                                                     "3",
                                                     "!",
                                                     "'",
                                                     "\xC3\xA9",
                                                     "\xE2\x82\xAC",
                                                     "\xF0\x9F\x98\x80",
                                                     "\x82",
                                                     "\xED\xA0\x80",
                                                     "<s>",
                                                     "\n"};
    QRandomGenerator random(kRandomSeed);
    for (int round = 0; round < kRandomRounds; ++round) {
        std::string text;
        const int parts = random.bounded(24);
        for (int i = 0; i < parts; ++i) text += kAlphabet[random.bounded(static_cast<int>(std::size(kAlphabet)))];
        const std::vector<TokenId> ids = tokenizer.encode(text, false);
        std::string pieces;
        for (const TokenId id : ids) pieces += tokenizer.tokenToPiece(id);
        QCOMPARE(QByteArray::fromStdString(pieces), QByteArray::fromStdString(text.empty() ? text : " " + text));
        const QByteArray decoded = QByteArray::fromStdString(tokenizer.decode(ids));
        QCOMPARE(QString::fromUtf8(decoded).toUtf8(), decoded);  // well-formed: survives a UTF-16 round trip
    }

    // llama.cpp quirk, reproduced: a truncated lead byte takes the next bytes into its "character"
    // (length from the lead byte alone), here the first byte of the escaped space, so that '▁'
    // falls back to byte tokens and decodes as '▁' instead of ' '.
    std::string pieces;
    for (const TokenId id : tokenizer.encode("\xC3 a", false)) pieces += tokenizer.tokenToPiece(id);
    QCOMPARE(QByteArray::fromStdString(pieces), QByteArray(" \xC3\xE2\x96\x81"
                                                           "a"));
}

// ---- embedded vocabularies ---------------------------------------------------------------------

void TestTokenizer::vocabularyMetadataIsRead_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("vocabSize");
    QTest::addColumn<QString>("bosText");
    QTest::addColumn<QString>("eosText");
    QTest::addColumn<bool>("addsBos");
    // bos/eos ids are 1/2 in all three (SOURCES.md); stories260K has no add_bos_token key.
    QTest::newRow("llama-spm") << sharedPath(kLlamaSpmVocab) << 32000 << "<s>"
                               << "</s>" << true;
    QTest::newRow("stories260K") << sharedPath(kStories260K) << 512 << "<s>"
                                 << "</s>" << true;
    QTest::newRow("tinystories-656k") << sharedPath(kTinyStories656K) << 2048 << "<|start_story|>"
                                      << "<|end_story|>" << true;
}

void TestTokenizer::vocabularyMetadataIsRead()
{
    QFETCH(QString, path);
    QFETCH(int, vocabSize);
    QFETCH(QString, bosText);
    QFETCH(QString, eosText);
    QFETCH(bool, addsBos);
    EDGERT_REQUIRE_FILE(path);

    const Tokenizer& tokenizer = sharedTokenizer(path);
    QCOMPARE(tokenizer.vocabSize(), static_cast<std::size_t>(vocabSize));
    QCOMPARE(tokenizer.bos(), 1);
    QCOMPARE(tokenizer.eos(), 2);
    QCOMPARE(QString::fromStdString(tokenizer.tokenText(tokenizer.bos())), bosText);
    QCOMPARE(QString::fromStdString(tokenizer.tokenText(tokenizer.eos())), eosText);
    QCOMPARE(tokenizer.addsBos(), addsBos);
    QVERIFY(!tokenizer.addsEos());
    QVERIFY(tokenizer.addsSpacePrefix());
    QCOMPARE(tokenizer.tokenType(tokenizer.bos()), TokenType::Control);
    QCOMPARE(tokenizer.encode("", true), std::vector<TokenId>{tokenizer.bos()});
    QVERIFY(tokenizer.encode("", false).empty());
}

void TestTokenizer::tokenPiecesDecodeMarkers_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("id");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("piece");
    QTest::newRow("space marker becomes space")
        << sharedPath(kLlamaSpmVocab) << 15043 << QByteArray("\xE2\x96\x81Hello") << QByteArray(" Hello");
    QTest::newRow("byte token becomes its byte")
        << sharedPath(kLlamaSpmVocab) << 13 << QByteArray("<0x0A>") << QByteArray("\n");
    QTest::newRow("high byte token") << sharedPath(kLlamaSpmVocab) << 3 + 0xE2 << QByteArray("<0xE2>")
                                     << QByteArray("\xE2");
    QTest::newRow("BOS has no text") << sharedPath(kLlamaSpmVocab) << 1 << QByteArray("<s>") << QByteArray();
    QTest::newRow("EOS has no text") << sharedPath(kLlamaSpmVocab) << 2 << QByteArray("</s>") << QByteArray();
    QTest::newRow("UNK has no text") << sharedPath(kLlamaSpmVocab) << 0 << QByteArray("<unk>") << QByteArray();
    QTest::newRow("stories260K Once") << sharedPath(kStories260K) << 403 << QByteArray("\xE2\x96\x81Once")
                                      << QByteArray(" Once");
    QTest::newRow("tinystories trailing marker")
        << sharedPath(kTinyStories656K) << 201 << QByteArray("ce\xE2\x96\x81") << QByteArray("ce ");
    QTest::newRow("tinystories literal newline")
        << sharedPath(kTinyStories656K) << 3 << QByteArray("\n") << QByteArray("\n");
    QTest::newRow("tinystories BOS has no text")
        << sharedPath(kTinyStories656K) << 1 << QByteArray("<|start_story|>") << QByteArray();
}

void TestTokenizer::tokenPiecesDecodeMarkers()
{
    QFETCH(QString, path);
    QFETCH(int, id);
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, piece);
    EDGERT_REQUIRE_FILE(path);
    const Tokenizer& tokenizer = sharedTokenizer(path);
    QCOMPARE(QByteArray::fromStdString(tokenizer.tokenText(id)), text);
    QCOMPARE(QByteArray::fromStdString(tokenizer.tokenToPiece(id)), piece);
}

void TestTokenizer::encodeDecodeRoundTrips_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("text");
    const QString s260 = sharedPath(kStories260K);
    const QString s656 = sharedPath(kTinyStories656K);
    QTest::newRow("stories260K sentence")
        << s260 << QByteArray("Once upon a time, there was a little girl named Lily.");
    QTest::newRow("stories260K two lines")
        << s260 << QByteArray("She loved to play outside in the park.\nOne day, she saw a big, red ball.");
    QTest::newRow("stories260K leading spaces") << s260 << QByteArray("  two leading spaces and a tab\t!");
    QTest::newRow("stories260K non-ASCII via byte tokens")
        << s260
        << QByteArray("caf\xC3\xA9 \xE2\x98\x95 na\xC3\xAFve \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
    QTest::newRow("tinystories sentence")
        << s656 << QByteArray("Once upon a time, there was a little girl named Lily.");
    QTest::newRow("tinystories dialogue")
        << s656 << QByteArray("\"Hi, Max!\" said Tom. They played with the ball all day.\nThe end.");
    QTest::newRow("tinystories digits and spaces") << s656 << QByteArray("  It was 3 o'clock; time for 10 cookies?");
}

void TestTokenizer::encodeDecodeRoundTrips()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, text);
    EDGERT_REQUIRE_FILE(path);
    const Tokenizer& tokenizer = sharedTokenizer(path);
    const auto* spm = dynamic_cast<const SpmTokenizer*>(&tokenizer);
    QVERIFY(spm);

    const std::vector<TokenId> ids = tokenizer.encode(text.toStdString(), true);
    QVERIFY(!ids.empty());
    QCOMPARE(ids.front(), tokenizer.bos());
    QVERIFY2(std::find(ids.begin(), ids.end(), spm->unk()) == ids.end(), qPrintable(idsToString(ids)));
    QCOMPARE(QByteArray::fromStdString(tokenizer.decode(ids)), text);
    const std::vector<TokenId> withoutBos(ids.begin() + 1, ids.end());
    QCOMPARE(QByteArray::fromStdString(tokenizer.decode(withoutBos)), text);
    QCOMPARE(tokenizer.encode(text.toStdString(), false), withoutBos);
}

void TestTokenizer::characterWithoutPieceOrByteTokenBecomesUnk()
{
    // tinystories-656k has neither byte tokens nor a piece for 'é': both bytes become <unk>, whose
    // piece is empty (llama.cpp would abort in byte_to_token here).
    const QString path = sharedPath(kTinyStories656K);
    EDGERT_REQUIRE_FILE(path);
    const Tokenizer& tokenizer = sharedTokenizer(path);
    const std::vector<TokenId> ids = tokenizer.encode("caf\xC3\xA9", false);
    QVERIFY2(ids.size() >= 3, qPrintable(idsToString(ids)));
    QCOMPARE(ids[ids.size() - 1], 0);
    QCOMPARE(ids[ids.size() - 2], 0);
    QCOMPARE(tokenizer.decode(ids), std::string("caf"));
}

void TestTokenizer::greedyGenerationDecodesToDocumentedText_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("ids");
    QTest::addColumn<QByteArray>("expectedStart");
    // First 24 greedy ids from BOS, from shared/models/SOURCES.md "Golden outputs".
    QTest::newRow("stories260K") << sharedPath(kStories260K)
                                 << "403 407 261 378 432 383 286 261 376 298 315 421 395 317 426 338 401 396 267 337 "
                                    "410 408 419 292"
                                 << QByteArray("Once upon a time, there was a little girl named Lily.");
    QTest::newRow("tinystories-656k") << sharedPath(kTinyStories656K)
                                      << "147 201 282 215 286 598 1662 356 499 826 1363 1145 1652 615 242 1482 951 628 "
                                         "499 826 872 921 318 385"
                                      << QByteArray("Once upon a time, there was a little girl named Lily.");
}

void TestTokenizer::greedyGenerationDecodesToDocumentedText()
{
    QFETCH(QString, path);
    QFETCH(QString, ids);
    QFETCH(QByteArray, expectedStart);
    EDGERT_REQUIRE_FILE(path);
    const Tokenizer& tokenizer = sharedTokenizer(path);
    TextStreamer streamer(tokenizer);
    std::string text;
    for (const TokenId id : parseIds(ids)) text += streamer.push(id);
    text += streamer.flush();
    qInfo("%s", text.c_str());
    QCOMPARE(QByteArray::fromStdString(text).left(expectedStart.size()), expectedStart);
}

// ---- merge rules on a hand-made vocabulary -----------------------------------------------------

void TestTokenizer::mergeRulesFollowSentencePiece_data()
{
    QTest::addColumn<QByteArray>("gguf");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("addSpecial");
    QTest::addColumn<std::vector<TokenId>>("expected");

    const MiniVocab plain;
    MiniVocab baBetter;
    baBetter.baScore = -4.0f;
    MiniVocab prefixed;
    prefixed.addSpacePrefix = true;
    MiniVocab bosAndEos;
    bosAndEos.addEos = true;
    MiniVocab noBos;
    noBos.addBos = false;

    using Ids = std::vector<TokenId>;
    QTest::newRow("EqualScoresMergeLeftmostPair") << plain.builder().bytes() << QByteArray("aba") << false << Ids{5, 3};
    QTest::newRow("HigherScoreWins") << baBetter.builder().bytes() << QByteArray("aba") << false << Ids{3, 6};
    QTest::newRow("StaleCandidatesAreSkipped") << plain.builder().bytes() << QByteArray("abab") << false << Ids{5, 5};
    QTest::newRow("CharacterWithByteTokenFallsBack")
        << plain.builder().bytes() << QByteArray("acb") << false << Ids{3, 9, 4};
    QTest::newRow("CharacterWithoutByteTokenIsUnk") << plain.builder().bytes() << QByteArray("d") << false << Ids{0};
    QTest::newRow("MultiByteCharacterFallsBackPerByte")
        << plain.builder().bytes() << QByteArray("\xC3\xA9") << false << Ids{0, 0};
    QTest::newRow("SpacePrefixAddedAndSpacesEscaped")
        << prefixed.builder().bytes() << QByteArray("a a") << false << Ids{8, 8};
    QTest::newRow("NoSpacePrefixWhenDisabled") << plain.builder().bytes() << QByteArray("a a") << false << Ids{3, 8};
    QTest::newRow("UserDefinedTokenMatchedVerbatim")
        << plain.builder().bytes() << QByteArray("a<mark>b") << false << Ids{3, 10, 4};
    QTest::newRow("SpacePrefixAgainAfterUserDefinedToken")
        << prefixed.builder().bytes() << QByteArray("a<mark>a") << false << Ids{8, 10, 8};
    QTest::newRow("ControlTokenTextIsNotParsed")
        << plain.builder().bytes() << QByteArray("<s>") << false << Ids{0, 0, 0};
    QTest::newRow("AddSpecialPrependsBos") << plain.builder().bytes() << QByteArray("ab") << true << Ids{1, 5};
    QTest::newRow("AddSpecialAppendsEosWhenAsked")
        << bosAndEos.builder().bytes() << QByteArray("ab") << true << Ids{1, 5, 2};
    QTest::newRow("NoBosWhenVocabSaysSo") << noBos.builder().bytes() << QByteArray("ab") << true << Ids{5};
    QTest::newRow("EmptyTextWithSpecialIsJustBos") << plain.builder().bytes() << QByteArray() << true << Ids{1};
    QTest::newRow("EmptyTextWithoutSpecialIsEmpty") << prefixed.builder().bytes() << QByteArray() << false << Ids{};
}

void TestTokenizer::mergeRulesFollowSentencePiece()
{
    QFETCH(QByteArray, gguf);
    QFETCH(QByteArray, text);
    QFETCH(bool, addSpecial);
    QFETCH(std::vector<TokenId>, expected);
    const auto tokenizer = tokenizerFromBytes(gguf);
    QCOMPARE(idsToString(tokenizer->encode(text.toStdString(), addSpecial)), idsToString(expected));
}

void TestTokenizer::parseSpecialRecognisesControlTokens()
{
    const auto tokenizer = tokenizerFromBytes(MiniVocab{}.builder().bytes());
    const auto* spm = dynamic_cast<const SpmTokenizer*>(tokenizer.get());
    QVERIFY(spm);
    QCOMPARE(idsToString(spm->encode("a<s>b</s>", {.addBos = false, .addEos = false, .parseSpecial = true})),
             QStringLiteral("3 1 4 2"));
    QCOMPARE(idsToString(spm->encode("a<s>b</s>", false)), QStringLiteral("3 0 0 0 4 0 0 0 0"));
    QCOMPARE(spm->tokenToPiece(10), std::string("<mark>"));  // user-defined: its text
    QCOMPARE(spm->tokenToPiece(9), std::string("c"));        // byte token
    QCOMPARE(spm->tokenToPiece(8), std::string(" a"));
    QCOMPARE(spm->tokenType(9), TokenType::Byte);
    QCOMPARE(spm->tokenType(10), TokenType::UserDefined);
    QCOMPARE(spm->findToken("ab"), 5);
    QCOMPARE(spm->findToken("zz"), -1);
}

void TestTokenizer::outOfRangeIdIsUsageError()
{
    const auto tokenizer = tokenizerFromBytes(MiniVocab{}.builder().bytes());
    QVERIFY_THROWS_EXCEPTION(UsageError, tokenizer->tokenToPiece(11));
    QVERIFY_THROWS_EXCEPTION(UsageError, tokenizer->tokenText(-1));
    QVERIFY_THROWS_EXCEPTION(UsageError, tokenizer->tokenType(1000));
    TextStreamer streamer(*tokenizer);
    QVERIFY_THROWS_EXCEPTION(UsageError, streamer.push(11));
}

// ---- special tokens of real vocabularies ----------------------------------------------------------

void TestTokenizer::specialTokensOfRealVocabularies_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArrayList>("fragments");         ///< alternating text / special-token text
    QTest::addColumn<std::vector<TokenId>>("specialIds");  ///< the ids of the odd fragments
    QTest::addColumn<std::vector<TokenId>>("endOfGeneration");
    // Gemma-2 style SentencePiece vocabulary (kit file): turn markers are control tokens.
    QTest::newRow("gemma2-kit") << test::sharedModel(QStringLiteral("kit/arch/gemma2-F32.gguf"))
                                << QByteArrayList{"", "<start_of_turn>", "user\nHi", "<end_of_turn>", "\n"}
                                << std::vector<TokenId>{4096, 4097} << std::vector<TokenId>{2, 4097};
    // Phi-3 style: EOS is <|endoftext|>, <|end|> ends a turn, <|assistant|> does not.
    QTest::newRow("phi3-kit") << test::sharedModel(QStringLiteral("kit/arch/phi3-F32.gguf"))
                              << QByteArrayList{"Hi", "<|end|>", "\n", "<|assistant|>", "Yes"}
                              << std::vector<TokenId>{4103, 4097} << std::vector<TokenId>{4096, 4103};
    QTest::newRow("llama-spm") << sharedPath(kLlamaSpmVocab) << QByteArrayList{"", "<s>", "Hello", "</s>", ""}
                               << std::vector<TokenId>{1, 2} << std::vector<TokenId>{2};
    QTest::newRow("gpt-2") << test::sharedModel(QStringLiteral("vocab/ggml-vocab-gpt-2.gguf"))
                           << QByteArrayList{"a", "<|endoftext|>", " b"} << std::vector<TokenId>{50256}
                           << std::vector<TokenId>{50256};
}

void TestTokenizer::specialTokensOfRealVocabularies()
{
    QFETCH(QString, file);
    QFETCH(QByteArrayList, fragments);
    QFETCH(std::vector<TokenId>, specialIds);
    QFETCH(std::vector<TokenId>, endOfGeneration);
    const Tokenizer& tokenizer = sharedTokenizer(file);
    const EncodeOptions noBos{.addBos = false, .addEos = false, .parseSpecial = false};
    EncodeOptions special = noBos;
    special.parseSpecial = true;

    // With parseSpecial the marker texts become exactly their ids and split the text around them:
    // the result is the concatenation of the plain fragments' encodings and the marker ids.
    std::string text;
    std::vector<TokenId> expected;
    for (qsizetype i = 0; i < fragments.size(); ++i) {
        const std::string fragment = fragments[i].toStdString();
        text += fragment;
        if (i % 2 == 1) {
            QCOMPARE(tokenizer.tokenText(specialIds[static_cast<std::size_t>(i / 2)]), fragment);
            expected.push_back(specialIds[static_cast<std::size_t>(i / 2)]);
        } else {
            // Each plain fragment encodes as if alone (SentencePiece prefixes a space after a
            // special token as at the start).
            const auto ids = tokenizer.encode(fragment, noBos);
            expected.insert(expected.end(), ids.begin(), ids.end());
        }
    }
    const auto parsed = tokenizer.encode(text, special);
    QCOMPARE(idsToString(parsed), idsToString(expected));

    // Without parseSpecial the same text holds no control token: the markers are split into pieces.
    for (const TokenId id : tokenizer.encode(text, noBos)) {
        QVERIFY2(!tokenizer.isControl(id), qPrintable(QStringLiteral("control id %1 in plain encoding").arg(id)));
    }

    // The end-of-generation set, as llama.cpp builds it.
    QCOMPARE(idsToString(tokenizer.endOfGenerationIds()), idsToString(endOfGeneration));
    for (const TokenId id : endOfGeneration) {
        QVERIFY(tokenizer.isEndOfGeneration(id));
        QVERIFY(tokenizer.isControl(id));
    }
    QVERIFY(!tokenizer.isEndOfGeneration(-1));
    QVERIFY(!tokenizer.isEndOfGeneration(static_cast<TokenId>(tokenizer.vocabSize())));
    for (const TokenId id : specialIds) {
        if (!std::binary_search(endOfGeneration.begin(), endOfGeneration.end(), id))
            QVERIFY(!tokenizer.isEndOfGeneration(id));
        // Control tokens render as nothing unless special = true, then as their text.
        QCOMPARE(tokenizer.piece(id), std::string());
        QCOMPARE(tokenizer.piece(id, true), tokenizer.tokenText(id));
    }
    // decode(special = true) gives the text back for these inputs (no space prefix in play).
    if (!tokenizer.addsSpacePrefix()) QCOMPARE(tokenizer.decode(parsed, true), text);
    const std::string withoutMarkers = tokenizer.decode(parsed);
    for (qsizetype i = 1; i < fragments.size(); i += 2)
        QVERIFY(withoutMarkers.find(fragments[i].toStdString()) == std::string::npos);
}

void TestTokenizer::addBosFollowsTheVocabularyUnlessOverridden()
{
    const Tokenizer& spm = sharedTokenizer(sharedPath(kLlamaSpmVocab));  // add_bos_token = true
    QCOMPARE(spm.encode("Hi").front(), spm.bos());
    QVERIFY(spm.encode("Hi", EncodeOptions{.addBos = false, .addEos = std::nullopt, .parseSpecial = false}).front() !=
            spm.bos());
    QCOMPARE(spm.encode("Hi", true), spm.encode("Hi"));
    const Tokenizer& gpt2 = sharedTokenizer(test::sharedModel(QStringLiteral("vocab/ggml-vocab-gpt-2.gguf")));
    QCOMPARE(gpt2.encode("Hi"), (std::vector<TokenId>{17250}));  // no add_bos_token: none
    QCOMPARE(gpt2.encode("Hi", EncodeOptions{.addBos = true, .addEos = true, .parseSpecial = false}),
             (std::vector<TokenId>{50256, 17250, 50256}));
}

// ---- TextStreamer ------------------------------------------------------------------------------

void TestTokenizer::streamerReassemblesUtf8_data()
{
    QTest::addColumn<QStringList>("tokens");
    QTest::addColumn<QByteArrayList>("outputs");  ///< what each push returns
    QTest::addColumn<QByteArray>("flushed");
    const QByteArray fffd(kReplacement);
    const QString once = QStringLiteral("\u2581Once");
    const QString upon = QStringLiteral("\u2581upon");

    QTest::newRow("ThreeByteTokensReleaseEuroWhenComplete")
        << QStringList{"<0xE2>", "<0x82>", "<0xAC>"} << QByteArrayList{"", "", "\xE2\x82\xAC"} << QByteArray();
    QTest::newRow("FourByteTokensReleaseEmojiWhenComplete")
        << QStringList{"<0xF0>", "<0x9F>", "<0x98>", "<0x80>"} << QByteArrayList{"", "", "", "\xF0\x9F\x98\x80"}
        << QByteArray();
    QTest::newRow("TwoCharactersInARow") << QStringList{"<0xC3>", "<0xA9>", "<0xC3>", "<0xA9>"}
                                         << QByteArrayList{"", "\xC3\xA9", "", "\xC3\xA9"} << QByteArray();
    QTest::newRow("IncompleteSequenceFlushedAsReplacement")
        << QStringList{"<0xE2>", "<0x82>"} << QByteArrayList{"", ""} << fffd;
    QTest::newRow("InterruptedSequenceBecomesReplacement")
        << QStringList{"<0xE2>", once} << QByteArrayList{"", fffd + " Once"} << QByteArray();
    QTest::newRow("StrayContinuationByteBecomesReplacement")
        << QStringList{"<0x82>", once} << QByteArrayList{fffd, " Once"} << QByteArray();
    QTest::newRow("OverlongLeadByteBecomesReplacement")
        << QStringList{"<0xC0>", "<0x80>"} << QByteArrayList{fffd, fffd} << QByteArray();
    QTest::newRow("SurrogateBecomesReplacements")
        << QStringList{"<0xED>", "<0xA0>", "<0x80>"} << QByteArrayList{"", fffd + fffd, fffd} << QByteArray();
    QTest::newRow("LeadingSpaceOfFirstPieceStripped")
        << QStringList{once, upon} << QByteArrayList{"Once", " upon"} << QByteArray();
    QTest::newRow("ControlTokenDoesNotCountAsFirstPiece")
        << QStringList{"<s>", once, "</s>"} << QByteArrayList{"", "Once", ""} << QByteArray();
    QTest::newRow("NewlineByteToken") << QStringList{once, "<0x0A>", upon} << QByteArrayList{"Once", "\n", " upon"}
                                      << QByteArray();
}

void TestTokenizer::streamerReassemblesUtf8()
{
    QFETCH(QStringList, tokens);
    QFETCH(QByteArrayList, outputs);
    QFETCH(QByteArray, flushed);
    const QString path = sharedPath(kStories260K);  // has all 256 byte tokens
    EDGERT_REQUIRE_FILE(path);
    const SpmTokenizer& tokenizer = sharedSpmTokenizer(path);

    TextStreamer streamer(tokenizer);
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const TokenId id = tokenizer.findToken(tokens[i].toStdString());
        QVERIFY2(id >= 0, qPrintable("no token " + tokens[i]));
        QCOMPARE(QByteArray::fromStdString(streamer.push(id)), outputs[i]);
    }
    QCOMPARE(QByteArray::fromStdString(streamer.flush()), flushed);
    QCOMPARE(streamer.flush(), std::string());
}

void TestTokenizer::streamerKeepsSpaceWithoutSpacePrefix()
{
    const auto plain = tokenizerFromBytes(MiniVocab{}.builder().bytes());  // add_space_prefix = false
    TextStreamer streamer(*plain);
    QCOMPARE(streamer.push(8), std::string(" a"));
    MiniVocab prefixedVocab;
    prefixedVocab.addSpacePrefix = true;
    const auto prefixed = tokenizerFromBytes(prefixedVocab.builder().bytes());
    TextStreamer prefixedStreamer(*prefixed);
    QCOMPARE(prefixedStreamer.push(8), std::string("a"));
    QCOMPARE(prefixedStreamer.push(8), std::string(" a"));
    QCOMPARE(prefixedStreamer.flush(), std::string());
    QCOMPARE(prefixedStreamer.push(8), std::string("a"));  // flush ends the text; a new one begins
}

// ---- errors ----------------------------------------------------------------------------------------

void TestTokenizer::malformedVocabularyIsFormatError_data()
{
    QTest::addColumn<QByteArray>("gguf");
    QTest::addColumn<QStringList>("messageParts");

    const std::vector<std::string> tokens{"<unk>", "<s>", "</s>", "a"};
    const auto base = [&](std::string_view model = "llama") {
        GgufBuilder b;
        b.string("general.architecture", "llama").string("tokenizer.ggml.model", model);
        return b;
    };

    QTest::newRow("UnknownTokenizerModel") << base("gpt3-unknown").strings("tokenizer.ggml.tokens", tokens).bytes()
                                           << QStringList{"tokenizer.ggml.model", "gpt3-unknown", "\"llama\""};
    QTest::newRow("MissingTokenizerModel")
        << GgufBuilder().string("general.architecture", "llama").strings("tokenizer.ggml.tokens", tokens).bytes()
        << QStringList{"tokenizer.ggml.model", "missing"};
    QTest::newRow("MissingTokenList") << base().bytes() << QStringList{"tokenizer.ggml.tokens", "missing"};
    QTest::newRow("EmptyTokenList") << base().strings("tokenizer.ggml.tokens", {}).bytes()
                                    << QStringList{"tokenizer.ggml.tokens", "empty"};
    QTest::newRow("TokenListNotStrings") << base().floats("tokenizer.ggml.tokens", {1, 2}).bytes()
                                         << QStringList{"tokenizer.ggml.tokens"};
    QTest::newRow("ScoresShorterThanTokens")
        << base().strings("tokenizer.ggml.tokens", tokens).floats("tokenizer.ggml.scores", {0, 0, 0}).bytes()
        << QStringList{"tokenizer.ggml.scores", "3 entries", "4"};
    QTest::newRow("ScoreIsNaN") << base()
                                       .strings("tokenizer.ggml.tokens", tokens)
                                       .floats("tokenizer.ggml.scores", {0, 0, 0, std::nanf("")})
                                       .bytes()
                                << QStringList{"tokenizer.ggml.scores", "#3", "NaN"};
    QTest::newRow("TokenTypesLongerThanTokens")
        << base().strings("tokenizer.ggml.tokens", tokens).int32s("tokenizer.ggml.token_type", {2, 3, 3, 1, 1}).bytes()
        << QStringList{"tokenizer.ggml.token_type", "5 entries"};
    QTest::newRow("TokenTypeOutOfRange")
        << base().strings("tokenizer.ggml.tokens", tokens).int32s("tokenizer.ggml.token_type", {2, 3, 3, 7}).bytes()
        << QStringList{"tokenizer.ggml.token_type", "#3", "7"};
    QTest::newRow("ByteTypeWithoutByteText")
        << base().strings("tokenizer.ggml.tokens", tokens).int32s("tokenizer.ggml.token_type", {2, 3, 3, 6}).bytes()
        << QStringList{"tokenizer.ggml.token_type", "<0xNN>"};
    QTest::newRow("BosIdOutOfRange")
        << base().strings("tokenizer.ggml.tokens", tokens).uint32("tokenizer.ggml.bos_token_id", 99).bytes()
        << QStringList{"tokenizer.ggml.bos_token_id", "99", "4 tokens"};
    QTest::newRow("EosIdIsMinusOneAsUnsigned")
        << base().strings("tokenizer.ggml.tokens", tokens).uint32("tokenizer.ggml.eos_token_id", 0xFFFFFFFFu).bytes()
        << QStringList{"tokenizer.ggml.eos_token_id", "4294967295"};
    QTest::newRow("UnknownIdNegative")
        << base().strings("tokenizer.ggml.tokens", tokens).int32("tokenizer.ggml.unknown_token_id", -1).bytes()
        << QStringList{"tokenizer.ggml.unknown_token_id", "negative"};
    QTest::newRow("DefaultBosOutsideTinyVocabulary") << base().strings("tokenizer.ggml.tokens", {"<unk>"}).bytes()
                                                     << QStringList{"tokenizer.ggml.bos_token_id", "default"};
    QTest::newRow("DuplicateTokenText")
        << base().strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "<s>"}).bytes()
        << QStringList{"tokenizer.ggml.tokens", "twice", "#1", "#3"};
}

void TestTokenizer::malformedVocabularyIsFormatError()
{
    QFETCH(QByteArray, gguf);
    QFETCH(QStringList, messageParts);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeGguf(dir, gguf, QStringLiteral("bad-vocab.gguf"));
    QVERIFY(!path.isEmpty());
    const GgufFile file(path.toStdString());
    try {
        Tokenizer::fromGguf(file);
        QFAIL("no FormatError was thrown");
    } catch (const FormatError& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains(path), qPrintable("message does not name the file: " + message));
        for (const QString& part : messageParts)
            QVERIFY2(message.contains(part), qPrintable("message lacks '" + part + "': " + message));
    }
}

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
