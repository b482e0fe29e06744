#include "monitor-page.h"

#include "elided-label.h"
#include "live-chart.h"
#include "theme.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include <cmath>
#include <numeric>

namespace edgert::ui {

using edgert::qt::MonitorSample;

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = kMiB * 1024.0;

QString dot(const QColor& color)
{
    return QStringLiteral("<span style=\"color:%1\">&#9679;</span>").arg(color.name());
}
QString dash(const QColor& color)
{
    return QStringLiteral("<span style=\"color:%1\">&#9476;</span>").arg(color.name());
}

/// The monitor's note in the user's language (its English reason when there is no code for it).
QString noteText(const edgert::qt::MonitorNote& note)
{
    const QString arg = note.args.value(0);
    switch (note.code) {
        case UnavailableCode::CpuFirstSample:
            return MonitorPage::tr("CPU load needs two readings, half a second apart.");
        case UnavailableCode::CpuNoTimeElapsed:
            return MonitorPage::tr("No CPU time passed between the last two readings (the counters did not advance).");
        case UnavailableCode::NoThermalZones: return MonitorPage::tr("No thermal zone in %1.").arg(arg);
        case UnavailableCode::NoFrequencyScaling: return MonitorPage::tr("No CPU frequency scaling (%1).").arg(arg);
        case UnavailableCode::NoFrequencyReading: return MonitorPage::tr("No core reports its current frequency.");
        case UnavailableCode::NotARaspberryPi:
            return MonitorPage::tr("Not a Raspberry Pi (no firmware throttling flags).");
        case UnavailableCode::Other: break;
    }
    return note.reason;
}

double meanOf(const QList<double>& values)
{
    double sum = 0.0;
    int n = 0;
    for (double v : values)
        if (!std::isnan(v)) {
            sum += v;
            ++n;
        }
    return n ? sum / n : qQNaN();
}
}  // namespace

MonitorPage::MonitorPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("page"));
    const ThemeSizes& s = Theme::sizes();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(s.margin, s.margin, s.margin, s.margin);
    layout->setSpacing(s.spacing);

    m_throttleBanner = new QLabel;
    m_throttleBanner->setProperty("role", "chip");
    m_throttleBanner->setProperty("state", "error");
    m_throttleBanner->setWordWrap(true);
    m_throttleBanner->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    m_throttleBanner->hide();
    layout->addWidget(m_throttleBanner);

    auto* grid = new QGridLayout;
    grid->setSpacing(s.spacing);
    m_cpu = new LiveChart(tr("CPU load"));
    m_memory = new LiveChart(tr("Memory"));
    m_temperature = new LiveChart(tr("Temperature"));
    m_frequency = new LiveChart(tr("CPU frequency"));
    grid->addWidget(m_cpu, 0, 0);
    grid->addWidget(m_memory, 0, 1);
    grid->addWidget(m_temperature, 1, 0);
    grid->addWidget(m_frequency, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid, 1);

    m_system = new ElidedLabel;
    m_system->setObjectName(QStringLiteral("systemInfo"));
    m_system->setProperty("role", "muted");
    layout->addWidget(m_system);

    const ThemeColors& c = Theme::colors();
    m_cpu->addSeries(tr("total"), c.accent, 2.5);
    m_cpu->setYRange(0, 100);
    m_cpu->setEmptyState(tr("Measuring…"), tr("CPU load needs two readings, half a second apart."));

    m_memory->addSeries(tr("system used"), c.group(0), 2.5);
    m_memory->addSeries(tr("this process"), c.group(1), 2.5, false, LiveChart::Axis::Right);
    m_memory->addSeries(tr("budget"), c.group(2), 2.0, true, LiveChart::Axis::Right);
    m_memory->setYRange(0, 8, LiveChart::Axis::Right, true, 8);
    m_memory->setEmptyState(tr("Measuring…"));

    m_temperature->addSeries(tr("hottest sensor"), c.danger, 2.5);
    m_temperature->setYRange(20, 90, LiveChart::Axis::Left, true, 10);
    m_softLimitSeries = m_temperature->addLimit(tr("soft limit"), m_softC, c.warning);
    m_hardLimitSeries = m_temperature->addLimit(tr("hard limit"), m_hardC, c.danger);
    m_temperature->setEmptyState(tr("Measuring…"));

    m_frequency->setYRange(0, 1000, LiveChart::Axis::Left, true, 250);
    m_frequency->setEmptyState(tr("Measuring…"));
    applyTheme();
}

