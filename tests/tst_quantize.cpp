// edge-rt quantize against llama-quantize's files in the fidelity kit: the same per-tensor types
// (inventory.json) and general.file_type for every kit type, byte-identical tensors where the
// format leaves no choice (F32 -> Q8_0 / F16 / BF16), llama.cpp's fallbacks, clear refusals, and
// the CLI (progress on stderr, OUT whole or absent).
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/inference-engine.h"
#include "edgert/model-graph.h"
#include "edgert/quantize.h"
#include "edgert/synth.h"
#include "test-support.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace edgert;

namespace {

std::vector<std::byte> tensorBytes(const GgufFile& f, const GgufTensorInfo& t)
{
    std::vector<std::byte> b(t.sizeBytes);
    f.readTensor(t, b.data());
    return b;
}

QJsonObject kitTensorTypes(const QString& kitFile)
{
    QFile inv(QStringLiteral(EDGERT_SHARED_DIR "/models/kit/inventory.json"));
    if (!inv.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(inv.readAll())
        .object()
        .value(kitFile)
        .toObject()
        .value(QStringLiteral("tensor_types"))
        .toObject();
}

std::string quantise(const QTemporaryDir& dir, const std::string& in, const std::string& type, bool requantize = false)
{
    const std::string out = dir.filePath(QString::fromStdString(type + ".gguf")).toStdString();
    QuantizeOptions o;
    o.threads = 2;
    o.allowRequantize = requantize;
    quantizeModel(in, out, quantFileType(type), o);
    return out;
}

}  // namespace

class TestQuantize : public QObject {
    Q_OBJECT
private slots:
    void perTensorTypesMatchLlamaQuantize_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("kitFile");
        for (const char* t : {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL"})
            QTest::newRow(t) << QString::fromLatin1(t) << QStringLiteral("kit/real/tinystories-656k-F32.gguf")
                             << QStringLiteral("kit/real/tinystories-656k-%1.gguf").arg(QLatin1String(t));
        for (const char* t : {"F16", "BF16"})
            QTest::newRow(t) << QString::fromLatin1(t) << QStringLiteral("stories260K.gguf")
                             << QStringLiteral("kit/real/stories260K-%1.gguf").arg(QLatin1String(t));
        // The K-quant files' F32 base is not shipped; the plan depends only on names, shapes and
        // hyper-parameters, which its Q8_0 file has alike.
        for (const char* t : {"Q2_K", "Q3_K_M", "Q4_K_S", "Q4_K_M", "Q5_K_M", "Q6_K", "IQ4_XS", "Q8_0"})
            QTest::newRow(qPrintable(QStringLiteral("kquant %1").arg(QLatin1String(t))))
                << QString::fromLatin1(t) << QStringLiteral("kit/kquant/kq-llama-d256-Q8_0.gguf")
                << QStringLiteral("kit/kquant/kq-llama-d256-%1.gguf").arg(QLatin1String(t));
    }
    void perTensorTypesMatchLlamaQuantize()
    {
        QFETCH(QString, type);
        QFETCH(QString, input);
        QFETCH(QString, kitFile);
        const QString inPath = test::sharedModel(input), kitPath = test::sharedModel(kitFile);
        EDGERT_REQUIRE_FILE(inPath);
        EDGERT_REQUIRE_FILE(kitPath);
        const auto expected = kitTensorTypes(kitFile);
        QVERIFY(!expected.isEmpty());
        const auto plan = planQuantization(inPath.toStdString(), quantFileType(type.toStdString()), true);
        QCOMPARE(static_cast<qsizetype>(plan.size()), expected.size());
        for (const auto& c : plan)
            QVERIFY2(QString::fromStdString(tensorTypeName(c.to)) ==
                         expected.value(QString::fromStdString(c.name)).toString(),
                     qPrintable(QStringLiteral("%1: %2 (%3), llama-quantize %4")
                                    .arg(QString::fromStdString(c.name), QString::fromStdString(tensorTypeName(c.to)),
                                         QString::fromStdString(c.reason),
                                         expected.value(QString::fromStdString(c.name)).toString())));
        QCOMPARE(static_cast<std::uint64_t>(quantFileType(type.toStdString()).llamaFileType),
                 GgufFile(kitPath.toStdString()).getUInt("general.file_type"));
    }

    void formatFixedTypesAreByteIdentical_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("kitFile");
        QTest::newRow("F32->Q8_0") << QStringLiteral("Q8_0") << QStringLiteral("kit/real/tinystories-656k-F32.gguf")
                                   << QStringLiteral("kit/real/tinystories-656k-Q8_0.gguf");
        for (const char* t : {"F16", "BF16"})
            QTest::newRow(qPrintable(QStringLiteral("F32->%1").arg(QLatin1String(t))))
                << QString::fromLatin1(t) << QStringLiteral("stories260K.gguf")
                << QStringLiteral("kit/real/stories260K-%1.gguf").arg(QLatin1String(t));
    }
    void formatFixedTypesAreByteIdentical()
    {
        QFETCH(QString, type);
        QFETCH(QString, input);
        QFETCH(QString, kitFile);
        const QString inPath = test::sharedModel(input), kitPath = test::sharedModel(kitFile);
        EDGERT_REQUIRE_FILE(inPath);
        EDGERT_REQUIRE_FILE(kitPath);
        QTemporaryDir dir;
        const GgufFile ours(quantise(dir, inPath.toStdString(), type.toStdString())), kit(kitPath.toStdString());
        QCOMPARE(ours.tensors().size(), kit.tensors().size());
        for (const auto& t : kit.tensors()) {
            const auto* u = ours.findTensor(t.name);
            QVERIFY2(u && u->type == t.type && u->dims == t.dims, t.name.c_str());
            QVERIFY2(tensorBytes(ours, *u) == tensorBytes(kit, t), t.name.c_str());
        }
        // Metadata carried over: the tokenizer and the hyper-parameters, general.file_type set.
        const GgufFile in(inPath.toStdString());
        QCOMPARE(ours.arrayCount("tokenizer.ggml.tokens"), in.arrayCount("tokenizer.ggml.tokens"));
        QCOMPARE(ours.getUInt("llama.block_count"), in.getUInt("llama.block_count"));
        QCOMPARE(ours.getUInt("general.file_type"), kit.getUInt("general.file_type"));
    }

