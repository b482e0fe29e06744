// GPT-2 end to end. No trained GPT-2 fits on these machines, so the test builds a small random
// GPT-2 twice from the same values — as a HF GPT2LMHeadModel directory (SafeTensors with Conv1D
// weights stored (in, out), config.json, vocab.json + merges.txt) and as a GGUF with llama.cpp's
// gpt2 tensor names — and requires:
//  - identical logits from both loaders (the HF Conv1D weights are transposed at load, in place);
//  - agreement with a deliberately naive double-precision forward written here from the GPT-2
//    paper's equations (full recomputation, no KV cache, loops only);
//  - identical greedy generations for every partition strategy at budgets from full to minimum;
//  - a synthetic real-vocabulary GPT-2 from writeSynthetic() loads, tokenizes and runs.
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/inference-engine.h"
#include "kernels/fp16.h"
#include "runtime/unit-layout.h"
#include "edgert/synth.h"
#include "test-support.h"
#include "tokenizer/bpe-unicode.h"
#include "tst_safetensors_support.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace edgert;

namespace {

// The engine computes in f32 (with f32 accumulation in its kernels); the reference in double.
constexpr double kMaxLogitErrorF32 = 2e-4;

/// A GPT-2's weights in canonical y = W·x orientation: W[out][in], row-major.
struct Gpt2Weights {
    std::uint32_t nLayers = 2, dim = 64, nHeads = 4, ffn = 256, ctx = 32, vocab = 257;
    float eps = 1e-5f;
    std::vector<float> wte, wpe, lnfG, lnfB;
    struct Layer {
        std::vector<float> ln1G, ln1B, wQkv, bQkv, wO, bO, ln2G, ln2B, wUp, bUp, wDown, bDown;
    };
    std::vector<Layer> layers;
};

Gpt2Weights randomGpt2(std::uint32_t seed, bool roundToF16)
{
    Gpt2Weights w;
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const auto fill = [&](std::size_t n, float mean, float stddev) {
        std::vector<float> v(n);
        for (auto& x : v) {
            x = mean + stddev * normal(rng);
            if (roundToF16) x = kernels::fp16ToFp32(kernels::fp32ToFp16(x));
        }
        return v;
    };
    const std::size_t d = w.dim, f = w.ffn;
    const float sd = 1.0f / std::sqrt(static_cast<float>(d));
    w.wte = fill(std::size_t{w.vocab} * d, 0.0f, 0.5f);
    w.wpe = fill(std::size_t{w.ctx} * d, 0.0f, 0.2f);
    for (std::uint32_t l = 0; l < w.nLayers; ++l) {
        Gpt2Weights::Layer L;
        L.ln1G = fill(d, 1.0f, 0.1f);
        L.ln1B = fill(d, 0.0f, 0.1f);
        L.wQkv = fill(3 * d * d, 0.0f, sd);
        L.bQkv = fill(3 * d, 0.0f, 0.1f);
        L.wO = fill(d * d, 0.0f, sd);
        L.bO = fill(d, 0.0f, 0.1f);
        L.ln2G = fill(d, 1.0f, 0.1f);
        L.ln2B = fill(d, 0.0f, 0.1f);
        L.wUp = fill(f * d, 0.0f, sd);
        L.bUp = fill(f, 0.0f, 0.1f);
        L.wDown = fill(d * f, 0.0f, 1.0f / std::sqrt(static_cast<float>(f)));
        L.bDown = fill(d, 0.0f, 0.1f);
        w.layers.push_back(std::move(L));
    }
    w.lnfG = fill(d, 1.0f, 0.1f);
    w.lnfB = fill(d, 0.0f, 0.1f);
    return w;
}

/// (rows, cols) row-major -> (cols, rows) row-major.
std::vector<float> transposed(const std::vector<float>& m, std::size_t rows, std::size_t cols)
{
    std::vector<float> t(m.size());
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) t[c * rows + r] = m[r * cols + c];
    return t;
}

