// A number with large -/+ buttons (QSpinBox arrows are too small for a finger). Press and hold
// repeats. Optionally shows a word instead of a special value ("greedy" for temperature 0).
#pragma once

#include <QWidget>

class QLabel;
class QToolButton;

namespace edgert::ui {

class Stepper : public QWidget {
    Q_OBJECT
public:
    Stepper(const QString& label, double minimum, double maximum, double step, int decimals, QWidget* parent = nullptr);

    double value() const { return m_value; }
    void setValue(double value);
    /// Text shown instead of the number when the value equals `special`.
    void setSpecialValueText(double special, const QString& text);
    QToolButton* decreaseButton() const { return m_minus; }
    QToolButton* increaseButton() const { return m_plus; }
    QString text() const;
    void applyTheme();

signals:
    void valueChanged(double value);

private:
    void refreshDisplay();

    QLabel* m_label;
    QToolButton* m_minus;
    QLabel* m_display;
    QToolButton* m_plus;
    double m_minimum;
    double m_maximum;
    double m_step;
    int m_decimals;
    double m_value;
    double m_special = -1e300;
    QString m_specialText;
};

}  // namespace edgert::ui
