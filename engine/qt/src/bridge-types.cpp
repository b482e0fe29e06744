#include "edgert-qt/bridge-types.h"

#include <QCoreApplication>
#include <QLocale>

namespace edgert::qt {

QString strategyTitle(const QString& name)
{
    if (name == QLatin1String("sequential")) return QCoreApplication::translate("Strategy", "Sequential");
    if (name == QLatin1String("greedy-grouping")) return QCoreApplication::translate("Strategy", "Greedy grouping");
    if (name == QLatin1String("speculative-prefetch"))
        return QCoreApplication::translate("Strategy", "Speculative prefetch");
    return name;
}

QString strategyDescription(const QString& name)
{
    if (name == QLatin1String("sequential"))
        return QCoreApplication::translate("Strategy",
                                           "One layer per group; each streamed layer is read just before it computes.");
    if (name == QLatin1String("greedy-grouping"))
        return QCoreApplication::translate("Strategy", "As few groups as fit the budget: fewer, larger reads.");
    if (name == QLatin1String("speculative-prefetch"))
        return QCoreApplication::translate(
            "Strategy", "The next streamed group is read on a worker while the current one computes.");
    return {};
}

QString stopReasonText(StopReason reason)
{
    switch (reason) {
        case StopReason::MaxTokens: return QCoreApplication::translate("Run", "reached the token limit");
        case StopReason::EndOfSequence: return QCoreApplication::translate("Run", "the model ended the story");
        case StopReason::ContextFull: return QCoreApplication::translate("Run", "the context is full");
        case StopReason::Cancelled: return QCoreApplication::translate("Run", "stopped");
        case StopReason::StopString: return QCoreApplication::translate("Run", "reached a stop string");
    }
    return {};
}

QString thermalActionText(ThermalAction action)
{
    switch (action) {
        case ThermalAction::Inert: return QCoreApplication::translate("Thermal", "no sensor: policy inactive");
        case ThermalAction::Hold: return QCoreApplication::translate("Thermal", "hold");
        case ThermalAction::ReduceThreads: return QCoreApplication::translate("Thermal", "fewer threads");
        case ThermalAction::RestoreThreads: return QCoreApplication::translate("Thermal", "more threads");
        case ThermalAction::CoolDownPause: return QCoreApplication::translate("Thermal", "cool-down pause");
        case ThermalAction::HardPause: return QCoreApplication::translate("Thermal", "hard pause");
    }
    return {};
}

QString formatBytes(quint64 bytes)
{
    const QLocale locale;
    constexpr double kKiB = 1024.0;
    const auto value = static_cast<double>(bytes);
    if (bytes < 1024) return QCoreApplication::translate("Units", "%1 B").arg(bytes);
    if (value < kKiB * kKiB)
        return QCoreApplication::translate("Units", "%1 KiB").arg(locale.toString(value / kKiB, 'f', 1));
    if (value < kKiB * kKiB * kKiB)
        return QCoreApplication::translate("Units", "%1 MiB").arg(locale.toString(value / (kKiB * kKiB), 'f', 2));
    return QCoreApplication::translate("Units", "%1 GiB").arg(locale.toString(value / (kKiB * kKiB * kKiB), 'f', 2));
}

}  // namespace edgert::qt
