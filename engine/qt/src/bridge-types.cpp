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
    if (name == QLatin1String("auto")) return QCoreApplication::translate("Strategy", "Auto");
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
    if (name == QLatin1String("auto"))
        return QCoreApplication::translate("Strategy",
                                           "A cost model picks one of the three for the budget from this machine's "
                                           "measured memory and disk read speed.");
    return {};
}

QString autoChoiceText(const AutoChoiceInfo& choice)
{
    if (!choice.valid()) return {};
    const QLocale locale;
    const QString picked = strategyTitle(choice.strategy);
    if (!choice.measured)
        return QCoreApplication::translate("Strategy",
                                           "Auto chose %1: every weight stays resident, so the fewest groups")
            .arg(picked);
    const auto rate = [&](double v) { return locale.toString(v, 'f', v >= 100 ? 0 : 1); };
    return QCoreApplication::translate("Strategy",
                                       "Auto chose %1: predicted %2 tokens/s (memory %3 GB/s, disk %4 GB/s)")
        .arg(picked, rate(choice.predictedTokensPerSecond), locale.toString(choice.memoryGBPerSecond, 'f', 1),
             locale.toString(choice.fileGBPerSecond, 'f', 1));
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
