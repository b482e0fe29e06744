// The three partition strategies and "auto" (a cost model picks one) as one row of large toggle
// buttons, with the chosen one's explanation underneath (no hover needed).
#pragma once

#include <QWidget>

class QButtonGroup;
class QLabel;
class QPushButton;

namespace edgert::ui {

class StrategyPicker : public QWidget {
    Q_OBJECT
public:
    explicit StrategyPicker(QWidget* parent = nullptr);

    /// Checks `name` without emitting strategyPicked.
    void setStrategy(const QString& name);
    /// Shown under the buttons instead of the chosen strategy's explanation while non-empty
    /// (the Plan page's "Auto chose …").
    void setNote(const QString& note);
    QString descriptionText() const;
    QString strategy() const;
    QPushButton* button(const QString& name) const;
    QStringList names() const { return m_names; }

signals:
    void strategyPicked(const QString& name);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void showDescription();
    /// A title that does not fit its button on one line breaks at its last space (the 800x480
    /// kiosk has room for four segments only so), else stays on one line.
    void fitTitles();

    QStringList m_names;
    QString m_note;
    QButtonGroup* m_group;
    QLabel* m_description;
};

}  // namespace edgert::ui
