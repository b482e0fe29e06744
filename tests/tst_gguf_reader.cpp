// GgufFile (reader) and GgufWriter tests.
//  - The reader is checked against the real models in shared/models. The expected facts come from
//    shared/models/SOURCES.md.
//  - Corrupted copies (truncated or patched) must raise FormatError, never crash, and name the
//    file. Run under valgrind to show that nothing is read out of bounds.
//  - The writer is checked by round trips through the reader. Rebuilding a real file from its
//    parsed contents must reproduce it byte for byte.
#include "test-support.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/tensor-type.h"

using namespace edgert;

using WriterStep = std::function<void(GgufWriter&)>;
Q_DECLARE_METATYPE(WriterStep)

namespace {

const std::string kModelsDir = std::string(EDGERT_SHARED_DIR) + "/models/";
const std::string kStories = kModelsDir + "stories260K.gguf";
const std::string kTinyStoriesQ8 = kModelsDir + "tinystories-656k-q8_0.gguf";
const std::string kKitQ4_K_M = kModelsDir + "kit/kquant/kq-llama-d256-Q4_K_M.gguf";
const std::string kVocabLlamaSpm = kModelsDir + "vocab/ggml-vocab-llama-spm.gguf";
const std::string kVocabGpt2 = kModelsDir + "vocab/ggml-vocab-gpt-2.gguf";

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QByteArray readFileBytes(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) throw std::runtime_error("cannot read " + path.toStdString());
    return f.readAll();
}

void writeFileBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        throw std::runtime_error("cannot write " + path.toStdString());
}

template <typename T>
void poke(QByteArray& bytes, qsizetype at, T value)
{
    if (at < 0 || at + qsizetype(sizeof(T)) > bytes.size()) throw std::logic_error("poke out of range");
    std::memcpy(bytes.data() + at, &value, sizeof(T));
}

template <typename T>
T peek(const QByteArray& bytes, qsizetype at)
{
    if (at < 0 || at + qsizetype(sizeof(T)) > bytes.size()) throw std::logic_error("peek out of range");
    T value;
    std::memcpy(&value, bytes.constData() + at, sizeof(T));
    return value;
}

QByteArray lengthPrefixed(std::string_view s)
{
    QByteArray out(8, '\0');
    const std::uint64_t n = s.size();
    std::memcpy(out.data(), &n, sizeof n);
    out.append(s.data(), qsizetype(s.size()));
    return out;
}

/// Byte positions of one metadata entry in a GGUF image: key string, u32 value type, value.
struct KeyPos {
    qsizetype keyAt, typeAt, valueAt;
};

KeyPos locateKey(const QByteArray& bytes, std::string_view key)
{
    const auto at = bytes.indexOf(lengthPrefixed(key));
    if (at < 0) throw std::logic_error("key not found: " + std::string(key));
    const auto typeAt = at + 8 + qsizetype(key.size());
    return {at, typeAt, typeAt + 4};
}

/// Byte positions of one tensor info: name, u32 n_dims, u64 dims[], u32 type, u64 offset.
struct TensorPos {
    qsizetype nameAt, nDimsAt, dimsAt, typeAt, offsetAt, endAt;
};

TensorPos locateTensor(const QByteArray& bytes, std::string_view name)
{
    const auto at = bytes.lastIndexOf(lengthPrefixed(name));
    if (at < 0) throw std::logic_error("tensor not found: " + std::string(name));
    const auto nDimsAt = at + 8 + qsizetype(name.size());
    const auto nDims = qsizetype(peek<std::uint32_t>(bytes, nDimsAt));
    const auto typeAt = nDimsAt + 4 + 8 * nDims;
    return {at, nDimsAt, nDimsAt + 4, typeAt, typeAt + 4, typeAt + 12};
}

QString atByteOffset(qsizetype offset)
{
    return QStringLiteral("at byte offset %1").arg(offset);
}

/// What GgufFile(path) did.
struct Outcome {
    enum Kind { Parsed, Format, Io, Other } kind;
    QString message;
};

Outcome tryParse(const QString& path)
{
    try {
        GgufFile f(path.toStdString());
        return {Outcome::Parsed, {}};
    } catch (const FormatError& e) {
        return {Outcome::Format, QString::fromUtf8(e.what())};
    } catch (const IoError& e) {
        return {Outcome::Io, QString::fromUtf8(e.what())};
    } catch (const std::exception& e) {
        return {Outcome::Other, QString::fromUtf8(e.what())};
    }
}

/// Deterministic "chosen" bytes: a per-seed LCG, so every tensor has distinct, checkable content.
std::vector<std::byte> patternBytes(std::size_t n, std::uint32_t seed)
{
    std::vector<std::byte> out(n);
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& b : out) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::byte>(x >> 24);
    }
    return out;
}

std::uint64_t tensorBytes(TensorType type, const std::vector<std::uint64_t>& dims)
{
    std::uint64_t elements = 1;
    for (auto d : dims) elements *= d;
    const auto t = traitsOf(type);
    return elements / t.blockElements * t.blockBytes;
}

/// Keys of `f` in file order (GgufFile keeps them in a map; the value offsets give the order).
QStringList keysInFileOrder(const GgufFile& f)
{
    std::vector<std::pair<std::uint64_t, std::string>> keys;
    for (const auto& [key, value] : f.metadata()) keys.emplace_back(value.fileOffset, key);
    std::sort(keys.begin(), keys.end());
    QStringList out;
    for (const auto& k : keys) out << qs(k.second);
    return out;
}

/// The raw element bytes of an array value.
std::span<const std::byte> arrayBytes(const GgufFile& f, std::string_view key)
{
    const auto& a = std::get<GgufArrayRef>(f.find(key)->value);
    return f.file().bytes().subspan(a.fileOffset, a.byteSize);
}

bool sameBytes(std::span<const std::byte> a, std::span<const std::byte> b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::vector<std::byte> readTensorBytes(const GgufFile& f, const GgufTensorInfo& t)
{
    std::vector<std::byte> out(t.sizeBytes);
    f.readTensor(t, out.data());
    return out;
}

/// A GGUF image by hand, for shapes GgufWriter cannot produce: one key whose value is an array
/// nested `levels` deep (outermost first), the innermost an empty uint8 array.
QByteArray nestedArrayFile(int levels)
{
    QByteArray b;
    auto add = [&b](auto v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); };
    add(std::uint32_t{0x46554747});
    add(std::uint32_t{3});
    add(std::uint64_t{0});  // tensors
    add(std::uint64_t{1});  // kvs
    b.append(lengthPrefixed("test.nested"));
    add(static_cast<std::uint32_t>(GgufType::Array));
    for (int i = 0; i < levels; ++i) {
        const bool innermost = i == levels - 1;
        add(static_cast<std::uint32_t>(innermost ? GgufType::UInt8 : GgufType::Array));
        add(std::uint64_t{innermost ? 0u : 1u});
    }
    return b;
}

}  // namespace

class TstGgufReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    // ---- real files ----
    void realModelHasDocumentedFacts_data();
    void realModelHasDocumentedFacts();
    void vocabOnlyFileHasTokensAndNoTensors_data();
    void vocabOnlyFileHasTokensAndNoTensors();
    void missingOrEmptyFileIsReported();
    void duplicateTensorNameIsRejected();

    // ---- corrupted files ----
    void truncatedCopyIsRejectedAtEveryOffset_data();
    void truncatedCopyIsRejectedAtEveryOffset();
    void corruptedFileIsRejectedWithContext_data();
    void corruptedFileIsRejectedWithContext();
    void hugeTensorCountInMultiGigabyteFileIsFormatError();
    void arraysNestedEightDeepAreAccepted();
    void knownButUnsupportedTensorTypeIsParsed_data();
    void knownButUnsupportedTensorTypeIsParsed();

    // ---- writer ----
    void writerRoundTripPreservesEverything_data();
    void writerRoundTripPreservesEverything();
    void rewriteOfRealFileIsByteIdentical_data();
    void rewriteOfRealFileIsByteIdentical();
    void copyMetadataKeepsTokenizerArraysExactly_data();
    void copyMetadataKeepsTokenizerArraysExactly();
    void streamedTensorIsWrittenInBoundedChunks_data();
    void streamedTensorIsWrittenInBoundedChunks();
    void writerRejectsMisuse_data();
    void writerRejectsMisuse();
    void failedWriteLeavesTargetUntouched();
    void writeToMissingDirectoryIsIoErrorNamingPath();
    void writeReplacesFileAtomicallyUnderOpenReader();

private:
    QString tmp(const QString& name) const { return m_dir.filePath(name); }
    void addCorruptRow(const char* name, const QByteArray& bytes, const QStringList& fragments);

    QTemporaryDir m_dir;
    QString smallFilePath() const { return tmp("small.gguf"); }
    /// A small valid file from GgufWriter, the base of the patched rows.
    const QByteArray& smallFile();

    QByteArray m_small;
};

void TstGgufReader::initTestCase()
{
    QVERIFY(m_dir.isValid());
    for (const auto& p : {kStories, kTinyStoriesQ8, kKitQ4_K_M, kVocabLlamaSpm, kVocabGpt2})
        QVERIFY2(QFile::exists(qs(p)), p.c_str());
    QVERIFY(!smallFile().isEmpty());
    const GgufFile check(smallFilePath().toStdString());  // the base of the corrupted rows is itself valid
    QCOMPARE(check.tensors().size(), std::size_t{3});
}