QByteArray bytesOf(const std::vector<float>& v, bool f16)
{
    if (!f16) return test::f32Bytes(v);
    QByteArray out(static_cast<qsizetype>(v.size() * 2), '\0');
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::uint16_t h = kernels::fp32ToFp16(v[i]);
        std::memcpy(out.data() + 2 * i, &h, 2);
    }
    return out;
}

/// The 256 byte-level characters (ids 0..255 in byte order) and <|endoftext|> = 256, no merges.
std::vector<std::string> byteVocab()
{
    const unicode::ByteLevelMap map;
    std::vector<std::string> tokens;
    for (unsigned b = 0; b < 256; ++b) tokens.push_back(map.text(static_cast<std::uint8_t>(b)));
    tokens.emplace_back("<|endoftext|>");
    return tokens;
}

/// HF layout: config.json, model.safetensors (Conv1D weights (in, out)), vocab.json, merges.txt.
void writeHfGpt2(const QString& dir, const Gpt2Weights& w, bool f16, bool transformerPrefix)
{
    const QString dtype = f16 ? QStringLiteral("F16") : QStringLiteral("F32");
    const QString p = transformerPrefix ? QStringLiteral("transformer.") : QString();
    const std::size_t d = w.dim, f = w.ffn;
    const auto shape = [](std::initializer_list<qint64> s) { return std::vector<qint64>(s); };
    std::vector<test::StTensor> t;
    t.push_back({p + "wte.weight", dtype, shape({w.vocab, qint64(d)}), bytesOf(w.wte, f16)});
    t.push_back({p + "wpe.weight", dtype, shape({w.ctx, qint64(d)}), bytesOf(w.wpe, f16)});
    for (std::uint32_t l = 0; l < w.nLayers; ++l) {
        const auto& L = w.layers[l];
        const QString h = p + QStringLiteral("h.%1.").arg(l);
        t.push_back({h + "ln_1.weight", dtype, shape({qint64(d)}), bytesOf(L.ln1G, f16)});
        t.push_back({h + "ln_1.bias", dtype, shape({qint64(d)}), bytesOf(L.ln1B, f16)});
        t.push_back({h + "attn.c_attn.weight", dtype, shape({qint64(d), qint64(3 * d)}),
                     bytesOf(transposed(L.wQkv, 3 * d, d), f16)});
        t.push_back({h + "attn.c_attn.bias", dtype, shape({qint64(3 * d)}), bytesOf(L.bQkv, f16)});
        t.push_back(
            {h + "attn.c_proj.weight", dtype, shape({qint64(d), qint64(d)}), bytesOf(transposed(L.wO, d, d), f16)});
        t.push_back({h + "attn.c_proj.bias", dtype, shape({qint64(d)}), bytesOf(L.bO, f16)});
        t.push_back({h + "ln_2.weight", dtype, shape({qint64(d)}), bytesOf(L.ln2G, f16)});
        t.push_back({h + "ln_2.bias", dtype, shape({qint64(d)}), bytesOf(L.ln2B, f16)});
        t.push_back(
            {h + "mlp.c_fc.weight", dtype, shape({qint64(d), qint64(f)}), bytesOf(transposed(L.wUp, f, d), f16)});
        t.push_back({h + "mlp.c_fc.bias", dtype, shape({qint64(f)}), bytesOf(L.bUp, f16)});
        t.push_back(
            {h + "mlp.c_proj.weight", dtype, shape({qint64(f), qint64(d)}), bytesOf(transposed(L.wDown, d, f), f16)});
        t.push_back({h + "mlp.c_proj.bias", dtype, shape({qint64(d)}), bytesOf(L.bDown, f16)});
        // Old checkpoints carry the causal mask buffer; the graph must ignore it.
        t.push_back({h + "attn.masked_bias", QStringLiteral("U8"), shape({1}), QByteArray(1, '\0')});
    }
    t.push_back({p + "ln_f.weight", dtype, shape({qint64(d)}), bytesOf(w.lnfG, f16)});
    t.push_back({p + "ln_f.bias", dtype, shape({qint64(d)}), bytesOf(w.lnfB, f16)});
    test::writeSafeTensors(dir + QStringLiteral("/model.safetensors"), t,
                           QJsonObject{{QStringLiteral("format"), QStringLiteral("pt")}});

    const QJsonObject config{
        {QStringLiteral("architectures"), QJsonArray{QStringLiteral("GPT2LMHeadModel")}},
        {QStringLiteral("model_type"), QStringLiteral("gpt2")},
        {QStringLiteral("activation_function"), QStringLiteral("gelu_new")},
        {QStringLiteral("n_embd"), int(d)},
        {QStringLiteral("n_layer"), int(w.nLayers)},
        {QStringLiteral("n_head"), int(w.nHeads)},
        {QStringLiteral("n_positions"), int(w.ctx)},
        {QStringLiteral("n_ctx"), int(w.ctx)},
        {QStringLiteral("n_inner"), QJsonValue()},
        {QStringLiteral("layer_norm_epsilon"), double(w.eps)},
        {QStringLiteral("vocab_size"), int(w.vocab)},
        {QStringLiteral("bos_token_id"), 256},
        {QStringLiteral("eos_token_id"), 256},
        {QStringLiteral("torch_dtype"), f16 ? QStringLiteral("float16") : QStringLiteral("float32")}};
    QFile c(dir + QStringLiteral("/config.json"));
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write(QJsonDocument(config).toJson());
    c.close();
    QJsonObject vocab;
    const auto tokens = byteVocab();
    for (std::size_t i = 0; i < tokens.size(); ++i) vocab.insert(QString::fromStdString(tokens[i]), int(i));
    QFile v(dir + QStringLiteral("/vocab.json"));
    QVERIFY(v.open(QIODevice::WriteOnly));
    v.write(QJsonDocument(vocab).toJson());
    v.close();
    QFile m(dir + QStringLiteral("/merges.txt"));
    QVERIFY(m.open(QIODevice::WriteOnly));
    m.write("#version: 0.2\n");
}

