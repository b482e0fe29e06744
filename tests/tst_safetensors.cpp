// The SafeTensors reader: the real TinyStories checkpoint, every dtype, sharded checkpoints, and
// corrupted files — each rejection must name the file, the tensor (where there is one) and a byte
// offset, and nothing may be read out of bounds.
#include "edgert/error.h"
#include "edgert/safetensors-reader.h"
#include "test-support.h"
#include "tst_safetensors_support.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace edgert;
using test::StTensor;

namespace {

QString tinyStoriesDir()
{
    return test::sharedModel(QStringLiteral("tinystories-656k"));
}

// A valid two-tensor file: "a" F32 [2, 2] at [0, 16), "b" F16 [4] at [16, 24).
const char* kValidHeader = R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                           R"("b":{"dtype":"F16","shape":[4],"data_offsets":[16,24]}})";

}  // namespace

class TestSafeTensors : public QObject {
    Q_OBJECT
private slots:
    void readsTheTinyStoriesCheckpoint()
    {
        const QString path = tinyStoriesDir() + QStringLiteral("/model.safetensors");
        EDGERT_REQUIRE_FILE(path);
        const SafeTensorsFile f(path.toStdString());
        QCOMPARE(f.headerBytes(), std::uint64_t{2160});
        QCOMPARE(f.dataOffset(), std::uint64_t{2168});
        QCOMPARE(f.tensors().size(), std::size_t{20});
        QCOMPARE(f.findMetadata("format"), std::optional<std::string>("pt"));
        QCOMPARE(f.findMetadata("model.embed_tokens.weight"), std::optional<std::string>("lm_head.weight"));
        const auto* head = f.findTensor("lm_head.weight");
        QVERIFY(head);
        QCOMPARE(head->dtype, SafeTensorsDtype::F32);
        QCOMPARE(head->shape, (std::vector<std::uint64_t>{2048, 128}));
        QCOMPARE(head->fileOffset, std::uint64_t{2168});
        QCOMPARE(head->sizeBytes(), std::uint64_t{2048 * 128 * 4});
        QVERIFY(!f.findTensor("model.embed_tokens.weight"));
        std::uint64_t params = 0;
        for (const auto& t : f.tensors()) params += t.elementCount();
        QCOMPARE(params, std::uint64_t{656000});
        // The checkpoint view over a directory finds the same file.
        const SafeTensorsCheckpoint c(tinyStoriesDir().toStdString());
        QVERIFY(!c.sharded());
        QCOMPARE(c.findTensor("model.norm.weight").tensor->fileOffset, std::uint64_t{2168 + 2623488});
    }