// Built on first use, since "-datatags" runs the _data functions without initTestCase().
const QByteArray& TstGgufReader::smallFile()
{
    if (m_small.isEmpty()) {
        GgufWriter w;
        w.setString("general.architecture", "llama");
        w.setUInt32("test.count", 7);
        w.setAlignment(32);
        w.setString("test.name", "small");
        w.setBool("test.flag", true);
        const std::vector<std::string> words{"alpha", "beta", "gamma"};
        w.setStringArray("test.words", words);
        const std::vector<float> values{1.0f, 2.0f, 3.0f};
        w.setFloat32Array("test.values", values);
        w.setUInt32("test.dup.a", 1);
        w.setUInt32("test.dup.b", 2);
        w.addTensor("tok_embd.weight", {8, 4}, TensorType::F32, patternBytes(128, 1));
        w.addTensor("blk.0.attn_q.weight", {32, 2}, TensorType::Q8_0, patternBytes(68, 2));
        w.addTensor("out.weight", {8}, TensorType::F32, patternBytes(32, 3));
        w.write(smallFilePath().toStdString());
        m_small = readFileBytes(smallFilePath());
    }
    return m_small;
}

// ---- real files ------------------------------------------------------------------------------

void TstGgufReader::realModelHasDocumentedFacts_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("fileSize");
    QTest::addColumn<int>("kvCount");
    QTest::addColumn<int>("tensorCount");
    QTest::addColumn<qint64>("dataOffset");
    QTest::addColumn<int>("nF32");
    QTest::addColumn<int>("nQ8_0");
    QTest::addColumn<qint64>("parameters");
    QTest::addColumn<QString>("tokEmbdShape");
    QTest::addColumn<int>("embd");
    QTest::addColumn<int>("ffn");
    QTest::addColumn<int>("blocks");
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("headsKv");
    QTest::addColumn<int>("context");
    QTest::addColumn<int>("ropeDims");
    QTest::addColumn<double>("ropeFreqBase");  // 0: key absent
    QTest::addColumn<float>("rmsEps");
    QTest::addColumn<int>("vocab");
    QTest::addColumn<QStringList>("firstTokens");
    QTest::addColumn<int>("bos");
    QTest::addColumn<int>("eos");
    QTest::addColumn<int>("fileType");  // -1: key absent
    QTest::addColumn<bool>("hasOutput");

    // SOURCES.md §1: GGUF v3, 19 KV, 48 tensors all F32, data at 14176; output.weight copies token_embd.
    QTest::newRow("stories260K F32") << qs(kStories) << qint64(1185376) << 19 << 48 << qint64(14176) << 48 << 0
                                     << qint64(292800) << "[64, 512]" << 64 << 172 << 5 << 8 << 4 << 2048 << 8 << 0.0
                                     << 1e-5f << 512 << QStringList{"<unk>", "<s>", "</s>", "<0x00>"} << 1 << 2 << -1
                                     << true;
    // SOURCES.md §2: GGUF v3, 34 KV, 20 tensors (15 Q8_0 + 5 F32), data at 50848, tied embeddings.
    QTest::newRow("tinystories-656k Q8_0")
        << qs(kTinyStoriesQ8) << qint64(749728) << 34 << 20 << qint64(50848) << 5 << 15 << qint64(656000)
        << "[128, 2048]" << 128 << 384 << 2 << 8 << 4 << 512 << 16 << 10000.0 << 1e-6f << 2048
        << QStringList{"<unk>", "<|start_story|>", "<|end_story|>"} << 1 << 2 << 7 << false;
}

void TstGgufReader::realModelHasDocumentedFacts()
{
    QFETCH(QString, file);
    QFETCH(qint64, fileSize);
    QFETCH(int, kvCount);
    QFETCH(int, tensorCount);
    QFETCH(qint64, dataOffset);
    QFETCH(int, nF32);
    QFETCH(int, nQ8_0);
    QFETCH(qint64, parameters);
    QFETCH(QString, tokEmbdShape);
    QFETCH(int, embd);
    QFETCH(int, ffn);
    QFETCH(int, blocks);
    QFETCH(int, heads);
    QFETCH(int, headsKv);
    QFETCH(int, context);
    QFETCH(int, ropeDims);
    QFETCH(double, ropeFreqBase);
    QFETCH(float, rmsEps);
    QFETCH(int, vocab);
    QFETCH(QStringList, firstTokens);
    QFETCH(int, bos);
    QFETCH(int, eos);
    QFETCH(int, fileType);
    QFETCH(bool, hasOutput);

    const GgufFile f(file.toStdString());
    QCOMPARE(f.version(), 3u);
    QCOMPARE(f.fileSizeBytes(), std::uint64_t(fileSize));
    QCOMPARE(f.metadata().size(), std::size_t(kvCount));
    QCOMPARE(f.tensors().size(), std::size_t(tensorCount));
    QCOMPARE(f.alignment(), std::uint64_t{32});
    QVERIFY(!f.has("general.alignment"));  // both files rely on the default
    QCOMPARE(f.dataOffset(), std::uint64_t(dataOffset));

    // Hyper-parameters.
    QCOMPARE(f.getString("general.architecture"), std::string("llama"));
    QCOMPARE(f.getUInt("llama.embedding_length"), std::uint64_t(embd));
    QCOMPARE(f.getUInt("llama.feed_forward_length"), std::uint64_t(ffn));
    QCOMPARE(f.getUInt("llama.block_count"), std::uint64_t(blocks));
    QCOMPARE(f.getUInt("llama.attention.head_count"), std::uint64_t(heads));
    QCOMPARE(f.getUInt("llama.attention.head_count_kv"), std::uint64_t(headsKv));
    QCOMPARE(f.getUInt("llama.context_length"), std::uint64_t(context));
    QCOMPARE(f.getUInt("llama.rope.dimension_count"), std::uint64_t(ropeDims));
    QCOMPARE(float(f.getFloat("llama.attention.layer_norm_rms_epsilon")), rmsEps);
    QCOMPARE(f.find("llama.attention.layer_norm_rms_epsilon")->type, GgufType::Float32);
    if (ropeFreqBase == 0.0)
        QVERIFY(!f.findFloat("llama.rope.freq_base"));
    else
        QCOMPARE(f.findFloat("llama.rope.freq_base").value(), ropeFreqBase);
    if (fileType < 0)
        QVERIFY(!f.has("general.file_type"));
    else
        QCOMPARE(f.getUInt("general.file_type"), std::uint64_t(fileType));

    // Embedded tokenizer.
    QCOMPARE(f.getString("tokenizer.ggml.model"), std::string("llama"));
    QCOMPARE(f.arrayCount("tokenizer.ggml.tokens"), std::uint64_t(vocab));
    QCOMPARE(f.arrayCount("tokenizer.ggml.scores"), std::uint64_t(vocab));
    QCOMPARE(f.arrayCount("tokenizer.ggml.token_type"), std::uint64_t(vocab));
    const auto tokens = f.arrayStrings("tokenizer.ggml.tokens");
    QCOMPARE(tokens.size(), std::size_t(vocab));
    for (int i = 0; i < firstTokens.size(); ++i) QCOMPARE(qs(tokens[std::size_t(i)]), firstTokens[i]);
    QCOMPARE(f.arrayFloats("tokenizer.ggml.scores").size(), std::size_t(vocab));
    QCOMPARE(f.arrayInts("tokenizer.ggml.token_type").size(), std::size_t(vocab));
    QCOMPARE(f.getUInt("tokenizer.ggml.bos_token_id"), std::uint64_t(bos));
    QCOMPARE(f.getUInt("tokenizer.ggml.eos_token_id"), std::uint64_t(eos));

    // Tensors: types, shapes, placement.
    int f32 = 0, q8 = 0;
    std::uint64_t elements = 0;
    for (const auto& t : f.tensors()) {
        f32 += t.type == TensorType::F32;
        q8 += t.type == TensorType::Q8_0;
        elements += t.elementCount();
        QVERIFY2(t.fileOffset % 32 == 0 && t.fileOffset >= f.dataOffset(), t.name.c_str());
        QCOMPARE(t.sizeBytes, tensorBytes(t.type, t.dims));
        if (t.dims.size() == 1) QCOMPARE(t.type, TensorType::F32);  // the norms stay F32
    }
    QCOMPARE(f32, nF32);
    QCOMPARE(q8, nQ8_0);
    QCOMPARE(elements, std::uint64_t(parameters));

    const auto* tokEmbd = f.findTensor("token_embd.weight");
    QVERIFY(tokEmbd);
    QCOMPARE(qs(tokEmbd->shapeString()), tokEmbdShape);
    QCOMPARE(tokEmbd->dims, (std::vector<std::uint64_t>{std::uint64_t(embd), std::uint64_t(vocab)}));
    QCOMPARE(f.findTensor("output_norm.weight")->dims, std::vector<std::uint64_t>{std::uint64_t(embd)});
    const auto kvDim = std::uint64_t(embd / heads * headsKv);
    for (int b = 0; b < blocks; ++b) {
        const auto name = [b](const char* n) { return "blk." + std::to_string(b) + "." + n + ".weight"; };
        const auto dimsOf = [&](const char* n) {
            const auto* t = f.findTensor(name(n));
            return t ? t->dims : std::vector<std::uint64_t>{};
        };
        const auto e = std::uint64_t(embd), h = std::uint64_t(ffn);
        QCOMPARE(dimsOf("attn_q"), (std::vector<std::uint64_t>{e, e}));
        QCOMPARE(dimsOf("attn_k"), (std::vector<std::uint64_t>{e, kvDim}));
        QCOMPARE(dimsOf("attn_v"), (std::vector<std::uint64_t>{e, kvDim}));
        QCOMPARE(dimsOf("attn_output"), (std::vector<std::uint64_t>{e, e}));
        QCOMPARE(dimsOf("ffn_gate"), (std::vector<std::uint64_t>{e, h}));
        QCOMPARE(dimsOf("ffn_up"), (std::vector<std::uint64_t>{e, h}));
        QCOMPARE(dimsOf("ffn_down"), (std::vector<std::uint64_t>{h, e}));
        QCOMPARE(dimsOf("attn_norm"), std::vector<std::uint64_t>{e});
        QCOMPARE(dimsOf("ffn_norm"), std::vector<std::uint64_t>{e});
    }
    QVERIFY(!f.findTensor("blk." + std::to_string(blocks) + ".attn_q.weight"));

    // The data section is packed: sorted by offset, each tensor starts at the previous end rounded
    // up to the alignment, and the last one ends at the end of the file.
    std::vector<const GgufTensorInfo*> byOffset;
    for (const auto& t : f.tensors()) byOffset.push_back(&t);
    std::sort(byOffset.begin(), byOffset.end(), [](auto* a, auto* b) { return a->fileOffset < b->fileOffset; });
    std::uint64_t next = f.dataOffset();
    for (const auto* t : byOffset) {
        QCOMPARE(t->fileOffset, next);
        next = (t->fileOffset + t->sizeBytes + 31) / 32 * 32;
    }
    QCOMPARE(byOffset.back()->fileOffset + byOffset.back()->sizeBytes, f.fileSizeBytes());

    // Weights are readable and plausible: the output norm is finite and not all zero.
    std::vector<float> norm(static_cast<std::size_t>(embd));
    f.readTensor(*f.findTensor("output_norm.weight"), norm.data());
    QVERIFY(std::all_of(norm.begin(), norm.end(), [](float x) { return std::isfinite(x); }));
    QVERIFY(std::any_of(norm.begin(), norm.end(), [](float x) { return x != 0.0f; }));

    const auto* output = f.findTensor("output.weight");
    QCOMPARE(output != nullptr, hasOutput);
    if (output)  // stories260K stores output.weight as a copy of the tied token_embd.weight
        QVERIFY(readTensorBytes(f, *output) == readTensorBytes(f, *tokEmbd));
}

