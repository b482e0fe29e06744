// The "Plan" page: which model, which strategy, how much memory — and the plan that results.
// Every change re-plans off the GUI thread through the EngineBridge; the plan view follows.
#pragma once

#include "edgert-qt/engine-bridge.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;

namespace edgert::ui {

class BudgetSlider;
class PlanView;
class StrategyPicker;

class PlanPage : public QWidget {
    Q_OBJECT
public:
    explicit PlanPage(edgert::qt::EngineBridge* bridge, QWidget* parent = nullptr);

    BudgetSlider* budgetSlider() const { return m_budget; }
    StrategyPicker* strategyPicker() const { return m_strategy; }
    PlanView* planView() const { return m_planView; }
    /// The plan view's scroll area (it scrolls when the model has more layers than fit).
    QScrollArea* planScroll() const { return m_planScroll; }
    QComboBox* modelPicker() const { return m_models; }
    QPushButton* openButton() const { return m_open; }
    QLabel* summaryLabel() const { return m_summary; }
    /// Says when the new strategy cannot plan the budget the user chose (hidden otherwise).
    QLabel* budgetNote() const { return m_budgetNote; }
    /// The budget the user chose last (slider, -/+, --budget); strategies switch back to it.
    quint64 userBudget() const { return m_userBudget; }
    QLabel* inspectorLabel() const { return m_inspector; }

    /// While a generation runs the plan cannot change: the controls are disabled with a note.
    void setLocked(bool locked);
    void applyTheme();

    /// The strategy last picked here ("auto" included; QSettings), "" when none was.
    static QString rememberedStrategy();
    /// Remembered models, newest first (QSettings).
    static QStringList recentModels();
    static void rememberModel(const QString& path);

private:
    void showModel(const edgert::qt::ModelInfo& model);
    void showPlan(const PartitionPlan& plan);
    void showGroup(int group);
    void syncBudget();
    /// After a strategy switch: the user's budget when the new strategy can plan it, else the
    /// nearest it can, with a note saying so.
    void applyUserBudget();
    void reloadModelList(const QString& current);
    void chooseModelFile();

    edgert::qt::EngineBridge* m_bridge;
    QComboBox* m_models;
    QPushButton* m_open;
    StrategyPicker* m_strategy;
    BudgetSlider* m_budget;
    PlanView* m_planView;
    QLabel* m_summary;
    QLabel* m_inspector;
    QScrollArea* m_inspectorScroll;
    QScrollArea* m_planScroll;
    QLabel* m_lockNote;
    QLabel* m_budgetNote;
    quint64 m_userBudget = 0;
    bool m_applyingBudget = false;
};

}  // namespace edgert::ui
