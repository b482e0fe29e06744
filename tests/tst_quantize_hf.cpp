// edge-rt quantize from a HF SafeTensors directory (../shared/models/tinystories-656k, the real
// TinyStories-656K LlamaForCausalLM, F32, tied embeddings):
//  - the Q8_0 GGUF it writes holds the same 20 tensors, byte for byte, as llama.cpp's chain
//    (HF -> F32 GGUF with q/k rows permuted -> llama-quantize Q8_0: kit/real/tinystories-656k-Q8_0.gguf),
//    and the llama.* keys and tokens of llama.cpp's own GGUF of the model;
//  - its tokenizer gives the HF directory's ids (every prompt; GPL-3 up to fuse_unk, which GGUF
//    cannot express);
//  - F16 and Q8_0 files run as the HF directory does: same greedy ids, teacher-forced logits
//    within named tolerances;
//  - bad input (no tokenizer.json, unknown architecture, mismatched shapes) is one clear error
//    naming the file and key or tensor, and no output file appears.
#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/gguf-writer.h"
#include "edgert/inference-engine.h"
#include "edgert/model-graph.h"
#include "edgert/quantize.h"
#include "edgert/safetensors-reader.h"
#include "edgert/tokenizer.h"
#include "hf/hf-tokenizer-keys.h"
#include "kit-reference.h"
#include "test-support.h"
#include "tst_safetensors_support.h"
#include "tokenizer/bpe-pre-tokenizers.h"
#include "tokenizer/bpe-tokenizer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <fstream>
#include <set>
#include <sstream>

using namespace edgert;