void TstGgufReader::vocabOnlyFileHasTokensAndNoTensors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("kvCount");
    QTest::addColumn<int>("vocab");
    QTest::addColumn<int>("merges");  // 0: no merges key
    QTest::addColumn<int>("bos");
    QTest::addColumn<int>("eos");
    QTest::addColumn<QStringList>("firstTokens");

    QTest::newRow("llama SPM 32000") << qs(kVocabLlamaSpm) << "llama" << 22 << 32000 << 0 << 1 << 2
                                     << QStringList{"<unk>", "<s>", "</s>", "<0x00>"};
    QTest::newRow("gpt-2 50257") << qs(kVocabGpt2) << "gpt2" << 16 << 50257 << 50000 << 50256 << 50256
                                 << QStringList{"!", "\"", "#"};
}

void TstGgufReader::vocabOnlyFileHasTokensAndNoTensors()
{
    QFETCH(QString, file);
    QFETCH(QString, architecture);
    QFETCH(int, kvCount);
    QFETCH(int, vocab);
    QFETCH(int, merges);
    QFETCH(int, bos);
    QFETCH(int, eos);
    QFETCH(QStringList, firstTokens);

    const GgufFile f(file.toStdString());
    QCOMPARE(f.version(), 3u);
    QVERIFY(f.tensors().empty());
    QCOMPARE(f.metadata().size(), std::size_t(kvCount));
    QCOMPARE(qs(f.getString("general.architecture")), architecture);
    const auto tokens = f.arrayStrings("tokenizer.ggml.tokens");
    QCOMPARE(tokens.size(), std::size_t(vocab));
    for (int i = 0; i < firstTokens.size(); ++i) QCOMPARE(qs(tokens[std::size_t(i)]), firstTokens[i]);
    QCOMPARE(f.arrayInts("tokenizer.ggml.token_type").size(), std::size_t(vocab));
    if (merges > 0)
        QCOMPARE(f.arrayStrings("tokenizer.ggml.merges").size(), std::size_t(merges));
    else
        QVERIFY(!f.has("tokenizer.ggml.merges"));
    QCOMPARE(f.getUInt("tokenizer.ggml.bos_token_id"), std::uint64_t(bos));
    QCOMPARE(f.getUInt("tokenizer.ggml.eos_token_id"), std::uint64_t(eos));
    QCOMPARE(qs(f.valueToString(*f.find("tokenizer.ggml.tokens"))), QStringLiteral("[string × %1]").arg(vocab));
}

void TstGgufReader::missingOrEmptyFileIsReported()
{
    const QString missing = tmp("does-not-exist.gguf");
    auto outcome = tryParse(missing);
    QCOMPARE(outcome.kind, Outcome::Io);
    QVERIFY2(outcome.message.contains(missing), qPrintable(outcome.message));

    const QString empty = tmp("empty.gguf");
    writeFileBytes(empty, {});
    outcome = tryParse(empty);
    QCOMPARE(outcome.kind, Outcome::Format);
    QVERIFY2(outcome.message.contains(empty) && outcome.message.contains("too small to be GGUF (0 bytes)"),
             qPrintable(outcome.message));
}

// ---- corrupted files -------------------------------------------------------------------------

void TstGgufReader::truncatedCopyIsRejectedAtEveryOffset_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QList<qint64>>("offsets");

    const auto range = [](qint64 begin, qint64 end, qint64 stride) {
        QList<qint64> out;
        for (qint64 at = std::max<qint64>(begin, 0); at < end; at += stride) out << at;
        return out;
    };
    for (const auto& [name, path] : {std::pair{"stories260K", kStories}, {"tinystories-656k-q8_0", kTinyStoriesQ8}}) {
        const GgufFile f(path);
        const auto size = qint64(f.fileSizeBytes());
        const auto data = qint64(f.dataOffset());
        // Init-captures: clang before 16 cannot capture a structured binding (P1091R3).
        const auto row = [name = name, path = path](const char* what, QList<qint64> offsets) {
            QTest::addRow("%s: %s", name, what) << qs(path) << offsets;
        };
        row("every byte of the first 512", range(0, 512, 1));
        row("header every 7 bytes", range(512, data, 7));
        row("every byte around the data start", range(data - 64, data + 64, 1));
        row("tensor data every 4093 bytes", range(data, size, 4093));
        QList<qint64> edges;
        for (const auto& t : f.tensors())
            edges << qint64(t.fileOffset) << qint64(t.fileOffset + 1) << qint64(t.fileOffset + t.sizeBytes - 1);
        row("first, second and last byte of every tensor", edges);
        row("every byte of the last 64", range(size - 64, size, 1));
    }
    QTest::newRow("llama-spm vocab: every byte of the first 700") << qs(kVocabLlamaSpm) << range(0, 700, 1);
    QTest::newRow("llama-spm vocab: every 997 bytes") << qs(kVocabLlamaSpm) << range(700, 723869, 997);
    QTest::newRow("llama-spm vocab: every byte of the last 300") << qs(kVocabLlamaSpm) << range(723569, 723869, 1);
    QTest::newRow("gpt-2 vocab: every 4999 bytes") << qs(kVocabGpt2) << range(0, 1766807, 4999);
}