void MonitorPage::setSystemInfo(const QString& kernels, int threads, const QString& cpu, int logicalCpus,
                                const QString& cpuUnknownReason)
{
    const QString cpuText = cpu.isEmpty() ? tr("CPU unknown (%1)").arg(cpuUnknownReason)
                                          : tr("%1 (%n CPU(s))", nullptr, logicalCpus).arg(cpu);
    m_system->setText(tr("Runs on: %1 kernels · %n thread(s) · %2", nullptr, threads).arg(kernels, cpuText));
    m_system->setToolTip(m_system->text());
}

QString MonitorPage::systemInfoText() const
{
    return m_system->text();
}

void MonitorPage::setBudgetBytes(quint64 bytes)
{
    m_budgetMiB = static_cast<double>(bytes) / kMiB;
}

void MonitorPage::setThermalLimits(double softC, double hardC)
{
    m_softC = softC;
    m_hardC = hardC;
    m_temperature->setLimit(m_softLimitSeries, softC);
    m_temperature->setLimit(m_hardLimitSeries, hardC);
    applyTheme();
}

void MonitorPage::ensureCores(int count)
{
    while (m_coreSeries.size() < count) {
        QColor color = Theme::colors().group(static_cast<int>(m_coreSeries.size()) + 1);
        color.setAlphaF(0.75f);
        m_coreSeries.append(m_cpu->addSeries(tr("core %1").arg(m_coreSeries.size()), color, 1.0));
    }
}

void MonitorPage::ensureFrequencyCores(int count)
{
    while (m_frequencySeries.size() < count) {
        const QColor color = Theme::colors().group(static_cast<int>(m_frequencySeries.size()));
        m_frequencySeries.append(m_frequency->addSeries(tr("core %1").arg(m_frequencySeries.size()), color, 1.5));
    }
}