namespace {

QString hfDir()
{
    return test::sharedModel(QStringLiteral("tinystories-656k"));
}

std::string quantiseHf(const QTemporaryDir& dir, const QString& in, const std::string& type, int threads = 2)
{
    const std::string out = dir.filePath(QString::fromStdString("hf-" + type + ".gguf")).toStdString();
    QuantizeOptions o;
    o.threads = threads;
    quantizeModel(in.toStdString(), out, quantFileType(type), o);
    return out;
}

std::vector<std::byte> tensorBytes(const GgufFile& f, const GgufTensorInfo& t)
{
    std::vector<std::byte> b(t.sizeBytes);
    f.readTensor(t, b.data());
    return b;
}

/// Greedy ids from `prompt`, all resident, not stopping at EOS.
std::vector<TokenId> greedyIds(const std::shared_ptr<const ValidatedModelGraph>& graph,
                               const std::vector<TokenId>& prompt, std::uint32_t n)
{
    const RunShape shape{static_cast<std::uint32_t>(prompt.size() + n + 1), 32, true};
    const auto strategy = makeStrategy("sequential");
    MemoryPool pool(1ull << 40);
    auto engine = IdleEngine(graph, EngineOptions{1}).plan(*strategy, 1ull << 40, shape).prepare(pool);
    GenerationParams params;
    params.maxTokens = n;
    params.stopAtEos = false;
    return engine.generate(prompt, params).tokens;
}

/// Max |a - b| over the rows' top-10 ids of `a` (the HF directory's logits).
double maxTop10Diff(std::span<const float> a, std::span<const float> b, std::size_t nVocab)
{
    double worst = 0;
    for (std::size_t row = 0; row * nVocab < a.size(); ++row) {
        std::vector<std::size_t> order(nVocab);
        for (std::size_t i = 0; i < nVocab; ++i) order[i] = i;
        const auto* r = a.data() + row * nVocab;
        std::partial_sort(order.begin(), order.begin() + 10, order.end(),
                          [r](std::size_t x, std::size_t y) { return r[x] > r[y]; });
        for (std::size_t k = 0; k < 10; ++k)
            worst = std::max(worst, std::fabs(double(a[row * nVocab + order[k]]) - b[row * nVocab + order[k]]));
    }
    return worst;
}

/// Prompts within the vocabulary's characters.
const std::vector<std::string>& prompts()
{
    static const std::vector<std::string> p{
        "Once upon a time",
        "Tom and Sue went to the park with her dog. \"Look!\" said Max. They saw 3 red balls.",
        "Lily wanted to play outside in the park with her friends and eat strawberries.\n\nThe end.",
        "  double  spaces, a tab\tand trailing space ",
    };
    return p;
}

/// A copy of the HF directory with `drop` left out and config.json edited by `edit`.
void copyHfDir(const QString& to, const QString& drop = {}, const std::function<void(QByteArray&)>& edit = {})
{
    const QDir from(hfDir());
    for (const auto& name : from.entryList(QDir::Files)) {
        if (name == drop) continue;
        QVERIFY(QFile::copy(from.filePath(name), QDir(to).filePath(name)));
    }
    if (edit) {
        QFile f(QDir(to).filePath(QStringLiteral("config.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        edit(text);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
    }
}

using edgert::test::jsonString;

/// The HF tokenizer.json a byte-level GGUF vocabulary (tokenizer.ggml.model gpt2) stands for:
/// its tokens, merges and control tokens, and the pre-tokenizer its tokenizer.ggml.pre names
/// (Split regexes + ByteLevel, or GPT-2's ByteLevel regex alone). Written as text: QJsonObject
/// inserts are linear, too slow for 150K tokens.
std::string tokenizerJsonOf(const GgufFile& f)
{
    const auto tokens = f.arrayStrings("tokenizer.ggml.tokens");
    const auto types = f.arrayInts("tokenizer.ggml.token_type");
    const auto merges = f.arrayStrings("tokenizer.ggml.merges");
    const auto* spec = tokenizer::findBpePreTokenizer(f.findString("tokenizer.ggml.pre").value_or("gpt-2"));
    std::string vocab, added, mergeList, pre;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        vocab += (i ? "," : "") + jsonString(tokens[i]) + ":" + std::to_string(i);
        if (types[i] == 3 || types[i] == 4)
            added += std::string(added.empty() ? "" : ",") + "{\"id\":" + std::to_string(i) +
                     ",\"content\":" + jsonString(tokens[i]) + ",\"special\":" + (types[i] == 3 ? "true" : "false") +
                     "}";
    }
    for (std::size_t i = 0; i < merges.size(); ++i) mergeList += (i ? "," : "") + jsonString(merges[i]);
    const bool gpt2Only = spec->patterns == std::vector<std::string_view>{tokenizer::kGpt2Pattern};
    if (!gpt2Only)
        for (const auto& p : spec->patterns)
            pre += "{\"type\":\"Split\",\"pattern\":{\"Regex\":" + jsonString(p) +
                   "},\"behavior\":\"Isolated\",\"invert\":false},";
    pre += std::string("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":") +
           (gpt2Only ? "true" : "false") + "}";
    std::string post = "null";
    if (f.findBool("tokenizer.ggml.add_bos_token").value_or(spec->addBos.value_or(false))) {
        const std::string bos = jsonString(tokens[f.findUInt("tokenizer.ggml.bos_token_id").value_or(0)]);
        post = "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":" + bos +
               ",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}]}";
    }
    return "{\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":[" + mergeList +
           "],\"ignore_merges\":" + (spec->ignoreMerges ? "true" : "false") + "},\"added_tokens\":[" + added +
           "],\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[" + pre + "]},\"post_processor\":" + post +
           "}";
}

void writeFile(const QString& path, const std::string& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes.data(), static_cast<qint64>(bytes.size())), static_cast<qint64>(bytes.size()));
}

/// The HF checkpoint directory (config.json, model.safetensors F32, tokenizer.json,
/// tokenizer_config.json) that llama.cpp's converter would turn into the kit's Llama-family GGUF
/// `gguf` (tied embeddings): names mapped back, Llama q/k rows back from interleaved RoPE pairs
/// to rotate-half order, rope_freqs as the config.json rope_scaling it was computed from.
void writeHfCheckpointOf(const GgufFile& gguf, const QString& dir)
{
    const std::string arch = gguf.findString("general.architecture").value_or("");
    const std::string a = arch + ".";
    const auto u = [&](const std::string& k) { return gguf.findUInt(a + k).value_or(0); };
    const auto num = [&](const std::string& k) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g",
                      static_cast<double>(static_cast<float>(gguf.findFloat(a + k).value_or(0))));
        return std::string(buf);
    };
    const std::uint64_t nHeads = u("attention.head_count"), nKv = u("attention.head_count_kv");
    const std::uint64_t headDim = u("embedding_length") / nHeads;
    std::string config =
        "{\"architectures\":[\"" + std::string(arch == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM") +
        "\"],\"hidden_size\":" + std::to_string(u("embedding_length")) +
        ",\"intermediate_size\":" + std::to_string(u("feed_forward_length")) +
        ",\"num_hidden_layers\":" + std::to_string(u("block_count")) +
        ",\"num_attention_heads\":" + std::to_string(nHeads) + ",\"num_key_value_heads\":" + std::to_string(nKv) +
        ",\"max_position_embeddings\":" + std::to_string(u("context_length")) +
        ",\"rms_norm_eps\":" + num("attention.layer_norm_rms_epsilon") + ",\"rope_theta\":" + num("rope.freq_base") +
        ",\"vocab_size\":" + std::to_string(gguf.arrayCount("tokenizer.ggml.tokens")) +
        ",\"tie_word_embeddings\":true,\"bos_token_id\":" +
        std::to_string(gguf.findUInt("tokenizer.ggml.bos_token_id").value_or(0)) +
        ",\"eos_token_id\":" + std::to_string(gguf.findUInt("tokenizer.ggml.eos_token_id").value_or(0));
    if (gguf.findTensor("rope_freqs.weight"))  // Llama 3.2's rope_scaling (kit README section 3)
        config +=
            ",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":32.0,\"low_freq_factor\":1.0,"
            "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}";
    writeFile(QDir(dir).filePath(QStringLiteral("config.json")), config + "}");

    const std::map<std::string, std::string> names{{"attn_norm.weight", "input_layernorm.weight"},
                                                   {"attn_q.weight", "self_attn.q_proj.weight"},
                                                   {"attn_q.bias", "self_attn.q_proj.bias"},
                                                   {"attn_k.weight", "self_attn.k_proj.weight"},
                                                   {"attn_k.bias", "self_attn.k_proj.bias"},
                                                   {"attn_v.weight", "self_attn.v_proj.weight"},
                                                   {"attn_v.bias", "self_attn.v_proj.bias"},
                                                   {"attn_output.weight", "self_attn.o_proj.weight"},
                                                   {"ffn_norm.weight", "post_attention_layernorm.weight"},
                                                   {"ffn_gate.weight", "mlp.gate_proj.weight"},
                                                   {"ffn_up.weight", "mlp.up_proj.weight"},
                                                   {"ffn_down.weight", "mlp.down_proj.weight"}};
    std::string header, data;
    for (const auto& t : gguf.tensors()) {
        std::string name;
        if (t.name == "token_embd.weight")
            name = "model.embed_tokens.weight";
        else if (t.name == "output_norm.weight")
            name = "model.norm.weight";
        else if (t.name == "rope_freqs.weight")
            continue;
        else {
            const auto dot = t.name.find('.', 4);
            name = "model.layers." + t.name.substr(4, dot - 4) + "." + names.at(t.name.substr(dot + 1));
        }
        QCOMPARE(t.type, TensorType::F32);
        std::vector<float> v(t.sizeBytes / sizeof(float));
        gguf.readTensor(t, v.data());
        const bool q = t.name.ends_with("attn_q.weight"), k = t.name.ends_with("attn_k.weight");
        if (arch == "llama" && (q || k)) {  // interleaved pairs -> rotate-half rows, per head
            const std::uint64_t cols = t.dims[0], heads = q ? nHeads : nKv;
            std::vector<float> hf(v.size());
            for (std::uint64_t h = 0; h < heads; ++h)
                for (std::uint64_t i = 0; i < headDim / 2; ++i)
                    for (std::uint64_t half = 0; half < 2; ++half)
                        std::copy_n(
                            v.begin() + static_cast<std::ptrdiff_t>((h * headDim + 2 * i + half) * cols), cols,
                            hf.begin() + static_cast<std::ptrdiff_t>((h * headDim + half * headDim / 2 + i) * cols));
            v = std::move(hf);
        }
        std::string shape = t.dims.size() == 2 ? std::to_string(t.dims[1]) + "," + std::to_string(t.dims[0])
                                               : std::to_string(t.dims[0]);
        header += (header.empty() ? "" : ",") + jsonString(name) + ":{\"dtype\":\"F32\",\"shape\":[" + shape +
                  "],\"data_offsets\":[" + std::to_string(data.size()) + "," +
                  std::to_string(data.size() + v.size() * sizeof(float)) + "]}";
        data.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
    }
    header = "{" + header + "}";
    header.resize((header.size() + 7) / 8 * 8, ' ');
    std::string file(8, '\0');
    const std::uint64_t n = header.size();
    std::memcpy(file.data(), &n, 8);
    writeFile(QDir(dir).filePath(QStringLiteral("model.safetensors")), file + header + data);
    writeFile(QDir(dir).filePath(QStringLiteral("tokenizer.json")), tokenizerJsonOf(gguf));
    writeFile(QDir(dir).filePath(QStringLiteral("tokenizer_config.json")),
              "{\"chat_template\":" + jsonString(gguf.findString("tokenizer.chat_template").value_or("")) + "}");
}

}  // namespace

class TestQuantizeHf : public QObject {
    Q_OBJECT
private slots:
    void q8_0TensorsEqualLlamaCppChain()
    {
        QTemporaryDir dir;
        const GgufFile ours(quantiseHf(dir, hfDir(), "Q8_0"));
        const GgufFile kit(test::sharedModel(QStringLiteral("kit/real/tinystories-656k-Q8_0.gguf")).toStdString());
        QCOMPARE(ours.tensors().size(), kit.tensors().size());
        for (const auto& t : kit.tensors()) {
            const auto* o = ours.findTensor(t.name);
            QVERIFY2(o, t.name.c_str());
            QCOMPARE(tensorTypeName(o->type), tensorTypeName(t.type));
            QCOMPARE(o->dims, t.dims);
            QVERIFY2(tensorBytes(ours, *o) == tensorBytes(kit, t), t.name.c_str());
        }
        QCOMPARE(ours.findUInt("general.file_type").value_or(0), 7u);
    }

