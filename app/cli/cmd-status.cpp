// edge-rt status: CPU, memory, temperatures, Raspberry Pi throttling flags and this process's
// memory, as an aligned table or one JSON object per sample. Reads the machine through the engine's
// resource monitor, under --root / $EDGERT_SYSFS_ROOT when given (fixture trees).
#include "commands.h"
#include "interrupt.h"

#include "edgert/error.h"
#include "edgert/monitor/cpu-info.h"
#include "edgert/monitor/resource-sampler.h"
#include "edgert/units.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace edgert::cli {

namespace {

constexpr int kFirstGapMs = 200;       // between the two samples of the first print
constexpr int kDefaultWatchMs = 1000;  // between --watch refreshes
constexpr int kMinIntervalMs = 50;
constexpr int kMaxIntervalMs = 3'600'000;
const char* const kNotAvailable = "n/a";

// ---- Ctrl-C -------------------------------------------------------------------------------------
// InterruptScope (interrupt.h) without SA_RESTART, so a sleep returns early on SIGINT/SIGTERM.

/// Sleeps `ms`; returns false as soon as SIGINT or SIGTERM arrives.
bool sleepUnlessInterrupted(int ms)
{
    timespec remaining{ms / 1000, static_cast<long>(ms % 1000) * 1'000'000L};
    while (!InterruptScope::requested()) {
        timespec left{};
        if (::nanosleep(&remaining, &left) == 0) return !InterruptScope::requested();
        if (errno != EINTR) return !InterruptScope::requested();
        remaining = left;
    }
    return false;
}

// ---- options --------------------------------------------------------------------------------------

struct StatusOptions {
    QString root = QStringLiteral("/");
    bool watch = false;
    bool json = false;
    bool verbose = false;
    int firstGapMs = kFirstGapMs;
    int watchIntervalMs = kDefaultWatchMs;
    long long count = 0;  // 0: until interrupted
};

int parseMs(const QString& text, const char* option)
{
    bool ok = false;
    const int ms = text.toInt(&ok);
    if (!ok || ms < kMinIntervalMs || ms > kMaxIntervalMs)
        throw UsageError(QStringLiteral("invalid %1 '%2': expected milliseconds from %3 to %4")
                             .arg(QLatin1String(option), text)
                             .arg(kMinIntervalMs)
                             .arg(kMaxIntervalMs)
                             .toStdString());
    return ms;
}

/// Parses the arguments; returns nullopt after printing --help.
std::optional<StatusOptions> parseOptions(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Show CPU (per core and total, frequency), memory, temperature per thermal zone, Raspberry Pi "
                       "throttling flags and this process's memory.\nValues that cannot be read print as n/a; "
                       "--verbose says why."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption watch(QStringLiteral("watch"), QStringLiteral("Refresh until interrupted (Ctrl-C)."));
    const QCommandLineOption interval(
        QStringLiteral("interval"),
        QStringLiteral("Milliseconds between samples (default: %1 before the first print, %2 between --watch "
                       "refreshes).")
            .arg(kFirstGapMs)
            .arg(kDefaultWatchMs),
        QStringLiteral("ms"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("With --watch: stop after <n> prints."),
                                   QStringLiteral("n"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print one JSON object per sample (one per line)."));
    const QCommandLineOption verbose({QStringLiteral("v"), QStringLiteral("verbose")},
                                     QStringLiteral("Say why values are not available."));
    const QCommandLineOption root(
        QStringLiteral("root"),
        QStringLiteral("Read /proc and /sys under <dir> (e.g. tests/fixtures/rpi4). Default: $EDGERT_SYSFS_ROOT, "
                       "else /."),
        QStringLiteral("dir"));
    parser.addOptions({help, watch, interval, count, json, verbose, root});

    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(help)) {
        QString text = parser.helpText();  // its usage line names the executable's path; name the command
        text.replace(0, text.indexOf(u'\n'), QStringLiteral("Usage: %1 [options]").arg(arguments.value(0)));
        std::fputs(text.toUtf8().constData(), stdout);
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty())
        throw UsageError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");

    StatusOptions o;
    o.watch = parser.isSet(watch);
    o.json = parser.isSet(json);
    o.verbose = parser.isSet(verbose);
    if (parser.isSet(interval)) o.firstGapMs = o.watchIntervalMs = parseMs(parser.value(interval), "--interval");
    if (parser.isSet(count)) {
        bool ok = false;
        o.count = parser.value(count).toLongLong(&ok);
        if (!ok || o.count < 1)
            throw UsageError("invalid --count '" + parser.value(count).toStdString() + "': expected a positive number");
        if (!o.watch) throw UsageError("--count needs --watch");
    }
    const QString envRoot = qEnvironmentVariable("EDGERT_SYSFS_ROOT");
    if (parser.isSet(root)) {
        o.root = parser.value(root);
    } else if (!envRoot.isEmpty()) {
        o.root = envRoot;
    }
    if (!QFileInfo(o.root).isDir()) throw UsageError("--root '" + o.root.toStdString() + "' is not a directory");
    return o;
}

// ---- formatting helpers -----------------------------------------------------------------------------

QString bytesText(std::uint64_t bytes)
{
    return QString::fromStdString(formatBytes(bytes));
}
QString percentText(double percent)
{
    return QString::asprintf("%.1f %%", percent);
}
QString mhzText(double mhz)
{
    return QString::asprintf("%.0f MHz", mhz);
}
QString celsiusText(double c)
{
    return QString::asprintf("%.1f °C", c);
}
QString yesNo(bool b)
{
    return b ? QStringLiteral("YES") : QStringLiteral("no");
}

/// Reasons for n/a values of one section, merged when several values share a reason.
class Notes {
public:
    template <typename T>
    QString text(const Reading<T>& reading, const QString& label, QString (*format)(T))
    {
        if (reading) return format(*reading);
        add(label, reading.reason());
        return QString::fromLatin1(kNotAvailable);
    }
    void add(const QString& label, const std::string& reason)
    {
        const QString r = QString::fromStdString(reason);
        if (!m_byReason.contains(r)) m_order.append(r);
        m_byReason[r].append(label);
    }
    bool empty() const { return m_order.isEmpty(); }
    QString render(const QString& indent) const
    {
        QString out;
        for (const QString& reason : m_order)
            out += indent + QStringLiteral("n/a %1: %2\n").arg(m_byReason[reason].join(QStringLiteral(", ")), reason);
        return out;
    }

private:
    QStringList m_order;
    QMap<QString, QStringList> m_byReason;
};

/// Rows of cells printed with aligned columns; `rightAligned[i]` right-aligns column i.
class Table {
public:
    explicit Table(QList<bool> rightAligned) : m_rightAligned(std::move(rightAligned)) {}
    void addRow(QStringList cells) { m_rows.append(std::move(cells)); }

    QString render(const QString& indent) const
    {
        QList<qsizetype> widths;
        for (const QStringList& row : m_rows) {
            if (row.size() == 1) continue;  // a heading: printed as is, does not widen column 0
            for (qsizetype i = 0; i < row.size(); ++i) {
                if (widths.size() <= i) widths.append(0);
                widths[i] = std::max(widths[i], row[i].size());
            }
        }
        QString out;
        for (const QStringList& row : m_rows) {
            QString line = indent;
            for (qsizetype i = 0; i < row.size(); ++i) {
                if (i > 0) line += QStringLiteral("   ");
                const bool right = i < m_rightAligned.size() && m_rightAligned[i];
                if (row.size() == 1) {
                    line += row[i];
                    break;
                }
                line += right ? row[i].rightJustified(widths[i]) : row[i].leftJustified(widths[i]);
            }
            while (line.endsWith(QLatin1Char(' '))) line.chop(1);
            out += line + QLatin1Char('\n');
        }
        return out;
    }

private:
    QList<bool> m_rightAligned;
    QList<QStringList> m_rows;
};

QString throttlingPath(const QString& root)
{
    return QDir(root).filePath(QStringLiteral("sys/devices/platform/soc/soc:firmware/get_throttled"));
}

/// The CPU numbers known from the counters or the cpufreq directories, ascending.
QList<int> cpuNumbers(const ResourceSnapshot& s)
{
    QList<int> cpus;
    if (s.cpuStat)
        for (const CoreTimes& c : s.cpuStat->cores) cpus.append(c.cpu);
    if (s.frequencies)
        for (const CoreFrequency& f : *s.frequencies)
            if (!cpus.contains(f.cpu)) cpus.append(f.cpu);
    std::sort(cpus.begin(), cpus.end());
    return cpus;
}

const CoreUsage* usageOf(const ResourceSnapshot& s, int cpu)
{
    if (!s.cpuUsage) return nullptr;
    for (const CoreUsage& u : s.cpuUsage->cores)
        if (u.cpu == cpu) return &u;
    return nullptr;
}

const CoreFrequency* frequencyOf(const ResourceSnapshot& s, int cpu)
{
    if (!s.frequencies) return nullptr;
    for (const CoreFrequency& f : *s.frequencies)
        if (f.cpu == cpu) return &f;
    return nullptr;
}

// ---- text output -------------------------------------------------------------------------------------

QString renderText(const ResourceSnapshot& s, const SamplerCost& cost, const StatusOptions& o)
{
    const QString indent = QStringLiteral("  ");
    const QString noteIndent = QStringLiteral("    ");
    const bool ownProcess = QDir(o.root).canonicalPath() == QStringLiteral("/");
    bool anyNotAvailable = false;
    const auto reasons = [&](const Notes& notes) {
        anyNotAvailable = anyNotAvailable || !notes.empty();
        return o.verbose ? notes.render(noteIndent) : QString();
    };
    QString out;
    out += QStringLiteral("edge-rt status   root %1   %2\n")
               .arg(o.root, QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    // The CPU is the root's (a recorded Pi shows its Cortex-A72); the kernels are this binary's.
    out += QStringLiteral("system  %1 kernels · %2\n")
               .arg(QString::fromUtf8(activeKernelTableName().data(),
                                      static_cast<qsizetype>(activeKernelTableName().size())),
                    QString::fromStdString(cpuDescription(o.root.toStdString())));

    // CPU
    {
        Notes notes;
        Table t({false, true, true, true});
        t.addRow({QStringLiteral("CPU"), QStringLiteral("busy"), QStringLiteral("frequency"), QStringLiteral("max")});
        const Reading<double> total =
            s.cpuUsage ? s.cpuUsage->totalBusyPercent : Reading<double>(Unavailable{s.cpuUsage.reason()});
        t.addRow({indent + QStringLiteral("total"), notes.text(total, QStringLiteral("total busy"), percentText)});
        const QList<int> cpus = cpuNumbers(s);
        for (int cpu : cpus) {
            const QString name = QStringLiteral("cpu%1").arg(cpu);
            const CoreUsage* u = usageOf(s, cpu);
            const CoreFrequency* f = frequencyOf(s, cpu);
            const Reading<double> busy =
                u ? u->busyPercent
                  : Reading<double>(Unavailable{s.cpuUsage ? "not in /proc/stat" : s.cpuUsage.reason()});
            const Reading<double> cur =
                f ? f->currentMHz
                  : Reading<double>(Unavailable{s.frequencies ? "no cpufreq directory" : s.frequencies.reason()});
            const Reading<double> max =
                f ? f->maxMHz
                  : Reading<double>(Unavailable{s.frequencies ? "no cpufreq directory" : s.frequencies.reason()});
            t.addRow({indent + name, notes.text(busy, name + QStringLiteral(" busy"), percentText),
                      notes.text(cur, name + QStringLiteral(" frequency"), mhzText),
                      notes.text(max, name + QStringLiteral(" max"), mhzText)});
        }
        if (cpus.isEmpty()) notes.add(QStringLiteral("per-core values"), s.cpuStat.reason());
        out += QLatin1Char('\n') + t.render(QString());
        out += reasons(notes);
    }

    // Memory
    {
        Notes notes;
        const MemoryInfo& m = s.memory;
        Table t({false, true, false});
        t.addRow({QStringLiteral("Memory")});
        t.addRow({indent + QStringLiteral("total"), notes.text(m.totalBytes, QStringLiteral("total"), bytesText)});
        t.addRow({indent + QStringLiteral("available"),
                  notes.text(m.availableBytes, QStringLiteral("available"), bytesText)});
        const auto used = m.usedBytes();
        QString usedShare;
        if (used && m.totalBytes && *m.totalBytes > 0)
            usedShare = percentText(100.0 * static_cast<double>(*used) / static_cast<double>(*m.totalBytes));
        t.addRow({indent + QStringLiteral("used"), notes.text(used, QStringLiteral("used"), bytesText), usedShare});
        t.addRow({indent + QStringLiteral("cached"), notes.text(m.cachedBytes, QStringLiteral("cached"), bytesText)});
        const auto swapUsed = m.swapUsedBytes();
        if (m.swapTotalBytes && *m.swapTotalBytes == 0) {
            t.addRow({indent + QStringLiteral("swap"), QStringLiteral("none")});
        } else {
            t.addRow({indent + QStringLiteral("swap used"),
                      notes.text(swapUsed, QStringLiteral("swap used"), bytesText),
                      m.swapTotalBytes ? QStringLiteral("of ") + bytesText(*m.swapTotalBytes) : QString()});
            if (!m.swapTotalBytes) notes.add(QStringLiteral("swap total"), m.swapTotalBytes.reason());
        }
        out += QLatin1Char('\n') + t.render(QString());
        out += reasons(notes);
    }

    // Temperature
    {
        out += QStringLiteral("\nTemperature\n");
        if (!s.thermalZones) {
            out += indent + QStringLiteral("absent: this machine has no thermal zone\n");
            if (o.verbose) out += noteIndent + QString::fromStdString(s.thermalZones.reason()) + QLatin1Char('\n');
        } else {
            Notes notes;
            Table t({false, false, true, false});
            for (const ThermalZone& z : *s.thermalZones) {
                const QString zoneName = QString::fromStdString(z.name);
                QStringList trips;
                for (const TripPoint& p : z.tripPoints) {
                    const QString label = zoneName + QStringLiteral(" trip %1").arg(p.index);
                    trips.append(QStringLiteral("%1 %2").arg(
                        p.type ? QString::fromStdString(*p.type) : QStringLiteral("trip %1").arg(p.index),
                        notes.text(p.temperatureC, label, celsiusText)));
                    if (!p.type) notes.add(label + QStringLiteral(" type"), p.type.reason());
                }
                t.addRow(
                    {indent + (z.type ? QString::fromStdString(*z.type) : QString::fromLatin1(kNotAvailable)), zoneName,
                     notes.text(z.temperatureC, zoneName, celsiusText),
                     trips.isEmpty() ? QString() : QStringLiteral("trip points: ") + trips.join(QStringLiteral(", "))});
                if (!z.type) notes.add(zoneName + QStringLiteral(" type"), z.type.reason());
            }
            out += t.render(QString());
            out += reasons(notes);
        }
    }

    // Throttling
    {
        if (!s.throttling && !QFileInfo::exists(throttlingPath(o.root))) {
            out += QStringLiteral("\nThrottling (Raspberry Pi firmware)\n");
            out += indent + QStringLiteral("absent: not a Raspberry Pi (no get_throttled)\n");
            if (o.verbose) out += noteIndent + QString::fromStdString(s.throttling.reason()) + QLatin1Char('\n');
        } else if (!s.throttling) {
            anyNotAvailable = true;
            out += QStringLiteral("\nThrottling (Raspberry Pi firmware)\n");
            out += indent + QString::fromLatin1(kNotAvailable) + QLatin1Char('\n');
            if (o.verbose) out += noteIndent + QString::fromStdString(s.throttling.reason()) + QLatin1Char('\n');
        } else {
            const ThrottleFlags f = *s.throttling;
            Table t({false, false, false});
            t.addRow({QStringLiteral("Throttling (get_throttled 0x%1)").arg(f.raw, 0, 16), QStringLiteral("now"),
                      QStringLiteral("since boot")});
            for (ThrottleCondition c : kThrottleConditions)
                t.addRow({indent + QString::fromUtf8(describe(c).data(), static_cast<qsizetype>(describe(c).size())),
                          yesNo(f.now(c)), yesNo(f.sinceBoot(c))});
            out += QLatin1Char('\n') + t.render(QString());
        }
    }

    // Process
    {
        Notes notes;
        Table t({false, true});
        t.addRow({ownProcess
                      ? QStringLiteral("Process (this edge-rt, pid %1)").arg(::getpid())
                      : QStringLiteral("Process (%1)").arg(QDir(o.root).filePath(QStringLiteral("proc/self/status")))});
        t.addRow({indent + QStringLiteral("RSS"), notes.text(s.process.rssBytes, QStringLiteral("RSS"), bytesText)});
        t.addRow({indent + QStringLiteral("peak RSS"),
                  notes.text(s.process.peakRssBytes, QStringLiteral("peak RSS"), bytesText)});
        out += QLatin1Char('\n') + t.render(QString());
        out += reasons(notes);
    }

    if (anyNotAvailable && !o.verbose) out += QStringLiteral("\n(n/a: not available; --verbose says why)\n");
    if (o.verbose)
        out += QStringLiteral("\nsampler: %1 µs CPU for the last sample, %2 µs mean over %3\n")
                   .arg(cost.lastCpuUs, 0, 'f', 0)
                   .arg(cost.meanCpuUs, 0, 'f', 0)
                   .arg(cost.nSamples);
    return out;
}

// ---- JSON output -------------------------------------------------------------------------------------

/// Collects "path": "reason" for every unavailable value of a JSON object.
class JsonReasons {
public:
    template <typename T, typename ToJson>
    QJsonValue value(const Reading<T>& reading, const QString& path, ToJson toJson)
    {
        if (reading) return toJson(*reading);
        m_reasons.insert(path, QString::fromStdString(reading.reason()));
        return QJsonValue(QJsonValue::Null);
    }
    QJsonValue bytes(const Reading<std::uint64_t>& r, const QString& path)
    {
        return value(r, path, [](std::uint64_t b) { return QJsonValue(static_cast<qint64>(b)); });
    }
    QJsonValue number(const Reading<double>& r, const QString& path)
    {
        return value(r, path, [](double d) { return QJsonValue(d); });
    }
    QJsonObject object() const { return m_reasons; }

private:
    QJsonObject m_reasons;
};

QJsonObject renderJson(const ResourceSnapshot& s, const SamplerCost& cost, const StatusOptions& o)
{
    JsonReasons why;
    QJsonObject root;
    root.insert(
        QStringLiteral("time"),
        QDateTime::fromMSecsSinceEpoch(
            std::chrono::duration_cast<std::chrono::milliseconds>(s.wallTime.time_since_epoch()).count(), Qt::UTC)
            .toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("root"), o.root);
    {
        QJsonObject system;
        system.insert(
            QStringLiteral("kernels"),
            QString::fromUtf8(activeKernelTableName().data(), static_cast<qsizetype>(activeKernelTableName().size())));
        const auto cpu = readCpuInfo(o.root.toStdString());
        system.insert(QStringLiteral("cpu"), why.value(cpu, QStringLiteral("system.cpu"), [](const CpuInfo& c) {
            return QJsonValue(QString::fromStdString(c.model));
        }));
        system.insert(QStringLiteral("logical_cpus"), cpu ? QJsonValue(cpu->logicalCpus) : QJsonValue());
        root.insert(QStringLiteral("system"), system);
    }
    root.insert(QStringLiteral("sequence"), static_cast<qint64>(s.sequence));

    QJsonObject cpu;
    const Reading<double> total =
        s.cpuUsage ? s.cpuUsage->totalBusyPercent : Reading<double>(Unavailable{s.cpuUsage.reason()});
    cpu.insert(QStringLiteral("busy_percent"), why.number(total, QStringLiteral("cpu.busy_percent")));
    QJsonArray cores;
    for (int n : cpuNumbers(s)) {
        const QString at = QStringLiteral("cpu.cores[cpu%1].").arg(n);
        const CoreUsage* u = usageOf(s, n);
        const CoreFrequency* f = frequencyOf(s, n);
        QJsonObject core;
        core.insert(QStringLiteral("cpu"), n);
        core.insert(QStringLiteral("busy_percent"),
                    why.number(u ? u->busyPercent : Reading<double>(Unavailable{s.cpuUsage.reason()}),
                               at + QStringLiteral("busy_percent")));
        const Reading<double> noFreq = Unavailable{s.frequencies ? "no cpufreq directory" : s.frequencies.reason()};
        core.insert(QStringLiteral("frequency_mhz"),
                    why.number(f ? f->currentMHz : noFreq, at + QStringLiteral("frequency_mhz")));
        core.insert(QStringLiteral("max_frequency_mhz"),
                    why.number(f ? f->maxMHz : noFreq, at + QStringLiteral("max_frequency_mhz")));
        cores.append(core);
    }
    cpu.insert(QStringLiteral("cores"), cores);
    root.insert(QStringLiteral("cpu"), cpu);

    QJsonObject memory;
    const MemoryInfo& m = s.memory;
    memory.insert(QStringLiteral("total_bytes"), why.bytes(m.totalBytes, QStringLiteral("memory.total_bytes")));
    memory.insert(QStringLiteral("available_bytes"),
                  why.bytes(m.availableBytes, QStringLiteral("memory.available_bytes")));
    memory.insert(QStringLiteral("used_bytes"), why.bytes(m.usedBytes(), QStringLiteral("memory.used_bytes")));
    memory.insert(QStringLiteral("cached_bytes"), why.bytes(m.cachedBytes, QStringLiteral("memory.cached_bytes")));
    memory.insert(QStringLiteral("swap_total_bytes"),
                  why.bytes(m.swapTotalBytes, QStringLiteral("memory.swap_total_bytes")));
    memory.insert(QStringLiteral("swap_free_bytes"),
                  why.bytes(m.swapFreeBytes, QStringLiteral("memory.swap_free_bytes")));
    memory.insert(QStringLiteral("swap_used_bytes"),
                  why.bytes(m.swapUsedBytes(), QStringLiteral("memory.swap_used_bytes")));
    root.insert(QStringLiteral("memory"), memory);

    root.insert(QStringLiteral("thermal_zones"),
                why.value(s.thermalZones, QStringLiteral("thermal_zones"), [&](const std::vector<ThermalZone>& zones) {
                    QJsonArray array;
                    for (const ThermalZone& z : zones) {
                        const QString at = QStringLiteral("thermal_zones[%1].").arg(QString::fromStdString(z.name));
                        QJsonObject zone;
                        zone.insert(QStringLiteral("zone"), QString::fromStdString(z.name));
                        zone.insert(QStringLiteral("type"),
                                    why.value(z.type, at + QStringLiteral("type"), [](const std::string& t) {
                                        return QJsonValue(QString::fromStdString(t));
                                    }));
                        zone.insert(QStringLiteral("temperature_c"),
                                    why.number(z.temperatureC, at + QStringLiteral("temperature_c")));
                        QJsonArray trips;
                        for (const TripPoint& p : z.tripPoints) {
                            const QString tripAt = at + QStringLiteral("trip_points[%1].").arg(p.index);
                            QJsonObject trip;
                            trip.insert(QStringLiteral("index"), p.index);
                            trip.insert(QStringLiteral("type"),
                                        why.value(p.type, tripAt + QStringLiteral("type"), [](const std::string& t) {
                                            return QJsonValue(QString::fromStdString(t));
                                        }));
                            trip.insert(QStringLiteral("temperature_c"),
                                        why.number(p.temperatureC, tripAt + QStringLiteral("temperature_c")));
                            trips.append(trip);
                        }
                        zone.insert(QStringLiteral("trip_points"), trips);
                        array.append(zone);
                    }
                    return QJsonValue(array);
                }));

    root.insert(
        QStringLiteral("throttling"), why.value(s.throttling, QStringLiteral("throttling"), [](const ThrottleFlags& f) {
            QJsonObject flags;
            flags.insert(QStringLiteral("raw"), QStringLiteral("0x%1").arg(f.raw, 0, 16));
            const char* const keys[] = {"under_voltage", "frequency_capped", "throttled", "soft_temperature_limit"};
            for (ThrottleCondition c : kThrottleConditions) {
                QJsonObject state;
                state.insert(QStringLiteral("now"), f.now(c));
                state.insert(QStringLiteral("since_boot"), f.sinceBoot(c));
                flags.insert(QLatin1String(keys[static_cast<int>(c)]), state);
            }
            return QJsonValue(flags);
        }));

    QJsonObject process;
    process.insert(QStringLiteral("rss_bytes"), why.bytes(s.process.rssBytes, QStringLiteral("process.rss_bytes")));
    process.insert(QStringLiteral("peak_rss_bytes"),
                   why.bytes(s.process.peakRssBytes, QStringLiteral("process.peak_rss_bytes")));
    root.insert(QStringLiteral("process"), process);

    QJsonObject sampler;
    sampler.insert(QStringLiteral("last_cpu_us"), cost.lastCpuUs);
    sampler.insert(QStringLiteral("mean_cpu_us"), cost.meanCpuUs);
    sampler.insert(QStringLiteral("samples"), static_cast<qint64>(cost.nSamples));
    root.insert(QStringLiteral("sampler"), sampler);

    root.insert(QStringLiteral("unavailable"), why.object());
    return root;
}

void writeOut(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

}  // namespace

int statusCommand(const QStringList& arguments)
{
    const std::optional<StatusOptions> parsed = parseOptions(arguments);
    if (!parsed) return 0;
    const StatusOptions& o = *parsed;

    ResourceSamplerOptions samplerOptions;
    samplerOptions.root = o.root.toStdString();
    samplerOptions.historyCapacity = 2;
    ResourceSampler sampler(samplerOptions);
    const InterruptScope interrupt(InterruptScope::Syscalls::Interrupt);
    const bool clearScreen = o.watch && !o.json && ::isatty(STDOUT_FILENO);

    sampler.sampleNow();  // utilisation needs a second sample
    if (!sleepUnlessInterrupted(o.firstGapMs)) return o.watch ? 0 : 130;
    for (long long printed = 0;;) {
        const ResourceSnapshot snapshot = sampler.sampleNow();
        const SamplerCost cost = sampler.cost();
        if (o.json) {
            writeOut(QString::fromUtf8(QJsonDocument(renderJson(snapshot, cost, o)).toJson(QJsonDocument::Compact)) +
                     QLatin1Char('\n'));
        } else {
            QString text = renderText(snapshot, cost, o);
            if (clearScreen)
                text.prepend(QStringLiteral("\x1b[H\x1b[2J"));
            else if (printed > 0)
                text.prepend(QLatin1Char('\n'));
            writeOut(text);
        }
        ++printed;
        if (!o.watch || (o.count > 0 && printed >= o.count)) return 0;
        if (!sleepUnlessInterrupted(o.watchIntervalMs)) return 0;
    }
}

}  // namespace edgert::cli
