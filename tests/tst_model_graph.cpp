// The model graph across formats: ModelGraph::open's dispatch, the HF Llama loader (tied
// embeddings, rotate-half q/k permuted at load) against the same weights converted to GGUF in
// this test the way llama.cpp's converter does, the TinyStories SafeTensors checkpoint against
// SOURCES.md's goldens and its Q8_0 GGUF, config.json errors, the in-place transposition, every
// strategy at every budget, and the CLI (inspect, run) on a model directory.
#include "edgert/error.h"
#include "edgert/gguf-writer.h"
#include "edgert/inference-engine.h"
#include "kernels/fp16.h"
#include "graph/tensor-transform.h"
#include "test-support.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <bit>
#include <numeric>
#include <random>

using namespace edgert;

namespace {

// As tst_forward: goldens were printed with 4 decimals by an f32 reference.
constexpr double kLogitTolerance = 2e-3;

QString tinyStoriesDir()
{
    return test::sharedModel(QStringLiteral("tinystories-656k"));
}
QString tinyStoriesQ8()
{
    return test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
}

struct Run {
    std::shared_ptr<const ValidatedModelGraph> graph;
    std::unique_ptr<MemoryPool> pool;
    std::optional<ReadyEngine> engine;
};

Run prepareFull(const QString& path, RunShape shape)
{
    Run r;
    r.graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(path.toStdString()).validate());
    const auto strategy = makeStrategy("greedy-grouping");
    const auto budget = strategy->plan(makePlanInput(*r.graph, shape), 1ull << 40).plannedPeakBytes();
    r.pool = std::make_unique<MemoryPool>(budget);
    r.engine.emplace(IdleEngine(r.graph, EngineOptions{2}).plan(*strategy, budget, shape).prepare(*r.pool));
    return r;
}

std::vector<TokenId> greedy(const QString& path, std::uint32_t n)
{
    auto r = prepareFull(path, RunShape{n + 1, 1});
    const TokenId bos[1] = {r.engine->tokenizer().bos()};
    GenerationParams params;
    params.maxTokens = n;
    params.stopAtEos = false;
    return r.engine->generate(bos, params).tokens;
}

/// Copies the TinyStories directory (without the weights when `withWeights` is false).
void copyTinyStories(const QString& to, bool withWeights = true)
{
    for (const auto& name : QDir(tinyStoriesDir()).entryList(QDir::Files))
        if (withWeights || name != QLatin1String("model.safetensors"))
            QFile::copy(tinyStoriesDir() + "/" + name, to + "/" + name);
}