    void metadataMatchesLlamaCppFile()
    {
        QTemporaryDir dir;
        const GgufFile ours(quantiseHf(dir, hfDir(), "Q8_0"));
        const GgufFile ref(test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf")).toStdString());
        // Every key of llama.cpp's file is ours too, with its value, except the general.* ones
        // its converter took from the HF model card (not in the directory) and the SPM scores
        // (hf-tokenizer-keys.h: llama.cpp writes -1000 for every token).
        const std::set<std::string> modelCard{"general.basename",
                                              "general.dataset.0.name",
                                              "general.dataset.0.organization",
                                              "general.dataset.0.repo_url",
                                              "general.dataset.count",
                                              "general.languages",
                                              "general.license",
                                              "general.size_label",
                                              "general.name"};
        for (const auto& [key, value] : ref.metadata()) {
            if (modelCard.contains(key) || key == "tokenizer.ggml.scores" || key == "tokenizer.ggml.token_type")
                continue;
            QVERIFY2(ours.has(key), key.c_str());
            QCOMPARE(QString::fromStdString(ours.valueToString(*ours.find(key))),
                     QString::fromStdString(ref.valueToString(value)));
        }
        QCOMPARE(ours.arrayStrings("tokenizer.ggml.tokens"), ref.arrayStrings("tokenizer.ggml.tokens"));
        // Token types agree except <unk>: Unknown (2) here, Control (3) in llama.cpp's file.
        const auto a = ours.arrayInts("tokenizer.ggml.token_type"), b = ref.arrayInts("tokenizer.ggml.token_type");
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 1; i < a.size(); ++i) QCOMPARE(a[i], b[i]);
        QCOMPARE(a[0], std::int64_t{2});
        QCOMPARE(ours.findString("general.architecture").value_or(""), std::string("llama"));
    }

