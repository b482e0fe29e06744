// Byte-pair-encoding tokenizers: GPT-2's byte-level BPE from all three sources (GGUF, tokenizer.json,
// vocab.json + merges.txt) against llama.cpp's test vectors (../shared/models/vocab/
// ggml-vocab-gpt-2.gguf.inp/.out, produced by HF `tokenizers`), and the HF tokenizer.json BPE of the
// TinyStories Llama checkpoint against the SentencePiece vocabulary of the same model's GGUF.
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "test-support.h"
#include "tokenizer/bpe-pre-tokenizers.h"
#include "tokenizer/bpe-tokenizer.h"
#include "tokenizer/regex-split.h"
#include "tokenizer/spm-tokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

using namespace edgert;

namespace {

QString gpt2Vocab()
{
    return test::sharedModel(QStringLiteral("vocab/ggml-vocab-gpt-2.gguf"));
}

QString idsText(const std::vector<TokenId>& ids)
{
    QStringList s;
    for (auto id : ids) s << QString::number(id);
    return s.join(QLatin1Char(' '));
}

/// Encodes every vector of `base`.inp/.out (default: the GPT-2 vocabulary's) and reports each
/// mismatch; returns the number of cases.
int checkVectors(const Tokenizer& tokenizer, const QString& base = gpt2Vocab())
{
    const auto cases = test::readVocabTestVectors(base);
    int failures = 0;
    for (const auto& c : cases) {
        const auto got = tokenizer.encode(c.text, false);
        if (got != c.ids) {
            ++failures;
            qWarning("text %s\n  expected %s\n  got      %s",
                     QByteArray::fromStdString(c.text).toPercentEncoding(" ").constData(), qPrintable(idsText(c.ids)),
                     qPrintable(idsText(got)));
        }
    }
    if (failures)
        QTest::qFail(qPrintable(QStringLiteral("%1 of %2 vectors differ").arg(failures).arg(cases.size())), __FILE__,
                     __LINE__);
    return static_cast<int>(cases.size());
}

/// The GPT-2 vocabulary and merges of the GGUF, for writing the HF file forms.
struct Gpt2Vocab {
    std::vector<std::string> tokens;
    std::vector<std::string> merges;
};
Gpt2Vocab loadGpt2Vocab()
{
    const GgufFile f(gpt2Vocab().toStdString());
    return {f.arrayStrings("tokenizer.ggml.tokens"), f.arrayStrings("tokenizer.ggml.merges")};
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QJsonObject gpt2TokenizerJson(const Gpt2Vocab& v, bool mergesAsPairs)
{
    QJsonObject vocab;
    for (std::size_t i = 0; i < v.tokens.size(); ++i)
        vocab.insert(QString::fromStdString(v.tokens[i]), static_cast<int>(i));
    QJsonArray merges;
    for (const auto& m : v.merges) {
        if (!mergesAsPairs) {
            merges.append(QString::fromStdString(m));
            continue;
        }
        const auto space = m.find(' ', 1);
        merges.append(
            QJsonArray{QString::fromStdString(m.substr(0, space)), QString::fromStdString(m.substr(space + 1))});
    }
    QJsonObject model{{QStringLiteral("type"), QStringLiteral("BPE")},
                      {QStringLiteral("dropout"), QJsonValue()},
                      {QStringLiteral("unk_token"), QJsonValue()},
                      {QStringLiteral("continuing_subword_prefix"), QStringLiteral("")},
                      {QStringLiteral("end_of_word_suffix"), QStringLiteral("")},
                      {QStringLiteral("fuse_unk"), false},
                      {QStringLiteral("byte_fallback"), false},
                      {QStringLiteral("vocab"), vocab},
                      {QStringLiteral("merges"), merges}};
    const QJsonObject byteLevel{{QStringLiteral("type"), QStringLiteral("ByteLevel")},
                                {QStringLiteral("add_prefix_space"), false},
                                {QStringLiteral("trim_offsets"), true},
                                {QStringLiteral("use_regex"), true}};
    const QJsonObject endOfText{
        {QStringLiteral("id"), 50256},          {QStringLiteral("content"), QStringLiteral("<|endoftext|>")},
        {QStringLiteral("single_word"), false}, {QStringLiteral("lstrip"), false},
        {QStringLiteral("rstrip"), false},      {QStringLiteral("normalized"), true},
        {QStringLiteral("special"), true}};
    return {{QStringLiteral("version"), QStringLiteral("1.0")},
            {QStringLiteral("truncation"), QJsonValue()},
            {QStringLiteral("padding"), QJsonValue()},
            {QStringLiteral("added_tokens"), QJsonArray{endOfText}},
            {QStringLiteral("normalizer"), QJsonValue()},
            {QStringLiteral("pre_tokenizer"), byteLevel},
            {QStringLiteral("post_processor"), byteLevel},
            {QStringLiteral("decoder"), byteLevel},
            {QStringLiteral("model"), model}};
}

QString hfFixture(const QString& name)
{
    return QStringLiteral(EDGERT_FIXTURES_DIR "/hf-tokenizers/") + name;
}

using edgert::test::jsonString;

/// A HF tokenizer.json for a GGUF byte-level vocabulary with the given pre_tokenizer, built as
/// tests/fixtures/hf-tokenizers/record-ids.py builds it for HF tokenizers. Written as text: a
/// QJsonObject of 150k keys is built in quadratic time.
std::string byteLevelTokenizerJson(const GgufFile& gguf, const QJsonObject& config)
{
    const auto tokens = gguf.arrayStrings("tokenizer.ggml.tokens");
    const auto types = gguf.arrayInts("tokenizer.ggml.token_type");
    std::string vocab, added, merges;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        vocab += (i ? "," : "") + jsonString(tokens[i]) + ":" + std::to_string(i);
        if (types[i] == static_cast<std::int64_t>(TokenType::Control))
            added += std::string(added.empty() ? "" : ",") + "{\"id\":" + std::to_string(i) +
                     ",\"content\":" + jsonString(tokens[i]) + ",\"special\":true}";
    }
    for (const auto& m : gguf.arrayStrings("tokenizer.ggml.merges"))
        merges += (merges.empty() ? "" : ",") + jsonString(m);
    const std::string pre =
        QJsonDocument(config[QStringLiteral("pre_tokenizer")].toObject()).toJson(QJsonDocument::Compact).toStdString();
    return "{\"added_tokens\":[" + added + "],\"pre_tokenizer\":" + pre +
           ",\"model\":{\"type\":\"BPE\",\"ignore_merges\":" +
           (config[QStringLiteral("ignore_merges")].toBool() ? "true" : "false") + ",\"vocab\":{" + vocab +
           "},\"merges\":[" + merges + "]}}";
}

}  // namespace

