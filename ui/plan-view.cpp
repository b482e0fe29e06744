#include "plan-view.h"

#include "theme.h"

#include "edgert-qt/bridge-types.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace edgert::ui {

using edgert::qt::formatBytes;

namespace {
constexpr int kGapInGroup = 3;
constexpr int kGapBetweenGroups = 12;
constexpr int kRowGap = 6;

bool lightText(const QColor& background)
{
    return background.lightnessF() < 0.62;
}
}  // namespace

PlanView::PlanView(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_emptyText = tr("Open a model to see its plan.");
}

QSize PlanView::minimumSizeHint() const
{
    return QSize(240, Theme::sizes().control + 64);
}
QSize PlanView::sizeHint() const
{
    return QSize(600, 220);
}

void PlanView::setPlan(const PartitionPlan& plan)
{
    const bool sameShape = plan.groups.size() == m_plan.groups.size();
    m_plan = plan;
    if (!sameShape || m_selected >= groupCount()) m_selected = -1;
    setMinimumHeight(requiredHeight(width()));
    relayout();
    update();
    if (m_selected >= 0) emit groupSelected(m_selected);  // its contents may have changed
}

void PlanView::clearPlan()
{
    m_plan = {};
    m_selected = -1;
    setMinimumHeight(0);
    relayout();
    update();
}

void PlanView::setEmptyText(const QString& text)
{
    m_emptyText = text;
    update();
}

void PlanView::selectGroup(int group)
{
    m_selected = (group >= 0 && group < groupCount()) ? group : -1;
    update();
    emit groupSelected(m_selected);
}

QRect PlanView::unitRect(int unit) const
{
    return unit >= 0 && unit < static_cast<int>(m_unitRects.size()) ? m_unitRects[static_cast<std::size_t>(unit)]
                                                                    : QRect();
}

int PlanView::groupOfUnit(int unit) const
{
    for (std::size_t g = 0; g < m_plan.groups.size(); ++g)
        if (static_cast<std::uint32_t>(unit) >= m_plan.groups[g].firstUnit &&
            static_cast<std::uint32_t>(unit) <= m_plan.groups[g].lastUnit)
            return static_cast<int>(g);
    return -1;
}

int PlanView::groupAt(const QPoint& pos) const
{
    for (std::size_t u = 0; u < m_unitRects.size(); ++u)
        if (m_unitRects[u].contains(pos) || m_bracketRects[u].contains(pos)) return groupOfUnit(static_cast<int>(u));
    return -1;
}

QString PlanView::unitLabel(int unit, bool compact) const
{
    const PlanUnit& u = m_plan.units[static_cast<std::size_t>(unit)];
    if (u.layer < 0) return compact ? tr("Head", "LM head, short") : tr("LM head");
    return compact ? tr("L%1", "layer, short").arg(u.layer) : tr("Layer %1").arg(u.layer);
}

void PlanView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const int needed = requiredHeight(width());
    if (needed != minimumHeight()) setMinimumHeight(needed);
    relayout();
}

namespace {
int barHeightPx()
{
    return Theme::sizes().control >= 48 ? 26 : 20;
}
int bracketHeightPx()
{
    return Theme::sizes().fontSmall + 10;
}
QFont sizedFont(const QFont& base, int px, bool bold = false)
{
    QFont f = base;
    f.setPixelSize(px);
    f.setBold(bold);
    return f;
}
}  // namespace

PlanView::Grid PlanView::gridFor(int width) const
{
    Grid grid;
    const int n = static_cast<int>(m_plan.units.size());
    if (n == 0) return grid;
    const ThemeSizes& s = Theme::sizes();
    // Wide enough for the longest label and the largest size in its font.
    const QFontMetrics boldMetrics(sizedFont(font(), s.font, true));
    const QFontMetrics smallMetrics(sizedFont(font(), s.fontSmall));
    int textWidth = 0;
    for (int u = 0; u < n; ++u) {
        textWidth = std::max(textWidth, boldMetrics.horizontalAdvance(unitLabel(u, true)));
        textWidth = std::max(textWidth, smallMetrics.horizontalAdvance(
                                            formatBytes(m_plan.units[static_cast<std::size_t>(u)].weightBytes)));
    }
    const int minBlockWidth = std::max(s.control >= 48 ? 56 : 44, textWidth + 14);
    const int areaWidth = std::max(1, width - 2);
    grid.columns = std::max(1, std::min(n, (areaWidth + kGapBetweenGroups) / (minBlockWidth + kGapBetweenGroups)));
    grid.rows = (n + grid.columns - 1) / grid.columns;
    // Balance the rows (7 + 7 + 7 rather than 10 + 10 + 1).
    grid.columns = (n + grid.rows - 1) / grid.rows;
    grid.blockWidth = (areaWidth - (grid.columns - 1) * kGapBetweenGroups) / grid.columns;
    return grid;
}