void editConfig(const QString& dir, const std::function<void(QJsonObject&)>& edit)
{
    QFile f(dir + QStringLiteral("/config.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    edit(o);
    QFile::remove(f.fileName());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(o).toJson());
}

/// The TinyStories SafeTensors weights written as an F32 GGUF the way llama.cpp's
/// convert_hf_to_gguf.py does: HF names -> GGUF names, q/k rows permuted from rotate-half to
/// interleaved pairs (reshape(n_head, 2, d/2, in).swapaxes(1, 2)), tokenizer from the Q8_0 GGUF.
void convertTinyStoriesToGguf(const QString& out)
{
    const SafeTensorsFile st((tinyStoriesDir() + QStringLiteral("/model.safetensors")).toStdString());
    const GgufFile vocab(tinyStoriesQ8().toStdString());
    GgufWriter w;
    w.copyMetadata(vocab, [](std::string_view key) {
        return !key.starts_with("general.file_type") && !key.starts_with("general.quantization");
    });
    w.setUInt32("general.file_type", 0);
    const auto read = [&](const std::string& name) {
        const auto* t = st.findTensor(name);
        std::vector<float> v(t->elementCount());
        st.file().readAt(t->fileOffset, v.data(), t->sizeBytes());
        return v;
    };
    const auto permute = [](const std::vector<float>& m, std::size_t heads, std::size_t cols) {
        const std::size_t rows = m.size() / cols, hd = rows / heads;
        std::vector<float> permuted(m.size());
        for (std::size_t h = 0; h < heads; ++h)
            for (std::size_t j = 0; j < 2; ++j)
                for (std::size_t i = 0; i < hd / 2; ++i)
                    std::copy_n(&m[(h * hd + j * hd / 2 + i) * cols], cols, &permuted[(h * hd + 2 * i + j) * cols]);
        return permuted;
    };
    const auto add = [&](const std::string& name, std::vector<std::uint64_t> dims, const std::vector<float>& v) {
        w.addTensor(name, std::move(dims), TensorType::F32,
                    std::span(reinterpret_cast<const std::byte*>(v.data()), v.size() * sizeof(float)));
    };
    add("token_embd.weight", {128, 2048}, read("lm_head.weight"));
    add("output_norm.weight", {128}, read("model.norm.weight"));
    for (int l = 0; l < 2; ++l) {
        const std::string hf = "model.layers." + std::to_string(l) + ".", g = "blk." + std::to_string(l) + ".";
        add(g + "attn_norm.weight", {128}, read(hf + "input_layernorm.weight"));
        add(g + "attn_q.weight", {128, 128}, permute(read(hf + "self_attn.q_proj.weight"), 8, 128));
        add(g + "attn_k.weight", {128, 64}, permute(read(hf + "self_attn.k_proj.weight"), 4, 128));
        add(g + "attn_v.weight", {128, 64}, read(hf + "self_attn.v_proj.weight"));
        add(g + "attn_output.weight", {128, 128}, read(hf + "self_attn.o_proj.weight"));
        add(g + "ffn_norm.weight", {128}, read(hf + "post_attention_layernorm.weight"));
        add(g + "ffn_gate.weight", {128, 384}, read(hf + "mlp.gate_proj.weight"));
        add(g + "ffn_up.weight", {128, 384}, read(hf + "mlp.up_proj.weight"));
        add(g + "ffn_down.weight", {384, 128}, read(hf + "mlp.down_proj.weight"));
    }
    w.write(out.toStdString());
}

std::vector<std::uint64_t> budgetsBetween(std::uint64_t minimum, std::uint64_t full, int steps)
{
    std::vector<std::uint64_t> out{full, minimum};
    for (int i = 1; i < steps; ++i) out.push_back(minimum + (full - minimum) * static_cast<std::uint64_t>(i) / steps);
    return out;
}

}  // namespace

