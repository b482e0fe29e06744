#include "strategy-picker.h"

#include "theme.h"

#include "edgert-qt/bridge-types.h"

#include "edgert/partition-planner.h"

#include <QButtonGroup>
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
    for (const auto& name : strategyNames()) {
        const QString qname = QString::fromStdString(name);
        m_names << qname;
        auto* button = new QPushButton(edgert::qt::strategyTitle(qname));
        button->setObjectName(QStringLiteral("segment"));
        button->setCheckable(true);
        button->setProperty("strategy", qname);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        m_group->addButton(button, id++);
        row->addWidget(button, 1);
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

void StrategyPicker::showDescription()
{
    m_description->setText(edgert::qt::strategyDescription(strategy()));
}

}  // namespace edgert::ui
