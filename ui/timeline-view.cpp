#include "timeline-view.h"

#include "theme.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace edgert::ui {

using edgert::ThermalAction;
using edgert::qt::GroupPhase;
using edgert::qt::GroupTiming;
using edgert::qt::ThermalMark;

namespace {
constexpr std::size_t kMaxTimings = 20000;

double niceTick(double span, int targetTicks)
{
    const double raw = span / std::max(1, targetTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * magnitude) return m * magnitude;
    return 10.0 * magnitude;
}

/// Total length of the intersection of two sorted-or-not interval lists.
double intersectionMs(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b,
                      std::vector<std::pair<double, double>>* out)
{
    double total = 0.0;
    for (const auto& [a0, a1] : a)
        for (const auto& [b0, b1] : b) {
            const double lo = std::max(a0, b0), hi = std::min(a1, b1);
            if (hi > lo) {
                total += hi - lo;
                if (out) out->emplace_back(lo, hi);
            }
        }
    return total;
}
}  // namespace

TimelineView::TimelineView(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QSize TimelineView::minimumSizeHint() const
{
    return QSize(300, 84);
}
QSize TimelineView::sizeHint() const
{
    return QSize(700, 150);
}

void TimelineView::reset(const PartitionPlan& plan)
{
    m_groups = static_cast<int>(plan.groups.size());
    m_pinned.clear();
    for (const auto& g : plan.groups) m_pinned.push_back(g.pinned);
    m_timings.clear();
    m_thermal.clear();
    m_lastPass = 0;
    update();
}

void TimelineView::addTiming(const GroupTiming& timing)
{
    m_groups = std::max(m_groups, timing.group + 1);
    m_timings.push_back(timing);
    while (m_timings.size() > kMaxTimings) m_timings.pop_front();
    m_lastPass = std::max(m_lastPass, timing.pass);
    update();
}

void TimelineView::addThermal(const ThermalMark& mark)
{
    m_thermal.push_back(mark);
    update();
}

void TimelineView::setPassWindow(int passes)
{
    m_passWindow = std::max(1, passes);
    update();
}

TimelineView::Window TimelineView::window() const
{
    Window w;
    if (m_timings.empty()) return w;
    w.firstPass =
        m_lastPass >= static_cast<quint64>(m_passWindow) ? m_lastPass - static_cast<quint64>(m_passWindow) + 1 : 1;
    w.startMs = 1e300;
    w.endMs = -1e300;
    for (const auto& t : m_timings) {
        if (t.pass < w.firstPass) continue;
        w.startMs = std::min(w.startMs, t.startMs);
        w.endMs = std::max(w.endMs, t.endMs);
    }
    if (w.endMs <= w.startMs) w.endMs = w.startMs + 1.0;
    return w;
}

double TimelineView::overlapMs() const
{
    const Window w = window();
    if (!w.valid()) return 0.0;
    std::vector<std::pair<double, double>> loads, computes;
    for (const auto& t : m_timings) {
        if (t.pass < w.firstPass) continue;
        (t.phase == GroupPhase::Load ? loads : computes).emplace_back(t.startMs, t.endMs);
    }
    return intersectionMs(loads, computes, nullptr);
}

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const ThemeColors& c = Theme::colors();
    const ThemeSizes& s = Theme::sizes();
    QFont small = font();
    small.setPixelSize(s.fontSmall);
    p.setFont(small);
    const QFontMetrics fm(small);
    const QLocale locale;

    // Legend (always shown, it explains the colours before the first run).
    int lx = 0;
    const int legendH = fm.height() + 4;
    const auto legend = [&](const QColor& color, bool hatched, const QString& text) {
        const QRect box(lx, (legendH - 10) / 2, 14, 10);
        p.fillRect(box, color);
        if (hatched) p.fillRect(box, QBrush(c.surface, Qt::BDiagPattern));
        p.setPen(c.muted);
        p.drawText(QRect(lx + 18, 0, width(), legendH), Qt::AlignLeft | Qt::AlignVCenter, text);
        lx += 18 + fm.horizontalAdvance(text) + 14;
    };
    legend(c.load, false, tr("load (disk read)"));
    legend(c.load, true, tr("load on prefetch worker"));
    legend(c.compute, false, tr("compute"));
    legend(QColor(0x59a14f), false, tr("overlap"));
    // Right-aligned: the pass shown last and the thermal policy's state, as much as fits.
    QString thermal, thermalShort;
    if (!m_thermal.empty()) {
        const ThermalAction action = m_thermal.back().action;
        thermal = action == ThermalAction::Inert ? tr("thermal policy: no sensor")
                                                 : tr("thermal policy: %1").arg(edgert::qt::thermalActionText(action));
        thermalShort = edgert::qt::thermalActionText(action);
    }
    const QString passText = m_lastPass > 0 ? tr("pass %1").arg(m_lastPass) : QString();
    const auto joined = [](const QString& a, const QString& b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + QStringLiteral(" · ") + b;
    };
    for (const QString& status : {joined(passText, thermal), thermal, thermalShort, passText}) {
        if (status.isEmpty() || lx + fm.horizontalAdvance(status) > width()) continue;
        p.setPen(m_thermal.empty() || m_thermal.back().action == ThermalAction::Inert ? c.muted : c.danger);
        p.drawText(QRect(lx, 0, width() - lx, legendH), Qt::AlignRight | Qt::AlignVCenter, status);
        break;
    }

    const int labelW =
        18 + std::max(fm.horizontalAdvance(tr("G%1 pinned").arg(99)), fm.horizontalAdvance(tr("G%1").arg(99))) + 8;
    const int axisH = fm.height() + 4;
    const int overlapH = 8;
    const QRect plot(labelW, legendH + 4, width() - labelW - 4, height() - legendH - 4 - axisH - overlapH - 4);
    const Window w = window();
    if (!w.valid() || m_groups == 0) {
        p.setPen(c.muted);
        QFont f = font();
        f.setPixelSize(s.font);
        p.setFont(f);
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Run a prompt to see when each layer group loads and computes."));
        return;
    }

    const double span = (w.endMs - w.startMs) * 1.03;
    const auto xOf = [&](double ms) { return plot.left() + (ms - w.startMs) / span * plot.width(); };
    const double rowH = static_cast<double>(plot.height()) / m_groups;

    // Rows. With more groups than lines of text fit, every k-th row is named (G0, G4, G8, ...)
    // so a swatch is never far from a name.
    const int labelEvery = std::max(1, static_cast<int>(std::ceil(fm.height() / rowH)));
    for (int g = 0; g < m_groups; ++g) {
        const double y = plot.top() + g * rowH;
        if (g % 2 == 1) p.fillRect(QRectF(0, y, width(), rowH), c.surfaceAlt);
        const bool pinned = g < static_cast<int>(m_pinned.size()) && m_pinned[static_cast<std::size_t>(g)];
        const double swatch = std::clamp(rowH - 2.0, 2.0, 10.0);
        p.fillRect(QRectF(4, y + rowH / 2 - swatch / 2, 10, swatch), c.group(g));
        if (g % labelEvery != 0) continue;
        p.setPen(c.text);
        const QString label = pinned ? tr("G%1 pinned").arg(g) : tr("G%1").arg(g);
        const double centre = y + rowH / 2;
        p.drawText(QRectF(18, centre - fm.height() / 2.0, labelW - 18, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   label);
    }

    // Pass boundaries
    p.setPen(QPen(c.border, 1, Qt::DotLine));
    for (quint64 pass = w.firstPass; pass <= m_lastPass; ++pass) {
        double start = 1e300;
        for (const auto& t : m_timings)
            if (t.pass == pass) start = std::min(start, t.startMs);
        if (start > 1e299) continue;
        const double x = xOf(start);
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }

    // Bars: load in the upper half of a row, compute in the lower half.
    std::vector<std::pair<double, double>> loads, computes;
    for (const auto& t : m_timings) {
        if (t.pass < w.firstPass) continue;
        const bool load = t.phase == GroupPhase::Load;
        const double y = plot.top() + t.group * rowH + (load ? rowH * 0.12 : rowH * 0.52);
        const double x0 = xOf(t.startMs);
        const double x1 = std::max(x0 + 1.5, xOf(t.endMs));
        const QRectF bar(x0, y, x1 - x0, rowH * 0.36);
        p.fillRect(bar, load ? c.load : c.compute);
        if (load && t.onWorker) p.fillRect(bar, QBrush(c.surface, Qt::BDiagPattern));
        (load ? loads : computes).emplace_back(t.startMs, t.endMs);
    }

    // Overlap strip: where a load and a compute ran at the same time.
    std::vector<std::pair<double, double>> overlaps;
    intersectionMs(loads, computes, &overlaps);
    const QRectF strip(plot.left(), plot.bottom() + 3, plot.width(), overlapH - 2);
    p.fillRect(strip, c.surfaceAlt);
    for (const auto& [a, b] : overlaps)
        p.fillRect(QRectF(xOf(a), strip.top(), std::max(1.0, xOf(b) - xOf(a)), strip.height()), QColor(0x59a14f));

    // Thermal marks: a line each, labelled where the label does not run into the next one.
    double labelEnd = -1e9;
    for (const auto& mark : m_thermal) {
        if (mark.ms < w.startMs || mark.ms > w.startMs + span) continue;
        const double x = xOf(mark.ms);
        p.setPen(QPen(c.danger, 2));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        QString label = edgert::qt::thermalActionText(mark.action);
        if (!std::isnan(mark.temperatureC))
            label += QStringLiteral(" %1 °C").arg(locale.toString(mark.temperatureC, 'f', 0));
        const double labelWidth = fm.horizontalAdvance(label) + 8;
        if (x < labelEnd || x + labelWidth > plot.right() + 4) continue;
        p.drawText(QRectF(x + 3, plot.top(), labelWidth, fm.height()), Qt::AlignLeft, label);
        labelEnd = x + labelWidth + 10;
    }

    // Time axis, relative to the window start.
    const double tick = niceTick(span, std::max(2, plot.width() / 90));
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(tick) + 1e-9)));
    p.setPen(c.muted);
    const int axisY = static_cast<int>(strip.bottom()) + 2;
    for (double t = 0.0; t <= span; t += tick) {
        const double x = xOf(w.startMs + t);
        p.drawLine(QPointF(x, axisY), QPointF(x, axisY + 3));
        const QString text = tr("%1 ms").arg(locale.toString(t, 'f', decimals));
        // Centred under the tick, but kept inside the widget at the right end.
        const double textWidth = fm.horizontalAdvance(text) + 4;
        const double left = std::min(x - textWidth / 2, width() - textWidth);
        p.drawText(QRectF(left, axisY + 2, textWidth, fm.height()), Qt::AlignHCenter | Qt::AlignTop, text);
    }
}

}  // namespace edgert::ui