    void tokenizerGivesHfIds()
    {
        QTemporaryDir dir;
        const auto gguf = test::openGraph(QString::fromStdString(quantiseHf(dir, hfDir(), "F16")));
        const auto hf = test::openGraph(hfDir());
        const auto ours = gguf->makeTokenizer(), theirs = hf->makeTokenizer();
        QCOMPARE(ours->bos(), theirs->bos());
        QCOMPARE(ours->eos(), theirs->eos());
        QCOMPARE(ours->addsBos(), theirs->addsBos());
        for (const auto& p : prompts()) QCOMPARE(ours->encode(p), theirs->encode(p));
        // A long real text: identical except where it has characters outside the vocabulary, which
        // HF fuses into one <unk> per run (fuse_unk) and GGUF's llama tokenizer (as llama.cpp's)
        // writes as one <unk> per byte.
        std::ifstream in("/usr/share/common-licenses/GPL-3", std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(text.size() > 30000);
        const auto a = theirs->encode(text);
        auto b = ours->encode(text);
        const TokenId unk = 0;
        QCOMPARE(QString::fromStdString(ours->tokenText(unk)), QStringLiteral("<unk>"));
        std::vector<TokenId> fused;
        for (const TokenId id : b)
            if (!(id == unk && !fused.empty() && fused.back() == unk)) fused.push_back(id);
        QVERIFY(b.size() > a.size());  // the file does have characters outside the vocabulary
        QCOMPARE(fused, a);
        QVERIFY(a.size() > 10000);
    }

    void runsAsTheHfDirectory_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<double>("tolerance");
        // Max |top-10 logit diff| against the F32 HF directory over the four prompts (logits
        // ~8-20), measured: F16 0 (every weight of this checkpoint is exactly an F16 value, so
        // the file holds the same numbers; 1e-3 allows another summation order), Q8_0 0.305
        // (Q8_0 rounding; the tolerance is 1.3 x that).
        QTest::newRow("F16") << QStringLiteral("F16") << 1e-3;
        QTest::newRow("Q8_0") << QStringLiteral("Q8_0") << 0.4;
    }
    void runsAsTheHfDirectory()
    {
        QFETCH(QString, type);
        QFETCH(double, tolerance);
        QTemporaryDir dir;
        const auto gguf = test::openGraph(QString::fromStdString(quantiseHf(dir, hfDir(), type.toStdString())));
        const auto hf = test::openGraph(hfDir());
        const auto tokenizer = hf->makeTokenizer();
        const std::size_t nVocab = hf->hparams().vocabSize;
        double worst = 0;
        for (const auto& p : prompts()) {
            const auto ids = tokenizer->encode(p);
            const std::vector<int> forced(ids.begin(), ids.end());
            const auto a = test::forcedLogits(hf, "sequential", test::Budget::Full, forced);
            const auto b = test::forcedLogits(gguf, "sequential", test::Budget::Full, forced);
            worst = std::max(worst, maxTop10Diff(a, b, nVocab));
        }
        qInfo("%s: max |top-10 logit diff| vs the HF directory %.3g (tolerance %.3g)", qPrintable(type), worst,
              tolerance);
        QVERIFY2(worst <= tolerance, qPrintable(QString::number(worst)));
        // Greedy from BOS: the golden ids of SOURCES.md (identical for F32 and Q8_0), 24 steps.
        const std::vector<TokenId> golden{147,  201, 282, 215,  286, 598, 1662, 356, 499, 826, 1363, 1145,
                                          1652, 615, 242, 1482, 951, 628, 499,  826, 872, 921, 318,  385};
        QCOMPARE(greedyIds(hf, {1}, 24), golden);
        QCOMPARE(greedyIds(gguf, {1}, 24), golden);
        // And 48 steps from a story prompt, identical to the HF directory's.
        const auto prompt = tokenizer->encode(prompts()[1]);
        QCOMPARE(greedyIds(gguf, prompt, 48), greedyIds(hf, prompt, 48));
    }

