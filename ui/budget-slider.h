// The memory-budget control: a slider that snaps to sensible steps between the strategy's
// minimum (left end) and the budget at which every weight stays resident (right end), with
// -/+ buttons for exact stepping on a touchscreen, and the value in MiB and in % of the full size.
//
// Steps are a power of two of bytes (at least one 4 KiB page) chosen so the range has about
// 16-32 of them; the ends are the exact minimum and full budgets, the stops between them are
// multiples of the step. A budget set from outside (a configuration file, --budget, a strategy
// switch keeping the user's budget) that falls between two stops becomes a stop of its own, so
// the slider shows exactly the budget the plan uses.
#pragma once

#include <QWidget>

#include <vector>

class QLabel;
class QSlider;
class QToolButton;

namespace edgert::ui {

class BudgetSlider : public QWidget {
    Q_OBJECT
public:
    explicit BudgetSlider(QWidget* parent = nullptr);

    /// Sets the ends; keeps the current budget if it is inside, else clamps it (no signal).
    void setRange(quint64 minimumBytes, quint64 fullBytes);
    /// Moves to `bytes` (clamped into the range; added as a stop when it is between two) without
    /// emitting budgetChanged.
    void setBudget(quint64 bytes);
    /// The context length the minimum is for, shown beside it ("for 512 tokens of context").
    void setContextTokens(int tokens);
    quint64 budget() const;
    quint64 minimumBytes() const { return m_minimum; }
    quint64 fullBytes() const { return m_full; }
    quint64 stepBytes() const { return m_step; }
    int stopCount() const { return static_cast<int>(m_stops.size()); }
    QSlider* slider() const { return m_slider; }
    QToolButton* decreaseButton() const { return m_minus; }
    QToolButton* increaseButton() const { return m_plus; }
    QString valueText() const;

    /// The step for a range of `rangeBytes`: a power of two >= 4 KiB giving at most 32 steps.
    static quint64 stepFor(quint64 rangeBytes);
    /// The stops for [minimum, full] with `step`.
    static std::vector<quint64> stopsFor(quint64 minimumBytes, quint64 fullBytes, quint64 step);

    void applyTheme();

signals:
    /// The user moved the slider or pressed -/+ (also while dragging).
    void budgetChanged(quint64 bytes);

private:
    void showValue();
    void showHint();
    int nearestStop(quint64 bytes) const;
    /// The stop index of `bytes`, inserting it as a stop when it is inside the range.
    int stopFor(quint64 bytes);

    QSlider* m_slider;
    QToolButton* m_minus;
    QToolButton* m_plus;
    QLabel* m_value;
    QLabel* m_percent;
    QLabel* m_hint;
    quint64 m_minimum = 0;
    quint64 m_full = 0;
    quint64 m_step = 4096;
    int m_contextTokens = 0;
    std::vector<quint64> m_stops;
};

}  // namespace edgert::ui