void TstGgufReader::truncatedCopyIsRejectedAtEveryOffset()
{
    QFETCH(QString, source);
    QFETCH(QList<qint64>, offsets);

    const QString copy = tmp("truncated.gguf");
    QFile::remove(copy);
    QVERIFY(QFile::copy(source, copy));
    QVERIFY(QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const qint64 fullSize = QFileInfo(copy).size();

    // Cut the same copy shorter and shorter.
    std::sort(offsets.begin(), offsets.end(), std::greater<>());
    offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
    QVERIFY(!offsets.isEmpty());
    for (const qint64 at : offsets) {
        QVERIFY(at >= 0 && at < fullSize);
        QVERIFY(QFile::resize(copy, at));
        const auto outcome = tryParse(copy);
        const QString where = QStringLiteral("truncated at %1 of %2 bytes: ").arg(at).arg(fullSize);
        QVERIFY2(outcome.kind != Outcome::Parsed, qPrintable(where + "parsed without an error"));
        QVERIFY2(outcome.kind == Outcome::Format || outcome.kind == Outcome::Io,
                 qPrintable(where + "not an edgert error: " + outcome.message));
        QVERIFY2(outcome.message.contains(copy), qPrintable(where + "message lacks the path: " + outcome.message));
    }
}

void TstGgufReader::addCorruptRow(const char* name, const QByteArray& bytes, const QStringList& fragments)
{
    QTest::newRow(name) << bytes << fragments;
}

void TstGgufReader::corruptedFileIsRejectedWithContext_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("fragments");
    constexpr auto kHuge = std::uint64_t{1} << 60;

    // --- header ---
    const QByteArray& small = smallFile();
    QByteArray b = small;
    b.replace(0, 4, "GGML");
    addCorruptRow("bad magic", b, {"bad magic 0x4c4d4747", "not a GGUF file", atByteOffset(0)});
    b = small;
    poke<std::uint32_t>(b, 4, 1);
    addCorruptRow("version 1", b, {"unsupported GGUF version 1", "the GGUF header"});
    b = small;
    poke<std::uint32_t>(b, 4, 4);
    addCorruptRow("version 4", b, {"unsupported GGUF version 4"});
    b = small;
    poke<std::uint64_t>(b, 16, ~std::uint64_t{0});
    addCorruptRow("huge kv count", b, {"metadata count 18446744073709551615 is larger than the file could hold"});
    b = small;
    poke<std::uint64_t>(b, 8, kHuge);
    addCorruptRow("huge tensor count", b, {"tensor count 1152921504606846976 is larger than the file could hold"});
    b = small;
    poke<std::uint64_t>(b, 16, 10);  // one more kv than present: the tensor infos are read as a kv
    // The tensor infos are then read as a 10th kv ('tok_embd.weight', uint16) and the infos go astray.
    addCorruptRow("kv count one too many", b, {"tensor name length 1125899906842624 exceeds", "tensor info #0"});

    // --- metadata ---
    b = small;
    auto k = locateKey(b, "test.count");
    poke<std::uint32_t>(b, k.typeAt, 13);
    addCorruptRow("unknown metadata value type 13", b,
                  {"unknown metadata value type 13", "metadata key 'test.count'", atByteOffset(k.valueAt)});
    b = small;
    poke<std::uint64_t>(b, k.keyAt, kHuge);
    addCorruptRow("huge key length", b,
                  {"key length 1152921504606846976 exceeds", "metadata entry #1", atByteOffset(k.keyAt + 8)});
    b = small;
    k = locateKey(b, "test.name");
    poke<std::uint64_t>(b, k.valueAt, kHuge);
    addCorruptRow(
        "huge string length", b,
        {"string length 1152921504606846976 exceeds", "metadata key 'test.name'", atByteOffset(k.valueAt + 8)});
    b = small;
    k = locateKey(b, "test.flag");
    poke<std::uint8_t>(b, k.valueAt, 2);
    addCorruptRow("bool value 2", b, {"bool value 2 is neither 0 nor 1", "'test.flag'", atByteOffset(k.valueAt + 1)});
    b = small;
    k = locateKey(b, "test.words");
    poke<std::uint64_t>(b, k.valueAt + 4, kHuge);
    addCorruptRow("string array with a huge count", b,
                  {"array count 1152921504606846976 is larger than the file could hold", "'test.words'",
                   atByteOffset(k.valueAt + 12)});
    b = small;
    poke<std::uint64_t>(b, k.valueAt + 12, kHuge);
    addCorruptRow("array string with a huge length", b,
                  {"array string length 1152921504606846976 exceeds", "'test.words'", atByteOffset(k.valueAt + 20)});
    b = small;
    poke<std::uint32_t>(b, k.valueAt, 77);
    addCorruptRow("unknown array element type", b, {"unknown array element type 77", "'test.words'"});
    b = small;
    k = locateKey(b, "test.values");
    poke<std::uint64_t>(b, k.valueAt + 4, kHuge);
    addCorruptRow("float array with a huge count", b,
                  {"array of 1152921504606846976 float32 elements exceeds", "'test.values'", "byte offset"});
    b = small;
    k = locateKey(b, "test.dup.b");
    b[k.typeAt - 1] = 'a';
    addCorruptRow("duplicate key", b,
                  {"duplicate metadata key", "metadata key 'test.dup.a'", atByteOffset(k.valueAt + 4)});
    b = small;
    k = locateKey(b, "general.alignment");
    poke<std::uint32_t>(b, k.valueAt, 48);
    addCorruptRow("alignment not a power of two", b, {"metadata key 'general.alignment' is 48, not a power of two"});
    b = small;
    poke<std::uint32_t>(b, k.typeAt, static_cast<std::uint32_t>(GgufType::Float32));
    addCorruptRow("alignment of type float32", b, {"'general.alignment' must be an unsigned integer"});
    addCorruptRow("arrays nested nine deep", nestedArrayFile(9),
                  {"arrays nested deeper than 8", "metadata key 'test.nested'", "byte offset"});

    // --- tensor infos ---
    b = small;
    auto t = locateTensor(b, "blk.0.attn_q.weight");
    poke<std::uint32_t>(b, t.typeAt, 99);
    addCorruptRow("unknown tensor type id 99", b,
                  {"unknown tensor type id 99", "tensor info #1 'blk.0.attn_q.weight'", atByteOffset(t.typeAt + 4)});
    b = small;
    poke<std::uint64_t>(b, t.dimsAt, 48);
    addCorruptRow("row length not a multiple of the block", b,
                  {"row length 48 is not a multiple of the Q8_0 block size 32", "'blk.0.attn_q.weight'"});
    b = small;
    t = locateTensor(b, "tok_embd.weight");
    poke<std::uint64_t>(b, t.dimsAt + 8, 0);
    addCorruptRow("dimension of zero", b,
                  {"dimension 0 is invalid", "tensor info #0 'tok_embd.weight'", atByteOffset(t.dimsAt + 16)});
    b = small;
    poke<std::uint64_t>(b, t.dimsAt, std::uint64_t{1} << 41);
    addCorruptRow("dimension above 2^40", b, {"dimension 2199023255552 is invalid", "'tok_embd.weight'"});
    b = small;
    poke<std::uint64_t>(b, t.dimsAt, std::uint64_t{1} << 40);
    poke<std::uint64_t>(b, t.dimsAt + 8, std::uint64_t{1} << 40);
    addCorruptRow("element count overflow", b, {"element count overflows", "'tok_embd.weight'"});
    b = small;
    poke<std::uint32_t>(b, t.nDimsAt, 0);
    addCorruptRow("zero dimension count", b,
                  {"dimension count 0 is outside 1..4", "'tok_embd.weight'", atByteOffset(t.nDimsAt + 4)});
    b = small;
    poke<std::uint32_t>(b, t.nDimsAt, 5);
    addCorruptRow("five dimensions", b, {"dimension count 5 is outside 1..4", "'tok_embd.weight'"});
    b = small;
    t = locateTensor(b, "out.weight");
    poke<std::uint64_t>(b, t.offsetAt, peek<std::uint64_t>(b, t.offsetAt) + 4);
    addCorruptRow("misaligned tensor offset", b,
                  {"is not a multiple of the alignment 32", "tensor info #2 'out.weight'", atByteOffset(t.endAt)});
    b = small;
    poke<std::uint64_t>(b, t.offsetAt, std::uint64_t{1} << 40);
    addCorruptRow("tensor offset beyond the file", b,
                  {"tensor 'out.weight' data [", "is past the end of the file (" + QString::number(b.size())});
    b = small;
    poke<std::uint64_t>(b, t.offsetAt, peek<std::uint64_t>(b, t.offsetAt) + 32);
    addCorruptRow("tensor data running past the end", b, {"tensor 'out.weight' data [", "past the end of the file"});
    b = small;
    const auto data = qsizetype(GgufFile(smallFilePath().toStdString()).dataOffset());
    b.truncate(t.endAt);  // infos complete, data section missing
    addCorruptRow("no data section", b,
                  {"data section starts at " + QString::number(data), "past the end of the file"});

    // --- patched copies of the real models ---
    const auto stories = readFileBytes(qs(kStories));
    b = stories;
    b.replace(0, 4, "gguf");
    addCorruptRow("stories260K: bad magic", b, {"bad magic", atByteOffset(0)});
    b = stories;
    poke<std::uint64_t>(b, locateKey(b, "tokenizer.ggml.tokens").valueAt + 4, std::uint64_t{1} << 40);
    addCorruptRow("stories260K: token array with a huge count", b,
                  {"array count 1099511627776 is larger than the file could hold", "'tokenizer.ggml.tokens'"});
    b = stories;
    {
        // The length of token #300: walk the strings from the first one.
        qsizetype at = locateKey(b, "tokenizer.ggml.tokens").valueAt + 12;
        for (int i = 0; i < 300; ++i) at += 8 + qsizetype(peek<std::uint64_t>(b, at));
        poke<std::uint64_t>(b, at, 1'000'000'000);
        addCorruptRow("stories260K: token #300 with a huge length", b,
                      {"array string length 1000000000 exceeds", "'tokenizer.ggml.tokens'", atByteOffset(at + 8)});
    }
    b = stories;
    poke<std::uint64_t>(b, locateKey(b, "tokenizer.ggml.scores").valueAt + 4, kHuge);
    addCorruptRow("stories260K: score array with a huge count", b,
                  {"float32 elements exceeds", "'tokenizer.ggml.scores'"});
    b = stories;
    poke<std::uint32_t>(b, locateTensor(b, "token_embd.weight").typeAt, 99);
    addCorruptRow("stories260K: unknown tensor type id 99", b,
                  {"unknown tensor type id 99", "tensor info #0 'token_embd.weight'", "byte offset"});
    b = stories;
    poke<std::uint64_t>(b, locateTensor(b, "blk.4.ffn_norm.weight").offsetAt, std::uint64_t{1} << 30);
    addCorruptRow("stories260K: last tensor offset beyond the file", b,
                  {"tensor 'blk.4.ffn_norm.weight' data [1073756000", "past the end of the file (1185376 bytes)"});
    // K-quant kit file (llama.cpp-made Q4_K_M): token_embd and blk.0.attn_q are Q4_K [256, *].
    const auto q4k = readFileBytes(qs(kKitQ4_K_M));
    b = q4k;
    t = locateTensor(b, "blk.0.attn_q.weight");
    poke<std::uint64_t>(b, t.dimsAt, 128);
    poke<std::uint64_t>(b, t.dimsAt + 8, 512);
    addCorruptRow("kq-llama Q4_K_M: Q4_K row length 128", b,
                  {"row length 128 is not a multiple of the Q4_K block size 256", "'blk.0.attn_q.weight'"});
    b = q4k;
    poke<std::uint32_t>(b, t.typeAt, static_cast<std::uint32_t>(TensorType::Q6_K));  // larger: overlaps the next
    addCorruptRow("kq-llama Q4_K_M: Q4_K tensor labelled Q6_K", b,
                  {"tensor 'blk.0.attn_q.weight' (Q6_K [256, 256], 53760 bytes at byte offset",
                   "its byte size does not match its type and shape"});
    b = q4k;
    poke<std::uint32_t>(b, t.typeAt, static_cast<std::uint32_t>(TensorType::Q3_K));  // smaller: a gap follows
    addCorruptRow("kq-llama Q4_K_M: Q4_K tensor labelled Q3_K", b,
                  {"tensor 'blk.0.attn_q.weight' (Q3_K [256, 256], 28160 bytes", "unused bytes before tensor",
                   "its byte size does not match its type and shape"});
    b = q4k;
    poke<std::uint32_t>(b, t.typeAt, 41);
    addCorruptRow("kq-llama Q4_K_M: unknown tensor type id 41", b,
                  {"unknown tensor type id 41", "'blk.0.attn_q.weight'", atByteOffset(t.typeAt + 4)});

    const auto q8 = readFileBytes(qs(kTinyStoriesQ8));
    b = q8;
    k = locateKey(b, "tokenizer.ggml.add_eos_token");
    b.replace(k.typeAt - 9, 3, "bos");  // "...add_eos_token" -> "...add_bos_token", already present
    addCorruptRow("tinystories-656k: duplicate key", b,
                  {"duplicate metadata key", "'tokenizer.ggml.add_bos_token'", atByteOffset(k.valueAt + 1)});
    b = q8;
    t = locateTensor(b, "blk.1.ffn_up.weight");
    poke<std::uint64_t>(b, t.offsetAt, peek<std::uint64_t>(b, t.offsetAt) + 16);
    addCorruptRow("tinystories-656k: misaligned offset", b,
                  {"is not a multiple of the alignment 32", "'blk.1.ffn_up.weight'", atByteOffset(t.endAt)});
    b = q8;
    poke<std::uint64_t>(b, locateTensor(b, "blk.0.ffn_down.weight").dimsAt, 0);
    addCorruptRow("tinystories-656k: dimension of zero", b, {"dimension 0 is invalid", "'blk.0.ffn_down.weight'"});
    b = q8;
    poke<std::uint64_t>(b, 16, 1'000'000);
    addCorruptRow("tinystories-656k: huge kv count", b, {"metadata count 1000000 is larger than the file could hold"});
    b = q8;
    poke<std::uint64_t>(b, 8, 1'000'000);
    addCorruptRow("tinystories-656k: huge tensor count", b, {"tensor count 1000000 is larger"});
}

void TstGgufReader::corruptedFileIsRejectedWithContext()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, fragments);

    const QString path = tmp("corrupt.gguf");
    writeFileBytes(path, bytes);
    const auto outcome = tryParse(path);
    QVERIFY2(outcome.kind != Outcome::Parsed, "the corrupted file parsed without an error");
    QVERIFY2(outcome.kind == Outcome::Format, qPrintable("not a FormatError: " + outcome.message));
    QVERIFY2(outcome.message.startsWith(path + ": "),
             qPrintable("message does not start with the path: " + outcome.message));
    for (const auto& fragment : fragments)
        QVERIFY2(outcome.message.contains(fragment),
                 qPrintable("message \"" + outcome.message + "\" lacks \"" + fragment + "\""));
}

