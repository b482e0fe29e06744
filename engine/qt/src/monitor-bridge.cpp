#include "edgert-qt/monitor-bridge.h"

#include "edgert/monitor/resource-sampler.h"

#include <QPointer>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace edgert::qt {

namespace {
template <typename T>
double orNaN(const Reading<T>& r)
{
    return r.available() ? static_cast<double>(r.value()) : qQNaN();
}

MonitorNote noteOf(const Unavailable& why)
{
    MonitorNote note;
    note.code = why.code;
    for (const auto& arg : why.args) note.args << QString::fromStdString(arg);
    note.reason = QString::fromStdString(why.reason);
    return note;
}
}  // namespace

MonitorSample toMonitorSample(const ResourceSnapshot& snapshot)
{
    MonitorSample s;
    s.sequence = snapshot.sequence;
    s.timeSeconds = std::chrono::duration<double>(snapshot.monotonicTime.time_since_epoch()).count();

    if (snapshot.cpuUsage.available()) {
        const CpuUsage& usage = snapshot.cpuUsage.value();
        s.cpuTotalPercent = orNaN(usage.totalBusyPercent);
        if (!usage.totalBusyPercent.available()) s.cpuNote = noteOf(usage.totalBusyPercent.unavailable());
        for (const auto& core : usage.cores) s.corePercent.append(orNaN(core.busyPercent));
    } else {
        s.cpuNote = noteOf(snapshot.cpuUsage.unavailable());
    }

    const MemoryInfo& mem = snapshot.memory;
    s.memoryUsedBytes = orNaN(mem.usedBytes());
    s.memoryTotalBytes = orNaN(mem.totalBytes);
    if (!mem.usedBytes().available()) s.memoryNote = noteOf(mem.usedBytes().unavailable());
    s.processRssBytes = orNaN(snapshot.process.rssBytes);

    const auto hottest = hottestTemperatureC(snapshot.thermalZones);
    if (hottest.available()) {
        s.temperatureC = hottest.value();
        for (const auto& zone : snapshot.thermalZones.value())
            if (zone.temperatureC.available() && zone.temperatureC.value() == hottest.value())
                s.temperatureSensor = QString::fromStdString(zone.type.valueOr(zone.name));
    } else {
        s.temperatureNote =
            noteOf(snapshot.thermalZones.available() ? hottest.unavailable() : snapshot.thermalZones.unavailable());
    }

    if (snapshot.frequencies.available()) {
        for (const auto& core : snapshot.frequencies.value()) {
            s.coreMHz.append(orNaN(core.currentMHz));
            if (core.maxMHz.available())
                s.maxMHz = std::isnan(s.maxMHz) ? core.maxMHz.value() : std::max(s.maxMHz, core.maxMHz.value());
        }
        if (std::all_of(s.coreMHz.begin(), s.coreMHz.end(), [](double v) { return std::isnan(v); }))
            s.frequencyNote =
                noteOf(Unavailable{"no core reports scaling_cur_freq", UnavailableCode::NoFrequencyReading, {}});
    } else {
        s.frequencyNote = noteOf(snapshot.frequencies.unavailable());
    }

    if (snapshot.throttling.available()) {
        s.throttlingKnown = true;
        s.throttledRaw = snapshot.throttling.value().raw;
    }
    return s;
}

MonitorBridge::MonitorBridge(const QString& root, int periodMs, QObject* parent)
    : QObject(parent), m_root(root), m_periodMs(std::max(1, periodMs))
{
    qRegisterMetaType<MonitorSample>();
    ResourceSamplerOptions options;
    options.root = root.toStdString();
    options.periodMs = m_periodMs;
    options.historyCapacity = 8;  // the charts keep their own history
    // On the sampler's thread: convert there, deliver on this object's thread. Events posted to
    // this object are discarded if it is gone; the destructor joins the thread first anyway.
    options.onSample = [this](const ResourceSnapshot& snapshot) {
        MonitorSample sample = toMonitorSample(snapshot);
        QMetaObject::invokeMethod(
            this, [this, sample = std::move(sample)] { emit sampled(sample); }, Qt::QueuedConnection);
    };
    m_sampler = std::make_unique<ResourceSampler>(std::move(options));
}

MonitorBridge::~MonitorBridge()
{
    m_sampler->stop();
}

void MonitorBridge::start()
{
    m_sampler->start();
}
void MonitorBridge::stop()
{
    m_sampler->stop();
}
bool MonitorBridge::isRunning() const
{
    return m_sampler->running();
}

MonitorSample MonitorBridge::sampleNow()
{
    // The sampler calls onSample for this snapshot too: sampled() follows through the event loop.
    const ResourceSnapshot snapshot = m_sampler->sampleNow();
    return toMonitorSample(snapshot);
}

}  // namespace edgert::qt
