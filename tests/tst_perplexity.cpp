// Perplexity as llama-perplexity scores it, KL divergence against a saved base, and the
// log-probability file (eval/log-prob-file): its round trip and its refusal of malformed files.
#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "edgert/log-prob-file.h"
#include "edgert/logit-stats.h"
#include "edgert/perplexity.h"
#include "test-support.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using namespace edgert;

namespace {

const QString kGpl3 = QStringLiteral("/usr/share/common-licenses/GPL-3");

// llama.cpp's value for stories260K on GPL-3 at -c 128, measured with the llama.cpp CPU build at
// /work/llama.cpp-build (checkout 80fb11a, built outside this repository), 173 chunks:
//   llama-perplexity -m ../shared/models/stories260K.gguf -f /usr/share/common-licenses/GPL-3 -c 128 -t 1
//   -> Final estimate: PPL = 105.3247 +/- 3.53041      (edge-rt: 105.3222 +/- 3.53027)
// Issue 11 asks for agreement within 0.5 %.
constexpr double kLlamaCppPplStories260KGpl3 = 105.3247;
constexpr double kPplRelativeTolerance = 0.005;

// Batch sizes change the matmul batching, not the maths: the same PPL to float rounding
// (Q4_0, 3 chunks of 64).
constexpr double kBatchInvarianceRelTolerance = 1e-3;  // one-token passes use the decode kernel: 1.3e-4 measured

// KL divergence of a model against its own saved log-probabilities.
constexpr double kSelfKldBound = 1e-5;

struct Scored {
    eval::PerplexityTotals totals;
    std::uint64_t poolPeak = 0;
};

Scored score(const std::string& model, const std::vector<TokenId>& tokens, std::uint32_t nCtx, std::uint32_t nBatch,
             std::size_t maxChunks, const std::string& strategyName = "greedy-grouping", bool minimumBudget = false,
             eval::LogProbWriter* save = nullptr, eval::LogProbReader* compare = nullptr)
{
    auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(model).validate());
    const RunShape shape{nCtx, nBatch, true};
    const auto strategy = makeStrategy(strategyName);
    const auto input = makePlanInput(*graph, shape);
    const auto budget =
        minimumBudget ? strategy->minimumBudget(input) : strategy->plan(input, 1ull << 40).plannedPeakBytes();
    MemoryPool pool(budget);
    auto engine = IdleEngine(graph, EngineOptions{2}).plan(*strategy, budget, shape).prepare(pool);
    eval::PerplexityRun run;
    run.nCtx = nCtx;
    run.maxChunks = maxChunks;
    if (engine.tokenizer().addsBos()) run.bos = engine.tokenizer().bos();
    run.save = save;
    run.compare = compare;
    auto totals = eval::scorePerplexity(engine, tokens, run);
    if (!totals) throw Error("cancelled");
    return {*totals, pool.peakBytes()};
}

std::vector<TokenId> tokenize(const std::string& model, const QString& textPath)
{
    QFile f(textPath);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const auto graph = ModelGraph::openGguf(model).validate();
    return graph.makeTokenizer()->encode(f.readAll().toStdString(), true);
}

}  // namespace

