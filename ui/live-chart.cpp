#include "live-chart.h"

#include "theme.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QStackedLayout>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace edgert::ui {

namespace {
constexpr double kMinimumWindowSeconds = 10.0;
constexpr int kTargetYTicks = 5;

/// A round tick step (1, 2 or 5 times a power of ten) giving about `targetTicks` steps.
double niceStep(double span, int targetTicks)
{
    if (!(span > 0.0)) return 1.0;
    const double raw = span / std::max(1, targetTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (raw <= m * magnitude * (1.0 + 1e-9)) return m * magnitude;
    return 10.0 * magnitude;
}

/// Sets `axis` to [minimum, maximum rounded up to a round step] with ticks on that step.
void applyRoundTicks(QValueAxis* axis, double minimum, double maximum)
{
    // Tick labels are short numbers: Qt Charts would cut "1000" to "…" where a 800x480 card is
    // narrow; the plot area gives them the room instead.
    axis->setTruncateLabels(false);
    const double step = niceStep(maximum - minimum, kTargetYTicks);
    const double top = minimum + std::ceil((maximum - minimum) / step - 1e-9) * step;
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(minimum);
    axis->setTickInterval(step);
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
    axis->setRange(minimum, top);
}
}  // namespace

LiveChart::LiveChart(const QString& title, QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("card"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 4);
    layout->setSpacing(0);

    auto* header = new QHBoxLayout;
    m_title = new QLabel(title);
    m_title->setProperty("role", "heading");
    m_readout = new QLabel;
    m_readout->setProperty("role", "value");
    m_readout->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_readout->setTextFormat(Qt::RichText);
    header->addWidget(m_title, 1);
    header->addWidget(m_readout);
    layout->addLayout(header);
    m_caption = new QLabel;
    m_caption->setProperty("role", "muted");
    m_caption->setTextFormat(Qt::RichText);
    // Wraps instead of widening the card (a German legend is longer than half the kiosk).
    m_caption->setWordWrap(true);
    m_caption->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_caption->hide();
    layout->addWidget(m_caption);

    m_chart = new QChart;
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->hide();
    m_chart->setBackgroundVisible(false);
    m_chart->setPlotAreaBackgroundVisible(false);
    m_chart->setMargins(QMargins(0, 4, 0, 0));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setBackgroundRoundness(0);

    m_x = new QValueAxis;
    m_x->setTruncateLabels(false);
    m_x->setRange(-m_windowSeconds, 0);
    m_x->setLabelFormat(QStringLiteral("%.0f s"));
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0.0);
    m_x->setTickInterval(30.0);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_yLeft = new QValueAxis;
    applyRoundTicks(m_yLeft, 0, 100);
    m_chart->addAxis(m_yLeft, Qt::AlignLeft);

    m_view = new QChartView(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setStyleSheet(QStringLiteral("background: transparent"));
    m_view->setMinimumHeight(80);

    m_emptyPanel = new QWidget;
    auto* emptyLayout = new QVBoxLayout(m_emptyPanel);
    emptyLayout->addStretch();
    m_emptyHeadline = new QLabel;
    m_emptyHeadline->setAlignment(Qt::AlignCenter);
    m_emptyHeadline->setWordWrap(true);
    m_emptyHeadline->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_emptyHeadline->setProperty("role", "heading");
    m_emptyDetail = new QLabel;
    m_emptyDetail->setAlignment(Qt::AlignCenter);
    m_emptyDetail->setWordWrap(true);
    m_emptyDetail->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_emptyDetail->setProperty("role", "muted");
    emptyLayout->addWidget(m_emptyHeadline);
    emptyLayout->addWidget(m_emptyDetail);
    emptyLayout->addStretch();

    auto* body = new QWidget;
    m_stack = new QStackedLayout(body);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyPanel);
    layout->addWidget(body, 1);
    applyTheme();
}

bool LiveChart::axisLabelsTruncated() const
{
    for (const QValueAxis* a : {m_x, m_yLeft, m_yRight})
        if (a && a->labelsTruncated()) return true;
    return false;
}

int LiveChart::addSeries(const QString& name, const QColor& color, qreal width, bool dashed, Axis which)
{
    auto* series = new QLineSeries;
    series->setName(name);
    QPen pen(color, width);
    pen.setStyle(dashed ? Qt::DashLine : Qt::SolidLine);
    pen.setCapStyle(Qt::RoundCap);
    series->setPen(pen);
    series->setUseOpenGL(false);
    m_chart->addSeries(series);
    if (which == Axis::Right && !m_yRight) {
        m_yRight = new QValueAxis;
        applyRoundTicks(m_yRight, m_rightRange.minimum, m_rightRange.maximum);
        m_yRight->setGridLineVisible(false);
        m_chart->addAxis(m_yRight, Qt::AlignRight);
        applyTheme();
    }
    series->attachAxis(m_x);
    series->attachAxis(axis(which));
    Track t;
    t.series = series;
    t.axis = which;
    m_tracks.push_back(std::move(t));
    return static_cast<int>(m_tracks.size()) - 1;
}

int LiveChart::addLimit(const QString& name, double value, const QColor& color)
{
    const int index = addSeries(name, color, 1.5, true);
    m_tracks[static_cast<std::size_t>(index)].limit = true;
    m_tracks[static_cast<std::size_t>(index)].limitValue = value;
    m_tracks[static_cast<std::size_t>(index)].series->replace({QPointF(-m_windowSeconds, value), QPointF(0, value)});
    return index;
}