class TestModelGraph : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        EDGERT_REQUIRE_FILE(tinyStoriesDir());
        EDGERT_REQUIRE_FILE(tinyStoriesQ8());
    }

    void openDispatchesOnWhatThePathIs()
    {
        QCOMPARE(ModelGraph::open(tinyStoriesQ8().toStdString()).format(), ModelFormat::Gguf);
        const auto dir = ModelGraph::open(tinyStoriesDir().toStdString());
        QCOMPARE(dir.format(), ModelFormat::SafeTensors);
        QCOMPARE(dir.architectureName(), std::string("LlamaForCausalLM"));
        QVERIFY(dir.path().ends_with("/model.safetensors"));
        QCOMPARE(dir.sourceTensors().size(), std::size_t{20});
        QVERIFY_THROWS_EXCEPTION(UsageError, dir.gguf());
        const auto file = ModelGraph::open((tinyStoriesDir() + QStringLiteral("/model.safetensors")).toStdString());
        QCOMPARE(file.format(), ModelFormat::SafeTensors);
        QCOMPARE(file.fileSizeBytes(), std::uint64_t{2626168});

        QTemporaryDir tmp;
        const QString text = tmp.filePath(QStringLiteral("notes.txt"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a model");
        f.close();
        try {
            ModelGraph::open(text.toStdString());
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("expected a GGUF file")), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(IoError, ModelGraph::open(tmp.filePath(QStringLiteral("missing.gguf")).toStdString()));
        QDir().mkpath(tmp.filePath(QStringLiteral("empty")));
        try {
            ModelGraph::open(tmp.filePath(QStringLiteral("empty")).toStdString());
            QFAIL("accepted");
        } catch (const IoError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("config.json")), e.what());
        }
    }

    void hfLlamaIsTheGraphOfItsGgufConversion()
    {
        QTemporaryDir tmp;
        const QString gguf = tmp.filePath(QStringLiteral("tinystories-f32.gguf"));
        convertTinyStoriesToGguf(gguf);
        const auto hf = ModelGraph::open(tinyStoriesDir().toStdString()).validate();
        const auto gg = ModelGraph::open(gguf.toStdString()).validate();
        QCOMPARE(hf.hparams().vocabSize, gg.hparams().vocabSize);
        QCOMPARE(hf.hparams().ropeDim, gg.hparams().ropeDim);
        QCOMPARE(hf.hparams().normEps, gg.hparams().normEps);
        QVERIFY(hf.hparams().tiedEmbeddings);
        QCOMPARE(hf.tokenEmbedding().name, std::string("lm_head.weight"));  // via __metadata__'s alias
        QCOMPARE(hf.layers()[0][TensorRole::AttnQ].transform, LoadTransform::RopeHalvesToPairs);
        QCOMPARE(hf.layers()[0][TensorRole::AttnK].transformGroups, 4u);
        QCOMPARE(hf.weightBytes(), gg.weightBytes());

        auto a = prepareFull(tinyStoriesDir(), RunShape{16, 1});
        auto b = prepareFull(gguf, RunShape{16, 1});
        double maxDiff = 0;
        for (auto id : {1, 147, 201, 282, 215, 286, 598, 1662}) {
            const TokenId one[1] = {id};
            const auto x = a.engine->evaluate(one);
            const auto y = b.engine->evaluate(one);
            for (std::size_t i = 0; i < x.size(); ++i)
                maxDiff = std::max(maxDiff, static_cast<double>(std::abs(x[i] - y[i])));
        }
        qInfo("max |logit(HF SafeTensors) - logit(converted F32 GGUF)| over 8 positions: %g", maxDiff);
        QCOMPARE(maxDiff, 0.0);
    }

    void tinyStoriesSafeTensorsMatchesTheGoldens()
    {
        auto r = prepareFull(tinyStoriesDir(), RunShape{8, 1});
        QCOMPARE(r.engine->tokenizer().bos(), 1);
        const TokenId bos[1] = {1};
        const auto out = r.engine->evaluate(bos);
        std::vector<int> order(out.size());
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + 5, order.end(), [&](int x, int y) { return out[x] > out[y]; });
        const int ids[] = {147, 429, 1166, 299, 875};
        const double logits[] = {14.7817, 12.9551, 10.1302, 9.9054, 9.8035};  // SOURCES.md, F32 column
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(order[i], ids[i]);
            QVERIFY2(
                std::abs(out[order[i]] - logits[i]) < kLogitTolerance,
                qPrintable(
                    QStringLiteral("logit of %1 is %2, reference %3").arg(ids[i]).arg(out[order[i]]).arg(logits[i])));
        }
        const auto golden = test::goldenIdsTinyStories656K();
        const auto ids24 = greedy(tinyStoriesDir(), 24);
        QCOMPARE(std::vector<int>(ids24.begin(), ids24.end()), golden);
    }

    void tinyStoriesFormatsAgreeOver64Tokens()
    {
        const auto f32 = greedy(tinyStoriesDir(), 64);
        const auto q8 = greedy(tinyStoriesQ8(), 64);
        QCOMPARE(f32.size(), std::size_t{64});
        std::size_t agree = 0;
        while (agree < 64 && f32[agree] == q8[agree]) ++agree;
        qInfo("F32 SafeTensors and Q8_0 GGUF agree on the first %zu of 64 greedy tokens", agree);
        QCOMPARE(agree, std::size_t{64});
    }

    void configErrorsNameTheKey_data()
    {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown_architecture") << "arch"
                                              << "unsupported architecture 'MistralForCausalLM' in config.json "
                                                 "(supported: LlamaForCausalLM, Qwen2ForCausalLM, GPT2LMHeadModel)";
        QTest::newRow("rope_scaling") << "rope"
                                      << "RoPE scaling is not supported";
        QTest::newRow("missing_hidden_size") << "nohidden"
                                             << "config.json has no 'hidden_size'";
        QTest::newRow("hidden_size_as_text") << "texthidden"
                                             << "key 'hidden_size' (byte";
        QTest::newRow("kv_heads_do_not_divide") << "kv3"
                                                << "head count 8 is not a multiple of the KV head count 3";
        QTest::newRow("vocab_size_differs") << "vocab"
                                            << "vocab_size' (byte";
        QTest::newRow("hidden_size_differs_from_tensors") << "hidden256"
                                                          << "has shape [2048, 128], expected [vocab_size, 256]";
        QTest::newRow("biased_attention") << "bias"
                                          << "attention_bias = true";
    }
    void configErrorsNameTheKey()
    {
        QFETCH(QString, edit);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        copyTinyStories(tmp.path());
        editConfig(tmp.path(), [&](QJsonObject& o) {
            if (edit == QLatin1String("arch"))
                o[QStringLiteral("architectures")] = QJsonArray{QStringLiteral("MistralForCausalLM")};
            if (edit == QLatin1String("arch")) o[QStringLiteral("model_type")] = QStringLiteral("mistral");
            if (edit == QLatin1String("rope"))
                o[QStringLiteral("rope_scaling")] = QJsonObject{{QStringLiteral("type"), QStringLiteral("linear")}};
            if (edit == QLatin1String("nohidden")) o.remove(QStringLiteral("hidden_size"));
            if (edit == QLatin1String("texthidden")) o[QStringLiteral("hidden_size")] = QStringLiteral("128");
            if (edit == QLatin1String("kv3")) o[QStringLiteral("num_key_value_heads")] = 3;
            if (edit == QLatin1String("vocab")) o[QStringLiteral("vocab_size")] = 2000;
            if (edit == QLatin1String("hidden256")) o[QStringLiteral("hidden_size")] = 256;
            if (edit == QLatin1String("bias")) o[QStringLiteral("attention_bias")] = true;
        });
        try {
            ModelGraph::open(tmp.path().toStdString()).validate();
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(tmp.path()), e.what());
        }
    }

    void ggufArchitectureErrorListsTheSupportedOnes()
    {
        const QString vocab = test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-spm.gguf"));
        EDGERT_REQUIRE_FILE(vocab);
        QTemporaryDir tmp;
        GgufWriter w;
        w.setString("general.architecture", "falcon");
        w.write(tmp.filePath(QStringLiteral("falcon.gguf")).toStdString());
        try {
            ModelGraph::open(tmp.filePath(QStringLiteral("falcon.gguf")).toStdString()).validate();
            QFAIL("accepted");
        } catch (const ValidationError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral(
                         "'falcon' in general.architecture (supported: llama, qwen2, gemma2, phi3, gpt2)")),
                     e.what());
        }
    }

    void missingTensorsAreListedByTheirHfNames()
    {
        QTemporaryDir tmp;
        copyTinyStories(tmp.path(), false);
        QFile in(tinyStoriesDir() + QStringLiteral("/model.safetensors"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray bytes = in.readAll();
        // Rename one tensor in place (same length), so the file stays well-formed.
        const QByteArray from = "model.layers.1.self_attn.q_proj.weight", to = "model.layers.1.self_attn.Q_proj.weight";
        bytes.replace(bytes.indexOf(from), from.size(), to);
        QFile out(tmp.filePath(QStringLiteral("model.safetensors")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        try {
            ModelGraph::open(tmp.path().toStdString()).validate();
            QFAIL("accepted");
        } catch (const ValidationError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral(
                         "missing tensor 'model.layers.1.self_attn.q_proj.weight' (expected shape [128, 128])")),
                     e.what());
        }
    }

    /// Corrupted copies of the real checkpoint, opened as a model directory.
    void corruptedCopiesOfTheRealModelFailToOpen_data()
    {
        QTest::addColumn<QString>("corruption");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated_data") << "truncate"
                                        << "tensor 'model.norm.weight'";
        QTest::newRow("header_length_plus_one") << "length+1"
                                                << "malformed JSON at byte 2168: unexpected byte 0x00";
        QTest::newRow("brace_removed") << "brace"
                                       << "at byte 8: the header must start with '{'";
        QTest::newRow("dtype_renamed") << "dtype"
                                       << "unknown dtype \"F33\"";
    }
    void corruptedCopiesOfTheRealModelFailToOpen()
    {
        QFETCH(QString, corruption);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        copyTinyStories(dir.path(), false);
        QFile in(tinyStoriesDir() + QStringLiteral("/model.safetensors"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray bytes = in.readAll();
        if (corruption == QLatin1String("truncate")) bytes.chop(100);
        if (corruption == QLatin1String("length+1")) bytes[0] = static_cast<char>(bytes[0] + 1);
        if (corruption == QLatin1String("brace")) bytes[8] = ' ';
        if (corruption == QLatin1String("dtype")) bytes.replace(bytes.indexOf("\"F32\""), 5, "\"F33\"");
        const QString path = dir.filePath(QStringLiteral("model.safetensors"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        try {
            ModelGraph::open(dir.path().toStdString());
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
    }

    void transposeInPlaceMatchesNaive_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("elementBytes");
        for (const auto& [r, c] : std::vector<std::pair<int, int>>{{1, 7},
                                                                   {7, 1},
                                                                   {2, 2},
                                                                   {7, 7},
                                                                   {3, 5},
                                                                   {5, 3},
                                                                   {4, 6},
                                                                   {6, 4},
                                                                   {12, 18},
                                                                   {64, 192},
                                                                   {192, 64},
                                                                   {64, 256},
                                                                   {256, 64},
                                                                   {33, 100}})
            for (int e : {1, 2, 3, 4})
                QTest::newRow(qPrintable(QStringLiteral("%1x%2_e%3").arg(r).arg(c).arg(e))) << r << c << e;
    }
    void transposeInPlaceMatchesNaive()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, elementBytes);
        const std::size_t R = rows, C = cols, E = elementBytes;
        std::vector<std::byte> m(R * C * E);
        std::mt19937 rng(R * 131 + C);
        for (auto& b : m) b = static_cast<std::byte>(rng());
        std::vector<std::byte> expected(m.size());
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t c = 0; c < C; ++c) std::memcpy(&expected[(c * R + r) * E], &m[(r * C + c) * E], E);
        transposeInPlace(m.data(), R, C, E);
        QVERIFY(m == expected);
    }

    void readTensorAppliesEachLoadTransform()
    {
        // One file holding: a (4, 6) f32 matrix stored transposed, an (8 rows, 3 cols) f32 matrix of two
        // heads in rotate-half row order, and 5 BF16 values and 5 F16 values.
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("t.bin"));
        std::vector<float> canonical(4 * 6), rope(8 * 3);
        std::iota(canonical.begin(), canonical.end(), 0.0f);
        std::iota(rope.begin(), rope.end(), 100.0f);
        std::vector<float> stored(canonical.size());
        for (std::size_t r = 0; r < 4; ++r)
            for (std::size_t c = 0; c < 6; ++c) stored[c * 4 + r] = canonical[r * 6 + c];
        const float values[5] = {1.5f, -2.25f, 0.0f, 3.0e-3f, 65504.0f};
        std::uint16_t bf16[5], f16[5];
        for (int i = 0; i < 5; ++i) {
            bf16[i] = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(values[i]) >> 16);
            f16[i] = kernels::fp32ToFp16(values[i]);
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(reinterpret_cast<const char*>(stored.data()), 96);
        f.write(reinterpret_cast<const char*>(rope.data()), 96);
        f.write(reinterpret_cast<const char*>(bf16), 10);
        f.write(reinterpret_cast<const char*>(f16), 10);
        f.close();
        const MappedFile file(path.toStdString());

        std::vector<float> out(24);
        TensorRef t{"w", TensorType::F32, {6, 4}, &file, 0, 96, LoadTransform::Transpose};
        QCOMPARE(readTensor(t, reinterpret_cast<std::byte*>(out.data())), std::uint64_t{96});
        QCOMPARE(out, canonical);

        t = TensorRef{"q", TensorType::F32, {3, 8}, &file, 96, 96, LoadTransform::RopeHalvesToPairs, 2};
        readTensor(t, reinterpret_cast<std::byte*>(out.data()));
        for (std::size_t h = 0; h < 2; ++h)  // row (h, j, i) of the file becomes row (h, i, j)
            for (std::size_t j = 0; j < 2; ++j)
                for (std::size_t i = 0; i < 2; ++i)
                    for (std::size_t c = 0; c < 3; ++c)
                        QCOMPARE(out[(h * 4 + 2 * i + j) * 3 + c], rope[(h * 4 + j * 2 + i) * 3 + c]);

        for (const auto& [type, offset] : {std::pair{TensorType::BF16, 192ull}, std::pair{TensorType::F16, 202ull}}) {
            t = TensorRef{"n", TensorType::F32, {5}, &file, offset, 20, LoadTransform::WidenToF32, 0, type};
            QCOMPARE(t.fileBytes(), std::uint64_t{10});
            std::fill(out.begin(), out.end(), -1.0f);
            QCOMPARE(readTensor(t, reinterpret_cast<std::byte*>(out.data())), std::uint64_t{10});
            for (int i = 0; i < 5; ++i) {
                const float expected = type == TensorType::BF16 ? std::bit_cast<float>(std::uint32_t{bf16[i]} << 16)
                                                                : kernels::fp16ToFp32(f16[i]);
                QCOMPARE(out[static_cast<std::size_t>(i)], expected);
            }
            QCOMPARE(out[5], -1.0f);  // nothing past the slot is touched
        }
    }

    void everyStrategyAndBudgetGivesTheGoldenIds()
    {
        auto graph =
            std::make_shared<const ValidatedModelGraph>(ModelGraph::open(tinyStoriesDir().toStdString()).validate());
        const auto& golden = test::goldenIdsTinyStories656K();
        const RunShape shape{static_cast<std::uint32_t>(golden.size() + 1), 1};
        const auto input = makePlanInput(*graph, shape);
        int runs = 0, streamed = 0;
        for (const auto& name : strategyNames()) {
            const auto strategy = makeStrategy(name);
            for (const auto budget : budgetsBetween(strategy->minimumBudget(input),
                                                    strategy->plan(input, 1ull << 40).plannedPeakBytes(), 5)) {
                MemoryPool pool(budget);
                {
                    auto engine = IdleEngine(graph, EngineOptions{2}).plan(*strategy, budget, shape).prepare(pool);
                    const TokenId bos[1] = {1};
                    GenerationParams params;
                    params.maxTokens = static_cast<std::uint32_t>(golden.size());
                    const auto result = engine.generate(bos, params);
                    QVERIFY2(
                        std::vector<int>(result.tokens.begin(), result.tokens.end()) == golden,
                        qPrintable(
                            QStringLiteral("%1 at %2 bytes diverged").arg(QString::fromStdString(name)).arg(budget)));
                    QVERIFY(pool.peakBytes() <= budget);
                    if (!engine.plan().allPinned()) {
                        ++streamed;
                        QVERIFY(result.streamedBytesRead > 0);
                    }
                }
                QCOMPARE(pool.usedBytes(), std::uint64_t{0});
                ++runs;
            }
        }
        QVERIFY(streamed > 0);
        qInfo("%d runs, %d with streamed groups", runs, streamed);
    }

    void cliRunsAndInspectsAModelDirectory_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("budget");
        for (const auto& s : strategyNames())
            for (const char* b : {"min", "full"})
                QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(QString::fromStdString(s), QLatin1String(b))))
                    << QString::fromStdString(s) << QString::fromLatin1(b);
    }
    void cliRunsAndInspectsAModelDirectory()
    {
        QFETCH(QString, strategy);
        QFETCH(QString, budget);
        const auto graph = ModelGraph::open(tinyStoriesDir().toStdString()).validate();
        const auto s = makeStrategy(strategy.toStdString());
        const auto input = makePlanInput(graph, RunShape{25, 1});
        const auto bytes =
            budget == QLatin1String("min") ? s->minimumBudget(input) : s->plan(input, 1ull << 40).plannedPeakBytes();
        QProcess cli;
        cli.start(QStringLiteral(EDGERT_CLI_PATH),
                  {QStringLiteral("run"), QStringLiteral("--model"), tinyStoriesDir() + QStringLiteral("/"),
                   QStringLiteral("--strategy"), strategy, QStringLiteral("--memory-budget"), QString::number(bytes),
                   QStringLiteral("-n"), QStringLiteral("24"), QStringLiteral("--ids"), QStringLiteral("--report"),
                   QStringLiteral("json")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const auto report = QJsonDocument::fromJson(cli.readAllStandardError().trimmed().split('\n').last()).object();
        const auto tokens = report.value(QStringLiteral("tokens")).toArray();
        const auto& golden = test::goldenIdsTinyStories656K();
        QCOMPARE(tokens.size(), static_cast<qsizetype>(golden.size()));
        for (qsizetype i = 0; i < tokens.size(); ++i) QCOMPARE(tokens[i].toInt(), golden[static_cast<std::size_t>(i)]);
        QCOMPARE(report.value(QStringLiteral("pool_end_bytes")).toDouble(), 0.0);
        if (report.value(QStringLiteral("peak_rss_measured")).toBool()) {
            const double above = report.value(QStringLiteral("peak_rss_above_baseline_bytes")).toDouble();
            qInfo("budget %llu, peak RSS above baseline %.0f", static_cast<unsigned long long>(bytes), above);
            const QString rss = test::checkPeakRssWithinBudget(
                bytes, above, report.value(QStringLiteral("pool_peak_bytes")).toDouble());
            QVERIFY2(rss.isEmpty(), qPrintable(rss));
        }
        if (strategy != QLatin1String("sequential") || budget != QLatin1String("min")) return;
        QProcess inspect;
        inspect.start(QStringLiteral(EDGERT_CLI_PATH), {QStringLiteral("inspect"), QStringLiteral("--model"),
                                                        tinyStoriesDir(), QStringLiteral("--tensors")});
        QVERIFY(inspect.waitForFinished(60000));
        QCOMPARE(inspect.exitCode(), 0);
        const QString text = QString::fromUtf8(inspect.readAllStandardOutput());
        for (const char* want :
             {"SafeTensors, 1 file", "config.architectures", "safetensors.model.embed_tokens.weight",
              "model.layers.0.self_attn.q_proj.weight", "llama, 2.5 MiB of weights", "minimum budget"})
            QVERIFY2(text.contains(QLatin1String(want)), want);
    }
};

QTEST_GUILESS_MAIN(TestModelGraph)
#include "tst_model_graph.moc"