    // Blocks are quantised independently and written in order, so the thread count cannot change
    // a byte: K-quant mixtures (Q4_K + Q6_K), IQ4_XS and an affine block-32 type on 1 and 3
    // threads (more threads than this machine's cores, so the OpenMP split is uneven).
    void threadCountDoesNotChangeBytes_data()
    {
        QTest::addColumn<QString>("type");
        for (const char* t : {"Q4_K_M", "IQ4_XS", "Q5_1"}) QTest::newRow(t) << QString::fromLatin1(t);
    }
    void threadCountDoesNotChangeBytes()
    {
        QFETCH(QString, type);
        QTemporaryDir dir;
        const std::string in = test::sharedModel("kit/kquant/kq-llama-d256-Q8_0.gguf").toStdString();
        std::vector<QByteArray> files;
        for (const int threads : {1, 3}) {
            const std::string out = dir.filePath(QStringLiteral("t%1.gguf").arg(threads)).toStdString();
            QuantizeOptions o;
            o.threads = threads;
            o.allowRequantize = true;
            quantizeModel(in, out, quantFileType(type.toStdString()), o);
            QFile f(QString::fromStdString(out));
            QVERIFY(f.open(QIODevice::ReadOnly));
            files.push_back(f.readAll());
        }
        QVERIFY(files[0].size() > 1000000);
        QVERIFY(files[0] == files[1]);
    }

