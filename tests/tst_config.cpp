// Configuration files: the shipped presets load, every key reaches its field, and every kind of
// bad file (malformed TOML, unknown key, wrong type, out-of-range value) fails with the file,
// line, column and key in the message.
#include "config/suggest.h"
#include "edgert/config.h"
#include "edgert/partition-planner.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace edgert;

namespace {

const QString kPresetsDir = QStringLiteral(EDGERT_FIXTURES_DIR "/../../resources/configs");

/// The error parseConfig() throws for `text`, or a default-constructed error when none.
std::optional<ConfigError> errorFor(const std::string& text, const std::string& name = "bad.toml")
{
    try {
        parseConfig(text, name);
    } catch (const ConfigError& e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace

class TestConfig : public QObject {
    Q_OBJECT
private slots:
    void presetLoads_data()
    {
        QTest::addColumn<QString>("file");
        const auto presets = QDir(kPresetsDir).entryList({QStringLiteral("*.toml")}, QDir::Files, QDir::Name);
        QCOMPARE(presets, (QStringList{QStringLiteral("constrained_2gb.toml"), QStringLiteral("performance.toml"),
                                       QStringLiteral("rpi4_default.toml")}));
        for (const auto& p : presets) QTest::newRow(qPrintable(p)) << QDir(kPresetsDir).filePath(p);
    }
    void presetLoads()
    {
        QFETCH(QString, file);
        const Config c = loadConfig(file.toStdString());
        // Presets state every choice explicitly and are meant for the Pi: budget, strategy,
        // threads within its 4 cores, the kiosk, thermal limits below the firmware's 80/85 °C.
        for (const auto& key : configKeys()) QVERIFY2(c.isSet(key), key.c_str());
        QVERIFY(c.memoryBudgetBytes.has_value());
        QVERIFY(*c.memoryBudgetBytes <= 4ull << 30);
        QVERIFY(c.threads && *c.threads >= 1 && *c.threads <= 4);
        QVERIFY(c.dashboard.kiosk);
        QVERIFY(c.thermal.hardLimitC < 85.0);
        QCOMPARE(QString::fromStdString(c.modelPath), QStringLiteral("/var/lib/edge-rt/models/default.gguf"));
        QVERIFY(makeStrategy(c.strategy) != nullptr);
    }

    void presetsDifferWhereTheirNamesSay()
    {
        const auto load = [](const char* name) {
            return loadConfig((kPresetsDir + QLatin1String(name)).toStdString());
        };
        const Config standard = load("/rpi4_default.toml");
        const Config small = load("/constrained_2gb.toml");
        const Config fast = load("/performance.toml");
        QVERIFY(*small.memoryBudgetBytes < *standard.memoryBudgetBytes);
        QVERIFY(*small.memoryBudgetBytes <= 1ull << 30);  // leaves a 2 GB Pi room for the system
        QVERIFY(*fast.memoryBudgetBytes > *standard.memoryBudgetBytes);
        QCOMPARE(*fast.threads, 4);
        QVERIFY(*standard.threads < 4);  // a core for the UI
    }

    void emptyFileKeepsDefaults()
    {
        const Config c = parseConfig("", "empty.toml");
        QVERIFY(c.keysSet.empty());
        QVERIFY(c.modelPath.empty());
        QVERIFY(!c.memoryBudgetBytes);
        QCOMPARE(c.strategy, std::string("greedy-grouping"));
        QVERIFY(!c.threads);
        QCOMPARE(c.generation.maxTokens, 100u);
        QCOMPARE(c.generation.temperature, 0.0);
        QCOMPARE(c.monitor.periodMs, 500);
        QCOMPARE(c.thermal.softLimitC, 75.0);
        QCOMPARE(c.dashboard.theme, std::string("system"));
    }

    void everyKeyReachesItsField()
    {
        const Config c = parseConfig(R"(
[engine]
model = "models/m.gguf"
memory_budget = "1.5G"
strategy = "sequential"
threads = 2
weight_reads = "direct"
[generation]
prompt = "Hi"
max_tokens = 7
temperature = 1        # an integer is a number
top_k = 0
top_p = 0.5
seed = 42
context = 64
batch = 8
[monitor]
period_ms = 250
root = "/tmp/fixture"
[thermal]
soft_limit_c = 60
hard_limit_c = 70.5
[dashboard]
kiosk = true
language = "de"
theme = "light"
chat_prompts = ["Hi", "Tell me a story"]
)",
                                     "/etc/edge-rt/edge-rt.toml");
        QCOMPARE(c.modelPath, std::string("/etc/edge-rt/models/m.gguf"));  // relative to the file
        QCOMPARE(*c.memoryBudgetBytes, 1536ull << 20);
        QCOMPARE(c.strategy, std::string("sequential"));
        QCOMPARE(*c.threads, 2);
        QCOMPARE(c.weightReads, std::string("direct"));
        QVERIFY(!c.memoryBudgetAuto);
        QCOMPARE(c.generation.prompt, std::string("Hi"));
        QCOMPARE(c.generation.maxTokens, 7u);
        QCOMPARE(c.generation.temperature, 1.0);
        QCOMPARE(c.generation.topK, 0u);
        QCOMPARE(c.generation.topP, 0.5);
        QCOMPARE(c.generation.seed, 42ull);
        QCOMPARE(*c.generation.contextTokens, 64u);
        QCOMPARE(c.generation.batch, 8u);
        QCOMPARE(c.monitor.periodMs, 250);
        QCOMPARE(c.monitor.root, std::string("/tmp/fixture"));
        QCOMPARE(c.thermal.softLimitC, 60.0);
        QCOMPARE(c.thermal.hardLimitC, 70.5);
        QVERIFY(c.dashboard.kiosk);
        QCOMPARE(c.dashboard.language, std::string("de"));
        QCOMPARE(c.dashboard.theme, std::string("light"));
        QCOMPARE(c.dashboard.chatPrompts, (std::vector<std::string>{"Hi", "Tell me a story"}));
        QCOMPARE(c.keysSet.size(), configKeys().size());
        QCOMPARE(c.sourceFile.string(), std::string("/etc/edge-rt/edge-rt.toml"));
    }

    void budgetAcceptsBytesAndSizes()
    {
        QCOMPARE(*parseConfig("engine.memory_budget = 1048576", "a.toml").memoryBudgetBytes, 1048576ull);
        QCOMPARE(*parseConfig("engine.memory_budget = \"64M\"", "a.toml").memoryBudgetBytes, 64ull << 20);
        QCOMPARE(*parseConfig("engine.memory_budget = \"512KiB\"", "a.toml").memoryBudgetBytes, 512ull << 10);
    }

    void autoStrategyBudgetAndReadsAreAccepted()
    {
        const Config c =
            parseConfig("[engine]\nstrategy = \"auto\"\nmemory_budget = \"auto\"\nweight_reads = \"auto\"\n", "a.toml");
        QCOMPARE(c.strategy, std::string("auto"));
        QVERIFY(c.memoryBudgetAuto);
        QVERIFY(!c.memoryBudgetBytes);  // resolved by the command when it starts, not here
        QCOMPARE(c.weightReads, std::string("auto"));
        QVERIFY(c.isSet("engine.memory_budget"));
        QCOMPARE(parseConfig("engine.weight_reads = \"buffered\"", "a.toml").weightReads, std::string("buffered"));
        // Defaults when the keys are absent: a named strategy, no budget, reads decided per run.
        const Config d = parseConfig("", "a.toml");
        QCOMPARE(d.strategy, std::string("greedy-grouping"));
        QVERIFY(!d.memoryBudgetAuto);
        QCOMPARE(d.weightReads, std::string("auto"));
        // A later size replaces an earlier "auto" only through TOML's rules (a duplicate key is an
        // error), so "auto" and a byte count never both hold.
        QVERIFY(errorFor("[engine]\nmemory_budget = \"auto\"\nmemory_budget = \"1G\"\n").has_value());
    }

    void badConfigFailsWithFileLineAndKey_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("problem");  // a substring of ConfigError::problem()

        // Malformed TOML: the parser's position and description.
        QTest::newRow("malformed_unterminated_string") << "[engine]\nstrategy = \"sequential\nthreads = 2\n"
                                                       << 2 << 0 << ""
                                                       << "malformed TOML";
        QTest::newRow("malformed_missing_value") << "[engine]\nthreads =\n"
                                                 << 2 << 0 << ""
                                                 << "malformed TOML";
        QTest::newRow("malformed_duplicate_key") << "[engine]\nthreads = 2\nthreads = 3\n"
                                                 << 3 << 0 << ""
                                                 << "malformed TOML";
        QTest::newRow("malformed_unclosed_table") << "\n\n[engine\n"
                                                  << 3 << 0 << ""
                                                  << "malformed TOML";
        // Unknown keys, with a suggestion.
        QTest::newRow("unknown_key_typo") << "[generation]\ntemprature = 0.7\n"
                                          << 2 << 1 << "generation.temprature"
                                          << "unknown key; did you mean 'generation.temperature'?";
        QTest::newRow("unknown_key_wrong_table") << "[generation]\nthreads = 2\n"
                                                 << 2 << 1 << "generation.threads"
                                                 << "did you mean 'engine.threads'?";
        QTest::newRow("unknown_key_outside_table") << "strategy = \"sequential\"\n"
                                                   << 1 << 1 << "strategy"
                                                   << "did you mean 'engine.strategy'?";
        QTest::newRow("unknown_table_typo") << "# c\n[enigne]\nthreads = 2\n"
                                            << 2 << 2 << "enigne"
                                            << "unknown table [enigne]; did you mean '[engine]'?";
        QTest::newRow("unknown_key_no_suggestion") << "[thermal]\nfan_speed = 3\n"
                                                   << 2 << 1 << "thermal.fan_speed"
                                                   << "unknown key (known keys: engine.model";
        // Wrong types.
        QTest::newRow("wrong_type_string_for_integer") << "[engine]\nthreads = \"four\"\n"
                                                       << 2 << 11 << "engine.threads"
                                                       << "expected an integer, got a string";
        QTest::newRow("wrong_type_float_for_integer") << "[generation]\nmax_tokens = 12.5\n"
                                                      << 2 << 14 << "generation.max_tokens"
                                                      << "expected an integer, got a floating-point number";
        QTest::newRow("wrong_type_bool") << "[dashboard]\nkiosk = \"yes\"\n"
                                         << 2 << 9 << "dashboard.kiosk"
                                         << "expected true or false, got a string";
        QTest::newRow("wrong_type_chat_prompts") << "[dashboard]\nchat_prompts = [\"Hi\", 2]\n"
                                                 << 2 << 16 << "dashboard.chat_prompts"
                                                 << "expected a list of strings, got an integer in it";
        QTest::newRow("empty_chat_prompt") << "[dashboard]\nchat_prompts = [\"\"]\n"
                                           << 2 << 16 << "dashboard.chat_prompts"
                                           << "a prompt must not be empty";
        QTest::newRow("wrong_type_table_as_value") << "engine = 3\n"
                                                   << 1 << 1 << "engine"
                                                   << "expected a table ([engine]), got an integer";
        QTest::newRow("wrong_type_budget_array") << "[engine]\nmemory_budget = [1]\n"
                                                 << 2 << 17 << "engine.memory_budget"
                                                 << "got an array";
        // Out of range or not one of the allowed names.
        QTest::newRow("out_of_range_threads") << "[engine]\nthreads = 0\n"
                                              << 2 << 11 << "engine.threads"
                                              << "must be from 1 to 256, got 0";
        QTest::newRow("out_of_range_top_p") << "[generation]\ntop_p = 1.5\n"
                                            << 2 << 9 << "generation.top_p"
                                            << "must be in (0, 1], got 1.5";
        QTest::newRow("out_of_range_negative_temperature") << "[generation]\ntemperature = -1\n"
                                                           << 2 << 15 << "generation.temperature"
                                                           << "must be from 0";
        QTest::newRow("out_of_range_period") << "[monitor]\nperiod_ms = 5\n"
                                             << 2 << 13 << "monitor.period_ms"
                                             << "must be from 50 to 60000, got 5";
        QTest::newRow("out_of_range_budget_too_small") << "[engine]\nmemory_budget = \"4K\"\n"
                                                       << 2 << 17 << "engine.memory_budget"
                                                       << "must be from 64K to 1T";
        QTest::newRow("budget_not_a_size") << "[engine]\nmemory_budget = \"lots\"\n"
                                           << 2 << 17 << "engine.memory_budget"
                                           << "invalid byte size 'lots'";
        QTest::newRow("soft_limit_not_below_hard") << "[thermal]\nsoft_limit_c = 85\nhard_limit_c = 80\n"
                                                   << 3 << 16 << "thermal.hard_limit_c"
                                                   << "must be below thermal.hard_limit_c";
        QTest::newRow("unknown_strategy") << "[engine]\nstrategy = \"greedy\"\n"
                                          << 2 << 12 << "engine.strategy"
                                          << "'greedy' is not one of sequential";
        QTest::newRow("unknown_strategy_lists_auto") << "[engine]\nstrategy = \"fastest\"\n"
                                                     << 2 << 12 << "engine.strategy"
                                                     << "'fastest' is not one of sequential, greedy-grouping, "
                                                        "speculative-prefetch, auto";
        QTest::newRow("strategy_auto_typo") << "[engine]\nstrategy = \"atuo\"\n"
                                            << 2 << 12 << "engine.strategy"
                                            << "did you mean 'auto'?";
        QTest::newRow("budget_auto_typo") << "[engine]\nmemory_budget = \"automatic\"\n"
                                          << 2 << 17 << "engine.memory_budget"
                                          << "invalid byte size 'automatic'";
        QTest::newRow("budget_not_a_size_mentions_auto") << "[engine]\nmemory_budget = true\n"
                                                         << 2 << 17 << "engine.memory_budget"
                                                         << "a number of bytes or \"auto\", got a boolean";
        QTest::newRow("unknown_weight_reads") << "[engine]\nweight_reads = \"odirect\"\n"
                                              << 2 << 16 << "engine.weight_reads"
                                              << "'odirect' is not one of auto, direct, buffered";
        QTest::newRow("wrong_type_weight_reads") << "[engine]\nweight_reads = 1\n"
                                                 << 2 << 16 << "engine.weight_reads"
                                                 << "expected a string, got an integer";
        QTest::newRow("strategy_typo") << "[engine]\nstrategy = \"sequentail\"\n"
                                       << 2 << 12 << "engine.strategy"
                                       << "did you mean 'sequential'?";
        QTest::newRow("unknown_theme") << "[dashboard]\ntheme = \"drak\"\n"
                                       << 2 << 9 << "dashboard.theme"
                                       << "did you mean 'dark'?";
        QTest::newRow("unknown_language") << "[dashboard]\nlanguage = \"fr\"\n"
                                          << 2 << 12 << "dashboard.language"
                                          << "'fr' is not one of system, en, de";
        QTest::newRow("empty_model") << "[engine]\nmodel = \"\"\n"
                                     << 2 << 9 << "engine.model"
                                     << "must not be empty";
    }
    void badConfigFailsWithFileLineAndKey()
    {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, key);
        QFETCH(QString, problem);
        const auto error = errorFor(text.toStdString());
        QVERIFY2(error.has_value(), "the file was accepted");
        const QString message = QString::fromUtf8(error->what());
        qInfo("%s", qPrintable(message));
        QCOMPARE(QString::fromStdString(error->file()), QStringLiteral("bad.toml"));
        QCOMPARE(static_cast<int>(error->line()), line);
        if (column > 0) QCOMPARE(static_cast<int>(error->column()), column);
        QCOMPARE(QString::fromStdString(error->key()), key);
        QVERIFY2(QString::fromStdString(error->problem()).contains(problem), qPrintable(message));
        // The message a user sees: "FILE:LINE:COLUMN: KEY: PROBLEM".
        const QString prefix = QStringLiteral("bad.toml:%1:%2: ").arg(error->line()).arg(error->column());
        QVERIFY2(message.startsWith(prefix + (key.isEmpty() ? QString() : key + QStringLiteral(": "))),
                 qPrintable(message));
    }