/// GGUF layout: llama.cpp's gpt2 names, W stored as (out, in) rows = dims {in, out}.
void writeGgufGpt2(const QString& path, const Gpt2Weights& w, bool f16)
{
    GgufWriter g;
    g.setString("general.architecture", "gpt2");
    g.setString("general.name", "random test gpt2");
    g.setUInt32("gpt2.context_length", w.ctx);
    g.setUInt32("gpt2.embedding_length", w.dim);
    g.setUInt32("gpt2.feed_forward_length", w.ffn);
    g.setUInt32("gpt2.block_count", w.nLayers);
    g.setUInt32("gpt2.attention.head_count", w.nHeads);
    g.setFloat32("gpt2.attention.layer_norm_epsilon", w.eps);
    g.setString("tokenizer.ggml.model", "gpt2");
    g.setString("tokenizer.ggml.pre", "gpt-2");
    const auto tokens = byteVocab();
    g.setStringArray("tokenizer.ggml.tokens", tokens);
    std::vector<std::int32_t> types(tokens.size(), 1);
    types.back() = 3;
    g.setInt32Array("tokenizer.ggml.token_type", types);
    g.setStringArray("tokenizer.ggml.merges", std::vector<std::string>{});
    g.setUInt32("tokenizer.ggml.bos_token_id", 256);
    g.setUInt32("tokenizer.ggml.eos_token_id", 256);
    const TensorType mt = f16 ? TensorType::F16 : TensorType::F32;
    const auto add = [&](const std::string& name, std::vector<std::uint64_t> dims, const std::vector<float>& v,
                         bool matrix) {
        const QByteArray b = bytesOf(v, matrix && f16);
        g.addTensor(name, std::move(dims), matrix ? mt : TensorType::F32,
                    std::span(reinterpret_cast<const std::byte*>(b.constData()), static_cast<std::size_t>(b.size())));
    };
    const std::uint64_t d = w.dim, f = w.ffn;
    add("token_embd.weight", {d, w.vocab}, w.wte, true);
    add("position_embd.weight", {d, w.ctx}, w.wpe, true);
    for (std::uint32_t l = 0; l < w.nLayers; ++l) {
        const auto& L = w.layers[l];
        const std::string b = "blk." + std::to_string(l) + ".";
        add(b + "attn_norm.weight", {d}, L.ln1G, false);
        add(b + "attn_norm.bias", {d}, L.ln1B, false);
        add(b + "attn_qkv.weight", {d, 3 * d}, L.wQkv, true);
        add(b + "attn_qkv.bias", {3 * d}, L.bQkv, false);
        add(b + "attn_output.weight", {d, d}, L.wO, true);
        add(b + "attn_output.bias", {d}, L.bO, false);
        add(b + "ffn_norm.weight", {d}, L.ln2G, false);
        add(b + "ffn_norm.bias", {d}, L.ln2B, false);
        add(b + "ffn_up.weight", {d, f}, L.wUp, true);
        add(b + "ffn_up.bias", {f}, L.bUp, false);
        add(b + "ffn_down.weight", {f, d}, L.wDown, true);
        add(b + "ffn_down.bias", {d}, L.bDown, false);
    }
    add("output_norm.weight", {d}, w.lnfG, false);
    add("output_norm.bias", {d}, w.lnfB, false);
    g.write(path.toStdString());
}