class TestPerplexity : public QObject {
    Q_OBJECT
private slots:
    void stories260KOnGpl3MatchesLlamaCpp()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        EDGERT_REQUIRE_FILE(kGpl3);
        QProcess cli;
        cli.start(QStringLiteral(EDGERT_CLI_PATH),
                  {QStringLiteral("perplexity"), QStringLiteral("--model"), model, QStringLiteral("-f"), kGpl3,
                   QStringLiteral("-c"), QStringLiteral("128")});
        QVERIFY(cli.waitForFinished(300000));
        QCOMPARE(cli.exitCode(), 0);
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        const auto m = QRegularExpression(QStringLiteral("PPL = ([0-9.]+) \\+/- ([0-9.]+)")).match(out);
        QVERIFY2(m.hasMatch(), qPrintable(out));
        const double ppl = m.captured(1).toDouble();
        qInfo("edge-rt %.4f, llama.cpp %.4f (%.3f %%)", ppl, kLlamaCppPplStories260KGpl3,
              100.0 * (ppl / kLlamaCppPplStories260KGpl3 - 1));
        QVERIFY(std::fabs(ppl / kLlamaCppPplStories260KGpl3 - 1) <= kPplRelativeTolerance);
        // One progress line per chunk on stderr.
        const auto err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY(err.contains(QRegularExpression(QStringLiteral("\\[1/\\d+\\] PPL"))));
    }

    void batchSizeAndStreamingDoNotChangeThePerplexity()
    {
        const auto model = test::sharedModel("kit/real/tinystories-656k-Q4_0.gguf").toStdString();
        EDGERT_REQUIRE_FILE(QString::fromStdString(model));
        const auto tokens = tokenize(model, kGpl3);
        const auto whole = score(model, tokens, 64, 64, 3);
        QCOMPARE(whole.totals.count, std::uint64_t{3 * (64 - 1 - 32)});
        for (const std::uint32_t batch : {1u, 7u, 32u}) {
            const auto split = score(model, tokens, 64, batch, 3);
            QVERIFY2(
                std::fabs(split.totals.perplexity() / whole.totals.perplexity() - 1) < kBatchInvarianceRelTolerance,
                qPrintable(QStringLiteral("batch %1: %2 vs %3")
                               .arg(batch)
                               .arg(split.totals.perplexity())
                               .arg(whole.totals.perplexity())));
        }
        for (const auto& name : strategyNames()) {
            const auto streamed = score(model, tokens, 64, 32, 3, name, true);
            QVERIFY(std::fabs(streamed.totals.perplexity() / whole.totals.perplexity() - 1) <
                    kBatchInvarianceRelTolerance);
        }
    }

    void klDivergenceAgainstItselfIsZeroAndAgainstBf16Small()
    {
        const auto f32 = test::sharedModel("stories260K.gguf").toStdString();
        const auto bf16 = test::sharedModel("kit/real/stories260K-BF16.gguf").toStdString();
        EDGERT_REQUIRE_FILE(QString::fromStdString(bf16));
        const auto tokens = tokenize(f32, kGpl3);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("base.kl")).toStdString();
        {
            eval::LogProbWriter writer(path, 128, 512, 4, std::span(tokens).first(4 * 128));
            score(f32, tokens, 128, 128, 4, "greedy-grouping", false, &writer);
            QVERIFY(!QFile::exists(QString::fromStdString(path)));  // nothing appears before commit
            writer.commit();
        }
        eval::LogProbReader base(path);
        QCOMPARE(base.nChunks(), 4);
        QCOMPARE(base.tokens(), std::vector<TokenId>(tokens.begin(), tokens.begin() + 4 * 128));
        const auto self = score(f32, base.tokens(), 128, 128, 0, "greedy-grouping", false, nullptr, &base);
        qInfo("F32 vs its own file: KLD %.3g", self.totals.kl->kld().mean);
        // Only the 16-bit storage (steps of 16/65535 nats) separates the two: 1.5e-6 measured.
        QVERIFY(self.totals.kl->kld().mean < kSelfKldBound);
        QCOMPARE(self.totals.kl->topAgreement(), 1.0);
        // The stored log-probabilities are 16-bit: their PPL is the model's within 0.1 % except
        // for targets more than 16 nats below the top (floored, as llama-perplexity's file does).
        QVERIFY(self.totals.kl->basePerplexity() <= self.totals.perplexity() * 1.001);
        const auto other = score(bf16, base.tokens(), 128, 64, 0, "sequential", true, nullptr, &base);
        qInfo("BF16 vs F32: KLD %.6f, same top-1 %.2f %%", other.totals.kl->kld().mean,
              100 * other.totals.kl->topAgreement());
        QVERIFY(other.totals.kl->kld().mean > 10 * kSelfKldBound);
        QVERIFY(other.totals.kl->kld().mean < 0.01);
        QVERIFY(other.totals.kl->topAgreement() > 0.95);
    }

    void logProbRowRoundTripsWithin16BitSteps()
    {
        std::vector<float> logits{3.0f, -1.5f, 0.25f, -30.0f, 2.999f};
        std::vector<std::uint16_t> row(eval::logProbRowValues(5));
        QCOMPARE(row.size(), std::size_t{10});
        eval::encodeLogProbRow(logits, row);
        const double lse = eval::logSumExp(logits);
        float header[2];
        std::memcpy(header, row.data(), sizeof header);
        for (std::size_t i = 0; i < logits.size(); ++i) {
            const double decoded = header[0] * row[4 + i] + header[1];
            const double exact = std::max<double>(logits[i], 3.0 - 16.0) - lse;
            QVERIFY(std::fabs(decoded - exact) <= header[0] + 1e-5);
        }
    }

    void malformedLogProbFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("needle");
        QByteArray good("_logits_");
        const auto put = [](QByteArray& b, std::int32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
        put(good, 4);
        put(good, 3);
        put(good, 1);
        for (int i = 0; i < 4; ++i) put(good, 1);
        good.append(QByteArray(2 * (4 + 4), '\0'));  // one row (4 - 1 - 2 = 1 scored), nv = 8
        QTest::newRow("valid") << good << QString();
        QTest::newRow("empty") << QByteArray() << QStringLiteral("header");
        QByteArray magic = good;
        magic[0] = 'X';
        QTest::newRow("bad-magic") << magic << QStringLiteral("magic");
        QTest::newRow("truncated") << good.left(good.size() - 1) << QStringLiteral("needs");
        QByteArray token = good;
        token[20] = 9;
        QTest::newRow("token-out-of-range") << token << QStringLiteral("outside the vocabulary");
        QByteArray chunks = good;
        chunks[16] = 0;
        QTest::newRow("zero-chunks") << chunks << QStringLiteral("chunks");
    }
    void malformedLogProbFilesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, needle);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.kl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        if (needle.isEmpty()) {
            eval::LogProbReader r(path.toStdString());
            QCOMPARE(r.nVocab(), 3);
            std::vector<float> row(3);
            r.readRow(0, row);
            QVERIFY_THROWS_EXCEPTION(UsageError, r.readRow(1, row));
            return;
        }
        try {
            eval::LogProbReader r(path.toStdString());
            QFAIL("accepted a malformed file");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
            QVERIFY(QString::fromUtf8(e.what()).contains(path));
        }
    }

    void tooShortTextIsRefused()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        QTemporaryDir dir;
        const QString text = dir.filePath(QStringLiteral("short.txt"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Once upon a time there was a little dog.");
        f.close();
        QProcess cli;
        cli.start(QStringLiteral(EDGERT_CLI_PATH),
                  {QStringLiteral("perplexity"), QStringLiteral("--model"), model, QStringLiteral("-f"), text,
                   QStringLiteral("-c"), QStringLiteral("128")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(cli.readAllStandardError().contains("needs at least 256 tokens"));
    }
};

QTEST_GUILESS_MAIN(TestPerplexity)
#include "tst_perplexity.moc"
