// The live graphs: CPU (total and per core), memory (system, this process, the budget),
// temperature (with the thermal policy's soft and hard limits) and CPU frequency, fed by the
// MonitorBridge at ~2 Hz. The charts keep their history while other pages are shown.
#pragma once

#include "edgert-qt/monitor-bridge.h"

#include <QWidget>

class QLabel;

namespace edgert::ui {
class ElidedLabel;
}

namespace edgert::ui {

class LiveChart;

class MonitorPage : public QWidget {
    Q_OBJECT
public:
    explicit MonitorPage(QWidget* parent = nullptr);

    /// Appends a snapshot to every chart and redraws them (one replace() per series).
    void addSample(const edgert::qt::MonitorSample& sample);
    /// The memory budget drawn on the memory chart from the next sample on.
    void setBudgetBytes(quint64 bytes);
    void setThermalLimits(double softC, double hardC);
    /// What the engine runs on, shown under the charts: the kernel table ("avx2"), the compute
    /// threads of runs, and the CPU ("" when unknown, with `cpuUnknownReason`).
    void setSystemInfo(const QString& kernels, int threads, const QString& cpu, int logicalCpus,
                       const QString& cpuUnknownReason = {});
    QString systemInfoText() const;
    void applyTheme();

    LiveChart* cpuChart() const { return m_cpu; }
    LiveChart* memoryChart() const { return m_memory; }
    LiveChart* temperatureChart() const { return m_temperature; }
    LiveChart* frequencyChart() const { return m_frequency; }
    int sampleCount() const { return m_samples; }
    /// "CPU 34 % · 54.5 °C" for the header.
    QString summary() const { return m_summary; }

    enum Series { CpuTotal = 0, MemorySystem = 0, MemoryProcess = 1, MemoryBudget = 2, Temperature = 0 };

signals:
    void summaryChanged(const QString& summary);

private:
    void ensureCores(int count);
    void ensureFrequencyCores(int count);

    LiveChart* m_cpu;
    LiveChart* m_memory;
    LiveChart* m_temperature;
    LiveChart* m_frequency;
    QLabel* m_throttleBanner;
    ElidedLabel* m_system;
    QList<int> m_coreSeries;
    QList<int> m_frequencySeries;
    int m_softLimitSeries = -1;
    int m_hardLimitSeries = -1;
    double m_softC = 75.0;
    double m_hardC = 82.0;
    double m_budgetMiB = qQNaN();
    bool m_memoryInGiB = false;
    bool m_memoryUnitKnown = false;
    int m_samples = 0;
    QString m_summary;
    edgert::qt::MonitorSample m_last;
};

}  // namespace edgert::ui