    void fallbacksForRowsNotDivisibleBy256()
    {
        // stories260K: dim 64, FFN 172. Q4_K_M: Q4_K falls back to Q5_0 (64 = 2 blocks of 32);
        // ffn_down's rows of 172 fit no 32-block either, so llama-quantize's last resort, F16.
        const QString s260 = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(s260);
        const auto plan = planQuantization(s260.toStdString(), quantFileType("Q4_K_M"));
        const auto typeOf = [&plan](const std::string& name) {
            for (const auto& c : plan)
                if (c.name == name) return c.to;
            return TensorType::I8;  // absent
        };
        QCOMPARE(typeOf("blk.0.attn_q.weight"), TensorType::Q5_0);
        QCOMPARE(typeOf("blk.0.ffn_down.weight"), TensorType::F16);
        QCOMPARE(typeOf("blk.0.attn_norm.weight"), TensorType::F32);
        QCOMPARE(typeOf("output.weight"), TensorType::Q8_0);  // the output rule: 64 % 256 != 0
        QCOMPARE(typeOf("token_embd.weight"), TensorType::Q5_0);
        QTemporaryDir dir;
        const GgufFile out(quantise(dir, s260.toStdString(), "Q4_K_M"));
        QCOMPARE(out.getUInt("general.file_type"), std::uint64_t{15});
    }