// ---- the naive reference, double precision ---------------------------------------------------
using Vec = std::vector<double>;

Vec layerNorm(const Vec& x, const std::vector<float>& g, const std::vector<float>& b, double eps)
{
    double mean = 0, var = 0;
    for (double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    for (double v : x) var += (v - mean) * (v - mean);
    var /= static_cast<double>(x.size());
    Vec y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = (x[i] - mean) / std::sqrt(var + eps) * g[i] + b[i];
    return y;
}

/// y = W·x + b with W (rows, cols) row-major.
Vec linear(const std::vector<float>& W, const std::vector<float>* b, const Vec& x, std::size_t rows)
{
    const std::size_t cols = x.size();
    Vec y(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        double s = b ? (*b)[r] : 0.0;
        for (std::size_t c = 0; c < cols; ++c) s += static_cast<double>(W[r * cols + c]) * x[c];
        y[r] = s;
    }
    return y;
}

double gelu(double x)
{
    return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}

/// Logits at every position of `tokens` (T, vocab).
std::vector<Vec> referenceLogits(const Gpt2Weights& w, const std::vector<TokenId>& tokens)
{
    const std::size_t T = tokens.size(), d = w.dim, hd = d / w.nHeads;
    std::vector<Vec> x(T, Vec(d));
    for (std::size_t t = 0; t < T; ++t)
        for (std::size_t i = 0; i < d; ++i)
            x[t][i] = static_cast<double>(w.wte[static_cast<std::size_t>(tokens[t]) * d + i]) + w.wpe[t * d + i];
    for (const auto& L : w.layers) {
        std::vector<Vec> q(T), k(T), v(T);
        for (std::size_t t = 0; t < T; ++t) {
            const Vec qkv = linear(L.wQkv, &L.bQkv, layerNorm(x[t], L.ln1G, L.ln1B, w.eps), 3 * d);
            q[t].assign(qkv.begin(), qkv.begin() + static_cast<std::ptrdiff_t>(d));
            k[t].assign(qkv.begin() + static_cast<std::ptrdiff_t>(d), qkv.begin() + static_cast<std::ptrdiff_t>(2 * d));
            v[t].assign(qkv.begin() + static_cast<std::ptrdiff_t>(2 * d), qkv.end());
        }
        for (std::size_t t = 0; t < T; ++t) {
            Vec attn(d, 0.0);
            for (std::size_t h = 0; h < w.nHeads; ++h) {
                Vec score(t + 1);
                double max = -1e300;
                for (std::size_t p = 0; p <= t; ++p) {
                    double s = 0;
                    for (std::size_t i = 0; i < hd; ++i) s += q[t][h * hd + i] * k[p][h * hd + i];
                    score[p] = s / std::sqrt(static_cast<double>(hd));
                    max = std::max(max, score[p]);
                }
                double sum = 0;
                for (auto& s : score) sum += (s = std::exp(s - max));
                for (std::size_t p = 0; p <= t; ++p)
                    for (std::size_t i = 0; i < hd; ++i) attn[h * hd + i] += score[p] / sum * v[p][h * hd + i];
            }
            const Vec o = linear(L.wO, &L.bO, attn, d);
            for (std::size_t i = 0; i < d; ++i) x[t][i] += o[i];
            Vec hidden = linear(L.wUp, &L.bUp, layerNorm(x[t], L.ln2G, L.ln2B, w.eps), w.ffn);
            for (auto& e : hidden) e = gelu(e);
            const Vec down = linear(L.wDown, &L.bDown, hidden, d);
            for (std::size_t i = 0; i < d; ++i) x[t][i] += down[i];
        }
    }
    std::vector<Vec> logits;
    for (std::size_t t = 0; t < T; ++t)
        logits.push_back(linear(w.wte, nullptr, layerNorm(x[t], w.lnfG, w.lnfB, w.eps), w.vocab));
    return logits;
}

// ---- running the engine --------------------------------------------------------------------
struct Engine {
    std::shared_ptr<const ValidatedModelGraph> graph;
    std::unique_ptr<MemoryPool> pool;
    std::optional<ReadyEngine> ready;
};

Engine prepare(const QString& path, const std::string& strategyName, std::optional<std::uint64_t> budget,
               RunShape shape)
{
    Engine e;
    e.graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(path.toStdString()).validate());
    const auto strategy = makeStrategy(strategyName);
    const auto bytes = budget.value_or(strategy->plan(makePlanInput(*e.graph, shape), 1ull << 40).plannedPeakBytes());
    e.pool = std::make_unique<MemoryPool>(bytes);
    e.ready.emplace(IdleEngine(e.graph, EngineOptions{2}).plan(*strategy, bytes, shape).prepare(*e.pool));
    return e;
}