    // The byte-level path of hf-tokenizer-keys (no HF checkpoint of GPT-2 or Qwen2 fits in
    // ../shared, their vocabularies do): llama.cpp's vocab GGUF -> the tokenizer.json it stands
    // for -> edge-rt's HF tokenizer -> GGUF keys -> a GGUF tokenizer, which must name the same
    // pre-tokenizer, carry the same tokens and merges, and give llama.cpp's ids on its test vectors.
    void byteLevelTokenizerRoundTrip_data()
    {
        QTest::addColumn<QString>("vocab");
        QTest::addColumn<QString>("pre");
        QTest::newRow("gpt-2") << QStringLiteral("vocab/ggml-vocab-gpt-2.gguf") << QStringLiteral("gpt-2");
        QTest::newRow("qwen2") << QStringLiteral("vocab/ggml-vocab-qwen2.gguf") << QStringLiteral("qwen2");
    }
    void byteLevelTokenizerRoundTrip()
    {
        QFETCH(QString, vocab);
        QFETCH(QString, pre);
        const QString base = test::sharedModel(vocab);
        const GgufFile original(base.toStdString());
        QTemporaryDir dir;
        {
            QFile json(dir.filePath(QStringLiteral("tokenizer.json")));
            QVERIFY(json.open(QIODevice::WriteOnly));
            json.write(QByteArray::fromStdString(tokenizerJsonOf(original)));
        }
        const auto hf = BpeTokenizer::fromTokenizerJson(dir.filePath(QStringLiteral("tokenizer.json")).toStdString());
        GgufWriter w;
        w.setString("general.architecture", "gpt2");
        hf::setTokenizerKeys(w, *hf, dir.path().toStdString());
        const std::string out = dir.filePath(QStringLiteral("vocab.gguf")).toStdString();
        w.write(out);
        const GgufFile converted(out);
        QCOMPARE(converted.findString("tokenizer.ggml.model").value_or(""), std::string("gpt2"));
        QCOMPARE(QString::fromStdString(converted.findString("tokenizer.ggml.pre").value_or("")), pre);
        QCOMPARE(converted.arrayStrings("tokenizer.ggml.tokens"), original.arrayStrings("tokenizer.ggml.tokens"));
        QCOMPARE(converted.arrayStrings("tokenizer.ggml.merges"), original.arrayStrings("tokenizer.ggml.merges"));
        const auto tok = Tokenizer::fromGguf(converted);
        const auto cases = test::readVocabTestVectors(base);
        QVERIFY(cases.size() > 20);
        for (const auto& [text, ids] : cases) {
            QCOMPARE(tok->encode(text, false), ids);
            QCOMPARE(hf->encode(text, false), ids);
        }
    }