QStringList PlanView::legendTexts() const
{
    // (The inspector says to tap a group; the legend only explains the two fills.)
    return {tr("pinned: stays in memory"), tr("streamed: read per token")};
}

std::vector<QRect> PlanView::legendFlow(int width) const
{
    // Entries flow onto further lines rather than being cut.
    const ThemeSizes& s = Theme::sizes();
    const QFontMetrics fm(sizedFont(font(), s.fontSmall));
    const int box = s.fontSmall + 4;
    const int lineHeight = fm.height() + 4;
    std::vector<QRect> out;
    int x = 0, y = 0;
    const QStringList texts = legendTexts();
    for (int i = 0; i < texts.size(); ++i) {
        const int boxWidth = box + 6;
        const int w = std::min(width, boxWidth + fm.horizontalAdvance(texts[i]));
        if (x > 0 && x + w > width) {
            x = 0;
            y += lineHeight;
        }
        out.emplace_back(x, y, w, lineHeight);
        x += w + 18;
    }
    return out;
}

int PlanView::legendHeight(int width) const
{
    const std::vector<QRect> flow = legendFlow(width);
    return flow.empty() ? 0 : flow.back().bottom() + 1 + 4;
}

int PlanView::requiredHeight(int width) const
{
    if (m_plan.units.empty()) return 0;
    const Grid grid = gridFor(width);
    const int rowHeight = Theme::sizes().control + bracketHeightPx();
    return 2 + barHeightPx() + 12 + grid.rows * rowHeight + (grid.rows - 1) * kRowGap + legendHeight(width - 2);
}

void PlanView::relayout()
{
    m_unitRects.clear();
    m_bracketRects.clear();
    const int n = static_cast<int>(m_plan.units.size());
    if (n == 0) return;
    const ThemeSizes& s = Theme::sizes();
    const QRect area = rect().adjusted(1, 1, -1, -1);
    m_budgetBar = QRect(area.left(), area.top(), area.width(), barHeightPx());

    const int bracketHeight = bracketHeightPx();
    const int top = m_budgetBar.bottom() + 12;
    const int minBlockHeight = s.control;
    const Grid grid = gridFor(width());
    const int columns = grid.columns;
    const int rows = grid.rows;
    const int blockWidth = grid.blockWidth;
    const int legendHeight = this->legendHeight(area.width());
    m_legend = QRect(area.left(), area.bottom() - legendHeight + 1, area.width(), legendHeight);
    const int rowSpace = area.bottom() - legendHeight - top;
    const int rowHeight = std::max(minBlockHeight + bracketHeight, (rowSpace - (rows - 1) * kRowGap) / rows);
    const int blockHeight = std::min(rowHeight - bracketHeight, std::max(s.control * 3, 150));
    // Centre the rows in the space they do not fill.
    const int used = rows * (blockHeight + bracketHeight) + (rows - 1) * kRowGap;
    const int offset = std::max(0, (rowSpace - used) / 2);

    for (int u = 0; u < n; ++u) {
        const int row = u / columns;
        const int col = u % columns;
        // Narrow gaps inside a group, wide ones between groups: the grouping reads at a glance.
        int x = area.left() + col * (blockWidth + kGapBetweenGroups);
        int w = blockWidth;
        const bool sameAsPrevious = col > 0 && groupOfUnit(u - 1) == groupOfUnit(u);
        const bool sameAsNext = col < columns - 1 && u + 1 < n && groupOfUnit(u + 1) == groupOfUnit(u);
        if (sameAsPrevious) {
            x -= (kGapBetweenGroups - kGapInGroup) / 2;
            w += (kGapBetweenGroups - kGapInGroup) / 2;
        }
        if (sameAsNext) w += (kGapBetweenGroups - kGapInGroup) / 2;
        const int y = top + offset + row * (blockHeight + bracketHeight + kRowGap);
        m_unitRects.emplace_back(x, y, w, blockHeight);
        m_bracketRects.emplace_back(x, y + blockHeight, w + (sameAsNext ? kGapInGroup : 0), bracketHeight);
    }
}

