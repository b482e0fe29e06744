// x86-64 feature detection (kernels/arch/x86/cpu-x86.cpp reads CPUID and XGETBV itself, so GCC and
// clang build it alike) against what the kernel reports for this machine in /proc/cpuinfo.
#include "kernels/arch/x86/cpu-x86.h"

#include <QFile>
#include <QTest>

namespace {

#if defined(__x86_64__)
/// The "flags" line of the first processor in /proc/cpuinfo, split into words.
QList<QByteArray> cpuinfoFlags()
{
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    // procfs files report size 0, so read to the end rather than testing atEnd().
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("flags")) return line.mid(line.indexOf(':') + 1).simplified().split(' ');
    return {};
}
#endif

}  // namespace

class TestCpuFeatures : public QObject {
    Q_OBJECT
private slots:
    void detectionAgreesWithProcCpuinfo()
    {
#if !defined(__x86_64__)
        QVERIFY(!edgert::kernels::cpuHasAvx2());
        QVERIFY(!edgert::kernels::cpuHasAvxVnni());
        QVERIFY(!edgert::kernels::cpuHasAvx512Vnni());
#else
        const auto flags = cpuinfoFlags();
        QVERIFY2(!flags.isEmpty(), "no flags line in /proc/cpuinfo");
        // Linux lists avx/avx2/fma/f16c only when the OS also enables the YMM state (XCR0).
        const bool avx2 =
            flags.contains("avx2") && flags.contains("fma") && flags.contains("f16c") && flags.contains("avx");
        // Linux lists the avx512* flags only when the OS also enables the opmask and ZMM state.
        const bool avx512Vnni = flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") &&
                                flags.contains("avx512_vnni");
        qInfo("/proc/cpuinfo: avx2+fma+f16c %s, avx_vnni %s, avx512f+bw+vl+vnni %s", avx2 ? "yes" : "no",
              flags.contains("avx_vnni") ? "yes" : "no", avx512Vnni ? "yes" : "no");
        QCOMPARE(edgert::kernels::cpuHasAvx2(), avx2);
        QCOMPARE(edgert::kernels::cpuHasAvxVnni(), flags.contains("avx_vnni"));
        QCOMPARE(edgert::kernels::cpuHasAvx512Vnni(), avx512Vnni);
#endif
    }
};

QTEST_GUILESS_MAIN(TestCpuFeatures)
#include "tst_cpu_features.moc"
