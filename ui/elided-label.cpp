#include "elided-label.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOption>

namespace edgert::ui {

namespace {
constexpr int kMinimumCharacters = 6;
}

ElidedLabel::ElidedLabel(const QString& text, QWidget* parent) : QLabel(text, parent)
{
    setTextFormat(Qt::PlainText);
    setWordWrap(false);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QSize full = QLabel::minimumSizeHint();
    const int margins = contentsMargins().left() + contentsMargins().right();
    return QSize(std::min(full.width(), fontMetrics().averageCharWidth() * kMinimumCharacters + margins),
                 full.height());
}

QSize ElidedLabel::sizeHint() const
{
    return QLabel::sizeHint();
}

void ElidedLabel::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    QStyleOption option;
    option.initFrom(this);
    style()->drawPrimitive(QStyle::PE_Widget, &option, &p, this);
    const QRect area = contentsRect();
    const QString shown = fontMetrics().elidedText(text(), Qt::ElideRight, area.width());
    m_elided = shown != text();
    setToolTip(m_elided ? text() : QString());
    style()->drawItemText(&p, area, static_cast<int>(alignment()), palette(), isEnabled(), shown, foregroundRole());
}

}  // namespace edgert::ui