    void readsEveryDtype()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("all.safetensors"));
        std::vector<StTensor> tensors;
        const std::pair<const char*, int> dtypes[] = {
            {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
            {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"I64", 8},     {"U64", 8}, {"F64", 8}};
        for (const auto& [name, bytes] : dtypes)
            tensors.push_back({QString::fromLatin1(name), QString::fromLatin1(name), {3}, QByteArray(3 * bytes, '\1')});
        tensors.push_back({QStringLiteral("scalar"), QStringLiteral("F32"), {}, QByteArray(4, '\0')});
        tensors.push_back({QStringLiteral("empty"), QStringLiteral("F32"), {0, 5}, QByteArray()});
        test::writeSafeTensors(path, tensors);
        const SafeTensorsFile f(path.toStdString());
        QCOMPARE(f.tensors().size(), tensors.size());
        for (const auto& [name, bytes] : dtypes) {
            const auto* t = f.findTensor(name);
            QVERIFY(t);
            QCOMPARE(std::string(safeTensorsDtypeName(t->dtype)), std::string(name));
            QCOMPARE(safeTensorsDtypeBytes(t->dtype), static_cast<std::uint32_t>(bytes));
        }
        QCOMPARE(tensorTypeOf(SafeTensorsDtype::BF16), std::optional<TensorType>(TensorType::BF16));
        QCOMPARE(tensorTypeOf(SafeTensorsDtype::U8), std::optional<TensorType>());
        QCOMPARE(f.findTensor("scalar")->elementCount(), std::uint64_t{1});
        QCOMPARE(f.findTensor("empty")->sizeBytes(), std::uint64_t{0});
    }

    void readsShardedCheckpoints()
    {
        QTemporaryDir dir;
        test::writeSafeTensors(dir.filePath(QStringLiteral("model-00001-of-00002.safetensors")),
                               {{QStringLiteral("a"), QStringLiteral("F32"), {2}, test::f32Bytes({1, 2})}});
        test::writeSafeTensors(dir.filePath(QStringLiteral("model-00002-of-00002.safetensors")),
                               {{QStringLiteral("b"), QStringLiteral("F32"), {1}, test::f32Bytes({3})},
                                {QStringLiteral("c"), QStringLiteral("F16"), {2}, QByteArray(4, '\0')}});
        QFile index(dir.filePath(QStringLiteral("model.safetensors.index.json")));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write(R"({"metadata": {"total_size": 16}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                    "b": "model-00002-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}})");
        index.close();
        const SafeTensorsCheckpoint c(dir.path().toStdString());
        QVERIFY(c.sharded());
        QCOMPARE(c.shards().size(), std::size_t{2});
        QCOMPARE(c.tensors().size(), std::size_t{3});
        const auto b = c.findTensor("b");
        QVERIFY(b.tensor && b.shard == c.shards()[1].get());
        float v = 0;
        b.shard->file().readAt(b.tensor->fileOffset, &v, 4);
        QCOMPARE(v, 3.0f);
    }

    void inconsistentShardIndexesAreRejected_data()
    {
        QTest::addColumn<QByteArray>("index");
        QTest::addColumn<QString>("why");
        QTest::newRow("tensor_not_in_its_shard")
            << QByteArray(R"({"weight_map": {"a": "s1.safetensors", "b": "s1.safetensors"}})") << "puts tensor 'b' in";
        QTest::newRow("shard_tensor_not_mapped")
            << QByteArray(R"({"weight_map": {"b": "s2.safetensors"}})") << "tensor 'c' (header entry at byte";
        QTest::newRow("path_outside_the_directory")
            << QByteArray(R"({"weight_map": {"a": "../s1.safetensors"}})") << "not a plain file name";
        QTest::newRow("no_weight_map") << QByteArray(R"({"metadata": {}})") << "no \"weight_map\"";
        QTest::newRow("malformed") << QByteArray(R"({"weight_map": {"a": "s1.safetensors",}})")
                                   << "malformed JSON at byte 38";
    }
    void inconsistentShardIndexesAreRejected()
    {
        QFETCH(QByteArray, index);
        QFETCH(QString, why);
        QTemporaryDir dir;
        test::writeSafeTensors(dir.filePath(QStringLiteral("s1.safetensors")),
                               {{QStringLiteral("a"), QStringLiteral("F32"), {1}, test::f32Bytes({1})}});
        test::writeSafeTensors(dir.filePath(QStringLiteral("s2.safetensors")),
                               {{QStringLiteral("b"), QStringLiteral("F32"), {1}, test::f32Bytes({1})},
                                {QStringLiteral("c"), QStringLiteral("F32"), {1}, test::f32Bytes({1})}});
        const QString indexPath = dir.filePath(QStringLiteral("model.safetensors.index.json"));
        QFile f(indexPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(index);
        f.close();
        try {
            SafeTensorsCheckpoint c(indexPath.toStdString());
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(why), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral(".safetensors")), e.what());
        }
    }

    void corruptedFilesNameFileTensorAndOffset_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<qint64>("lengthOverride");  // -1: the header's size
        QTest::addColumn<QString>("tensor");         // empty: the error is about no tensor
        QTest::addColumn<QStringList>("expected");   // substrings of the message
        const QByteArray data24(24, '\0');
        const auto entry = [](const char* name, const char* dtype, const char* shape, const char* offsets) {
            return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
                   ",\"data_offsets\":" + offsets + "}";
        };
        const QByteArray b = entry("b", "F16", "[4]", "[16,24]");
        QTest::newRow("header_length_past_end")
            << QByteArray(kValidHeader) << data24 << qint64(1000000) << QString()
            << QStringList{"header length 1000000 at byte 0 runs past the end of the file"};
        QTest::newRow("header_length_zero") << QByteArray(kValidHeader) << data24 << qint64(0) << QString()
                                            << QStringList{"header length 0 at byte 0 is too small"};
        QTest::newRow("malformed_json") << QByteArray(R"({"a":{"dtype":"F32","shape":[2,2],,"data_offsets":[0,16]}})")
                                        << data24 << qint64(-1) << QString()
                                        << QStringList{"malformed JSON at byte 42", "(in a)"};
        QTest::newRow("header_not_an_object") << QByteArray("[1,2,3]") << data24 << qint64(-1) << QString()
                                              << QStringList{"must start with '{'", "byte 8"};
        QTest::newRow("offsets_out_of_range")
            << "{" + entry("a", "F32", "[2,2]", "[0,16]") + "," + entry("b", "F16", "[4]", "[16,2400]") + "}" << data24
            << qint64(-1) << "b" << QStringList{"out of range", "data section holds 24 bytes", "file offset"};
        QTest::newRow("overlapping_tensors")
            << "{" + entry("a", "F32", "[2,2]", "[0,16]") + "," + entry("b", "F32", "[2,2]", "[8,24]") + "}" << data24
            << qint64(-1) << "b" << QStringList{"overlap tensor 'a'", "file offset"};
        QTest::newRow("unsorted_offsets") << "{" + entry("a", "F32", "[2,2]", "[16,0]") + "," + b + "}" << data24
                                          << qint64(-1) << "a" << QStringList{"unsorted", "data_offsets [16, 0]"};
        QTest::newRow("gap_between_tensors")
            << "{" + entry("a", "F32", "[2]", "[0,8]") + "," + b + "}" << data24 << qint64(-1) << "b"
            << QStringList{"gap of 8 unused bytes", "file offset"};
        QTest::newRow("shape_times_dtype_differs")
            << "{" + entry("a", "F32", "[2,3]", "[0,16]") + "," + b + "}" << data24 << qint64(-1) << "a"
            << QStringList{"shape [2, 3] × F32 (4 bytes) = 24 bytes", "cover 16 bytes"};
        QTest::newRow("shape_overflows") << "{" + entry("a", "F32", "[4294967296,4294967296]", "[0,16]") + "," + b + "}"
                                         << data24 << qint64(-1) << "a" << QStringList{"= overflow bytes"};
        QTest::newRow("unknown_dtype") << "{" + entry("a", "F17", "[2,2]", "[0,16]") + "," + b + "}" << data24
                                       << qint64(-1) << "a" << QStringList{"unknown dtype \"F17\"", "known: BOOL"};
        QTest::newRow("negative_dimension")
            << "{" + entry("a", "F32", "[-2,2]", "[0,16]") + "," + b + "}" << data24 << qint64(-1) << "a"
            << QStringList{"shape element -2", "not a non-negative integer"};
        QTest::newRow("fractional_offset") << "{" + entry("a", "F32", "[2,2]", "[0,16.5]") + "," + b + "}" << data24
                                           << qint64(-1) << "a" << QStringList{"must be non-negative integers"};
        QTest::newRow("missing_offsets") << QByteArray(R"({"a":{"dtype":"F32","shape":[2,2]},)") + b + "}" << data24
                                         << qint64(-1) << "a" << QStringList{"missing 'data_offsets'"};
        QTest::newRow("duplicate_tensor")
            << "{" + entry("a", "F32", "[2,2]", "[0,16]") + "," + entry("a", "F16", "[4]", "[16,24]") + "}" << data24
            << qint64(-1) << QString() << QStringList{"duplicate key \"a\""};
        QTest::newRow("metadata_not_strings")
            << QByteArray(R"({"__metadata__":{"n":1},)") + entry("a", "F32", "[6]", "[0,24]") + "}" << data24
            << qint64(-1) << QString() << QStringList{"__metadata__ key 'n'", "expected a string"};
        QTest::newRow("trailing_unclaimed_bytes")
            << QByteArray(kValidHeader) << QByteArray(32, '\0') << qint64(-1) << QString()
            << QStringList{"8 bytes at file offset", "belong to no tensor"};
    }
    void corruptedFilesNameFileTensorAndOffset()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, data);
        QFETCH(qint64, lengthOverride);
        QFETCH(QString, tensor);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.safetensors"));
        test::writeRawSafeTensors(path, header, data,
                                  lengthOverride < 0 ? ~0ull : static_cast<std::uint64_t>(lengthOverride));
        try {
            SafeTensorsFile f(path.toStdString());
            QFAIL("accepted");
        } catch (const FormatError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(path + QStringLiteral(": ")) ||
                         msg.startsWith(path + QStringLiteral(" (SafeTensors header)")),
                     e.what());
            QVERIFY2(msg.contains(QStringLiteral("byte")), e.what());
            if (!tensor.isEmpty()) QVERIFY2(msg.contains(QStringLiteral("tensor '%1'").arg(tensor)), e.what());
            for (const auto& s : expected) QVERIFY2(msg.contains(s), e.what());
        }
    }

    void tinyFilesAreRejected()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("short.safetensors"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("abc");
        f.close();
        try {
            SafeTensorsFile st(path.toStdString());
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(
                         QStringLiteral("too short for the 8-byte header length at byte 0")),
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestSafeTensors)
#include "tst_safetensors.moc"