void TstGgufReader::hugeTensorCountInMultiGigabyteFileIsFormatError()
{
    // A corrupt tensor count is only bounded by the file size. In a 16 GiB file (sparse here),
    // 2^29 passes that bound. Reserving 2^29 tensor infos up front would throw std::bad_alloc and
    // escape the error model; the reader must report a FormatError instead.
    QByteArray header = smallFile().left(24);
    poke<std::uint64_t>(header, 8, std::uint64_t{1} << 29);
    poke<std::uint64_t>(header, 16, 0);
    const QString path = tmp("sparse-16g.gguf");
    writeFileBytes(path, header);
    if (!QFile::resize(path, qint64{16} << 30)) QSKIP("this file system cannot hold a sparse 16 GiB file");
    const auto outcome = tryParse(path);
    QFile::remove(path);
    if (outcome.kind == Outcome::Io && outcome.message.contains("mmap"))
        QSKIP("cannot map 16 GiB here (address space limit, e.g. under valgrind)");
    QVERIFY2(outcome.kind == Outcome::Format, qPrintable("expected a FormatError, got: " + outcome.message));
    QVERIFY2(outcome.message.contains("tensor info #0"), qPrintable(outcome.message));
}

void TstGgufReader::arraysNestedEightDeepAreAccepted()
{
    const QString path = tmp("nested8.gguf");
    writeFileBytes(path, nestedArrayFile(8));
    const GgufFile f(path.toStdString());
    const auto& a = std::get<GgufArrayRef>(f.find("test.nested")->value);
    QCOMPARE(a.elementType, GgufType::Array);
    QCOMPARE(a.count, std::uint64_t{1});

    // copyMetadata copies nested arrays byte for byte.
    GgufWriter w;
    w.copyMetadata(f);
    const QString copy = tmp("nested8-copy.gguf");
    w.write(copy.toStdString());
    QCOMPARE(readFileBytes(copy), readFileBytes(path));
}

void TstGgufReader::knownButUnsupportedTensorTypeIsParsed_data()
{
    QTest::addColumn<quint32>("typeId");
    QTest::addColumn<std::vector<std::uint64_t>>("dims");
    QTest::addColumn<bool>("computeSupported");

    QTest::newRow("Q4_K [256, 3]") << quint32(TensorType::Q4_K) << std::vector<std::uint64_t>{256, 3} << true;
    QTest::newRow("Q6_K [512]") << quint32(TensorType::Q6_K) << std::vector<std::uint64_t>{512} << true;
    QTest::newRow("Q5_0 [32, 2, 2]") << quint32(TensorType::Q5_0) << std::vector<std::uint64_t>{32, 2, 2} << true;
    QTest::newRow("IQ4_NL [64, 1, 1, 2]")
        << quint32(TensorType::IQ4_NL) << std::vector<std::uint64_t>{64, 1, 1, 2} << true;
    QTest::newRow("IQ2_XS [256, 2]") << quint32(TensorType::IQ2_XS) << std::vector<std::uint64_t>{256, 2} << false;
    QTest::newRow("IQ3_S [256]") << quint32(TensorType::IQ3_S) << std::vector<std::uint64_t>{256} << false;
    QTest::newRow("I32 [5]") << quint32(TensorType::I32) << std::vector<std::uint64_t>{5} << false;
    QTest::newRow("F64 [3, 3]") << quint32(TensorType::F64) << std::vector<std::uint64_t>{3, 3} << false;
    QTest::newRow("BF16 [7, 2]") << quint32(TensorType::BF16) << std::vector<std::uint64_t>{7, 2} << true;
}

void TstGgufReader::knownButUnsupportedTensorTypeIsParsed()
{
    QFETCH(quint32, typeId);
    QFETCH(std::vector<std::uint64_t>, dims);
    QFETCH(bool, computeSupported);
    const auto type = static_cast<TensorType>(typeId);

    const auto bytes = patternBytes(tensorBytes(type, dims), typeId);
    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.addTensor("odd.weight", dims, type, bytes);
    w.addTensor("after.weight", {4}, TensorType::F32, patternBytes(16, 100));
    const QString path = tmp("odd-type.gguf");
    w.write(path.toStdString());

    // Refusing the type is the model graph's job; the reader describes it.
    const GgufFile f(path.toStdString());
    const auto* t = f.findTensor("odd.weight");
    QVERIFY(t);
    QCOMPARE(t->type, type);
    QCOMPARE(t->dims, dims);
    QCOMPARE(t->sizeBytes, std::uint64_t(bytes.size()));
    QCOMPARE(tensorTypeTraits(typeId)->computeSupported, computeSupported);
    QVERIFY(readTensorBytes(f, *t) == bytes);
    QVERIFY(readTensorBytes(f, *f.findTensor("after.weight")) == patternBytes(16, 100));
}