void MonitorPage::addSample(const MonitorSample& sample)
{
    const QLocale locale;
    const ThemeColors& c = Theme::colors();
    const double t = sample.timeSeconds;
    ++m_samples;
    m_last = sample;
    QStringList summary;

    // CPU
    if (!std::isnan(sample.cpuTotalPercent)) {
        ensureCores(static_cast<int>(sample.corePercent.size()));
        m_cpu->append(CpuTotal, t, sample.cpuTotalPercent);
        for (qsizetype i = 0; i < sample.corePercent.size(); ++i)
            m_cpu->append(m_coreSeries[i], t, sample.corePercent[i]);
        m_cpu->clearEmptyState();
        m_cpu->setReadout(tr("%1 %").arg(locale.toString(sample.cpuTotalPercent, 'f', 0)));
        m_cpu->setCaption(
            tr("%1 all cores · thin lines: each of %n core(s)", nullptr, static_cast<int>(sample.corePercent.size()))
                .arg(dot(c.accent)));
        summary << tr("CPU %1 %").arg(locale.toString(sample.cpuTotalPercent, 'f', 0));
    } else if (m_cpu->historySize(CpuTotal) == 0) {
        m_cpu->setEmptyState(
            m_samples < 2 ? tr("Measuring…") : tr("CPU load is not available"),
            m_samples < 2 ? tr("CPU load needs two readings, half a second apart.") : noteText(sample.cpuNote));
        m_cpu->setReadout(QString());
    }

    // Memory: the machine on the left axis, this process and the budget on the right (MiB).
    if (!std::isnan(sample.memoryUsedBytes)) {
        if (!m_memoryUnitKnown && !std::isnan(sample.memoryTotalBytes)) {
            m_memoryUnitKnown = true;
            m_memoryInGiB = sample.memoryTotalBytes >= 2.0 * kGiB;
            const double total = sample.memoryTotalBytes / (m_memoryInGiB ? kGiB : kMiB);
            m_memory->setYRange(0, std::ceil(total), LiveChart::Axis::Left);
            m_memory->setAxisTitle(LiveChart::Axis::Left, m_memoryInGiB ? tr("system GiB") : tr("system MiB"));
            m_memory->setAxisTitle(LiveChart::Axis::Right, tr("process MiB"));
        }
        m_memory->append(MemorySystem, t, sample.memoryUsedBytes / (m_memoryInGiB ? kGiB : kMiB));
        m_memory->append(MemoryProcess, t, sample.processRssBytes / kMiB);
        m_memory->append(MemoryBudget, t, m_budgetMiB);
        m_memory->clearEmptyState();
        // The big number is this process's resident set (what the budget limits), so it says so.
        m_memory->setReadout(
            std::isnan(sample.processRssBytes)
                ? QString()
                : QStringLiteral("<span style=\"font-size:%1px; font-weight:normal; color:%2\">%3</span> %4")
                      .arg(Theme::sizes().fontSmall)
                      .arg(c.muted.name(), tr("this process").toHtmlEscaped(),
                           tr("%1 MiB").arg(locale.toString(sample.processRssBytes / kMiB, 'f', 0))));
        m_memory->setCaption(
            tr("%1 system used %2 this process %3 budget").arg(dot(c.group(0)), dot(c.group(1)), dash(c.group(2))));
    } else {
        m_memory->setEmptyState(tr("Memory use is not available"), noteText(sample.memoryNote));
    }

    // Temperature
    if (!std::isnan(sample.temperatureC)) {
        m_temperature->append(Temperature, t, sample.temperatureC);
        m_temperature->clearEmptyState();
        m_temperature->setReadout(tr("%1 °C").arg(locale.toString(sample.temperatureC, 'f', 1)));
        summary << tr("%1 °C").arg(locale.toString(sample.temperatureC, 'f', 0));
    } else {
        m_temperature->setEmptyState(tr("No temperature sensor on this machine"),
                                     tr("The thermal policy stays inactive. %1").arg(noteText(sample.temperatureNote)));
        m_temperature->setReadout(QString());
    }

    // Frequency
    const double meanMHz = meanOf(sample.coreMHz);
    if (!std::isnan(meanMHz)) {
        ensureFrequencyCores(static_cast<int>(sample.coreMHz.size()));
        for (qsizetype i = 0; i < sample.coreMHz.size(); ++i)
            m_frequency->append(m_frequencySeries[i], t, sample.coreMHz[i]);
        if (!std::isnan(sample.maxMHz)) m_frequency->setYRange(0, sample.maxMHz, LiveChart::Axis::Left, true, 250);
        m_frequency->clearEmptyState();
        m_frequency->setReadout(tr("%1 MHz").arg(locale.toString(meanMHz, 'f', 0)));
        m_frequency->setCaption(
            std::isnan(sample.maxMHz)
                ? tr("one line per core")
                : tr("one line per core · maximum %1 MHz").arg(locale.toString(sample.maxMHz, 'f', 0)));
    } else {
        m_frequency->setEmptyState(tr("No CPU frequency scaling on this machine"),
                                   tr("Virtual machines usually have none. %1").arg(noteText(sample.frequencyNote)));
        m_frequency->setReadout(QString());
    }

    // Raspberry Pi firmware flags: only shown when something is wrong now.
    if (sample.throttlingKnown && (sample.throttledRaw & 0xFu)) {
        QStringList now;
        if (sample.throttledRaw & 0x1u) now << tr("under-voltage");
        if (sample.throttledRaw & 0x2u) now << tr("frequency capped");
        if (sample.throttledRaw & 0x4u) now << tr("throttled");
        if (sample.throttledRaw & 0x8u) now << tr("soft temperature limit");
        m_throttleBanner->setText(tr("Raspberry Pi firmware reports: %1").arg(now.join(QStringLiteral(", "))));
        m_throttleBanner->show();
    } else {
        m_throttleBanner->hide();
    }

    for (LiveChart* chart : {m_cpu, m_memory, m_temperature, m_frequency}) chart->refresh(t);
    const QString joined = summary.join(QStringLiteral(" · "));
    if (joined != m_summary) {
        m_summary = joined;
        emit summaryChanged(m_summary);
    }
}

void MonitorPage::applyTheme()
{
    const ThemeColors& c = Theme::colors();
    for (LiveChart* chart : {m_cpu, m_memory, m_temperature, m_frequency}) chart->applyTheme();
    m_cpu->setSeriesColor(CpuTotal, c.accent);
    for (qsizetype i = 0; i < m_coreSeries.size(); ++i) {
        QColor color = c.group(static_cast<int>(i) + 1);
        color.setAlphaF(0.75f);
        m_cpu->setSeriesColor(m_coreSeries[i], color);
    }
    m_memory->setSeriesColor(MemorySystem, c.group(0));
    m_memory->setSeriesColor(MemoryProcess, c.group(1));
    m_memory->setSeriesColor(MemoryBudget, c.group(2));
    m_temperature->setSeriesColor(Temperature, c.danger);
    m_temperature->setSeriesColor(m_softLimitSeries, c.warning);
    m_temperature->setSeriesColor(m_hardLimitSeries, c.danger);
    const QLocale locale;
    m_temperature->setCaption(
        tr("%1 soft limit %2 °C %3 hard limit %4 °C (thermal policy)")
            .arg(dash(c.warning), locale.toString(m_softC, 'f', 0), dash(c.danger), locale.toString(m_hardC, 'f', 0)));
}

}  // namespace edgert::ui