void LiveChart::setLimit(int index, double value)
{
    auto& track = m_tracks.at(static_cast<std::size_t>(index));
    track.limitValue = value;
    track.series->replace({QPointF(-m_windowSeconds, value), QPointF(0, value)});
}

void LiveChart::setSeriesColor(int index, const QColor& color)
{
    auto* s = m_tracks.at(static_cast<std::size_t>(index)).series;
    QPen pen = s->pen();
    pen.setColor(color);
    s->setPen(pen);
}

void LiveChart::append(int index, double timeSeconds, double value)
{
    if (std::isnan(value)) return;
    auto& track = m_tracks.at(static_cast<std::size_t>(index));
    track.history.emplace_back(timeSeconds, value);
    while (track.history.size() > m_capacity) track.history.pop_front();
}

void LiveChart::refresh(double nowSeconds)
{
    // The window grows with the history up to windowSeconds, so a young chart is not a thin
    // sliver at the right edge.
    double oldest = nowSeconds;
    for (auto& track : m_tracks) {
        if (track.limit) continue;
        while (!track.history.empty() && track.history.front().x() < nowSeconds - m_windowSeconds - 1.0)
            track.history.pop_front();
        if (!track.history.empty()) oldest = std::min(oldest, track.history.front().x());
    }
    const double shown = std::clamp(std::ceil(nowSeconds - oldest), kMinimumWindowSeconds, m_windowSeconds);
    m_x->setRange(-shown, 0);
    // Whole, round seconds between ticks, about five of them.
    const double tick = shown <= 10 ? 2 : shown <= 25 ? 5 : shown <= 50 ? 10 : shown <= 100 ? 20 : 30;
    m_x->setTickInterval(tick);
    for (auto& track : m_tracks) {
        if (track.limit) {
            track.series->replace({QPointF(-shown, track.limitValue), QPointF(0, track.limitValue)});
            continue;
        }
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(track.history.size()));
        for (const auto& p : track.history) points.append(QPointF(p.x() - nowSeconds, p.y()));
        track.series->replace(points);
    }
    fitAutoRange(Axis::Left);
    if (m_yRight) fitAutoRange(Axis::Right);
}

void LiveChart::fitAutoRange(Axis which)
{
    AxisRange& range = which == Axis::Left ? m_leftRange : m_rightRange;
    if (!range.autoMax) return;
    double top = range.maximum;
    for (const auto& track : m_tracks) {
        if (track.axis != which) continue;
        if (track.limit) top = std::max(top, track.limitValue);
        for (const auto& p : track.history) top = std::max(top, p.y());
    }
    top = std::max(range.maximum, std::ceil(top * 1.05 / range.step) * range.step);
    applyRoundTicks(axis(which), range.minimum, top);
}

void LiveChart::setWindowSeconds(double seconds)
{
    m_windowSeconds = seconds;
    m_x->setRange(-seconds, 0);
}

void LiveChart::setYRange(double minimum, double maximum, Axis which, bool autoMax, double step)
{
    AxisRange& range = which == Axis::Left ? m_leftRange : m_rightRange;
    range = AxisRange{minimum, maximum, autoMax, step};
    if (QValueAxis* a = axis(which)) applyRoundTicks(a, minimum, maximum);
}

void LiveChart::setAxisTitle(Axis which, const QString& title)
{
    if (QValueAxis* a = axis(which)) {
        a->setTitleText(title);
        QFont f = a->titleFont();
        f.setPixelSize(Theme::sizes().fontSmall);
        f.setBold(false);
        a->setTitleFont(f);
    }
}

void LiveChart::setTitle(const QString& title)
{
    m_title->setText(title);
}
void LiveChart::setReadout(const QString& text)
{
    m_readout->setText(text);
}
QString LiveChart::readout() const
{
    return m_readout->text();
}

void LiveChart::setCaption(const QString& text)
{
    m_caption->setText(text);
    m_caption->setVisible(!text.isEmpty() && !showsEmptyState());
}

void LiveChart::setEmptyState(const QString& headline, const QString& detail)
{
    m_emptyHeadline->setText(headline);
    m_emptyDetail->setText(detail);
    m_emptyDetail->setVisible(!detail.isEmpty());
    m_stack->setCurrentWidget(m_emptyPanel);
    m_caption->hide();
}

void LiveChart::clearEmptyState()
{
    m_stack->setCurrentWidget(m_view);
    m_caption->setVisible(!m_caption->text().isEmpty());
}
bool LiveChart::showsEmptyState() const
{
    return m_stack->currentWidget() == m_emptyPanel;
}
QString LiveChart::emptyHeadline() const
{
    return showsEmptyState() ? m_emptyHeadline->text() : QString();
}

int LiveChart::visiblePointCount(int index) const
{
    return static_cast<int>(m_tracks.at(static_cast<std::size_t>(index)).series->count());
}

int LiveChart::historySize(int index) const
{
    return static_cast<int>(m_tracks.at(static_cast<std::size_t>(index)).history.size());
}

QLineSeries* LiveChart::series(int index) const
{
    return m_tracks.at(static_cast<std::size_t>(index)).series;
}

void LiveChart::applyTheme()
{
    const ThemeColors& c = Theme::colors();
    QFont labels;
    labels.setPixelSize(Theme::sizes().fontSmall);
    for (QValueAxis* a : {m_x, m_yLeft, m_yRight}) {
        if (!a) continue;
        a->setLabelsColor(c.muted);
        a->setLabelsFont(labels);
        a->setTitleBrush(c.muted);
        a->setGridLineColor(c.grid);
        a->setLinePenColor(c.border);
        a->setMinorGridLineVisible(false);
    }
}

}  // namespace edgert::ui