// ---- writer ----------------------------------------------------------------------------------

void TstGgufReader::writerRoundTripPreservesEverything_data()
{
    QTest::addColumn<quint32>("alignment");  // 0: leave general.alignment unset (32)
    QTest::newRow("alignment 64") << 64u;
    QTest::newRow("default alignment 32") << 0u;
    QTest::newRow("alignment 8") << 8u;
    QTest::newRow("alignment 4096") << 4096u;
}

void TstGgufReader::writerRoundTripPreservesEverything()
{
    QFETCH(quint32, alignment);
    using I64 = std::numeric_limits<std::int64_t>;

    GgufWriter w;
    QStringList order;
    const auto key = [&order](const char* k) {
        if (!order.contains(k)) order << k;
        return std::string_view(k);
    };
    w.setUInt8(key("rt.u8"), 1);  // overwritten below: keeps its first position
    w.setInt8(key("rt.i8"), -128);
    w.setUInt16(key("rt.u16"), 65535);
    w.setInt16(key("rt.i16"), -32768);
    w.setUInt32(key("rt.u32"), 4294967295u);
    w.setInt32(key("rt.i32"), std::numeric_limits<std::int32_t>::min());
    if (alignment != 0) {
        key("general.alignment");
        w.setAlignment(alignment);
    }
    w.setUInt64(key("rt.u64"), std::numeric_limits<std::uint64_t>::max());
    w.setInt64(key("rt.i64"), I64::min());
    w.setFloat32(key("rt.f32"), 1e-5f);
    w.setFloat64(key("rt.f64"), 3.141592653589793);
    w.setBool(key("rt.true"), true);
    w.setBool(key("rt.false"), false);
    w.setString(key("rt.utf8"), "Grüße, ▁world");
    w.setString(key("rt.nul"), std::string_view("a\0b", 3));
    w.setString(key("rt.empty"), "");
    w.setString(key("rt.removed"), "gone");
    w.setUInt8("rt.u8", 255);
    const std::vector<std::string> strings{"<unk>", "", "▁Once", std::string("nul\0inside", 10)};
    w.setStringArray(key("rt.strings"), strings);
    const std::vector<float> floats{1.5f, -2.25f, 1e-30f, std::numeric_limits<float>::infinity()};
    w.setFloat32Array(key("rt.floats"), floats);
    const std::vector<std::int32_t> ints{std::numeric_limits<std::int32_t>::min(), -1, 0, 2147483647};
    w.setInt32Array(key("rt.ints"), ints);
    const std::vector<std::uint8_t> u8s{0, 7, 255};
    w.setUInt8Array(key("rt.u8s"), u8s);
    const std::vector<std::int8_t> i8s{-128, 0, 127};
    w.setInt8Array(key("rt.i8s"), i8s);
    const std::vector<std::uint16_t> u16s{1, 65535};
    w.setUInt16Array(key("rt.u16s"), u16s);
    const std::vector<std::int16_t> i16s{-32768, 32767};
    w.setInt16Array(key("rt.i16s"), i16s);
    const std::vector<std::uint32_t> u32s{0, 4294967295u};
    w.setUInt32Array(key("rt.u32s"), u32s);
    const std::vector<std::uint64_t> u64s{0, std::numeric_limits<std::uint64_t>::max()};
    w.setUInt64Array(key("rt.u64s"), u64s);
    const std::vector<std::int64_t> i64s{I64::min(), I64::max()};
    w.setInt64Array(key("rt.i64s"), i64s);
    const std::vector<double> f64s{0.1, -1e300};
    w.setFloat64Array(key("rt.f64s"), f64s);
    const bool bools[] = {true, false, true};
    w.setBoolArray(key("rt.bools"), bools);
    w.setStringArray(key("rt.no_strings"), std::vector<std::string>{});
    w.setInt32Array(key("rt.no_ints"), std::vector<std::int32_t>{});
    QVERIFY(w.removeKey("rt.removed"));
    QVERIFY(!w.removeKey("rt.removed"));
    order.removeAll("rt.removed");
    QCOMPARE(w.metadataCount(), std::size_t(order.size()));
    QCOMPARE(w.alignment(), std::uint64_t(alignment ? alignment : 32));

    struct Spec {
        const char* name;
        TensorType type;
        std::vector<std::uint64_t> dims;
        bool streamed;
    };
    const std::vector<Spec> specs{
        {"a.f32", TensorType::F32, {5, 3}, false},     // 60 bytes: padding follows
        {"b.f16", TensorType::F16, {16}, false},       // 32 bytes
        {"c.q8_0", TensorType::Q8_0, {64, 2}, true},   // 136 bytes, streamed
        {"d.q4_0", TensorType::Q4_0, {32, 3}, false},  // 54 bytes
        {"e.f32", TensorType::F32, {1}, true},         // 4 bytes, streamed
    };
    std::vector<std::vector<std::byte>> datas;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const auto& s = specs[i];
        datas.push_back(patternBytes(tensorBytes(s.type, s.dims), std::uint32_t(i + 10)));
        if (s.streamed) {
            const auto& d = datas.back();
            w.addTensor(s.name, s.dims, s.type, [d](std::uint64_t offset, std::span<std::byte> chunk) {
                std::copy_n(d.begin() + std::ptrdiff_t(offset), chunk.size(), chunk.begin());
            });
        } else {
            w.addTensor(s.name, s.dims, s.type, datas.back());
        }
    }
    QCOMPARE(w.tensorCount(), specs.size());

    const QString path = tmp("round-trip.gguf");
    w.write(path.toStdString());
    const GgufFile f(path.toStdString());
    const auto align = std::uint64_t(alignment ? alignment : 32);

    QCOMPARE(f.version(), 3u);
    QCOMPARE(f.alignment(), align);
    QCOMPARE(f.fileSizeBytes(), w.fileSizeBytes());
    QCOMPARE(keysInFileOrder(f), order);

    const auto u = [&f](const char* k, GgufType type) {
        const auto* v = f.find(k);
        return v && v->type == type ? std::get<std::uint64_t>(v->value) : ~std::uint64_t{0} - 1;
    };
    const auto s = [&f](const char* k, GgufType type) {
        const auto* v = f.find(k);
        return v && v->type == type ? std::get<std::int64_t>(v->value) : std::int64_t{42};
    };
    QCOMPARE(u("rt.u8", GgufType::UInt8), std::uint64_t{255});
    QCOMPARE(s("rt.i8", GgufType::Int8), std::int64_t{-128});
    QCOMPARE(u("rt.u16", GgufType::UInt16), std::uint64_t{65535});
    QCOMPARE(s("rt.i16", GgufType::Int16), std::int64_t{-32768});
    QCOMPARE(u("rt.u32", GgufType::UInt32), std::uint64_t{4294967295u});
    QCOMPARE(s("rt.i32", GgufType::Int32), std::int64_t{std::numeric_limits<std::int32_t>::min()});
    QCOMPARE(u("rt.u64", GgufType::UInt64), std::numeric_limits<std::uint64_t>::max());
    QCOMPARE(s("rt.i64", GgufType::Int64), I64::min());
    QCOMPARE(f.find("rt.f32")->type, GgufType::Float32);
    QCOMPARE(float(f.getFloat("rt.f32")), 1e-5f);
    QCOMPARE(f.find("rt.f64")->type, GgufType::Float64);
    QCOMPARE(f.getFloat("rt.f64"), 3.141592653589793);
    QCOMPARE(f.getBool("rt.true"), true);
    QCOMPARE(f.getBool("rt.false"), false);
    QCOMPARE(f.getString("rt.utf8"), std::string("Grüße, ▁world"));
    QCOMPARE(f.getString("rt.nul"), std::string("a\0b", 3));
    QCOMPARE(f.getString("rt.empty"), std::string());
    QVERIFY(!f.has("rt.removed"));
    if (alignment) QCOMPARE(f.find("general.alignment")->type, GgufType::UInt32);

    QCOMPARE(f.arrayStrings("rt.strings"), strings);
    QCOMPARE(f.arrayFloats("rt.floats"), floats);
    QCOMPARE(f.arrayInts("rt.ints"), (std::vector<std::int64_t>(ints.begin(), ints.end())));
    QCOMPARE(f.arrayInts("rt.u8s"), (std::vector<std::int64_t>{0, 7, 255}));
    QCOMPARE(f.arrayInts("rt.i8s"), (std::vector<std::int64_t>{-128, 0, 127}));
    QCOMPARE(f.arrayInts("rt.u16s"), (std::vector<std::int64_t>{1, 65535}));
    QCOMPARE(f.arrayInts("rt.i16s"), (std::vector<std::int64_t>{-32768, 32767}));
    QCOMPARE(f.arrayInts("rt.u32s"), (std::vector<std::int64_t>{0, 4294967295}));
    QCOMPARE(f.arrayInts("rt.i64s"), i64s);
    const auto typeOf = [&f](const char* k) { return std::get<GgufArrayRef>(f.find(k)->value).elementType; };
    QCOMPARE(typeOf("rt.u8s"), GgufType::UInt8);
    QCOMPARE(typeOf("rt.i8s"), GgufType::Int8);
    QCOMPARE(typeOf("rt.u16s"), GgufType::UInt16);
    QCOMPARE(typeOf("rt.i16s"), GgufType::Int16);
    QCOMPARE(typeOf("rt.u32s"), GgufType::UInt32);
    QCOMPARE(typeOf("rt.u64s"), GgufType::UInt64);
    QCOMPARE(typeOf("rt.i64s"), GgufType::Int64);
    QCOMPARE(typeOf("rt.f64s"), GgufType::Float64);
    QCOMPARE(typeOf("rt.bools"), GgufType::Bool);
    // Raw element bytes for the types the reader's decoders widen or do not decode.
    QVERIFY(sameBytes(arrayBytes(f, "rt.u64s"), std::as_bytes(std::span(u64s))));
    QVERIFY(sameBytes(arrayBytes(f, "rt.f64s"), std::as_bytes(std::span(f64s))));
    const std::byte boolBytes[] = {std::byte{1}, std::byte{0}, std::byte{1}};
    QVERIFY(sameBytes(arrayBytes(f, "rt.bools"), boolBytes));
    QCOMPARE(f.arrayCount("rt.no_strings"), std::uint64_t{0});
    QCOMPARE(typeOf("rt.no_strings"), GgufType::String);
    QCOMPARE(f.arrayCount("rt.no_ints"), std::uint64_t{0});

    // Tensors: order, shape, type, alignment, bytes, and zero padding everywhere in between.
    QCOMPARE(f.tensors().size(), specs.size());
    QCOMPARE(f.dataOffset() % align, std::uint64_t{0});
    const auto file = f.file().bytes();
    const auto allZero = [&file](std::uint64_t from, std::uint64_t to) {
        return std::all_of(file.begin() + std::ptrdiff_t(from), file.begin() + std::ptrdiff_t(to),
                           [](std::byte x) { return x == std::byte{0}; });
    };
    std::uint64_t expectedOffset = f.dataOffset();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const auto& t = f.tensors()[i];
        QCOMPARE(qs(t.name), QString(specs[i].name));
        QCOMPARE(t.type, specs[i].type);
        QCOMPARE(t.dims, specs[i].dims);
        QCOMPARE(t.fileOffset, expectedOffset);
        QCOMPARE(t.fileOffset % align, std::uint64_t{0});
        QVERIFY2(readTensorBytes(f, t) == datas[i], specs[i].name);
        expectedOffset = (t.fileOffset + t.sizeBytes + align - 1) / align * align;
        QVERIFY2(allZero(t.fileOffset + t.sizeBytes, expectedOffset), "padding after a tensor is not zero");
    }
    QCOMPARE(expectedOffset, f.fileSizeBytes());
}

