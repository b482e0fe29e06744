// The execution timeline of a run: one row per layer group, with the group's load (reading its
// weights from disk) and compute intervals as bars along time. The last few forward passes are
// shown, so with speculative prefetch the next group's load (hatched: on the prefetch worker)
// can be seen running under the current group's compute; a strip at the bottom marks the time
// where loading and computing overlap. Thermal-policy actions are drawn as marked vertical lines.
#pragma once

#include "edgert-qt/bridge-types.h"

#include <QWidget>

#include <deque>
#include <vector>

namespace edgert::ui {

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(QWidget* parent = nullptr);

    /// Starts a new run with `plan`'s groups (pinned ones never load during a pass).
    void reset(const PartitionPlan& plan);
    void addTiming(const edgert::qt::GroupTiming& timing);
    void addThermal(const edgert::qt::ThermalMark& mark);
    /// How many of the latest forward passes to show (default 3).
    void setPassWindow(int passes);

    int timingCount() const { return static_cast<int>(m_timings.size()); }
    int thermalCount() const { return static_cast<int>(m_thermal.size()); }
    quint64 lastPass() const { return m_lastPass; }
    /// Milliseconds in the shown window where a load ran while a group computed.
    double overlapMs() const;

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Window {
        double startMs = 0.0;
        double endMs = 0.0;
        quint64 firstPass = 0;
        bool valid() const { return endMs > startMs; }
    };
    Window window() const;

    int m_groups = 0;
    std::vector<bool> m_pinned;
    std::deque<edgert::qt::GroupTiming> m_timings;
    std::vector<edgert::qt::ThermalMark> m_thermal;
    quint64 m_lastPass = 0;
    int m_passWindow = 3;
};

}  // namespace edgert::ui
