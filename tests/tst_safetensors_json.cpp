// The JSON layer (nlohmann-json plus edge-rt's checks) behind SafeTensors headers, config.json and tokenizer.json: what
// it accepts, and that every rejection names the source, the byte offset and the member path.
#include "test-support.h"
#include "tst_safetensors_support.h"

#include "edgert/error.h"
#include "edgert/model-graph.h"
#include "edgert/safetensors-reader.h"
#include "io/json-parser.h"

#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace edgert;

class TestSafeTensorsJson : public QObject {
    Q_OBJECT
private slots:
    void parsesNestedDocumentsWithOffsets();
    void decodesEscapesAndUtf8();
    void rejectsWithSourceByteAndPath_data();
    void rejectsWithSourceByteAndPath();
    void nestingIsBounded();
    void emptyKeysAreKeys();
    void emptyKeyErrorInSafeTensorsHeader();
    void emptyKeyErrorInHfConfig();
    void byteOrderMarkIsIgnored();
    void summariesAreShort();
};

void TestSafeTensorsJson::parsesNestedDocumentsWithOffsets()
{
    const std::string doc = R"( {"a": [1, -2.5e3, true, null], "b": {"c": "d"}, "e": 18446744073709551615} )";
    const auto v = json::parse(doc, "doc.json", 100);
    QVERIFY(v.isObject());
    QCOMPARE(v.offset(), std::uint64_t{101});
    QCOMPARE(v.members().size(), std::size_t{3});
    const auto* a = v.find("a");
    QVERIFY(a && a->isArray());
    QCOMPARE(a->items()[0].asUInt64(), std::optional<std::uint64_t>(1));
    QCOMPARE(a->items()[1].asDouble(), -2500.0);
    QVERIFY(!a->items()[1].asUInt64());
    QVERIFY(!a->items()[1].asInt64());
    QVERIFY(a->items()[2].asBool());
    QVERIFY(a->items()[3].isNull());
    QCOMPARE(a->items()[1].offset(), std::uint64_t{100 + doc.find("-2.5e3")});
    QCOMPARE(v.find("b")->find("c")->text(), std::string("d"));
    QCOMPARE(v.find("e")->asUInt64(), std::optional<std::uint64_t>(std::numeric_limits<std::uint64_t>::max()));
    QVERIFY(!v.find("zz"));
}

void TestSafeTensorsJson::decodesEscapesAndUtf8()
{
    const auto v = json::parse(R"(["\u00e9\u2581\ud83d\ude00\n\t\"\\\/", "é▁😀"])", "doc");
    QCOMPARE(v.items()[0].text(), std::string("é▁😀\n\t\"\\/"));
    QCOMPARE(v.items()[1].text(), std::string("é▁😀"));
}

void TestSafeTensorsJson::rejectsWithSourceByteAndPath_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<int>("byte");
    QTest::addColumn<QString>("why");
    // Reasons are nlohmann-json's; the byte is where the parser stopped (a number out of range:
    // where it starts), plus the 8 of baseOffset.
    QTest::newRow("empty") << QByteArray("  ") << 2 << "the document is empty";
    QTest::newRow("trailing_comma_in_array") << QByteArray("[1, 2,]") << 6 << "unexpected ']'";
    QTest::newRow("trailing_comma_in_object") << QByteArray(R"({"a": 1,})") << 8 << "expected string literal";
    QTest::newRow("leading_zero") << QByteArray("[01]") << 2 << "unexpected number literal; expected ']'";
    QTest::newRow("nan") << QByteArray("[NaN]") << 1 << "invalid literal";
    QTest::newRow("single_quotes") << QByteArray("{'a': 1}") << 1 << "invalid literal";
    QTest::newRow("unterminated_string") << QByteArray(R"({"a": "b)") << 8 << "missing closing quote";
    QTest::newRow("raw_newline_in_string") << QByteArray("[\"a\nb\"]") << 3 << "control character U+000A (LF)";
    QTest::newRow("invalid_escape") << QByteArray(R"(["\x41"])") << 3 << "forbidden character after backslash";
    QTest::newRow("lone_low_surrogate") << QByteArray(R"(["\udc00"])") << 7 << "U+DC00..U+DFFF must follow";
    QTest::newRow("unpaired_high_surrogate") << QByteArray(R"(["\ud83dx"])") << 8 << "must be followed by U+DC00";
    QTest::newRow("overlong_utf8") << QByteArray("[\"\xC0\x80\"]") << 2
                                   << "ill-formed UTF-8 byte; last read: '\"\\xC0'";
    QTest::newRow("utf8_surrogate") << QByteArray("[\"\xED\xA0\x80\"]") << 3 << "ill-formed UTF-8";
    QTest::newRow("duplicate_key") << QByteArray(R"({"a": 1, "b": 2, "a": 3})") << 17
                                   << "duplicate key \"a\" (first at byte 9)";
    QTest::newRow("trailing_garbage") << QByteArray("{} x") << 3 << "expected end of input";
    QTest::newRow("nul_then_garbage") << QByteArray("{}\0x", 4) << 2 << "unexpected byte 0x00 after the JSON value";
    QTest::newRow("comment") << QByteArray("[1] // no") << 4 << "expected end of input";
    QTest::newRow("missing_colon") << QByteArray(R"({"a" 1})") << 5 << "expected ':'";
    QTest::newRow("huge_number") << QByteArray("[1e999]") << 1 << "number overflow parsing '1e999'";
    QTest::newRow("path_names_the_member") << QByteArray(R"({"t": {"shape": [1, x]}})") << 20 << "(in t.shape[1])";
    // Issue 13 finding 1: an empty key in the error path was read with front() (undefined behaviour).
    QTest::newRow("empty_key_in_path") << QByteArray(R"({"a":{"":{"b"}}})") << 13 << R"((in a[""].b))";
}

