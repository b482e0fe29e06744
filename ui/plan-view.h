// The plan as a picture: a bar showing how the budget is spent (KV cache, scratch, pinned
// groups, streaming buffers, free), and the model's units (transformer layers, then the LM head)
// as blocks in execution order, coloured by layer group. Pinned groups are solid with a pin;
// streamed groups are hatched with a download mark. A bracket under each group names it and its
// bytes. Tapping a block selects its group (groupSelected) for the inspector.
#pragma once

#include "edgert/partition-planner.h"

#include <QWidget>

#include <vector>

namespace edgert::ui {

class PlanView : public QWidget {
    Q_OBJECT
public:
    explicit PlanView(QWidget* parent = nullptr);

    void setPlan(const PartitionPlan& plan);
    void clearPlan();
    const PartitionPlan& plan() const { return m_plan; }
    bool hasPlan() const { return !m_plan.groups.empty(); }
    int groupCount() const { return static_cast<int>(m_plan.groups.size()); }
    int selectedGroup() const { return m_selected; }
    /// Selects `group` (-1: none) and emits groupSelected.
    void selectGroup(int group);
    /// The block of unit `unit` in widget coordinates (empty when not laid out).
    QRect unitRect(int unit) const;
    /// The group whose block or bracket is at `pos`, or -1.
    int groupAt(const QPoint& pos) const;
    /// Text drawn when there is no plan.
    void setEmptyText(const QString& text);

    /// The height every unit needs at `width` px (blocks at their minimum size).
    int requiredHeight(int width) const;

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

signals:
    void groupSelected(int group);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Grid {
        int columns = 1;
        int rows = 0;
        int blockWidth = 0;
    };
    Grid gridFor(int width) const;
    /// The legend's entries laid out in lines at `width` (rects relative to the legend's origin).
    std::vector<QRect> legendFlow(int width) const;
    QStringList legendTexts() const;
    int legendHeight(int width) const;
    void relayout();
    int groupOfUnit(int unit) const;
    QString unitLabel(int unit, bool compact) const;

    PartitionPlan m_plan;
    int m_selected = -1;
    QString m_emptyText;
    QRect m_budgetBar;
    QRect m_legend;
    std::vector<QRect> m_unitRects;
    std::vector<QRect> m_bracketRects;  ///< one per unit: the bracket strip under it
};

}  // namespace edgert::ui