    void refusals()
    {
        QVERIFY_THROWS_EXCEPTION(UsageError, quantFileType("Q3_K_L"));
        QCOMPARE(quantFileType("q4_k_m").name, std::string("Q4_K_M"));
        const QString s260 = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(s260);
        // FFN width 172 is not a multiple of 32: llama-quantize refuses too; the error names the tensor.
        try {
            planQuantization(s260.toStdString(), quantFileType("Q4_0"));
            QFAIL("accepted rows of 172 values for Q4_0");
        } catch (const UsageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("ffn_down.weight")), e.what());
        }
        // A quantised input needs --allow-requantize.
        const QString q8 = test::sharedModel("tinystories-656k-q8_0.gguf");
        EDGERT_REQUIRE_FILE(q8);
        QVERIFY_THROWS_EXCEPTION(UsageError, planQuantization(q8.toStdString(), quantFileType("Q4_0")));
    }

    void nonFiniteValueIsRefusedAndNothingIsWritten()
    {
        QTemporaryDir dir;
        const std::string in = dir.filePath(QStringLiteral("nan.gguf")).toStdString();
        std::vector<float> w(256 * 4, 0.5f);
        w[700] = std::numeric_limits<float>::quiet_NaN();
        GgufWriter g;
        g.setString("general.architecture", "llama");
        g.addTensor("blk.0.ffn_up.weight", {256, 4}, TensorType::F32,
                    std::span<const std::byte>(reinterpret_cast<const std::byte*>(w.data()), w.size() * 4));
        g.write(in);
        const std::string out = dir.filePath(QStringLiteral("out.gguf")).toStdString();
        try {
            quantizeModel(in, out, quantFileType("Q4_K_M"), {});
            QFAIL("quantised a NaN");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("blk.0.ffn_up.weight")), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("element 700")), e.what());
        }
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("nan.gguf")});
    }

    void synthMixtureLoadsAndRuns()
    {
        // A tinyllama-like shape, scaled down (dim 256, FFN 768, 8 layers, GQA 4:1, untied), as
        // Q4_K_M: the per-tensor types are llama-quantize's and the file loads and generates.
        const QString vocab = test::sharedModel("stories260K.gguf");  // a 512-token SPM vocab keeps it small
        EDGERT_REQUIRE_FILE(vocab);
        SynthOptions o;
        o.shape = *knownSynthShape("tinyllama-1.1b");
        o.shape.name = "tinyllama-scaled";
        o.shape.dim = 256;
        o.shape.ffnDim = 768;
        o.shape.nLayers = 8;
        o.shape.nHeads = 8;
        o.shape.nKvHeads = 2;
        o.shape.contextLength = 64;
        o.mixture = "Q4_K_M";
        o.vocabPath = vocab.toStdString();
        QTemporaryDir dir;
        const std::string out = dir.filePath(QStringLiteral("synth.gguf")).toStdString();
        writeSynthetic(o, out);
        const GgufFile f(out);
        QCOMPARE(f.getUInt("general.file_type"), std::uint64_t{15});
        const auto typeOf = [&f](const std::string& name) { return f.findTensor(name)->type; };
        QCOMPARE(typeOf("output.weight"), TensorType::Q6_K);
        QCOMPARE(typeOf("token_embd.weight"), TensorType::Q4_K);
        QCOMPARE(typeOf("blk.0.attn_v.weight"), TensorType::Q6_K);  // use_more_bits: layers 0, 3, 6, 7 of 8
        QCOMPARE(typeOf("blk.1.attn_v.weight"), TensorType::Q4_K);
        QCOMPARE(typeOf("blk.3.ffn_down.weight"), TensorType::Q6_K);
        QCOMPARE(typeOf("blk.4.ffn_down.weight"), TensorType::Q4_K);
        QCOMPARE(typeOf("blk.4.attn_q.weight"), TensorType::Q4_K);

        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(out).validate());
        const RunShape shape{32, 8, true};
        const auto strategy = makeStrategy("sequential");
        const auto budget = strategy->plan(makePlanInput(*graph, shape), 1ull << 40).plannedPeakBytes();
        MemoryPool pool(budget);
        auto engine = IdleEngine(graph, EngineOptions{1}).plan(*strategy, budget, shape).prepare(pool);
        const auto prompt = engine.tokenizer().encode("Once upon a time", true);
        GenerationParams params;
        params.maxTokens = 8;
        params.stopAtEos = false;
        const auto result = engine.generate(prompt, params);
        QCOMPARE(result.tokens.size(), std::size_t{8});
        engine.resetContext();
        const auto logits = engine.evaluate(prompt);
        for (const float l : logits) QVERIFY(std::isfinite(l));
    }

    void cliWritesAtomicallyWithProgress()
    {
        const QString f32 = test::sharedModel("kit/real/tinystories-656k-F32.gguf");
        EDGERT_REQUIRE_FILE(f32);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("q.gguf"));
        QProcess cli;
        cli.start(QStringLiteral(EDGERT_CLI_PATH),
                  {QStringLiteral("quantize"), f32, out, QStringLiteral("--type"), QStringLiteral("Q4_K_M"),
                   QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY(cli.waitForFinished(120000));
        const auto err = cli.readAllStandardError();
        QVERIFY2(cli.exitCode() == 0, err.constData());
        QVERIFY2(err.contains("[20/20]"), err.constData());
        QVERIFY2(err.contains("fallback"), err.constData());  // rows of 128/384: Q4_K -> Q5_0
        QVERIFY(cli.readAllStandardOutput().contains("Q4_K_M"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("q.gguf")});  // no temp left
        QCOMPARE(GgufFile(out.toStdString()).getUInt("general.file_type"), std::uint64_t{15});
        // A failing run leaves nothing and says why on one line.
        QProcess bad;
        bad.start(QStringLiteral(EDGERT_CLI_PATH),
                  {QStringLiteral("quantize"), f32, dir.filePath(QStringLiteral("no/such/q.gguf")),
                   QStringLiteral("--type"), QStringLiteral("Q4_0")});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 1);
        QProcess unknown;
        unknown.start(QStringLiteral(EDGERT_CLI_PATH),
                      {QStringLiteral("quantize"), f32, out, QStringLiteral("--type"), QStringLiteral("Q1_X")});
        QVERIFY(unknown.waitForFinished(60000));
        QVERIFY(unknown.exitCode() != 0);
        QVERIFY(unknown.readAllStandardError().contains("Q4_K_M"));
        QProcess help;
        help.start(QStringLiteral(EDGERT_CLI_PATH), {QStringLiteral("quantize"), QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(60000));
        QCOMPARE(help.exitCode(), 0);
        QVERIFY(help.readAllStandardOutput().contains("--type"));
    }
};

QTEST_GUILESS_MAIN(TestQuantize)
#include "tst_quantize.moc"
