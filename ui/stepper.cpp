#include "stepper.h"

#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace edgert::ui {

Stepper::Stepper(const QString& label, double minimum, double maximum, double step, int decimals, QWidget* parent)
    : QWidget(parent), m_minimum(minimum), m_maximum(maximum), m_step(step), m_decimals(decimals), m_value(minimum)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    m_label = new QLabel(label);
    m_minus = new QToolButton;
    m_minus->setObjectName(QStringLiteral("stepButton"));
    m_minus->setAutoRepeat(true);
    m_minus->setAccessibleName(tr("Decrease %1").arg(label));
    m_plus = new QToolButton;
    m_plus->setObjectName(QStringLiteral("stepButton"));
    m_plus->setAutoRepeat(true);
    m_plus->setAccessibleName(tr("Increase %1").arg(label));
    m_display = new QLabel;
    m_display->setProperty("role", "value");
    m_display->setAlignment(Qt::AlignCenter);
    row->addWidget(m_label);
    row->addSpacing(4);
    row->addWidget(m_minus);
    row->addWidget(m_display);
    row->addWidget(m_plus);
    connect(m_minus, &QToolButton::clicked, this, [this] { setValue(m_value - m_step); });
    connect(m_plus, &QToolButton::clicked, this, [this] { setValue(m_value + m_step); });
    applyTheme();
    refreshDisplay();
}

void Stepper::applyTheme()
{
    const QColor color = Theme::colors().text;
    m_minus->setIcon(Theme::icon(QStringLiteral("minus"), color));
    m_plus->setIcon(Theme::icon(QStringLiteral("plus"), color));
    const int icon = Theme::sizes().control >= 48 ? 22 : 16;
    m_minus->setIconSize(QSize(icon, icon));
    m_plus->setIconSize(QSize(icon, icon));
    const QString widest = QLocale().toString(m_maximum, 'f', m_decimals);
    const int width = std::max(m_display->fontMetrics().horizontalAdvance(widest),
                               m_display->fontMetrics().horizontalAdvance(m_specialText));
    m_display->setMinimumWidth(width + 16);
}

void Stepper::setSpecialValueText(double special, const QString& text)
{
    m_special = special;
    m_specialText = text;
    applyTheme();
    refreshDisplay();
}

void Stepper::setValue(double value)
{
    const double scale = std::pow(10.0, m_decimals);
    value = std::round(std::clamp(value, m_minimum, m_maximum) * scale) / scale;
    if (value == m_value) return;
    m_value = value;
    refreshDisplay();
    emit valueChanged(m_value);
}

QString Stepper::text() const
{
    return m_display->text();
}

void Stepper::refreshDisplay()
{
    m_display->setText(std::abs(m_value - m_special) < 1e-9 && !m_specialText.isEmpty()
                           ? m_specialText
                           : QLocale().toString(m_value, 'f', m_decimals));
    m_minus->setEnabled(m_value > m_minimum);
    m_plus->setEnabled(m_value < m_maximum);
}

}  // namespace edgert::ui