void PlanView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const ThemeColors& c = Theme::colors();
    const ThemeSizes& s = Theme::sizes();
    QFont small = font();
    small.setPixelSize(s.fontSmall);
    QFont normal = font();
    normal.setPixelSize(s.font);
    QFont bold = normal;
    bold.setBold(true);

    if (m_plan.units.empty()) {
        p.setPen(c.muted);
        p.setFont(normal);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
        return;
    }

    // ---- how the budget is spent
    const double budget = static_cast<double>(std::max<std::uint64_t>(1, m_plan.budgetBytes));
    double x = m_budgetBar.left();
    const auto segment = [&](std::uint64_t bytes, const QColor& color, bool hatched, const QString& label,
                             const QString& shortLabel) {
        const double w = m_budgetBar.width() * static_cast<double>(bytes) / budget;
        if (w <= 0.0) return;
        const QRectF r(x, m_budgetBar.top(), w, m_budgetBar.height());
        p.fillRect(r, hatched ? QColor(color.red(), color.green(), color.blue(), 70) : color);
        if (hatched) p.fillRect(r, QBrush(color, Qt::BDiagPattern));
        p.setPen(QPen(c.surface, 1));
        p.drawLine(r.topRight(), r.bottomRight());
        const QString text = p.fontMetrics().horizontalAdvance(label) + 8 < w        ? label
                             : p.fontMetrics().horizontalAdvance(shortLabel) + 8 < w ? shortLabel
                                                                                     : QString();
        if (!text.isEmpty()) {
            p.setPen(hatched || color == c.surfaceAlt ? c.text
                                                      : (lightText(color) ? QColor(Qt::white) : QColor(Qt::black)));
            p.drawText(r, Qt::AlignCenter, text);
        }
        x += w;
    };
    p.save();
    QPainterPath clip;
    clip.addRoundedRect(m_budgetBar, 4, 4);
    p.setClipPath(clip);
    p.fillRect(m_budgetBar, c.surfaceAlt);
    p.setFont(small);
    segment(m_plan.kvBytes, c.kvCache, false, tr("KV cache %1").arg(formatBytes(m_plan.kvBytes)), tr("KV"));
    segment(m_plan.scratchBytes, c.scratch, false, tr("scratch %1").arg(formatBytes(m_plan.scratchBytes)),
            tr("scratch"));
    for (std::size_t g = 0; g < m_plan.groups.size(); ++g)
        if (m_plan.groups[g].pinned)
            segment(m_plan.groups[g].footprintBytes, c.group(static_cast<int>(g)), false,
                    tr("G%1 %2").arg(g).arg(formatBytes(m_plan.groups[g].footprintBytes)), tr("G%1").arg(g));
    segment(m_plan.streamReserveBytes, c.muted, true,
            tr("streaming buffers %1").arg(formatBytes(m_plan.streamReserveBytes)), tr("streaming"));
    segment(m_plan.budgetBytes > m_plan.plannedPeakBytes() ? m_plan.budgetBytes - m_plan.plannedPeakBytes() : 0,
            c.surfaceAlt, false, tr("free"), QString());
    p.restore();
    p.setPen(QPen(c.border, 1));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(m_budgetBar, 4, 4);

    // ---- the units, coloured by group
    const int iconSize = s.control >= 48 ? 20 : 16;
    const QPixmap pinIcon = Theme::pixmap(QStringLiteral("pin"), Qt::white, iconSize);
    for (int u = 0; u < static_cast<int>(m_unitRects.size()); ++u) {
        const int g = groupOfUnit(u);
        const LayerGroup& group = m_plan.groups[static_cast<std::size_t>(g)];
        const QColor color = c.group(g);
        const QRect r = m_unitRects[static_cast<std::size_t>(u)];
        QPainterPath path;
        path.addRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
        if (group.pinned) {
            p.fillPath(path, color);
        } else {
            p.fillPath(path, QColor(color.red(), color.green(), color.blue(), Theme::isDark() ? 70 : 55));
            p.save();
            p.setClipPath(path);
            QColor hatch = color;
            hatch.setAlpha(120);
            p.fillRect(r, QBrush(hatch, Qt::BDiagPattern));
            p.restore();
            p.setPen(QPen(color, 2, Qt::DashLine));
            p.drawPath(path);
        }
        const QColor textColor = group.pinned ? (lightText(color) ? QColor(Qt::white) : QColor(Qt::black)) : c.text;
        const QPixmap icon =
            group.pinned ? (lightText(color) ? pinIcon : Theme::pixmap(QStringLiteral("pin"), Qt::black, iconSize))
                         : Theme::pixmap(QStringLiteral("stream"), c.text, iconSize);
        const bool compact = r.width() < 84;
        const QRect inner = r.adjusted(4, 4, -4, -4);
        const auto& unit = m_plan.units[static_cast<std::size_t>(u)];
        const int textHeight = s.font + s.fontSmall + 8;
        if (r.height() >= iconSize + textHeight + 8) {
            // Icon, name and size.
            p.drawPixmap(inner.left() + (inner.width() - iconSize) / 2, inner.top() + 2, icon);
            p.setFont(bold);
            p.setPen(textColor);
            const QRect textArea = inner.adjusted(0, iconSize + 4, 0, 0);
            p.drawText(textArea, Qt::AlignHCenter | Qt::AlignTop,
                       p.fontMetrics().elidedText(unitLabel(u, compact), Qt::ElideRight, inner.width()));
            p.setFont(small);
            p.drawText(textArea.adjusted(0, s.font + 6, 0, 0), Qt::AlignHCenter | Qt::AlignTop,
                       formatBytes(unit.weightBytes));
        } else if (r.height() >= textHeight) {
            // Name and size (the fill already says pinned or streamed).
            p.setFont(bold);
            p.setPen(textColor);
            const int y = inner.top() + (inner.height() - textHeight) / 2;
            p.drawText(QRect(inner.left(), y, inner.width(), s.font + 4), Qt::AlignCenter,
                       p.fontMetrics().elidedText(unitLabel(u, compact), Qt::ElideRight, inner.width()));
            p.setFont(small);
            p.drawText(QRect(inner.left(), y + s.font + 4, inner.width(), s.fontSmall + 4), Qt::AlignCenter,
                       formatBytes(unit.weightBytes));
        } else {
            p.setFont(bold);
            p.setPen(textColor);
            p.drawText(inner, Qt::AlignCenter,
                       p.fontMetrics().elidedText(unitLabel(u, true), Qt::ElideRight, inner.width()));
        }
        if (g == m_selected) {
            p.setPen(QPen(c.text, 3));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(QRectF(r).adjusted(1.5, 1.5, -1.5, -1.5), 5, 5);
        }
    }

    // ---- what the marks mean (flowing onto a second line where one is too short)
    if (!m_legend.isNull()) {
        p.setFont(small);
        const std::vector<QRect> flow = legendFlow(m_legend.width());
        const QStringList texts = legendTexts();
        const int box = s.fontSmall;
        for (std::size_t i = 0; i < flow.size(); ++i) {
            const QRect item = flow[i].translated(m_legend.topLeft());
            const QRect r(item.left(), item.top() + (item.height() - box) / 2, box + 4, box);
            if (i == 0) {
                p.fillRect(r, c.muted);
            } else {
                p.fillRect(r, QBrush(c.muted, Qt::BDiagPattern));
                p.setPen(QPen(c.muted, 1, Qt::DashLine));
                p.drawRect(r);
            }
            const int textLeft = r.right() + 6;
            p.setPen(c.muted);
            const QRect t(textLeft, item.top(), item.right() - textLeft + 1, item.height());
            p.drawText(t, Qt::AlignLeft | Qt::AlignVCenter,
                       p.fontMetrics().elidedText(texts[static_cast<qsizetype>(i)], Qt::ElideRight, t.width()));
        }
    }

    // ---- a bracket under each group (per row it spans), naming it
    p.setFont(small);
    for (int g = 0; g < groupCount(); ++g) {
        const LayerGroup& group = m_plan.groups[static_cast<std::size_t>(g)];
        QRect span;
        const auto flush = [&] {
            if (span.isNull()) return;
            const QColor color = c.group(g);
            const int y = span.top() + 4;
            p.setPen(QPen(color, g == m_selected ? 3 : 2));
            p.drawLine(span.left() + 2, y, span.right() - 2, y);
            p.drawLine(span.left() + 2, y - 3, span.left() + 2, y + 1);
            p.drawLine(span.right() - 2, y - 3, span.right() - 2, y + 1);
            const QString label = group.pinned
                                      ? tr("G%1 · pinned · %2").arg(g).arg(formatBytes(group.footprintBytes))
                                      : tr("G%1 · streamed · %2").arg(g).arg(formatBytes(group.footprintBytes));
            const QString shortLabel = tr("G%1").arg(g);
            const QRect textRect = span.adjusted(0, 6, 0, 0);
            p.setPen(g == m_selected ? c.text : c.muted);
            const QString text = p.fontMetrics().horizontalAdvance(label) <= textRect.width() ? label : shortLabel;
            p.drawText(textRect, Qt::AlignHCenter | Qt::AlignTop, text);
            span = QRect();
        };
        for (std::uint32_t u = group.firstUnit; u <= group.lastUnit && u < m_bracketRects.size(); ++u) {
            const QRect b = m_bracketRects[u];
            if (!span.isNull() && b.top() != span.top()) flush();
            span = span.isNull() ? b : span.united(b);
        }
        flush();
    }
}

void PlanView::mousePressEvent(QMouseEvent* event)
{
    const int g = groupAt(event->position().toPoint());
    selectGroup(g == m_selected ? -1 : g);
}

}  // namespace edgert::ui
