#include "strategy-picker.h"

#include "theme.h"

#include "edgert-qt/bridge-types.h"

#include "edgert/partition-planner.h"

#include <QButtonGroup>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace edgert::ui {

StrategyPicker::StrategyPicker(QWidget* parent) : QWidget(parent)
{
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* row = new QHBoxLayout;
    row->setSpacing(Theme::sizes().spacing);
    m_group = new QButtonGroup(this);
    m_group->setExclusive(true);
    int id = 0;
    QStringList names;
    for (const auto& name : strategyNames()) names << QString::fromStdString(name);
    names << QStringLiteral("auto");  // the engine's cost model picks one of the three
    for (const QString& qname : names) {
        m_names << qname;
        auto* button = new QPushButton(edgert::qt::strategyTitle(qname));
        button->setObjectName(QStringLiteral("segment"));
        button->setCheckable(true);
        button->setProperty("strategy", qname);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        button->setMinimumWidth(0);  // a long title breaks in two lines rather than widening the window
        m_group->addButton(button, id++);
        // Auto's title is short: the three strategies get the room.
        row->addWidget(button, qname == QLatin1String("auto") ? 0 : 1);
    }
    column->addLayout(row);
    m_description = new QLabel;
    m_description->setProperty("role", "muted");
    m_description->setWordWrap(true);
    m_description->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    column->addWidget(m_description);
    connect(m_group, &QButtonGroup::idClicked, this, [this](int) {
        showDescription();
        emit strategyPicked(strategy());
    });
}

void StrategyPicker::setStrategy(const QString& name)
{
    if (QPushButton* b = button(name)) b->setChecked(true);
    showDescription();
}

QString StrategyPicker::strategy() const
{
    const auto* checked = m_group->checkedButton();
    return checked ? checked->property("strategy").toString() : QString();
}

QPushButton* StrategyPicker::button(const QString& name) const
{
    const auto index = m_names.indexOf(name);
    return index < 0 ? nullptr : static_cast<QPushButton*>(m_group->button(static_cast<int>(index)));
}

void StrategyPicker::setNote(const QString& note)
{
    m_note = note;
    showDescription();
}

QString StrategyPicker::descriptionText() const
{
    return m_description->text();
}

void StrategyPicker::showDescription()
{
    m_description->setText(m_note.isEmpty() ? edgert::qt::strategyDescription(strategy()) : m_note);
}

void StrategyPicker::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitTitles();
}

void StrategyPicker::fitTitles()
{
    for (int i = 0; i < m_names.size(); ++i) {
        auto* b = static_cast<QPushButton*>(m_group->button(i));
        const QString title = edgert::qt::strategyTitle(m_names[i]);
        const int room = b->width() - 24;  // the segment's padding and border
        const qsizetype space = title.lastIndexOf(QLatin1Char(' '));
        const bool fits = QFontMetrics(b->font()).horizontalAdvance(title) <= room;
        QString shown = title;
        if (!fits && space > 0) shown[space] = QLatin1Char('\n');
        if (b->text() != shown) b->setText(shown);
    }
}

}  // namespace edgert::ui
