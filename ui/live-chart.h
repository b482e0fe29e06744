// A live time-series chart: a title and current-value readout above a Qt Charts line chart whose
// x axis is "seconds ago". Each series keeps a bounded history (a ring of timestamped values);
// refresh() rebuilds the visible points and hands them to QLineSeries::replace() once per tick,
// so the chart never grows and never animates. The x axis spans the history it has (at least 10 s,
// at most windowSeconds), so a young chart is not a sliver. When a quantity is not available on this machine
// the chart shows an empty state saying so instead of an empty plot.
#pragma once

#include <QColor>
#include <QFrame>
#include <QList>
#include <QPointF>
#include <QString>

#include <deque>
#include <vector>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QValueAxis;
class QStackedLayout;

namespace edgert::ui {

class LiveChart : public QFrame {
    Q_OBJECT
public:
    enum class Axis { Left, Right };

    LiveChart(const QString& title, QWidget* parent = nullptr);

    /// Adds a series; returns its index. `width` in px; a dashed series is drawn dashed.
    int addSeries(const QString& name, const QColor& color, qreal width = 2.0, bool dashed = false,
                  Axis axis = Axis::Left);
    /// A horizontal reference line (soft/hard limits) drawn across the whole window.
    int addLimit(const QString& name, double value, const QColor& color);
    void setLimit(int series, double value);
    void setSeriesColor(int series, const QColor& color);

    /// Appends a value at `timeSeconds` (steady clock). NaN values are skipped.
    void append(int series, double timeSeconds, double value);
    /// Rebuilds every series for the window ending at `nowSeconds` (x = seconds ago).
    void refresh(double nowSeconds);
    /// True when Qt Charts cut an axis tick label to "…" at the last layout (a test checks none is).
    bool axisLabelsTruncated() const;

    void setWindowSeconds(double seconds);
    double windowSeconds() const { return m_windowSeconds; }
    /// Fixed y range; `autoMax` grows the top to fit values (rounded up to `step`).
    void setYRange(double minimum, double maximum, Axis axis = Axis::Left, bool autoMax = false, double step = 10.0);
    void setAxisTitle(Axis axis, const QString& title);

    void setTitle(const QString& title);
    /// The big current-value text at the right of the title (rich text allowed).
    void setReadout(const QString& text);
    /// Small legend/explanation line under the title (rich text allowed).
    void setCaption(const QString& text);

    /// Shows `headline` (and a smaller `detail`) instead of the plot; clearEmptyState() returns.
    void setEmptyState(const QString& headline, const QString& detail = {});
    void clearEmptyState();
    bool showsEmptyState() const;
    QString emptyHeadline() const;

    /// Points currently in a series (after the last refresh) and kept in its history.
    int visiblePointCount(int series) const;
    int historySize(int series) const;
    QLineSeries* series(int index) const;
    QChart* chart() const { return m_chart; }
    QString readout() const;

    /// Re-reads the theme's colours (grid, labels, background).
    void applyTheme();

private:
    struct Track {
        QLineSeries* series = nullptr;
        std::deque<QPointF> history;  ///< (timeSeconds, value), oldest first
        bool limit = false;
        double limitValue = 0.0;
        Axis axis = Axis::Left;
    };
    struct AxisRange {
        double minimum = 0.0;
        double maximum = 100.0;
        bool autoMax = false;
        double step = 10.0;
    };
    QValueAxis* axis(Axis which) const { return which == Axis::Left ? m_yLeft : m_yRight; }
    void fitAutoRange(Axis which);

    QLabel* m_title;
    QLabel* m_readout;
    QLabel* m_caption;
    QLabel* m_emptyHeadline;
    QLabel* m_emptyDetail;
    QWidget* m_emptyPanel;
    QStackedLayout* m_stack;
    QChart* m_chart;
    QChartView* m_view;
    QValueAxis* m_x;
    QValueAxis* m_yLeft;
    QValueAxis* m_yRight = nullptr;
    AxisRange m_leftRange;
    AxisRange m_rightRange;
    std::vector<Track> m_tracks;
    double m_windowSeconds = 120.0;
    std::size_t m_capacity = 600;
};

}  // namespace edgert::ui
