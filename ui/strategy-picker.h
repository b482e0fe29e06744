// The three partition strategies as one row of large toggle buttons, with the chosen one's
// explanation underneath (no hover needed).
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
    QString strategy() const;
    QPushButton* button(const QString& name) const;
    QStringList names() const { return m_names; }

signals:
    void strategyPicked(const QString& name);

private:
    void showDescription();

    QStringList m_names;
    QButtonGroup* m_group;
    QLabel* m_description;
};

}  // namespace edgert::ui