void TstGgufReader::rewriteOfRealFileIsByteIdentical_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("streamed");
    QTest::newRow("stories260K from spans") << qs(kStories) << false;
    QTest::newRow("stories260K streamed") << qs(kStories) << true;
    QTest::newRow("tinystories-656k Q8_0 streamed") << qs(kTinyStoriesQ8) << true;
    QTest::newRow("llama-spm vocab") << qs(kVocabLlamaSpm) << false;
    QTest::newRow("gpt-2 vocab") << qs(kVocabGpt2) << false;
}

void TstGgufReader::rewriteOfRealFileIsByteIdentical()
{
    QFETCH(QString, file);
    QFETCH(bool, streamed);

    // llama.cpp's writers use the same layout rules (file order, packed, zero padding), so copying
    // every key and tensor must reproduce the file exactly.
    const GgufFile src(file.toStdString());
    GgufWriter w;
    w.copyMetadata(src);
    for (const auto& t : src.tensors()) {
        if (streamed) {
            w.addTensor(t.name, t.dims, t.type, [&src, t](std::uint64_t offset, std::span<std::byte> chunk) {
                src.file().readAt(t.fileOffset + offset, chunk.data(), chunk.size());
            });
        } else {
            w.addTensor(t.name, t.dims, t.type, readTensorBytes(src, t));
        }
    }
    QCOMPARE(w.metadataCount(), src.metadata().size());
    QCOMPARE(w.fileSizeBytes(), src.fileSizeBytes());
    const QString out = tmp("rewrite.gguf");
    w.write(out.toStdString());

    const auto expected = readFileBytes(file);
    const auto actual = readFileBytes(out);
    QCOMPARE(actual.size(), expected.size());
    const auto mismatch = std::mismatch(actual.begin(), actual.end(), expected.begin());
    QVERIFY2(mismatch.first == actual.end(),
             qPrintable(QStringLiteral("first difference at byte %1").arg(mismatch.first - actual.begin())));
}

void TstGgufReader::copyMetadataKeepsTokenizerArraysExactly_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("vocab");
    QTest::newRow("stories260K") << qs(kStories) << 512;
    QTest::newRow("tinystories-656k Q8_0") << qs(kTinyStoriesQ8) << 2048;
    QTest::newRow("llama-spm vocab") << qs(kVocabLlamaSpm) << 32000;
    QTest::newRow("gpt-2 vocab") << qs(kVocabGpt2) << 50257;
}

void TstGgufReader::copyMetadataKeepsTokenizerArraysExactly()
{
    QFETCH(QString, file);
    QFETCH(int, vocab);

    const GgufFile src(file.toStdString());
    GgufWriter w;
    w.setString("general.architecture", "edge-rt-test");
    w.setString("tokenizer.ggml.model", "overwritten");  // a copied key takes over this slot
    w.copyMetadata(src, [](std::string_view k) { return k.starts_with("tokenizer."); });
    w.addTensor("x.weight", {32}, TensorType::Q8_0, patternBytes(34, 5));
    const QString out = tmp("tokenizer-copy.gguf");
    w.write(out.toStdString());
    const GgufFile f(out.toStdString());

    QStringList expectedOrder{"general.architecture", "tokenizer.ggml.model"};
    for (const auto& k : keysInFileOrder(src))
        if (k.startsWith("tokenizer.") && !expectedOrder.contains(k)) expectedOrder << k;
    QCOMPARE(keysInFileOrder(f), expectedOrder);
    QCOMPARE(f.getString("general.architecture"), std::string("edge-rt-test"));

    for (const auto& [k, v] : src.metadata()) {
        if (!k.starts_with("tokenizer.")) continue;
        const auto* copied = f.find(k);
        QVERIFY2(copied, k.c_str());
        QCOMPARE(copied->type, v.type);
        if (const auto* a = std::get_if<GgufArrayRef>(&v.value)) {
            const auto& b = std::get<GgufArrayRef>(copied->value);
            QCOMPARE(b.elementType, a->elementType);
            QCOMPARE(b.count, a->count);
            QVERIFY2(sameBytes(arrayBytes(f, k), arrayBytes(src, k)), k.c_str());
        } else {
            QCOMPARE(f.valueToString(*copied), src.valueToString(v));
        }
    }
    const auto tokens = f.arrayStrings("tokenizer.ggml.tokens");
    QCOMPARE(tokens.size(), std::size_t(vocab));
    QCOMPARE(tokens, src.arrayStrings("tokenizer.ggml.tokens"));
    QCOMPARE(f.arrayInts("tokenizer.ggml.token_type"), src.arrayInts("tokenizer.ggml.token_type"));
    if (src.has("tokenizer.ggml.scores"))
        QCOMPARE(f.arrayFloats("tokenizer.ggml.scores"), src.arrayFloats("tokenizer.ggml.scores"));
    if (src.has("tokenizer.ggml.merges"))
        QCOMPARE(f.arrayStrings("tokenizer.ggml.merges"), src.arrayStrings("tokenizer.ggml.merges"));
    QCOMPARE(f.getString("tokenizer.ggml.model"), src.getString("tokenizer.ggml.model"));
}

void TstGgufReader::streamedTensorIsWrittenInBoundedChunks_data()
{
    QTest::addColumn<quint32>("typeId");
    QTest::addColumn<std::vector<std::uint64_t>>("dims");
    // 4,096,000 bytes: three full 1 MiB chunks and a partial one.
    QTest::newRow("F32 [1024, 1000]") << quint32(TensorType::F32) << std::vector<std::uint64_t>{1024, 1000};
    // 1,305,600 bytes of 34-byte blocks: chunks hold whole blocks (1,048,560 bytes).
    QTest::newRow("Q8_0 [4096, 300]") << quint32(TensorType::Q8_0) << std::vector<std::uint64_t>{4096, 300};
    // Smaller than one chunk.
    QTest::newRow("Q4_0 [64, 10]") << quint32(TensorType::Q4_0) << std::vector<std::uint64_t>{64, 10};
}

