#include "budget-slider.h"

#include "elided-label.h"
#include "theme.h"

#include "edgert-qt/bridge-types.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace edgert::ui {

using edgert::qt::formatBytes;

namespace {
constexpr quint64 kPageBytes = 4096;
constexpr quint64 kMaxSteps = 32;
}  // namespace

quint64 BudgetSlider::stepFor(quint64 rangeBytes)
{
    quint64 step = kPageBytes;
    while (rangeBytes / step > kMaxSteps) step *= 2;
    return step;
}

std::vector<quint64> BudgetSlider::stopsFor(quint64 minimumBytes, quint64 fullBytes, quint64 step)
{
    std::vector<quint64> stops{minimumBytes};
    if (fullBytes <= minimumBytes) return stops;
    for (quint64 v = (minimumBytes / step + 1) * step; v < fullBytes; v += step)
        if (v - stops.back() >= step / 2 && fullBytes - v >= step / 2) stops.push_back(v);
    stops.push_back(fullBytes);
    return stops;
}

BudgetSlider::BudgetSlider(QWidget* parent) : QWidget(parent)
{
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* row = new QHBoxLayout;
    row->setSpacing(Theme::sizes().spacing);
    m_minus = new QToolButton;
    m_minus->setObjectName(QStringLiteral("stepButton"));
    m_minus->setAccessibleName(tr("Smaller budget"));
    m_minus->setAutoRepeat(true);
    m_plus = new QToolButton;
    m_plus->setObjectName(QStringLiteral("stepButton"));
    m_plus->setAccessibleName(tr("Larger budget"));
    m_plus->setAutoRepeat(true);
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setAccessibleName(tr("Memory budget"));
    m_slider->setTracking(true);
    m_slider->setPageStep(4);
    m_value = new QLabel;
    m_value->setProperty("role", "value");
    m_value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_percent = new QLabel;
    m_percent->setProperty("role", "muted");
    m_percent->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* values = new QVBoxLayout;
    values->setSpacing(0);
    values->addWidget(m_value);
    values->addWidget(m_percent);
    auto* label = new QLabel(tr("Budget"));
    label->setProperty("role", "heading");
    row->addWidget(label);
    row->addWidget(m_minus);
    row->addWidget(m_slider, 1);
    row->addWidget(m_plus);
    row->addLayout(values);
    column->addLayout(row);
    m_hint = new ElidedLabel;
    m_hint->setProperty("role", "muted");
    column->addWidget(m_hint);

    connect(m_slider, &QSlider::valueChanged, this, [this](int) {
        showValue();
        emit budgetChanged(budget());
    });
    connect(m_minus, &QToolButton::clicked, this, [this] { m_slider->setValue(m_slider->value() - 1); });
    connect(m_plus, &QToolButton::clicked, this, [this] { m_slider->setValue(m_slider->value() + 1); });
    applyTheme();
    setEnabled(false);
}

void BudgetSlider::applyTheme()
{
    const QColor color = Theme::colors().text;
    m_minus->setIcon(Theme::icon(QStringLiteral("minus"), color));
    m_plus->setIcon(Theme::icon(QStringLiteral("plus"), color));
    const int icon = Theme::sizes().control >= 48 ? 24 : 18;
    m_minus->setIconSize(QSize(icon, icon));
    m_plus->setIconSize(QSize(icon, icon));
    // Wide enough for "1023.99 MiB" so the layout does not jump while dragging.
    m_value->setMinimumWidth(m_value->fontMetrics().horizontalAdvance(QStringLiteral("1023.99 MiB")) + 8);
}

void BudgetSlider::setRange(quint64 minimumBytes, quint64 fullBytes)
{
    const quint64 current = m_stops.empty() ? fullBytes : budget();
    m_minimum = minimumBytes;
    m_full = std::max(minimumBytes, fullBytes);
    m_step = stepFor(m_full - m_minimum);
    m_stops = stopsFor(m_minimum, m_full, m_step);
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, static_cast<int>(m_stops.size()) - 1);
        m_slider->setValue(stopFor(std::clamp(current, m_minimum, m_full)));
    }
    showHint();
    setEnabled(true);
    showValue();
}

void BudgetSlider::setBudget(quint64 bytes)
{
    if (m_stops.empty()) return;
    const QSignalBlocker block(m_slider);
    const int index = stopFor(std::clamp(bytes, m_minimum, m_full));
    m_slider->setRange(0, stopCount() - 1);
    m_slider->setValue(index);
    showValue();
}

void BudgetSlider::setContextTokens(int tokens)
{
    m_contextTokens = tokens;
    showHint();
}

void BudgetSlider::showHint()
{
    if (m_stops.empty()) return;
    const QString minimum =
        m_contextTokens > 0
            ? tr("Minimum %1 for %n token(s) of context", nullptr, m_contextTokens).arg(formatBytes(m_minimum))
            : tr("Minimum %1").arg(formatBytes(m_minimum));
    m_hint->setText(
        tr("%1 · every weight resident from %2 · steps of %3").arg(minimum, formatBytes(m_full), formatBytes(m_step)));
}

int BudgetSlider::stopFor(quint64 bytes)
{
    const auto it = std::lower_bound(m_stops.begin(), m_stops.end(), bytes);
    if (it != m_stops.end() && *it == bytes) return static_cast<int>(it - m_stops.begin());
    if (bytes < m_minimum || bytes > m_full) return nearestStop(bytes);
    return static_cast<int>(m_stops.insert(it, bytes) - m_stops.begin());
}

quint64 BudgetSlider::budget() const
{
    if (m_stops.empty()) return 0;
    return m_stops[static_cast<std::size_t>(std::clamp(m_slider->value(), 0, stopCount() - 1))];
}

int BudgetSlider::nearestStop(quint64 bytes) const
{
    int best = 0;
    quint64 bestDistance = ~0ull;
    for (std::size_t i = 0; i < m_stops.size(); ++i) {
        const quint64 d = m_stops[i] > bytes ? m_stops[i] - bytes : bytes - m_stops[i];
        if (d < bestDistance) {
            bestDistance = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

QString BudgetSlider::valueText() const
{
    return m_value->text();
}

void BudgetSlider::showValue()
{
    const quint64 b = budget();
    m_value->setText(formatBytes(b));
    const double percent = m_full ? 100.0 * static_cast<double>(b) / static_cast<double>(m_full) : 0.0;
    m_percent->setText(tr("%1 % of full size").arg(QLocale().toString(percent, 'f', 0)));
    m_minus->setEnabled(m_slider->value() > m_slider->minimum());
    m_plus->setEnabled(m_slider->value() < m_slider->maximum());
}

}  // namespace edgert::ui
