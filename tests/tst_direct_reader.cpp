// The O_DIRECT reader of streamed layer groups (io/direct-reader.h) on real files: every offset
// and length reads the file's bytes (the unaligned head and tail through the page cache, the
// aligned middle with O_DIRECT), a destination that is not congruent to the offset falls back to
// the page cache for that read, a filesystem that refuses O_DIRECT (EINVAL at open or at the
// first read; substituted system calls, since every filesystem here supports it) falls back with
// a note and the same bytes, and a file truncated after opening fails naming file and offset.
// Also: a model truncated after opening fails prepare() naming file and offset.
#include "edgert/error.h"
#include "edgert/inference-engine.h"
#include "edgert/mapped-file.h"
#include "io/direct-reader.h"
#include "runtime/unit-layout.h"
#include "test-support.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <random>
#include <sys/mman.h>
#include <unistd.h>

using namespace edgert;
using io::DirectReader;

namespace {

// A page-aligned scratch buffer (pool buffers are mmap'd the same way).
struct PageBuffer {
    explicit PageBuffer(std::size_t bytes) : size(bytes)
    {
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        data = p == MAP_FAILED ? nullptr : static_cast<std::byte*>(p);
    }
    ~PageBuffer()
    {
        if (data) ::munmap(data, size);
    }
    std::size_t size;
    std::byte* data = nullptr;
};

QByteArray randomBytes(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    QByteArray out(static_cast<qsizetype>(n), Qt::Uninitialized);
    for (auto& c : out) c = static_cast<char>(rng());
    return out;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {};
    return path;
}

int refuseOpen(const char*, int)
{
    errno = EINVAL;
    return -1;
}
ssize_t refuseRead(int, void*, std::size_t, off_t)
{
    errno = EINVAL;
    return -1;
}

}  // namespace

