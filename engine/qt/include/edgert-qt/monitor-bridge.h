// MonitorBridge: the resource monitor's Qt edge. Wraps a ResourceSampler whose own thread takes a
// snapshot every periodMs; each snapshot is turned into a MonitorSample (plain numbers, NaN for
// "not available" plus the reason) and emitted as sampled() on the object's (GUI) thread.
#pragma once

#include "edgert/monitor/resource-snapshot.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace edgert {
class ResourceSampler;
}

namespace edgert::qt {

/// Why a chart has no value: the monitor's code and arguments, which the UI translates, and its
/// English reason (for logs, and shown as it is when the code is Other).
struct MonitorNote {
    UnavailableCode code = UnavailableCode::Other;
    QStringList args;
    QString reason;
    bool isEmpty() const { return reason.isEmpty(); }
};

/// One snapshot as the charts need it. NaN marks a value the machine does not provide; the
/// matching *Note says why.
struct MonitorSample {
    quint64 sequence = 0;
    double timeSeconds = 0.0;          ///< steady clock, seconds (only differences matter)
    double cpuTotalPercent = qQNaN();  ///< all cores, 0-100
    QList<double> corePercent;         ///< per core, 0-100 or NaN
    MonitorNote cpuNote;
    double memoryUsedBytes = qQNaN();  ///< MemTotal - MemAvailable
    double memoryTotalBytes = qQNaN();
    double processRssBytes = qQNaN();  ///< VmRSS of this process (of the fixture's, under a root)
    MonitorNote memoryNote;
    double temperatureC = qQNaN();  ///< the hottest thermal zone
    QString temperatureSensor;      ///< its `type`, e.g. "cpu_thermal"
    MonitorNote temperatureNote;
    QList<double> coreMHz;    ///< current frequency per core, MHz or NaN
    double maxMHz = qQNaN();  ///< the highest scaling_max_freq
    MonitorNote frequencyNote;
    bool throttlingKnown = false;  ///< a Raspberry Pi get_throttled was read
    quint32 throttledRaw = 0;
};

/// Converts a monitor snapshot (pure; used by MonitorBridge and tests).
MonitorSample toMonitorSample(const ResourceSnapshot& snapshot);

class MonitorBridge : public QObject {
    Q_OBJECT
public:
    /// Reads `<root>/proc` and `<root>/sys` every `periodMs` once started.
    explicit MonitorBridge(const QString& root = QStringLiteral("/"), int periodMs = 500, QObject* parent = nullptr);
    /// Stops and joins the sampling thread.
    ~MonitorBridge() override;

    void start();
    void stop();
    bool isRunning() const;
    /// Takes a snapshot on the calling thread and returns it; sampled() follows through the event
    /// loop like every other sample (tests; a first reading at start-up).
    MonitorSample sampleNow();
    QString root() const { return m_root; }
    int periodMs() const { return m_periodMs; }

signals:
    void sampled(const edgert::qt::MonitorSample& sample);

private:
    QString m_root;
    int m_periodMs;
    std::unique_ptr<ResourceSampler> m_sampler;
};

}  // namespace edgert::qt

Q_DECLARE_METATYPE(edgert::qt::MonitorSample)
