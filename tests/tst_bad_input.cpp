// Bad paths as users give them: a FIFO, a device, a socket or a directory where a file is expected,
// an empty model file, a configuration file without end. Each must fail at once with a message
// naming the path and what it is — never block in open(2), never read without bound. Checked at
// the engine API (io::readRegularFile, MappedFile, ModelGraph::open, loadConfig) and through the
// built CLI (QProcess, with a deadline: a hang is a failure, not a timeout of the whole suite).
#include "test-support.h"

#include "edgert/config.h"
#include "edgert/error.h"
#include "edgert/mapped-file.h"
#include "edgert/model-graph.h"
#include "io/regular-file.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace edgert;

namespace {

/// A CLI run must end within this (the FIFO cases used to block forever).
constexpr int kCliDeadlineMs = 20000;

struct Result {
    int exitCode = -1;
    QString err;
};

Result runCli(const QStringList& arguments)
{
    QProcess p;
    p.start(QStringLiteral(EDGERT_CLI_PATH), arguments);
    if (!p.waitForFinished(kCliDeadlineMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, QStringLiteral("edge-rt did not finish within %1 ms (blocked?)").arg(kCliDeadlineMs)};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardError())};
}

QString makeFifo(const QTemporaryDir& dir, const QString& name)
{
    const QString path = QDir(dir.path()).filePath(name);
    if (::mkfifo(QFile::encodeName(path).constData(), 0600) != 0) qFatal("mkfifo %s failed", qPrintable(path));
    return path;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = QDir(dir.path()).filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
    return path;
}

/// The error message of `f()`, which must throw an edgert::Error subclass E.
template <class E, class F>
QString errorOf(F&& f)
{
    try {
        f();
    } catch (const E& e) {
        return QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("wrong exception type: ") + QString::fromUtf8(e.what());
    }
    return QStringLiteral("no exception");
}

}  // namespace

class TestBadInput : public QObject {
    Q_OBJECT
private slots:
    void fileTypesAreNamed()
    {
        QCOMPARE(QString::fromLatin1(io::fileTypeName(S_IFIFO)), QStringLiteral("a FIFO (named pipe)"));
        QCOMPARE(QString::fromLatin1(io::fileTypeName(S_IFCHR)), QStringLiteral("a character device"));
        QCOMPARE(QString::fromLatin1(io::fileTypeName(S_IFSOCK)), QStringLiteral("a socket"));
        QCOMPARE(QString::fromLatin1(io::fileTypeName(S_IFDIR)), QStringLiteral("a directory"));
    }

    void mappedFileRefusesAFifoWithoutBlocking()
    {
        QTemporaryDir dir;
        const QString fifo = makeFifo(dir, QStringLiteral("model.gguf"));
        const QString why = errorOf<IoError>([&] { MappedFile f(fifo.toStdString()); });
        QVERIFY2(why.contains(fifo) && why.contains(QLatin1String("is a FIFO (named pipe), not a regular file")),
                 qPrintable(why));
    }

    void mappedFileRefusesACharacterDevice()
    {
        const QString why = errorOf<IoError>([] { MappedFile f("/dev/zero"); });
        QVERIFY2(why.contains(QLatin1String("'/dev/zero': it is a character device")), qPrintable(why));
    }

    void modelGraphRefusesNonRegularFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("fifo_named_gguf") << "fifo"
                                         << "m.gguf"
                                         << "is a FIFO (named pipe), not a regular file";
        QTest::newRow("fifo_without_extension") << "fifo"
                                                << "model"
                                                << "is a FIFO (named pipe), not a regular file";
        QTest::newRow("fifo_named_safetensors") << "fifo"
                                                << "x.safetensors"
                                                << "is a FIFO (named pipe)";
        QTest::newRow("socket") << "socket"
                                << "s"
                                << "is a socket, not a regular file";
        QTest::newRow("character_device") << "device"
                                          << "/dev/null"
                                          << "is a character device, not a regular file";
    }
    void modelGraphRefusesNonRegularFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QString path = name;
        int sock = -1;
        if (kind == QLatin1String("fifo")) path = makeFifo(dir, name);
        if (kind == QLatin1String("socket")) {
            path = QDir(dir.path()).filePath(name);
            sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            const QByteArray p = QFile::encodeName(path);
            QVERIFY(static_cast<std::size_t>(p.size()) < sizeof addr.sun_path);
            std::memcpy(addr.sun_path, p.constData(), static_cast<std::size_t>(p.size()));
            QVERIFY(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        }
        const QString why = errorOf<IoError>([&] { (void)ModelGraph::open(path.toStdString()); });
        if (sock >= 0) ::close(sock);
        QVERIFY2(why.contains(path) && why.contains(expected), qPrintable(why));
    }

    void emptySafeTensorsFileIsReportedAsEmpty()
    {
        QTemporaryDir dir;  // no config.json either: the empty file is the first thing wrong
        const QString path = writeFile(dir, QStringLiteral("x.safetensors"), {});
        const QString why = errorOf<FormatError>([&] { (void)ModelGraph::open(path.toStdString()); });
        QVERIFY2(why.contains(path + QStringLiteral(": empty file (0 bytes)")), qPrintable(why));
        QVERIFY2(!why.contains(QLatin1String("config.json")), qPrintable(why));
    }

    void configFileIsBounded()
    {
        const QString why = errorOf<IoError>([] { (void)loadConfig("/dev/zero"); });
        QVERIFY2(why.contains(QLatin1String("'/dev/zero': it is a character device")), qPrintable(why));
        QTemporaryDir dir;
        const QString big =
            writeFile(dir, QStringLiteral("big.toml"),
                      QByteArray("# padding\n").repeated(static_cast<qsizetype>(kMaxConfigFileBytes / 10 + 1)));
        const QString tooBig = errorOf<IoError>([&] { (void)loadConfig(big.toStdString()); });
        QVERIFY2(tooBig.contains(QLatin1String("larger than the 1048576-byte limit")), qPrintable(tooBig));
        const QString asDir = errorOf<IoError>([&] { (void)loadConfig(dir.path().toStdString()); });
        QVERIFY2(asDir.contains(QLatin1String("it is a directory, not a regular file")), qPrintable(asDir));
        // Just under the cap is read and parsed (comments only: all defaults).
        const QString fits =
            writeFile(dir, QStringLiteral("fits.toml"),
                      QByteArray("# padding\n").repeated(static_cast<qsizetype>(kMaxConfigFileBytes / 10)));
        QVERIFY(loadConfig(fits.toStdString()).keysSet.empty());
    }

    void readRegularFileReadsWholeFiles()
    {
        QTemporaryDir dir;
        const QByteArray bytes = QByteArray("0123456789").repeated(1000);
        const QString path = writeFile(dir, QStringLiteral("f"), bytes);
        QCOMPARE(QByteArray::fromStdString(io::readRegularFile(path.toStdString(), "test file", 10000)), bytes);
        const QString why = errorOf<IoError>([&] { (void)io::readRegularFile(path.toStdString(), "test file", 9999); });
        QVERIFY2(why.contains(QLatin1String("larger than the 9999-byte limit for a test file (10000 bytes)")),
                 qPrintable(why));
    }

    // ---- through the CLI -------------------------------------------------------------------
    void cliRefusesAFifoAsModel_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("named_gguf") << "model.gguf";
        QTest::newRow("no_extension") << "model";
    }
    void cliRefusesAFifoAsModel()
    {
        QFETCH(QString, name);
        QTemporaryDir dir;
        const QString fifo = makeFifo(dir, name);
        const auto r =
            runCli({QStringLiteral("run"), QStringLiteral("--model"), fifo, QStringLiteral("-n"), QStringLiteral("1")});
        QVERIFY2(r.exitCode > 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("is a FIFO (named pipe), not a regular file")), qPrintable(r.err));
    }

    void cliRefusesUnboundedOrDirectoryConfig_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("dev_zero") << "/dev/zero"
                                  << "it is a character device, not a regular file";
        QTest::newRow("directory") << "/tmp"
                                   << "'/tmp': it is a directory, not a regular file";
    }
    void cliRefusesUnboundedOrDirectoryConfig()
    {
        QFETCH(QString, config);
        QFETCH(QString, expected);
        const auto r =
            runCli({QStringLiteral("run"), QStringLiteral("-c"), config, QStringLiteral("-n"), QStringLiteral("1")});
        QVERIFY2(r.exitCode > 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("cannot open configuration file ")) && r.err.contains(expected),
                 qPrintable(r.err));
    }

    // A root that is not there (or has no thermal zone) is said, not silently a sensorless machine;
    // a root with zones (the recorded Pi) gives no such warning.
    void cliWarnsAboutASysfsRootWithoutThermalData_data()
    {
        QTest::addColumn<QString>("root");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << "/nonexistent"
                                 << "warning: --sysfs-root '/nonexistent' is not a directory: no thermal data";
        QTest::newRow("no_zones") << QStringLiteral(EDGERT_FIXTURES_DIR "/x86-host")
                                  << "warning: no thermal data under --sysfs-root '" EDGERT_FIXTURES_DIR "/x86-host'";
        QTest::newRow("recorded_pi") << QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4") << QString();
    }
    void cliWarnsAboutASysfsRootWithoutThermalData()
    {
        QFETCH(QString, root);
        QFETCH(QString, expected);
        const QString model = edgert::test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto r = runCli({QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("-n"),
                               QStringLiteral("2"), QStringLiteral("--sysfs-root"), root});
        QCOMPARE(r.exitCode, 0);
        if (expected.isEmpty())
            QVERIFY2(!r.err.contains(QStringLiteral("warning: no thermal data")) &&
                         !r.err.contains(QStringLiteral("is not a directory")),
                     qPrintable(r.err));
        else
            QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