class TestDirectReader : public QObject {
    Q_OBJECT
private slots:
    void everyOffsetAndLengthReadsTheFilesBytes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray bytes = randomBytes(3 * 1024 * 1024 + 123, 1);
        const QString path = writeFile(dir, QStringLiteral("data.bin"), bytes);
        QVERIFY(!path.isEmpty());
        const MappedFile file(path.toStdString());
        const DirectReader reader(file);
        QVERIFY2(reader.mode() == DirectReader::Mode::Direct || !reader.note().empty(), reader.note().c_str());
        PageBuffer buffer(4 * 1024 * 1024);
        QVERIFY(buffer.data);
        const std::uint64_t offsets[] = {0,    1,    31,       4095,
                                         4096, 5000, 1u << 20, static_cast<std::uint64_t>(bytes.size()) - 9000};
        const std::size_t lengths[] = {1, 100, 4095, 4096, 4097, 8192 + 7, 300000, 2u << 20};
        int direct = 0;
        for (const auto offset : offsets)
            for (const auto length : lengths) {
                if (offset + length > static_cast<std::uint64_t>(bytes.size())) continue;
                for (const bool congruent : {true, false}) {
                    std::byte* dst = buffer.data + (offset + (congruent ? 0 : 64)) % io::kDirectAlignment;
                    std::memset(buffer.data, 0xA5, buffer.size);
                    const auto before = reader.directBytes();
                    reader.read(offset, dst, length);
                    QVERIFY2(
                        std::memcmp(dst, bytes.constData() + offset, length) == 0,
                        qPrintable(
                            QStringLiteral("offset %1 length %2 congruent %3").arg(offset).arg(length).arg(congruent)));
                    if (reader.directBytes() > before) {
                        QVERIFY(congruent);  // a non-congruent destination never goes to O_DIRECT
                        ++direct;
                    }
                }
            }
        if (reader.mode() == DirectReader::Mode::Direct) QVERIFY(direct > 10);
        QCOMPARE(reader.note(), std::string());
    }

    void refusedAtOpenFallsBackWithANote()
    {
        QTemporaryDir dir;
        const QByteArray bytes = randomBytes(256 * 1024, 2);
        const QString path = writeFile(dir, QStringLiteral("data.bin"), bytes);
        const MappedFile file(path.toStdString());
        io::DirectSyscalls sys = io::systemDirectSyscalls();
        sys.open = refuseOpen;
        const DirectReader reader(file, DirectReader::Mode::Direct, sys);
        QVERIFY(reader.mode() == DirectReader::Mode::Buffered);
        QVERIFY2(QString::fromStdString(reader.note()).contains(QStringLiteral("refuses O_DIRECT (open: EINVAL)")),
                 reader.note().c_str());
        QVERIFY(QString::fromStdString(reader.note()).contains(path));
        PageBuffer buffer(256 * 1024);
        reader.read(0, buffer.data, 256 * 1024);
        QVERIFY(std::memcmp(buffer.data, bytes.constData(), 256 * 1024) == 0);
        QCOMPARE(reader.directBytes(), std::uint64_t{0});
        QCOMPARE(reader.bufferedBytes(), std::uint64_t{256 * 1024});
    }

    void refusedAtFirstReadFallsBackWithANote()
    {
        QTemporaryDir dir;
        const QByteArray bytes = randomBytes(256 * 1024 + 17, 3);
        const QString path = writeFile(dir, QStringLiteral("data.bin"), bytes);
        const MappedFile file(path.toStdString());
        io::DirectSyscalls sys = io::systemDirectSyscalls();
        sys.pread = refuseRead;
        const DirectReader reader(file, DirectReader::Mode::Direct, sys);
        PageBuffer buffer(512 * 1024);
        reader.read(10, buffer.data + 10, 200000);
        QVERIFY(std::memcmp(buffer.data + 10, bytes.constData() + 10, 200000) == 0);
        QVERIFY(reader.mode() == DirectReader::Mode::Buffered);
        QVERIFY2(
            QString::fromStdString(reader.note()).contains(QStringLiteral("refuses O_DIRECT reads (read: EINVAL)")),
            reader.note().c_str());
        // Later reads go through the page cache without trying again.
        reader.read(0, buffer.data, static_cast<std::size_t>(bytes.size()));
        QVERIFY(std::memcmp(buffer.data, bytes.constData(), static_cast<std::size_t>(bytes.size())) == 0);
        QCOMPARE(reader.directBytes(), std::uint64_t{0});
    }

    void bufferedModeNeverOpensForDirect()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("data.bin"), randomBytes(64 * 1024, 4));
        const MappedFile file(path.toStdString());
        io::DirectSyscalls sys = io::systemDirectSyscalls();
        sys.open = refuseOpen;  // would leave a note if it were called
        const DirectReader reader(file, DirectReader::Mode::Buffered, sys);
        QVERIFY(reader.mode() == DirectReader::Mode::Buffered);
        QCOMPARE(reader.note(), std::string());
    }

    void truncatedFileNamesFileAndOffset()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("data.bin"), randomBytes(1024 * 1024, 5));
        const MappedFile file(path.toStdString());
        const DirectReader reader(file);
        QVERIFY(QFile::resize(path, 600 * 1024));
        PageBuffer buffer(1024 * 1024);
        try {
            reader.read(0, buffer.data, 1024 * 1024);
            QFAIL("a read past the truncated end succeeded");
        } catch (const IoError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(path), e.what());
            QVERIFY2(what.contains(QStringLiteral("unexpected end of")), e.what());
            QVERIFY2(what.contains(QStringLiteral("at offset 614400")), e.what());
        }
        // Past the end of the file as opened: refused before reading.
        try {
            reader.read(1024 * 1024 - 10, buffer.data, 20);
            QFAIL("a read past the end was accepted");
        } catch (const IoError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("is past the end of '") + path), e.what());
        }
    }

    // The group layout puts every span at an offset congruent to its file offset, units on page
    // boundaries, and keeps each tensor inside the unit's bytes.
    void unitLayoutIsCongruentAndInBounds()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        const auto graph = ModelGraph::openGguf(model.toStdString()).validate();
        for (int layer = -1; layer < static_cast<int>(graph.hparams().nLayers); ++layer) {
            const UnitLayout l = unitLayout(graph, layer);
            QCOMPARE(l.bytes % io::kDirectAlignment, std::uint64_t{0});
            QVERIFY(!l.spans.empty());
            for (const auto& s : l.spans) {
                QCOMPARE(s.offset % io::kDirectAlignment, s.fileOffset % io::kDirectAlignment);
                QVERIFY(s.offset + s.length <= l.bytes);
            }
            for (const auto& t : l.tensors) QVERIFY(t.offset + t.ref->sizeBytes <= l.bytes);
            QCOMPARE(unitWeightBytes(graph, layer), l.bytes);
        }
    }

    // A model truncated after it was opened: loading its layer groups fails naming file and
    // offset, with O_DIRECT and through the page cache alike.
    void truncatedModelFailsPrepareNamingFileAndOffset()
    {
        const QString model = test::sharedModel("stories260K.gguf");
        EDGERT_REQUIRE_FILE(model);
        for (const bool direct : {true, false}) {
            QTemporaryDir dir;
            const QString copy = dir.filePath(QStringLiteral("stories260K.gguf"));
            QVERIFY(QFile::copy(model, copy));
            auto graph =
                std::make_shared<const ValidatedModelGraph>(ModelGraph::openGguf(copy.toStdString()).validate());
            const auto size = QFileInfo(copy).size();
            QVERIFY(QFile::resize(copy, size * 3 / 4));
            const RunShape shape{16, 1};
            const auto strategy = makeStrategy("greedy-grouping");
            try {
                auto planned = IdleEngine(graph, EngineOptions{1, direct}).plan(*strategy, 64ull << 20, shape);
                auto engine = std::move(planned).prepare();
                QFAIL("a truncated model loaded");
            } catch (const IoError& e) {
                const QString what = QString::fromUtf8(e.what());
                QVERIFY2(what.contains(copy), e.what());
                QVERIFY2(what.contains(QStringLiteral("unexpected end of")), e.what());
                QVERIFY2(what.contains(QStringLiteral("at offset ")), e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestDirectReader)
#include "tst_direct_reader.moc"