const std::vector<TokenId> kPrompt{72, 101, 108, 108, 111, 44, 32, 71, 80, 84, 45, 50};  // "Hello, GPT-2"

/// Logits after each token of kPrompt, fed one at a time (the decode path).
std::vector<std::vector<float>> stepLogits(const QString& path)
{
    auto e = prepare(path, "greedy-grouping", std::nullopt, RunShape{32, 1});
    std::vector<std::vector<float>> out;
    for (auto id : kPrompt) {
        const TokenId one[1] = {id};
        const auto l = e.ready->evaluate(one);
        out.emplace_back(l.begin(), l.end());
    }
    return out;
}

std::vector<std::uint64_t> budgetsBetween(std::uint64_t minimum, std::uint64_t full, int steps)
{
    std::vector<std::uint64_t> out{full, minimum};
    for (int i = 1; i < steps; ++i) out.push_back(minimum + (full - minimum) * static_cast<std::uint64_t>(i) / steps);
    return out;
}

}  // namespace

class TestGpt2 : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const bool f16 : {false, true}) {
            const Gpt2Weights w = randomGpt2(f16 ? 7 : 3, f16);
            const QString tag = f16 ? QStringLiteral("f16") : QStringLiteral("f32");
            QDir().mkpath(m_dir.filePath(QStringLiteral("hf-") + tag));
            QDir().mkpath(m_dir.filePath(QStringLiteral("hf-plain-") + tag));
            writeHfGpt2(m_dir.filePath(QStringLiteral("hf-") + tag), w, f16, true);
            writeHfGpt2(m_dir.filePath(QStringLiteral("hf-plain-") + tag), w, f16, false);
            writeGgufGpt2(m_dir.filePath(QStringLiteral("gpt2-") + tag + QStringLiteral(".gguf")), w, f16);
            (f16 ? m_f16 : m_f32) = w;
        }
    }

    void bothLayoutsDescribeTheSameGraph()
    {
        const auto hf = ModelGraph::open(m_dir.filePath(QStringLiteral("hf-f32")).toStdString()).validate();
        const auto gguf = ModelGraph::open(m_dir.filePath(QStringLiteral("gpt2-f32.gguf")).toStdString()).validate();
        QCOMPARE(hf.format(), ModelFormat::SafeTensors);
        QCOMPARE(gguf.format(), ModelFormat::Gguf);
        for (const auto* g : {&hf, &gguf}) {
            const auto& hp = g->hparams();
            QCOMPARE(hp.arch, Architecture::Gpt2);
            QCOMPARE(hp.dim, 64u);
            QCOMPARE(hp.nLayers, 2u);
            QCOMPARE(hp.nHeads, 4u);
            QCOMPARE(hp.nKvHeads, 4u);
            QCOMPARE(hp.ffnDim, 256u);
            QCOMPARE(hp.contextLength, 32u);
            QCOMPARE(hp.vocabSize, 257u);
            QVERIFY(hp.tiedEmbeddings);
            QVERIFY(g->positionEmbedding());
            QVERIFY(g->head().outputNormBias);
        }
        QCOMPARE(hf.weightBytes(), gguf.weightBytes());
        const auto& qkv = hf.layers()[1][TensorRole::AttnQkv];
        QCOMPARE(qkv.name, std::string("transformer.h.1.attn.c_attn.weight"));
        QCOMPARE(qkv.transform, LoadTransform::Transpose);
        QCOMPARE(qkv.dims, (std::vector<std::uint64_t>{64, 192}));
        QCOMPARE(gguf.layers()[1][TensorRole::AttnQkv].transform, LoadTransform::None);
        QCOMPARE(gguf.layers()[1][TensorRole::AttnQkv].dims, (std::vector<std::uint64_t>{64, 192}));
        const auto tokenizer = hf.makeTokenizer();
        QCOMPARE(tokenizer->encode("Hi!", false), (std::vector<TokenId>{72, 105, 33}));
        QCOMPARE(tokenizer->eos(), 256);
    }

    void loadersGiveIdenticalLogitsMatchingTheReference_data()
    {
        QTest::addColumn<QString>("hf");
        QTest::addColumn<QString>("gguf");
        QTest::addColumn<bool>("f16");
        QTest::newRow("f32") << "hf-f32"
                             << "gpt2-f32.gguf" << false;
        QTest::newRow("f32_without_transformer_prefix") << "hf-plain-f32"
                                                        << "gpt2-f32.gguf" << false;
        QTest::newRow("f16_norms_widened_at_load") << "hf-f16"
                                                   << "gpt2-f16.gguf" << true;
    }
    void loadersGiveIdenticalLogitsMatchingTheReference()
    {
        QFETCH(QString, hf);
        QFETCH(QString, gguf);
        QFETCH(bool, f16);
        const auto fromHf = stepLogits(m_dir.filePath(hf));
        const auto fromGguf = stepLogits(m_dir.filePath(gguf));
        const auto reference = referenceLogits(f16 ? m_f16 : m_f32, kPrompt);
        double loaderDiff = 0.0, refDiff = 0.0, maxAbs = 0.0;
        for (std::size_t t = 0; t < kPrompt.size(); ++t)
            for (std::size_t i = 0; i < fromHf[t].size(); ++i) {
                loaderDiff = std::max(loaderDiff, static_cast<double>(std::abs(fromHf[t][i] - fromGguf[t][i])));
                refDiff = std::max(refDiff, std::abs(fromHf[t][i] - reference[t][i]));
                maxAbs = std::max(maxAbs, std::abs(reference[t][i]));
            }
        qInfo("max |logit| %.3f; max |HF - GGUF| %.3g; max |engine - double reference| %.3g over %zu positions", maxAbs,
              loaderDiff, refDiff, kPrompt.size());
        QCOMPARE(loaderDiff, 0.0);
        QVERIFY2(refDiff < kMaxLogitErrorF32 * std::max(1.0, maxAbs), qPrintable(QString::number(refDiff)));
        QVERIFY(maxAbs > 1.0);  // the model is not degenerate
    }

    // Every tensor keeps its element alignment in a layer-group buffer (4 bytes for F32, 2 for
    // F16), also where the SafeTensors file puts it at a misaligned offset: in these checkpoints
    // every tensor after the first block's 1-byte U8 attn.masked_bias (as old GPT-2 checkpoints
    // carry) is at an odd offset. A kernel reading a misaligned float is undefined behaviour
    // (UBSan found it here, in the LayerNorm). Group buffers are page-aligned, so an offset's
    // alignment is the address's.
    void groupBuffersKeepElementAlignment_data()
    {
        QTest::addColumn<QString>("model");
        for (const char* m : {"hf-f32", "hf-f16", "gpt2-f16.gguf"}) QTest::newRow(m) << QString::fromLatin1(m);
    }
    void groupBuffersKeepElementAlignment()
    {
        QFETCH(QString, model);
        const auto graph = ModelGraph::open(m_dir.filePath(model).toStdString()).validate();
        int misalignedInFile = 0;
        for (int layer = -1; layer < static_cast<int>(graph.hparams().nLayers); ++layer)
            for (const auto& t : unitLayout(graph, layer).tensors) {
                const std::uint64_t align = t.ref->type == TensorType::F32 ? 4 : 2;
                misalignedInFile += t.ref->fileOffset % align != 0;
                QVERIFY2(t.offset % align == 0, qPrintable(QStringLiteral("layer %1, %2 at buffer offset %3")
                                                               .arg(layer)
                                                               .arg(QString::fromStdString(tensorRoleName(t.role)))
                                                               .arg(t.offset)));
            }
        qInfo("%d tensors at a misaligned file offset", misalignedInFile);
        if (model.startsWith(QStringLiteral("hf-"))) QVERIFY(misalignedInFile > 0);  // the case to handle
    }

    void batchedPrefillMatchesTheReference()
    {
        auto e = prepare(m_dir.filePath(QStringLiteral("hf-f32")), "sequential", std::nullopt, RunShape{32, 5});
        const auto logits = e.ready->evaluate(kPrompt);
        const auto reference = referenceLogits(m_f32, kPrompt).back();
        double diff = 0;
        for (std::size_t i = 0; i < logits.size(); ++i) diff = std::max(diff, std::abs(logits[i] - reference[i]));
        QVERIFY2(diff < kMaxLogitErrorF32 * 10, qPrintable(QString::number(diff)));
    }

    void everyStrategyAndBudgetGeneratesTheSameTokens_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("hf_safetensors") << "hf-f32";
        QTest::newRow("gguf") << "gpt2-f32.gguf";
        QTest::newRow("hf_safetensors_f16") << "hf-f16";
    }
    void everyStrategyAndBudgetGeneratesTheSameTokens()
    {
        QFETCH(QString, model);
        const QString path = m_dir.filePath(model);
        const RunShape shape{31, 4};
        GenerationParams params;
        params.maxTokens = 16;
        params.stopAtEos = false;
        const std::vector<TokenId> prompt(kPrompt.begin(), kPrompt.begin() + 6);
        std::vector<TokenId> expected;
        {
            auto e = prepare(path, "greedy-grouping", std::nullopt, shape);
            expected = e.ready->generate(prompt, params).tokens;
        }
        QCOMPARE(expected.size(), std::size_t{16});
        auto graph = std::make_shared<const ValidatedModelGraph>(ModelGraph::open(path.toStdString()).validate());
        const auto input = makePlanInput(*graph, shape);
        int runs = 0, streamed = 0;
        for (const auto& name : strategyNames()) {
            const auto strategy = makeStrategy(name);
            for (const auto budget : budgetsBetween(strategy->minimumBudget(input),
                                                    strategy->plan(input, 1ull << 40).plannedPeakBytes(), 4)) {
                MemoryPool pool(budget);
                {
                    auto ready = IdleEngine(graph, EngineOptions{2}).plan(*strategy, budget, shape).prepare(pool);
                    const auto result = ready.generate(prompt, params);
                    QVERIFY2(
                        result.tokens == expected,
                        qPrintable(
                            QStringLiteral("%1 at %2 bytes diverged").arg(QString::fromStdString(name)).arg(budget)));
                    QVERIFY(pool.peakBytes() <= budget);
                    if (!ready.plan().allPinned()) {
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

    void contextPastTheLearnedPositionsIsRefused()
    {
        auto graph = std::make_shared<const ValidatedModelGraph>(
            ModelGraph::open(m_dir.filePath(QStringLiteral("gpt2-f32.gguf")).toStdString()).validate());
        const auto strategy = makeStrategy("sequential");
        QVERIFY_THROWS_EXCEPTION(UsageError, IdleEngine(graph).plan(*strategy, 1ull << 30, RunShape{33, 1}));
    }

    void synthesizedGpt2WithTheRealVocabularyRuns()
    {
        const QString vocab = test::sharedModel(QStringLiteral("vocab/ggml-vocab-gpt-2.gguf"));
        EDGERT_REQUIRE_FILE(vocab);
        const auto shape = knownSynthShape("gpt2-124m");
        QVERIFY(shape);
        QCOMPARE(shape->dim, 768u);
        QCOMPARE(shape->nLayers, 12u);
        QCOMPARE(shape->nHeads, 12u);
        QCOMPARE(shape->ffnDim, 3072u);
        QCOMPARE(shape->contextLength, 1024u);
        QCOMPARE(shape->arch, Architecture::Gpt2);
        SynthOptions o;
        o.shape = *shape;
        o.shape.name = "tiny";
        o.shape.dim = 64;
        o.shape.ffnDim = 256;
        o.shape.nLayers = 2;
        o.shape.nHeads = o.shape.nKvHeads = 4;
        o.shape.contextLength = 64;
        o.type = TensorType::Q8_0;
        o.vocabPath = vocab.toStdString();
        const QString out = m_dir.filePath(QStringLiteral("synth-gpt2.gguf"));
        const auto bytes = writeSynthetic(o, out.toStdString());
        QCOMPARE(static_cast<qint64>(bytes), QFileInfo(out).size());
        auto e = prepare(out, "sequential", std::nullopt, RunShape{16, 8});
        QCOMPARE(e.graph->hparams().vocabSize, 50257u);
        QCOMPARE(e.graph->hparams().arch, Architecture::Gpt2);
        const auto prompt = e.ready->tokenizer().encode("Hello world", false);
        QCOMPARE(prompt, (std::vector<TokenId>{15496, 995}));
        const auto logits = e.ready->evaluate(prompt);
        QCOMPARE(logits.size(), std::size_t{50257});
        for (float l : logits) QVERIFY(std::isfinite(l));
        // Unknown shapes and vocabularies of another tokenizer are usage errors.
        QVERIFY(!knownSynthShape("gpt2-huge"));
        o.vocabPath = test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-spm.gguf")).toStdString();
        QVERIFY_THROWS_EXCEPTION(UsageError, writeSynthetic(o, out.toStdString()));
    }

private:
    QTemporaryDir m_dir;
    Gpt2Weights m_f32, m_f16;
};

QTEST_GUILESS_MAIN(TestGpt2)
#include "tst_gpt2.moc"