    // The HF mapping of the other Llama-family checkpoints edge-rt reads (no trained one fits in
    // ../shared): the kit's qwen2 (q/k/v biases, NeoX RoPE), llama3rope (Llama 3 RoPE scaling,
    // permuted q/k) and smollm2like (smollm pre-tokenizer) written back as the HF checkpoints
    // llama.cpp's converter would read, then quantised: every tensor byte-identical to llama.cpp's
    // Q8_0 file of the model, rope_freqs within 1e-6 (config.json -> factors in float), every
    // <arch>.* key and the tokenizer keys equal, and the same prompt ids.
    void kitArchitecturesThroughHfLayout_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"qwen2", "llama3rope", "smollm2like"}) QTest::newRow(n) << QString::fromLatin1(n);
    }
    void kitArchitecturesThroughHfLayout()
    {
        QFETCH(QString, name);
        const GgufFile f32(test::sharedModel(QStringLiteral("kit/arch/%1-F32.gguf").arg(name)).toStdString());
        const GgufFile kit(test::sharedModel(QStringLiteral("kit/arch/%1-Q8_0.gguf").arg(name)).toStdString());
        QTemporaryDir hfDirectory, out;
        writeHfCheckpointOf(f32, hfDirectory.path());
        const GgufFile ours(quantiseHf(out, hfDirectory.path(), "Q8_0"));
        QCOMPARE(ours.tensors().size(), kit.tensors().size());
        for (const auto& t : kit.tensors()) {
            const auto* o = ours.findTensor(t.name);
            QVERIFY2(o, t.name.c_str());
            QCOMPARE(o->dims, t.dims);
            QCOMPARE(tensorTypeName(o->type), tensorTypeName(t.type));
            if (t.name != "rope_freqs.weight") {
                QVERIFY2(tensorBytes(ours, *o) == tensorBytes(kit, t), t.name.c_str());
                continue;
            }
            std::vector<float> a(t.dims[0]), b(t.dims[0]);
            ours.readTensor(*o, a.data());
            kit.readTensor(t, b.data());
            for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(std::fabs(a[i] - b[i]) <= 1e-6f * b[i]);
        }
        const std::string arch = kit.findString("general.architecture").value_or("");
        QCOMPARE(ours.findString("general.architecture").value_or(""), arch);
        for (const auto& [key, value] : kit.metadata())
            if (key.starts_with(arch + ".") || key == "tokenizer.ggml.model" || key == "tokenizer.ggml.pre" ||
                key == "tokenizer.ggml.tokens" || key == "tokenizer.ggml.token_type" ||
                key == "tokenizer.ggml.merges" || key == "tokenizer.ggml.bos_token_id" ||
                key == "tokenizer.ggml.eos_token_id" || key == "tokenizer.ggml.add_bos_token" ||
                key == "tokenizer.chat_template") {
                QVERIFY2(ours.has(key), key.c_str());
                QVERIFY2(ours.valueToString(*ours.find(key)) == kit.valueToString(value), key.c_str());
            }
        QCOMPARE(ours.arrayStrings("tokenizer.ggml.tokens"), kit.arrayStrings("tokenizer.ggml.tokens"));
        QCOMPARE(ours.arrayStrings("tokenizer.ggml.merges"), kit.arrayStrings("tokenizer.ggml.merges"));
        const auto a = Tokenizer::fromGguf(ours), b = Tokenizer::fromGguf(kit);
        for (const auto& p : prompts()) QCOMPARE(a->encode(p), b->encode(p));
    }

    void safetensorsFilePathWorks()
    {
        QTemporaryDir dir;
        const auto viaFile = quantiseHf(dir, hfDir() + QStringLiteral("/model.safetensors"), "F16");
        const GgufFile f(viaFile);
        QCOMPARE(f.tensors().size(), std::size_t{20});
        QCOMPARE(f.findString("tokenizer.ggml.model").value_or(""), std::string("llama"));
    }

    void badInputIsOneClearError()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("out.gguf"));
        const auto expectError = [&](const QString& in, const QStringList& mustName) {
            try {
                QuantizeOptions o;
                quantizeModel(in.toStdString(), out.toStdString(), quantFileType("Q8_0"), o);
                QFAIL("no error");
            } catch (const Error& e) {
                const QString what = QString::fromUtf8(e.what());
                for (const auto& s : mustName) QVERIFY2(what.contains(s), qPrintable(what + " lacks " + s));
                qInfo("%s", e.what());
            }
            QVERIFY(!QFile::exists(out));
            QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);
        };
        QTemporaryDir noTokenizer;
        copyHfDir(noTokenizer.path(), QStringLiteral("tokenizer.json"));
        expectError(noTokenizer.path(), {noTokenizer.path(), QStringLiteral("tokenizer.json")});

        QTemporaryDir unknownArch;
        copyHfDir(unknownArch.path(), {}, [](QByteArray& t) {
            t.replace("LlamaForCausalLM", "MambaForCausalLM");
            t.replace("\"llama\"", "\"mamba\"");
        });
        expectError(unknownArch.path(), {QStringLiteral("config.json"), QStringLiteral("MambaForCausalLM")});

        QTemporaryDir wrongShape;
        copyHfDir(wrongShape.path(), {},
                  [](QByteArray& t) { t.replace("\"intermediate_size\": 384", "\"intermediate_size\": 512"); });
        expectError(wrongShape.path(), {QStringLiteral("model.layers.0.mlp.gate_proj.weight"), QStringLiteral("512")});

        QTemporaryDir badVocab;
        copyHfDir(badVocab.path(), {},
                  [](QByteArray& t) { t.replace("\"vocab_size\": 2048", "\"vocab_size\": 4096"); });
        expectError(badVocab.path(), {QStringLiteral("config.json"), QStringLiteral("vocab_size")});
    }

    // A sharded checkpoint (model-0000N-of-00002.safetensors + model.safetensors.index.json, as
    // HF's save_pretrained writes models above its shard size) made of the real TinyStories-656K
    // weights: the tensors split in two shards, the second in reverse order. Quantised, it must
    // give the single-file directory's GGUF byte for byte (same directory name, so same
    // general.name), for a type with per-tensor mixture rules too.
    void shardedCheckpointQuantisesAsTheSingleFile_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("Q8_0") << QStringLiteral("Q8_0");
        QTest::newRow("Q4_K_M") << QStringLiteral("Q4_K_M");
    }
    void shardedCheckpointQuantisesAsTheSingleFile()
    {
        QFETCH(QString, type);
        EDGERT_REQUIRE_FILE(hfDir() + QStringLiteral("/model.safetensors"));
        QTemporaryDir dir;
        const QString sharded = dir.filePath(QFileInfo(hfDir()).fileName());
        QVERIFY(QDir().mkpath(sharded));
        copyHfDir(sharded, QStringLiteral("model.safetensors"));

        const SafeTensorsFile single((hfDir() + QStringLiteral("/model.safetensors")).toStdString());
        const auto& all = single.tensors();
        QVERIFY(all.size() > 2);
        const std::array<QString, 2> shardNames{QStringLiteral("model-00001-of-00002.safetensors"),
                                                QStringLiteral("model-00002-of-00002.safetensors")};
        std::array<std::vector<test::StTensor>, 2> shards;
        QJsonObject weightMap;
        for (std::size_t i = 0; i < all.size(); ++i) {
            const auto& t = all[i];
            QByteArray bytes(static_cast<qsizetype>(t.sizeBytes()), '\0');
            single.file().readAt(t.fileOffset, bytes.data(), t.sizeBytes());
            std::vector<qint64> shape(t.shape.begin(), t.shape.end());
            const std::size_t shard = i < all.size() / 2 ? 0 : 1;
            shards[shard].push_back(
                {QString::fromStdString(t.name), QString::fromLatin1(safeTensorsDtypeName(t.dtype)), shape, bytes});
            weightMap.insert(QString::fromStdString(t.name), shardNames[shard]);
        }
        std::reverse(shards[1].begin(), shards[1].end());
        for (std::size_t s = 0; s < 2; ++s) test::writeSafeTensors(QDir(sharded).filePath(shardNames[s]), shards[s]);
        writeFile(
            QDir(sharded).filePath(QStringLiteral("model.safetensors.index.json")),
            QJsonDocument(
                QJsonObject{{QStringLiteral("metadata"),
                             QJsonObject{{QStringLiteral("total_size"), static_cast<qint64>(single.fileSizeBytes())}}},
                            {QStringLiteral("weight_map"), weightMap}})
                .toJson()
                .toStdString());
        QVERIFY(SafeTensorsCheckpoint(sharded.toStdString()).sharded());

        QTemporaryDir outSingle, outSharded;
        const auto a = quantiseHf(outSingle, hfDir(), type.toStdString());
        const auto b = quantiseHf(outSharded, sharded, type.toStdString());
        QFile fa(QString::fromStdString(a)), fb(QString::fromStdString(b));
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        const QByteArray bytesA = fa.readAll(), bytesB = fb.readAll();
        QVERIFY(bytesA.size() > 100000);
        QCOMPARE(bytesB.size(), bytesA.size());
        QVERIFY2(bytesA == bytesB, "the sharded checkpoint's GGUF differs from the single file's");
    }

    void cliQuantizesAHfDirectory()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("cli.gguf"));
        QProcess p;
        p.start(QStringLiteral(EDGERT_CLI_PATH),
                {QStringLiteral("quantize"), hfDir(), out, QStringLiteral("--type"), QStringLiteral("Q4_K_M"),
                 QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QString stdoutText = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(stdoutText.contains(QStringLiteral("(Q4_K_M)")), qPrintable(stdoutText));
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("[20/20]")));
        // The row length 128 is no multiple of 256: llama-quantize's fallbacks (Q4_K -> Q5_0,
        // Q6_K -> Q8_0 for the tied output) make a file that loads and generates.
        const auto graph = test::openGraph(out);
        const GgufFile f(out.toStdString());
        QCOMPARE(tensorTypeName(f.findTensor("token_embd.weight")->type), std::string("Q8_0"));
        QCOMPARE(tensorTypeName(f.findTensor("blk.0.attn_q.weight")->type), std::string("Q5_0"));
        QCOMPARE(greedyIds(graph, {1}, 8).size(), std::size_t{8});
    }
};

QTEST_GUILESS_MAIN(TestQuantizeHf)
#include "tst_quantize_hf.moc"