class TestBpeTokenizer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { EDGERT_REQUIRE_FILE(gpt2Vocab()); }

    void ggufGpt2VocabReproducesLlamaCppVectors()
    {
        const GgufFile f(gpt2Vocab().toStdString());
        const auto tokenizer = Tokenizer::fromGguf(f);
        QCOMPARE(tokenizer->vocabSize(), std::size_t{50257});
        QCOMPARE(tokenizer->bos(), 50256);
        QCOMPARE(tokenizer->eos(), 50256);
        QVERIFY(!tokenizer->addsBos());
        QCOMPARE(checkVectors(*tokenizer), 46);
    }

    // Llama 3 ("llama-bpe") and Qwen2 ("qwen2") vocabularies: llama.cpp's own vectors.
    void ggufPreTokenizersReproduceLlamaCppVectors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("vocabSize");
        QTest::addColumn<bool>("addsBos");
        QTest::newRow("llama-bpe") << test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-bpe.gguf")) << 128256
                                   << true;
        QTest::newRow("qwen2") << test::sharedModel(QStringLiteral("vocab/ggml-vocab-qwen2.gguf")) << 151936 << false;
    }
    void ggufPreTokenizersReproduceLlamaCppVectors()
    {
        QFETCH(QString, file);
        QFETCH(int, vocabSize);
        QFETCH(bool, addsBos);
        EDGERT_REQUIRE_FILE(file);
        const GgufFile f(file.toStdString());
        const auto tokenizer = Tokenizer::fromGguf(f);
        QCOMPARE(tokenizer->vocabSize(), static_cast<std::size_t>(vocabSize));
        QCOMPARE(tokenizer->addsBos(), addsBos);
        const int cases = checkVectors(*tokenizer, file);
        QCOMPARE(cases, 46);
        qInfo("%s: %d of %d llama.cpp vectors pass", qPrintable(QFileInfo(file).fileName()), cases, cases);
    }

    // The kit's small Qwen2 / SmolLM2 / Llama-3 files: llama.cpp's prompt ids (llama-tokenize).
    void kitPromptIdsMatchLlamaCpp_data()
    {
        QTest::addColumn<QString>("reference");
        const QDir dir(QStringLiteral(EDGERT_SHARED_DIR "/reference/kit/arch"));
        for (const char* arch : {"qwen2", "smollm2like", "llama3rope", "gemma2", "phi3"})
            for (const char* prompt : {"once-upon", "tom-and-sue"}) {
                const QString name = QStringLiteral("%1-F32.%2.json").arg(QLatin1String(arch), QLatin1String(prompt));
                QTest::newRow(qPrintable(name)) << dir.filePath(name);
            }
    }
    void kitPromptIdsMatchLlamaCpp()
    {
        QFETCH(QString, reference);
        EDGERT_REQUIRE_FILE(reference);
        QFile file(reference);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject ref = QJsonDocument::fromJson(file.readAll()).object();
        const QString model =
            test::sharedModel(QStringLiteral("kit/arch/") + ref[QStringLiteral("model_file")].toString());
        EDGERT_REQUIRE_FILE(model);
        // The tokenizer straight from the GGUF metadata: no architecture support needed.
        const GgufFile f(model.toStdString());
        const auto tokenizer = Tokenizer::fromGguf(f);
        std::vector<TokenId> expected;
        for (const auto v : ref[QStringLiteral("prompt_ids")].toArray()) expected.push_back(v.toInt());
        QCOMPARE(idsText(tokenizer->encode(ref[QStringLiteral("prompt")].toString().toStdString())), idsText(expected));
    }

    void specialTokensOfByteLevelVocabularies()
    {
        const QString qwen = test::sharedModel(QStringLiteral("vocab/ggml-vocab-qwen2.gguf"));
        const QString llama3 = test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-bpe.gguf"));
        EDGERT_REQUIRE_FILE(qwen);
        EDGERT_REQUIRE_FILE(llama3);
        const EncodeOptions special{.addBos = std::nullopt, .addEos = std::nullopt, .parseSpecial = true};
        {
            const GgufFile f(qwen.toStdString());
            const auto t = Tokenizer::fromGguf(f);
            const std::string chat = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
            const auto ids = t->encode(chat, special);
            QCOMPARE(ids.front(), 151644);  // <|im_start|>, no BOS (add_bos_token false)
            QCOMPARE(std::count(ids.begin(), ids.end(), 151644), 2);
            QCOMPARE(std::count(ids.begin(), ids.end(), 151645), 1);
            QCOMPARE(t->decode(ids, true), chat);
            QCOMPARE(t->decode(ids), std::string("user\nHi\nassistant\n"));
            const auto plain = t->encode(chat);
            QVERIFY(std::none_of(plain.begin(), plain.end(), [&](TokenId id) { return t->isControl(id); }));
            QCOMPARE(idsText(t->endOfGenerationIds()), QStringLiteral("151643 151645"));  // <|endoftext|> <|im_end|>
            QCOMPARE(t->tokenType(151646), TokenType::Unused);                            // [PAD151646]
            QCOMPARE(t->piece(151646, true), std::string());
        }
        {
            const GgufFile f(llama3.toStdString());
            const auto t = Tokenizer::fromGguf(f);
            const std::string turn = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
            const auto ids = t->encode(turn, special);
            QCOMPARE(ids.front(), 128000);  // BOS <|begin_of_text|> (add_bos_token true)
            QCOMPARE(ids[1], 128006);
            QCOMPARE(ids.back(), 128009);
            // <|end_of_text|> (128001), <|eom_id|> (128008), <|eot_id|> (128009 = EOS).
            QCOMPARE(idsText(t->endOfGenerationIds()), QStringLiteral("128001 128008 128009"));
            QCOMPARE(t->piece(128009), std::string());
            QCOMPARE(t->piece(128009, true), std::string("<|eot_id|>"));
        }
    }

    void unsupportedPreTokenizerIsNamed()
    {
        const QString qwen = test::sharedModel(QStringLiteral("vocab/ggml-vocab-qwen2.gguf"));
        EDGERT_REQUIRE_FILE(qwen);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("other-pre.gguf"));
        {
            const GgufFile src(qwen.toStdString());
            GgufWriter w;
            w.copyMetadata(src);
            w.setString("tokenizer.ggml.pre", "deepseek-coder");
            w.write(path.toStdString());
        }
        const GgufFile f(path.toStdString());
        try {
            (void)Tokenizer::fromGguf(f);
            QFAIL("an unknown pre-tokenizer was accepted");
        } catch (const FormatError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(QStringLiteral("\"deepseek-coder\"")) &&
                         what.contains(QStringLiteral("tokenizer.ggml.pre")) &&
                         what.contains(QStringLiteral("\"llama-bpe\"")) && what.contains(path),
                     qPrintable(what));
        }
    }

    void tokenizerJsonReproducesLlamaCppVectors_data()
    {
        QTest::addColumn<bool>("mergesAsPairs");
        QTest::newRow("merges_as_strings") << false;
        QTest::newRow("merges_as_pairs") << true;
    }
    void tokenizerJsonReproducesLlamaCppVectors()
    {
        QFETCH(bool, mergesAsPairs);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("tokenizer.json")),
                  QJsonDocument(gpt2TokenizerJson(loadGpt2Vocab(), mergesAsPairs)).toJson(QJsonDocument::Compact));
        const auto tokenizer = makeHfTokenizer(dir.path().toStdString(), HfSpecialIds{50256, 50256});
        QCOMPARE(tokenizer->vocabSize(), std::size_t{50257});
        QCOMPARE(tokenizer->tokenType(50256), TokenType::Control);
        QCOMPARE(checkVectors(*tokenizer), 46);
    }

    void vocabJsonAndMergesTxtReproduceLlamaCppVectors()
    {
        const auto v = loadGpt2Vocab();
        QTemporaryDir dir;
        QJsonObject vocab;
        for (std::size_t i = 0; i < v.tokens.size(); ++i)
            vocab.insert(QString::fromStdString(v.tokens[i]), static_cast<int>(i));
        writeFile(dir.filePath(QStringLiteral("vocab.json")), QJsonDocument(vocab).toJson());
        QByteArray merges = "#version: 0.2\n";
        for (const auto& m : v.merges) merges += QByteArray::fromStdString(m) + '\n';
        writeFile(dir.filePath(QStringLiteral("merges.txt")), merges);
        const auto tokenizer = makeHfTokenizer(dir.path().toStdString(), {});
        QCOMPARE(tokenizer->bos(), 50256);
        QCOMPARE(checkVectors(*tokenizer), 46);
    }

    void byteLevelDecodingIsLossless()
    {
        const GgufFile f(gpt2Vocab().toStdString());
        const auto tokenizer = Tokenizer::fromGguf(f);
        for (const auto& c : test::readVocabTestVectors(gpt2Vocab())) {
            std::string decoded;
            for (auto id : c.ids) decoded += tokenizer->tokenToPiece(id);
            QCOMPARE(decoded, c.text);
        }
        QCOMPARE(tokenizer->tokenToPiece(50256), std::string());  // control: no text
        QCOMPARE(tokenizer->decode({15496, 11, 995, 0}), std::string("Hello, world!"));
    }

    void controlTokensAreTextUnlessParsed()
    {
        const GgufFile f(gpt2Vocab().toStdString());
        const auto tokenizer = BpeTokenizer::fromGguf(f);
        const auto plain = tokenizer->encode("a<|endoftext|>b", false);
        QVERIFY(std::find(plain.begin(), plain.end(), 50256) == plain.end());
        QCOMPARE(tokenizer->encode("a<|endoftext|>b", {.addBos = false, .addEos = false, .parseSpecial = true}),
                 (std::vector<TokenId>{64, 50256, 65}));
    }

    void gpt2PreTokenizerFollowsTheRegex_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("contractions") << QStringLiteral("I've it's we'll")
                                      << QStringList{"I", "'ve", " it", "'s", " we", "'ll"};
        QTest::newRow("contractions_are_case_sensitive") << QStringLiteral("'RE") << QStringList{"'", "RE"};
        QTest::newRow("space_joins_next_word") << QStringLiteral("a  b") << QStringList{"a", " ", " b"};
        QTest::newRow("trailing_whitespace_run") << QStringLiteral("a   ") << QStringList{"a", "   "};
        QTest::newRow("newline_before_word") << QStringLiteral("a\n\nb") << QStringList{"a", "\n", "\n", "b"};
        QTest::newRow("digits_and_punctuation") << QStringLiteral("3.14!?") << QStringList{"3", ".", "14", "!?"};
        QTest::newRow("unicode_letters") << QStringLiteral("Führer über") << QStringList{"Führer", " über"};
    }
    void gpt2PreTokenizerFollowsTheRegex()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, words);
        const std::string utf8 = text.toStdString();
        QStringList got;
        for (auto w : BpeTokenizer::splitGpt2(utf8))
            got << QString::fromUtf8(w.data(), static_cast<qsizetype>(w.size()));
        QCOMPARE(got, words);
    }

    // The hand-written GPT-2 matcher and PCRE2 running GPT-2's pattern split alike, and the benchmark
    // that decides which one the "gpt-2" pre-tokenizer uses (run: tst_bpe_tokenizer gpt2SplitterBenchmark).
    void gpt2SplitterBenchmark()
    {
        std::string sample;
        for (const char* vocab : {"gpt-2", "llama-bpe", "qwen2", "llama-spm"})
            for (const auto& c : test::readVocabTestVectors(
                     test::sharedModel(QStringLiteral("vocab/ggml-vocab-%1.gguf").arg(QLatin1String(vocab)))))
                sample += c.text + "\n";
        std::string text;
        while (text.size() < (std::size_t{1} << 20)) text += sample;
        const tokenizer::RegexPreTokenizer pcre2({std::string(tokenizer::kGpt2Pattern)});
        const auto hand = BpeTokenizer::splitGpt2(text);
        const auto regex = pcre2.split(text);
        QCOMPARE(regex.size(), hand.size());
        for (std::size_t i = 0; i < hand.size(); ++i)
            if (hand[i].data() != regex[i].data() || hand[i].size() != regex[i].size())
                QFAIL(
                    qPrintable(QStringLiteral("word %1 differs: '%2' vs '%3'")
                                   .arg(i)
                                   .arg(QString::fromUtf8(hand[i].data(), static_cast<qsizetype>(hand[i].size())),
                                        QString::fromUtf8(regex[i].data(), static_cast<qsizetype>(regex[i].size())))));
        const auto mbPerSecond = [&](const auto& split) {
            double best = 0;
            for (int round = 0; round < 3; ++round) {
                QElapsedTimer timer;
                timer.start();
                const auto words = split();
                const double seconds = static_cast<double>(std::max<qint64>(timer.nsecsElapsed(), 1)) * 1e-9;
                if (words.empty()) return 0.0;
                best = std::max(best, static_cast<double>(text.size()) / seconds / 1e6);
            }
            return best;
        };
        const double handRate = mbPerSecond([&] { return BpeTokenizer::splitGpt2(text); });
        const double regexRate = mbPerSecond([&] { return pcre2.split(text); });
        const tokenizer::RegexPreTokenizer llama3(
            {std::string(tokenizer::findBpePreTokenizer("llama-bpe")->patterns.front())});
        const double llama3Rate = mbPerSecond([&] { return llama3.split(text); });
        qInfo(
            "GPT-2 word split of %zu bytes (%zu words), best of 3: hand-written %.1f MB/s, PCRE2 JIT %.1f MB/s; "
            "Llama-3 pattern on PCRE2 JIT %.1f MB/s",
            text.size(), hand.size(), handRate, regexRate, llama3Rate);
    }

    // tokenizer.json pre-tokenizers (Split / Digits / ByteLevel sequences, ignore_merges) and the
    // TinyStories-656K HF directory against the ids HF tokenizers itself gives
    // (tests/fixtures/hf-tokenizers/*.ids, recorded by record-ids.py there).
    void tokenizerJsonFollowsHfTokenizers_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* name : {"llama-bpe", "qwen2", "smollm", "tinystories-656k"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }
    void tokenizerJsonFollowsHfTokenizers()
    {
        QFETCH(QString, name);
        QFile configFile(hfFixture(name + QStringLiteral(".config.json")));
        QVERIFY(configFile.open(QIODevice::ReadOnly));
        const QJsonObject config = QJsonDocument::fromJson(configFile.readAll()).object();
        const QString texts = test::sharedModel(config[QStringLiteral("texts")].toString());
        EDGERT_REQUIRE_FILE(texts);
        std::vector<std::string> cases = test::readVocabTestTexts(texts);
        for (const auto v : config[QStringLiteral("extra_texts")].toArray())
            cases.push_back(v.toString().toStdString());

        std::unique_ptr<Tokenizer> tokenizer;
        QTemporaryDir dir;
        if (config.contains(QStringLiteral("directory"))) {
            const QString hfDir = test::sharedModel(config[QStringLiteral("directory")].toString());
            EDGERT_REQUIRE_FILE(hfDir);
            tokenizer = makeHfTokenizer(hfDir.toStdString(), HfSpecialIds{1, 2});
        } else {
            const QString vocab = test::sharedModel(config[QStringLiteral("vocab")].toString());
            EDGERT_REQUIRE_FILE(vocab);
            const GgufFile gguf(vocab.toStdString());
            writeFile(dir.filePath(QStringLiteral("tokenizer.json")),
                      QByteArray::fromStdString(byteLevelTokenizerJson(gguf, config)));
            const auto id = [&](const char* key) { return static_cast<TokenId>(*gguf.findUInt(key)); };
            tokenizer = makeHfTokenizer(dir.path().toStdString(), HfSpecialIds{id("tokenizer.ggml.bos_token_id"),
                                                                               id("tokenizer.ggml.eos_token_id")});
        }

        QFile idsFile(hfFixture(name + QStringLiteral(".ids")));
        QVERIFY(idsFile.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(idsFile.readAll()).split(QLatin1Char('\n'));
        QVERIFY(static_cast<std::size_t>(lines.size()) >= cases.size());
        int failures = 0;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const QString got = idsText(tokenizer->encode(cases[i], false));
            if (got != lines[static_cast<qsizetype>(i)]) {
                ++failures;
                qWarning("text %s\n  HF       %s\n  edge-rt  %s",
                         QByteArray::fromStdString(cases[i]).toPercentEncoding(" ").constData(),
                         qPrintable(lines[static_cast<qsizetype>(i)]), qPrintable(got));
            }
        }
        QVERIFY2(
            failures == 0,
            qPrintable(QStringLiteral("%1 of %2 texts differ from HF tokenizers").arg(failures).arg(cases.size())));
        qInfo("%s: %zu of %zu texts match HF tokenizers", qPrintable(name), cases.size(), cases.size());
    }

    void unsupportedSplitIsNamed()
    {
        const GgufFile gguf(test::sharedModel(QStringLiteral("kit/arch/qwen2-F32.gguf")).toStdString());
        const QJsonObject split{
            {QStringLiteral("type"), QStringLiteral("Split")},
            {QStringLiteral("pattern"), QJsonObject{{QStringLiteral("Regex"), QStringLiteral("\\s")}}},
            {QStringLiteral("behavior"), QStringLiteral("Removed")}};
        const QJsonObject byteLevel{{QStringLiteral("type"), QStringLiteral("ByteLevel")},
                                    {QStringLiteral("use_regex"), false}};
        QTemporaryDir dir;
        const QJsonObject config{{QStringLiteral("pre_tokenizer"),
                                  QJsonObject{{QStringLiteral("type"), QStringLiteral("Sequence")},
                                              {QStringLiteral("pretokenizers"), QJsonArray{split, byteLevel}}}}};
        writeFile(dir.filePath(QStringLiteral("tokenizer.json")),
                  QByteArray::fromStdString(byteLevelTokenizerJson(gguf, config)));
        try {
            (void)makeHfTokenizer(dir.path().toStdString(), HfSpecialIds{4096, 4098});
            QFAIL("Split(behavior = Removed) was accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("\"Removed\"")), e.what());
        }
    }

    void tinyStoriesTokenizerJsonAgreesWithItsGgufVocabulary()
    {
        const QString dir = test::sharedModel(QStringLiteral("tinystories-656k"));
        const QString gguf = test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
        EDGERT_REQUIRE_FILE(dir);
        EDGERT_REQUIRE_FILE(gguf);
        const auto hf = makeHfTokenizer(dir.toStdString(), HfSpecialIds{1, 2});
        const GgufFile f(gguf.toStdString());
        const SpmTokenizer spm(f);
        QCOMPARE(hf->vocabSize(), spm.vocabSize());
        QCOMPARE(hf->bos(), 1);
        QCOMPARE(hf->eos(), 2);
        QVERIFY(hf->addsBos());
        QVERIFY(hf->addsSpacePrefix());
        for (TokenId id = 0; id < static_cast<TokenId>(spm.vocabSize()); ++id)
            QCOMPARE(hf->tokenText(id), spm.tokenText(id));
        // The golden greedy continuation decodes to SOURCES.md's text, and that text encodes back to
        // the ids the model generated (it was trained on this tokenizer's merges): after BOS and
        // the normalizer's leading "▁" (id 80), the same 24 ids.
        std::vector<TokenId> golden(test::goldenIdsTinyStories656K().begin(), test::goldenIdsTinyStories656K().end());
        const std::string text = hf->decode(golden);
        QVERIFY(text.starts_with("Once upon a time, there was a little girl named Lily."));
        std::vector<TokenId> expected{1, 80};
        expected.insert(expected.end(), golden.begin(), golden.end());
        const auto encoded = hf->encode(text, true);
        QCOMPARE(
            idsText(std::vector<TokenId>(encoded.begin(), encoded.begin() + std::min(encoded.size(), expected.size()))),
            idsText(expected));
        // SentencePiece's score order and HF's merge ranks may split a text differently, but both
        // cover it with pieces of the same vocabulary, so the texts agree.
        const std::string other = "One day, a big dog saw a cat. The cat was scared and ran away!";
        QCOMPARE(hf->decode(hf->encode(other, true)), spm.decode(spm.encode(other, true)));
    }

    void unsupportedComponentsAreNamed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("wordpiece_model") << QByteArray(R"({"model":{"type":"WordPiece","vocab":{}}})")
                                         << QStringLiteral("supported: BPE");
        QTest::newRow("unknown_pre_tokenizer")
            << QByteArray(
                   R"({"pre_tokenizer":{"type":"Whitespace"},"model":{"type":"BPE","vocab":{"a":0},"merges":[]}})")
            << QStringLiteral("pre-tokenizer \"Whitespace\" is not supported");
        QTest::newRow("merge_of_unknown_token")
            << QByteArray(
                   R"({"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":["a zz"]}})")
            << QStringLiteral("merge #0");
        QTest::newRow("malformed_json") << QByteArray(R"({"model": [1, 2,]})")
                                        << QStringLiteral("malformed JSON at byte 16");
    }
    void unsupportedComponentsAreNamed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("tokenizer.json")), json);
        try {
            makeHfTokenizer(dir.path().toStdString(), HfSpecialIds{0, 0});
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("tokenizer.json")), e.what());
        }
    }

    void directoryWithoutTokenizerIsAnIoError()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(IoError, makeHfTokenizer(dir.path().toStdString(), {}));
    }
};

QTEST_GUILESS_MAIN(TestBpeTokenizer)
#include "tst_bpe_tokenizer.moc"