void TestSafeTensorsJson::rejectsWithSourceByteAndPath()
{
    QFETCH(QByteArray, doc);
    QFETCH(int, byte);
    QFETCH(QString, why);
    try {
        json::parse(doc.toStdString(), "header.json", 8);
        QFAIL("accepted");
    } catch (const FormatError& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.startsWith(QStringLiteral("header.json: malformed JSON at byte %1").arg(byte + 8)), e.what());
        QVERIFY2(msg.contains(why), e.what());
    }
}

void TestSafeTensorsJson::nestingIsBounded()
{
    const std::string deep = std::string(64, '[') + std::string(64, ']');
    QVERIFY(json::parse(deep, "ok").isArray());
    const std::string tooDeep = std::string(65, '[') + std::string(65, ']');
    QVERIFY_THROWS_EXCEPTION(FormatError, json::parse(tooDeep, "deep"));
    // A hostile header cannot exhaust the stack.
    const std::string hostile(1 << 20, '[');
    QVERIFY_THROWS_EXCEPTION(FormatError, json::parse(hostile, "hostile"));
}

void TestSafeTensorsJson::emptyKeysAreKeys()
{
    const auto v = json::parse(R"({"": 1, "a": {"": [true]}})", "doc");
    QCOMPARE(v.find("")->asUInt64(), std::optional<std::uint64_t>(1));
    QVERIFY(v.find("a")->find("")->items()[0].asBool());
    QVERIFY_THROWS_EXCEPTION(FormatError, json::parse(R"({"": 1, "": 2})", "doc"));
}

void TestSafeTensorsJson::emptyKeyErrorInSafeTensorsHeader()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("x.safetensors"));
    test::writeRawSafeTensors(path, R"({"a":{"":{"b"}}})", {});
    try {
        SafeTensorsFile f(path.toStdString());
        QFAIL("accepted");
    } catch (const FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("malformed JSON at byte 21 (in a[\"\"].b)")),
                 e.what());
    }
}

void TestSafeTensorsJson::emptyKeyErrorInHfConfig()
{
    const QString model = test::sharedModel(QStringLiteral("tinystories-656k/model.safetensors"));
    EDGERT_REQUIRE_FILE(model);
    QTemporaryDir dir;
    QVERIFY(QFile::link(model, dir.filePath(QStringLiteral("model.safetensors"))));
    QFile config(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"a":{"":{"b"}}})");
    config.close();
    try {
        (void)ModelGraph::open(dir.path().toStdString());
        QFAIL("accepted");
    } catch (const FormatError& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(QStringLiteral("config.json: malformed JSON at byte 13 (in a[\"\"].b)")), e.what());
    }
}

void TestSafeTensorsJson::byteOrderMarkIsIgnored()
{
    const auto v = json::parse("\xEF\xBB\xBF[7]", "bom.json");
    QCOMPARE(v.offset(), std::uint64_t{3});
    QCOMPARE(v.items()[0].asUInt64(), std::optional<std::uint64_t>(7));
}

void TestSafeTensorsJson::summariesAreShort()
{
    const auto v = json::parse(R"({"a": [1, 2], "b": "x", "c": {"d": 1}, "e": [[1]]})", "doc");
    QCOMPARE(json::summary(*v.find("a")), std::string("[1, 2]"));
    QCOMPARE(json::summary(*v.find("b")), std::string("\"x\""));
    QCOMPARE(json::summary(*v.find("c")), std::string("{1 keys}"));
    QCOMPARE(json::summary(*v.find("e")), std::string("[1 items]"));
}

QTEST_GUILESS_MAIN(TestSafeTensorsJson)
#include "tst_safetensors_json.moc"
