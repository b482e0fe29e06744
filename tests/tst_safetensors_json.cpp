// The strict JSON parser behind SafeTensors headers, config.json and tokenizer.json: what it
// accepts, and that every rejection names the source, the byte offset and the member path.
#include "edgert/error.h"
#include "io/json-parser.h"

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
    QTest::newRow("empty") << QByteArray("  ") << 2 << "the document is empty";
    QTest::newRow("trailing_comma_in_array") << QByteArray("[1, 2,]") << 6 << "expected a value";
    QTest::newRow("trailing_comma_in_object") << QByteArray(R"({"a": 1,})") << 8 << "expected a string key";
    QTest::newRow("leading_zero") << QByteArray("[01]") << 2 << "leading zero";
    QTest::newRow("nan") << QByteArray("[NaN]") << 1 << "unexpected character 'N'";
    QTest::newRow("single_quotes") << QByteArray("{'a': 1}") << 1 << "expected a string key";
    QTest::newRow("unterminated_string") << QByteArray(R"({"a": "b)") << 8 << "unterminated string";
    QTest::newRow("raw_newline_in_string") << QByteArray("[\"a\nb\"]") << 3 << "raw control character";
    QTest::newRow("invalid_escape") << QByteArray(R"(["\x41"])") << 2 << "invalid escape";
    QTest::newRow("lone_low_surrogate") << QByteArray(R"(["\udc00"])") << 2 << "unpaired low surrogate";
    QTest::newRow("unpaired_high_surrogate") << QByteArray(R"(["\ud83dx"])") << 2 << "high surrogate";
    QTest::newRow("overlong_utf8") << QByteArray("[\"\xC0\x80\"]") << 2 << "invalid UTF-8";
    QTest::newRow("utf8_surrogate") << QByteArray("[\"\xED\xA0\x80\"]") << 2 << "invalid UTF-8";
    QTest::newRow("duplicate_key") << QByteArray(R"({"a": 1, "b": 2, "a": 3})") << 17
                                   << "duplicate key \"a\" (first at byte 9)";
    QTest::newRow("trailing_garbage") << QByteArray("{} x") << 3 << "unexpected data after the JSON value";
    QTest::newRow("comment") << QByteArray("[1] // no") << 4 << "unexpected data";
    QTest::newRow("missing_colon") << QByteArray(R"({"a" 1})") << 5 << "expected ':'";
    QTest::newRow("huge_number") << QByteArray("[1e999]") << 1 << "out of range";
    QTest::newRow("path_names_the_member") << QByteArray(R"({"t": {"shape": [1, x]}})") << 20 << "(in t.shape[1])";
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
