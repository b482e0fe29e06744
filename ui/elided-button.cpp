#include "elided-button.h"

#include <QStyleOptionButton>
#include <QStylePainter>

namespace edgert::ui {

namespace {
constexpr int kMinimumCharacters = 8;
}

ElidedButton::ElidedButton(const QString& text, QWidget* parent) : QPushButton(text, parent)
{
    setToolTip(text);
}

QSize ElidedButton::minimumSizeHint() const
{
    const QSize full = QPushButton::minimumSizeHint();
    const int textWidth = fontMetrics().horizontalAdvance(text());
    const int shortest = fontMetrics().averageCharWidth() * kMinimumCharacters;
    return QSize(full.width() - std::max(0, textWidth - shortest), full.height());
}

void ElidedButton::paintEvent(QPaintEvent*)
{
    QStylePainter p(this);
    QStyleOptionButton option;
    initStyleOption(&option);
    const QRect area = style()->subElementRect(QStyle::SE_PushButtonContents, &option, this);
    const QString shown = fontMetrics().elidedText(text(), Qt::ElideRight, std::max(0, area.width()));
    m_elided = shown != text();
    option.text = shown;
    p.drawControl(QStyle::CE_PushButton, option);
}

}  // namespace edgert::ui