    void configErrorIsAUsageError()
    {
        try {
            parseConfig("[engine]\nthreads = -1\n", "x.toml");
            QFAIL("accepted");
        } catch (const UsageError& e) {  // caught at the CLI's boundary like any bad flag
            QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("x.toml:2:11: engine.threads: ")));
        }
    }

    void missingFileIsAnIoErrorNamingIt()
    {
        QTemporaryDir dir;
        const std::string path = QDir(dir.path()).filePath(QStringLiteral("absent.toml")).toStdString();
        try {
            loadConfig(path);
            QFAIL("loaded a missing file");
        } catch (const IoError& e) {
            QVERIFY(std::string(e.what()).find(path) != std::string::npos);
            QVERIFY(std::string(e.what()).find("No such file") != std::string::npos);
        }
    }

    void loadedFileReportsItsPathInErrors()
    {
        QTemporaryDir dir;
        const std::string path = QDir(dir.path()).filePath(QStringLiteral("edge-rt.toml")).toStdString();
        std::ofstream(path) << "[engine]\nthreads = 2\n\n[generation]\nseeed = 1\n";
        try {
            loadConfig(path);
            QFAIL("accepted");
        } catch (const ConfigError& e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QString::fromStdString(path + ":5:1: generation.seeed: unknown key; did you mean "
                                                   "'generation.seed'?"));
        }
    }

    void suggestionsAreTyposNotOtherWords_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("expected");  // "" = no suggestion
        QTest::newRow("transposition") << "temprature"
                                       << "temperature";
        QTest::newRow("missing_letter") << "thread"
                                        << "threads";
        QTest::newRow("swapped_pair") << "theads"
                                      << "threads";
        QTest::newRow("unrelated") << "fan"
                                   << "";
        QTest::newRow("short_word_two_edits") << "tk"
                                              << "";
    }
    void suggestionsAreTyposNotOtherWords()
    {
        QFETCH(QString, word);
        QFETCH(QString, expected);
        const std::vector<std::string> names{"temperature", "threads", "top_k", "top_p", "seed"};
        const auto got = config::closestMatch(word.toStdString(), names);
        QCOMPARE(got ? QString::fromStdString(*got) : QString(), expected);
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
