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
    QComboBox* modelPicker() const { return m_models; }
    QPushButton* openButton() const { return m_open; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* inspectorLabel() const { return m_inspector; }

    /// While a generation runs the plan cannot change: the controls are disabled with a note.
    void setLocked(bool locked);
    void applyTheme();

    /// Remembered models, newest first (QSettings).
    static QStringList recentModels();
    static void rememberModel(const QString& path);

private:
    void showModel(const edgert::qt::ModelInfo& model);
    void showPlan(const PartitionPlan& plan);
    void showGroup(int group);
    void syncBudget();
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
    QLabel* m_lockNote;
};

}  // namespace edgert::ui