void TstGgufReader::streamedTensorIsWrittenInBoundedChunks()
{
    QFETCH(quint32, typeId);
    QFETCH(std::vector<std::uint64_t>, dims);
    const auto type = static_cast<TensorType>(typeId);
    const auto size = tensorBytes(type, dims);
    const auto blockBytes = traitsOf(type).blockBytes;
    const auto byteAt = [](std::uint64_t i) { return static_cast<std::byte>((i * 131 + i / 977) & 0xff); };

    std::vector<std::pair<std::uint64_t, std::size_t>> chunks;
    bool zeroedOnArrival = true;
    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.addTensor("big.weight", dims, type, [&](std::uint64_t offset, std::span<std::byte> chunk) {
        chunks.emplace_back(offset, chunk.size());
        zeroedOnArrival &= std::all_of(chunk.begin(), chunk.end(), [](std::byte x) { return x == std::byte{0}; });
        for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = byteAt(offset + i);
    });
    const QString path = tmp("streamed.gguf");
    w.write(path.toStdString());

    QVERIFY(zeroedOnArrival);
    QCOMPARE(chunks.size(), std::size_t((size + GgufWriter::kMaxChunkBytes / blockBytes * blockBytes - 1) /
                                        (GgufWriter::kMaxChunkBytes / blockBytes * blockBytes)));
    std::uint64_t next = 0;
    for (const auto& [offset, length] : chunks) {
        QCOMPARE(offset, next);
        QVERIFY(length <= GgufWriter::kMaxChunkBytes);
        QCOMPARE(length % blockBytes, std::size_t{0});
        next += length;
    }
    QCOMPARE(next, size);

    const GgufFile f(path.toStdString());
    QCOMPARE(f.fileSizeBytes(), w.fileSizeBytes());
    const auto data = readTensorBytes(f, f.tensors().at(0));
    QCOMPARE(data.size(), std::size_t(size));
    for (std::size_t i = 0; i < data.size(); ++i)
        if (data[i] != byteAt(i)) QFAIL(qPrintable(QStringLiteral("byte %1 differs").arg(i)));
}

void TstGgufReader::writerRejectsMisuse_data()
{
    QTest::addColumn<WriterStep>("step");
    QTest::addColumn<QString>("fragment");
    const auto bytes = [](std::size_t n) { return patternBytes(n, 9); };

    QTest::newRow("empty key") << WriterStep([](GgufWriter& w) { w.setUInt32("", 1); }) << "metadata key is empty";
    QTest::newRow("non-ASCII key") << WriterStep([](GgufWriter& w) { w.setString("général.name", "x"); })
                                   << "is not ASCII";
    QTest::newRow("key too long") << WriterStep([](GgufWriter& w) { w.setBool(std::string(65536, 'k'), true); })
                                  << "metadata key of 65536 bytes is longer than 65535";
    QTest::newRow("alignment not a power of two")
        << WriterStep([](GgufWriter& w) { w.setAlignment(48); }) << "general.alignment 48 is not a power of two";
    QTest::newRow("alignment below 8") << WriterStep([](GgufWriter& w) { w.setUInt64("general.alignment", 4); })
                                       << "general.alignment 4 is not a power of two of at least 8";
    QTest::newRow("alignment as a string") << WriterStep([](GgufWriter& w) { w.setString("general.alignment", "32"); })
                                           << "general.alignment must be uint32, not string";
    QTest::newRow("no dims") << WriterStep([=](GgufWriter& w) { w.addTensor("t", {}, TensorType::F32, bytes(4)); })
                             << "tensor 't': 0 dimensions, expected 1..4";
    QTest::newRow("five dims") << WriterStep([=](GgufWriter& w) {
        w.addTensor("t", {1, 1, 1, 1, 1}, TensorType::F32, bytes(4));
    }) << "5 dimensions, expected 1..4";
    QTest::newRow("zero dim") << WriterStep([=](GgufWriter& w) {
        w.addTensor("t", {4, 0}, TensorType::F32, bytes(0));
    }) << "tensor 't': shape [4, 0] has a zero dimension";
    QTest::newRow("row not a multiple of the block")
        << WriterStep([=](GgufWriter& w) { w.addTensor("q", {48}, TensorType::Q8_0, bytes(51)); })
        << "tensor 'q': row length 48 is not a multiple of the Q8_0 block size 32";
    QTest::newRow("wrong data size") << WriterStep([=](GgufWriter& w) {
        w.addTensor("t", {4}, TensorType::F32, bytes(12));
    }) << "tensor 't': data is 12 bytes, but [4] F32 needs 16";
    QTest::newRow("duplicate tensor") << WriterStep([=](GgufWriter& w) {
        w.addTensor("existing", {4}, TensorType::F32, bytes(16));
    }) << "tensor 'existing' was already added";
    QTest::newRow("name of 64 bytes") << WriterStep([=](GgufWriter& w) {
        w.addTensor(std::string(64, 'n'), {4}, TensorType::F32, bytes(16));
    }) << "name of 64 bytes is longer than 63";
    QTest::newRow("empty name") << WriterStep([=](GgufWriter& w) { w.addTensor("", {4}, TensorType::F32, bytes(16)); })
                                << "tensor name is empty";
    QTest::newRow("unknown type id") << WriterStep([=](GgufWriter& w) {
        w.addTensor("t", {4}, static_cast<TensorType>(99), bytes(16));
    }) << "tensor 't': unknown tensor type id 99";
    QTest::newRow("element count overflow") << WriterStep([](GgufWriter& w) {
        w.addTensor("t", {1ull << 32, 1ull << 32, 1ull << 32}, TensorType::F32,
                    [](std::uint64_t, std::span<std::byte>) {});
    }) << "shape [4294967296, 4294967296, 4294967296] overflows the element count";
    QTest::newRow("no fill function") << WriterStep([](GgufWriter& w) {
        w.addTensor("t", {4}, TensorType::F32, GgufWriter::Fill{});
    }) << "tensor 't' has no fill function";
}

void TstGgufReader::writerRejectsMisuse()
{
    QFETCH(WriterStep, step);
    QFETCH(QString, fragment);

    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.addTensor("existing", {4}, TensorType::F32, patternBytes(16, 1));
    try {
        step(w);
        QFAIL("no UsageError");
    } catch (const UsageError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(fragment), e.what());
    }
    // A refused call changes nothing.
    QCOMPARE(w.metadataCount(), std::size_t{1});
    QCOMPARE(w.tensorCount(), std::size_t{1});
    QCOMPARE(w.alignment(), std::uint64_t{32});
}

void TstGgufReader::failedWriteLeavesTargetUntouched()
{
    const QString path = tmp("failing/model.gguf");
    QVERIFY(QDir().mkpath(tmp("failing")));
    writeFileBytes(path, "old contents");

    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.addTensor("big.weight", {1024, 1024}, TensorType::F32, [](std::uint64_t offset, std::span<std::byte>) {
        if (offset > 0) throw std::runtime_error("generator failed");
    });
    try {
        w.write(path.toStdString());
        QFAIL("write() did not propagate the fill error");
    } catch (const std::runtime_error& e) {
        QCOMPARE(QString(e.what()), QString("generator failed"));
    }
    QCOMPARE(readFileBytes(path), QByteArray("old contents"));
    QCOMPARE(QDir(tmp("failing")).entryList(QDir::Files | QDir::Hidden), QStringList{"model.gguf"});
}

void TstGgufReader::writeToMissingDirectoryIsIoErrorNamingPath()
{
    const QString path = tmp("no/such/dir/model.gguf");
    GgufWriter w;
    w.setString("general.architecture", "llama");
    try {
        w.write(path.toStdString());
        QFAIL("no IoError");
    } catch (const IoError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).contains("No such file or directory"), e.what());
    }
}

void TstGgufReader::writeReplacesFileAtomicallyUnderOpenReader()
{
    const QString path = tmp("replaced.gguf");
    GgufWriter first;
    first.setString("general.name", "first");
    first.addTensor("w", {8}, TensorType::F32, patternBytes(32, 1));
    first.write(path.toStdString());
    const GgufFile before(path.toStdString());

    GgufWriter second;
    second.setString("general.name", "second");
    second.addTensor("w", {16}, TensorType::F32, patternBytes(64, 2));
    second.write(path.toStdString());

    // rename(2) swapped the directory entry: the open reader still sees the complete first file.
    QCOMPARE(before.getString("general.name"), std::string("first"));
    QVERIFY(readTensorBytes(before, before.tensors().at(0)) == patternBytes(32, 1));
    const GgufFile after(path.toStdString());
    QCOMPARE(after.getString("general.name"), std::string("second"));
    QVERIFY(readTensorBytes(after, after.tensors().at(0)) == patternBytes(64, 2));
    QVERIFY(QFileInfo(path).permissions().testFlag(QFileDevice::ReadOther));
}

void TstGgufReader::duplicateTensorNameIsRejected()
{
    const QString model = QStringLiteral(EDGERT_SHARED_DIR "/models/stories260K.gguf");
    EDGERT_REQUIRE_FILE(model);
    QFile f(model);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray bytes = f.readAll();
    // Rename blk.0.attn_k.weight to blk.0.attn_q.weight in the tensor infos (same length).
    const auto at = bytes.indexOf("blk.0.attn_k.weight");
    QVERIFY(at > 0);
    bytes[at + 11] = 'q';
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("dup.gguf"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();
    try {
        edgert::GgufFile file(path.toStdString());
        QFAIL("a file with a duplicate tensor name was accepted");
    } catch (const edgert::FormatError& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(QStringLiteral("duplicate tensor name")), e.what());
        QVERIFY2(msg.contains(QStringLiteral("blk.0.attn_q.weight")), e.what());
        QVERIFY2(msg.contains(QStringLiteral("byte offset")), e.what());
    }
}

QTEST_GUILESS_MAIN(TstGgufReader)
#include "tst_gguf_reader.moc"
