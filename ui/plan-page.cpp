#include "plan-page.h"

#include "budget-slider.h"
#include "plan-view.h"
#include "strategy-picker.h"
#include "theme.h"

#include "edgert-qt/model-locator.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QScroller>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>

namespace edgert::ui {

using edgert::qt::EngineBridge;
using edgert::qt::formatBytes;
using edgert::qt::ModelInfo;

namespace {
constexpr int kRecentModels = 6;
const auto kRecentKey = QStringLiteral("recentModels");
const auto kStrategyKey = QStringLiteral("strategy");
}  // namespace

QString PlanPage::rememberedStrategy()
{
    const QString name = QSettings().value(kStrategyKey).toString();
    if (name == QLatin1String("auto")) return name;
    for (const auto& known : strategyNames())
        if (name == QString::fromStdString(known)) return name;
    return {};  // a stale or edited value is ignored
}

QStringList PlanPage::recentModels()
{
    QStringList out;
    for (const QString& path : QSettings().value(kRecentKey).toStringList())
        if (QFileInfo(path).exists() && !out.contains(path)) out << path;  // files and HF directories
    return out;
}

void PlanPage::rememberModel(const QString& path)
{
    QStringList list = recentModels();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kRecentModels) list.removeLast();
    QSettings().setValue(kRecentKey, list);
}

PlanPage::PlanPage(EngineBridge* bridge, QWidget* parent) : QWidget(parent), m_bridge(bridge)
{
    setObjectName(QStringLiteral("page"));
    const ThemeSizes& s = Theme::sizes();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(s.margin, s.margin, s.margin, s.margin);
    layout->setSpacing(s.spacing);

    // Model
    auto* modelRow = new QHBoxLayout;
    modelRow->setSpacing(s.spacing);
    auto* modelLabel = new QLabel(tr("Model"));
    modelLabel->setProperty("role", "heading");
    m_models = new QComboBox;
    m_models->setAccessibleName(tr("Model"));
    m_models->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_models->setMinimumContentsLength(12);
    m_open = new QPushButton(tr("Open…"));
    m_open->setAccessibleName(tr("Open a model: a GGUF or SafeTensors file, or a HF model folder"));
    modelRow->addWidget(modelLabel);
    modelRow->addWidget(m_models, 1);
    modelRow->addWidget(m_open);
    layout->addLayout(modelRow);

    m_strategy = new StrategyPicker;
    layout->addWidget(m_strategy);
    m_budget = new BudgetSlider;
    layout->addWidget(m_budget);

    m_budgetNote = new QLabel;
    m_budgetNote->setProperty("role", "chip");
    m_budgetNote->setProperty("state", "warning");
    m_budgetNote->setWordWrap(true);
    m_budgetNote->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    m_budgetNote->hide();
    layout->addWidget(m_budgetNote);

    m_lockNote = new QLabel(tr("A generation is running: the plan is fixed until it ends."));
    m_lockNote->setProperty("role", "chip");
    m_lockNote->setWordWrap(true);
    m_lockNote->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    m_lockNote->setProperty("state", "running");
    m_lockNote->hide();
    layout->addWidget(m_lockNote);

    // Plan view and the group inspector side by side
    auto* planRow = new QHBoxLayout;
    planRow->setSpacing(s.spacing);
    auto* planCard = new QFrame;
    planCard->setObjectName(QStringLiteral("card"));
    auto* planLayout = new QVBoxLayout(planCard);
    planLayout->setContentsMargins(10, 8, 10, 6);
    planLayout->setSpacing(4);
    m_planView = new PlanView;
    // Many layers need more rows than the card has: the view then scrolls (by finger too).
    m_planScroll = new QScrollArea;
    m_planScroll->setWidgetResizable(true);
    m_planScroll->setFrameShape(QFrame::NoFrame);
    m_planScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_planScroll->setStyleSheet(
        QStringLiteral("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"));
    m_planScroll->setWidget(m_planView);
    QScroller::grabGesture(m_planScroll->viewport(), QScroller::LeftMouseButtonGesture);
    planLayout->addWidget(m_planScroll, 1);
    m_summary = new QLabel;
    m_summary->setProperty("role", "muted");
    m_summary->setWordWrap(true);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps, never widens the window
    m_summary->setTextFormat(Qt::RichText);
    planLayout->addWidget(m_summary);
    planRow->addWidget(planCard, 3);

    auto* inspectorCard = new QFrame;
    inspectorCard->setObjectName(QStringLiteral("card"));
    auto* inspectorLayout = new QVBoxLayout(inspectorCard);
    inspectorLayout->setContentsMargins(2, 2, 2, 2);
    m_inspectorScroll = new QScrollArea;
    m_inspectorScroll->setWidgetResizable(true);
    m_inspectorScroll->setFrameShape(QFrame::NoFrame);
    m_inspectorScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_inspectorScroll->setStyleSheet(
        QStringLiteral("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"));
    m_inspector = new QLabel;
    m_inspector->setWordWrap(true);
    m_inspector->setTextFormat(Qt::RichText);
    m_inspector->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_inspector->setContentsMargins(8, 6, 8, 6);
    m_inspectorScroll->setWidget(m_inspector);
    QScroller::grabGesture(m_inspectorScroll->viewport(), QScroller::LeftMouseButtonGesture);
    inspectorLayout->addWidget(m_inspectorScroll);
    planRow->addWidget(inspectorCard, 2);
    layout->addLayout(planRow, 1);
    showGroup(-1);

    // Wiring: user -> bridge
    connect(m_strategy, &StrategyPicker::strategyPicked, this, [this](const QString& name) {
        QSettings().setValue(kStrategyKey, name);  // the next start begins with it
        m_bridge->setStrategy(name);
    });
    connect(m_budget, &BudgetSlider::budgetChanged, this, [this](quint64 bytes) {
        m_userBudget = bytes;
        m_budgetNote->hide();
        m_bridge->setBudgetBytes(bytes);
    });
    connect(m_open, &QPushButton::clicked, this, &PlanPage::chooseModelFile);
    connect(m_models, &QComboBox::activated, this, [this](int index) {
        const QString path = m_models->itemData(index).toString();
        if (!path.isEmpty() && path != m_bridge->model().path) m_bridge->openModel(path);
    });
    connect(m_planView, &PlanView::groupSelected, this, &PlanPage::showGroup);

    // bridge -> view
    connect(m_bridge, &EngineBridge::modelChanged, this, &PlanPage::showModel);
    connect(m_bridge, &EngineBridge::strategyChanged, this, [this](const QString& name) {
        m_strategy->setNote({});  // until the new plan says what auto chose
        m_strategy->setStrategy(name);
        applyUserBudget();
    });
    connect(m_bridge, &EngineBridge::budgetChanged, this, [this](quint64 bytes) {
        // A budget from outside the slider (a configuration, --budget) is the user's choice too.
        if (!m_applyingBudget) {
            m_userBudget = bytes;
            m_budgetNote->hide();
        }
        if (m_budget->budget() != bytes) m_budget->setBudget(bytes);
    });
    connect(m_bridge, &EngineBridge::planChanged, this, &PlanPage::showPlan);

    m_strategy->setStrategy(m_bridge->strategy());
    reloadModelList(m_bridge->model().path);
    if (m_bridge->hasModel()) showModel(m_bridge->model());
    if (!m_bridge->plan().groups.empty()) showPlan(m_bridge->plan());
    applyTheme();
}

void PlanPage::applyTheme()
{
    m_open->setIcon(Theme::icon(QStringLiteral("open"), Theme::colors().text));
    m_budget->applyTheme();
    if (m_planView->hasPlan()) showPlan(m_planView->plan());
    m_planView->update();
}

void PlanPage::setLocked(bool locked)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_models, m_open, m_strategy, m_budget}) w->setEnabled(!locked);
    if (!locked && !m_bridge->budgetRange().valid()) m_budget->setEnabled(false);
    m_lockNote->setVisible(locked);
}

void PlanPage::syncBudget()
{
    const auto range = m_bridge->budgetRange();
    m_budget->setRange(range.minimumBytes, range.fullBytes);
    m_budget->setBudget(m_bridge->budgetBytes());
}

void PlanPage::applyUserBudget()
{
    const auto range = m_bridge->budgetRange();
    if (!range.valid() || m_userBudget == 0) {
        syncBudget();
        return;
    }
    const quint64 planned = std::clamp(m_userBudget, range.minimumBytes, range.fullBytes);
    {
        // The bridge clamps too; either way this is not a new choice of the user's.
        const QScopedValueRollback guard(m_applyingBudget, true);
        m_budget->setRange(range.minimumBytes, range.fullBytes);
        m_bridge->setBudgetBytes(planned);
        m_budget->setBudget(planned);
    }
    const QString strategy = edgert::qt::strategyTitle(m_bridge->strategy());
    if (planned > m_userBudget)
        m_budgetNote->setText(
            tr("%1 needs at least %2: planned with %2 instead of your %3 (switching back restores it).")
                .arg(strategy, formatBytes(planned), formatBytes(m_userBudget)));
    else if (planned < m_userBudget)
        m_budgetNote->setText(tr("%1 keeps every weight resident from %2: planned with %2 instead of your %3.")
                                  .arg(strategy, formatBytes(planned), formatBytes(m_userBudget)));
    m_budgetNote->setVisible(planned != m_userBudget);
}

void PlanPage::reloadModelList(const QString& current)
{
    const QSignalBlocker block(m_models);
    m_models->clear();
    QStringList paths = recentModels();
    if (!current.isEmpty() && !paths.contains(current)) paths.prepend(current);
    for (const QString& path : paths) {
        const QString name = path == m_bridge->model().path ? m_bridge->model().displayName : QString();
        const QString file = edgert::qt::modelDisplayName(path);
        m_models->addItem(name.isEmpty() || name == file ? file : tr("%1 (%2)").arg(name, file), path);
        m_models->setItemData(m_models->count() - 1, path, Qt::ToolTipRole);
    }
    // Recent models are offered, but none is shown as open until one is.
    m_models->setPlaceholderText(tr("No model open"));
    m_models->setCurrentIndex(current.isEmpty() ? -1 : static_cast<int>(paths.indexOf(current)));
}

void PlanPage::chooseModelFile()
{
    // Start where the user was last: the open model's folder, else the last model opened, else
    // the models folder beside the checkout.
    QString start = m_bridge->hasModel() ? m_bridge->model().path : QString();
    if (start.isEmpty() && !recentModels().isEmpty()) start = recentModels().constFirst();
    start = start.isEmpty() ? edgert::qt::defaultModelsFolder() : QFileInfo(QDir::cleanPath(start)).absolutePath();
    QFileDialog dialog(this, tr("Open a model"), start);
    dialog.setNameFilters({tr("Models: GGUF, SafeTensors, HF folders (*.gguf *.safetensors *.safetensors.index.json "
                              "config.json)"),
                           tr("GGUF files (*.gguf)"), tr("SafeTensors files (*.safetensors *.safetensors.index.json)"),
                           tr("HF model folders: their config.json (config.json)"), tr("All files (*)")});
    dialog.setFileMode(QFileDialog::ExistingFile);
    dialog.setLabelText(QFileDialog::Accept, tr("Open"));
    if (Theme::isKiosk()) {
        // The platform dialog is unusable on a touchscreen without a window manager.
        dialog.setOption(QFileDialog::DontUseNativeDialog);
        dialog.setWindowState(Qt::WindowFullScreen);
    }
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    m_bridge->openModel(edgert::qt::modelPathForSelection(dialog.selectedFiles().constFirst()));
}

void PlanPage::showModel(const ModelInfo& model)
{
    rememberModel(model.path);
    reloadModelList(model.path);
    m_budget->setContextTokens(static_cast<int>(model.shape.nCtx));
    m_budgetNote->hide();
    syncBudget();
    m_userBudget = m_bridge->budgetBytes();
    m_strategy->setStrategy(m_bridge->strategy());
    m_planView->clearPlan();
    m_planView->setEmptyText(tr("Planning…"));
}

void PlanPage::showPlan(const PartitionPlan& plan)
{
    m_planView->setPlan(plan);
    const std::size_t streamed = plan.streamedGroupCount();
    const std::size_t pinned = plan.groups.size() - streamed;
    QString text = QStringLiteral("<b>%1</b>").arg(tr("%n group(s)", nullptr, static_cast<int>(plan.groups.size())));
    text += QStringLiteral(": ") + tr("%1 pinned, %2 streamed").arg(pinned).arg(streamed);
    if (plan.streamedBytesPerPass > 0)
        text += QStringLiteral(" · ") + tr("%1 read per token").arg(formatBytes(plan.streamedBytesPerPass));
    else
        text += QStringLiteral(" · ") + tr("no disk reads while generating");
    if (plan.prefetch && streamed > 0) text += QStringLiteral(" · ") + tr("prefetch");
    text += QStringLiteral(" · ") +
            tr("peak %1 of %2").arg(formatBytes(plan.plannedPeakBytes()), formatBytes(plan.budgetBytes));
    m_summary->setText(text);
    // With "auto": which strategy this plan is and why (the engine's figures, translated), in
    // place of auto's explanation under the strategy buttons.
    const auto& choice = m_bridge->autoChoice();
    m_strategy->setNote(m_bridge->strategy() == QLatin1String("auto") && choice.valid()
                            ? edgert::qt::autoChoiceText(choice) + QLatin1Char('.')
                            : QString());
    if (m_planView->selectedGroup() < 0) showGroup(-1);
}

void PlanPage::showGroup(int g)
{
    const PartitionPlan& plan = m_planView->plan();
    const QString muted = Theme::colors().muted.name();
    if (g < 0 || g >= static_cast<int>(plan.groups.size())) {
        QString html;
        if (m_bridge->hasModel()) {
            const ModelInfo& m = m_bridge->model();
            // The groups hold less than the model's weights: the token embedding is read one row
            // per token straight from the file and is never pinned, so say where the rest is.
            quint64 inUnits = 0;
            for (const PlanUnit& unit : m_bridge->planInput().units) inUnits += unit.weightBytes;
            const QString weights =
                m.weightBytes > inUnits
                    ? tr("%1 of weights: %2 in layer groups, %3 token embedding (read a row per token from the "
                         "file, never pinned)")
                          .arg(formatBytes(m.weightBytes), formatBytes(inUnits), formatBytes(m.weightBytes - inUnits))
                    : tr("%1 of weights, all in layer groups").arg(formatBytes(m.weightBytes));
            html +=
                QStringLiteral("<p><b>%1</b><br>%2<br>%3<br>%4</p>")
                    .arg(m.displayName.toHtmlEscaped(),
                         tr("%1, %n layer(s), dimension %2", nullptr, m.nLayers).arg(m.architecture).arg(m.dim),
                         weights, tr("KV cache for %n token(s) of context", nullptr, static_cast<int>(m.shape.nCtx)));
        }
        if (!plan.groups.empty())
            html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                        .arg(muted, tr("Tap a group to see its layers and tensors."));
        m_inspector->setText(html);
        return;
    }
    const LayerGroup& group = plan.groups[static_cast<std::size_t>(g)];
    QString html = QStringLiteral("<p><b><span style=\"color:%1\">&#9632;</span> %2</b> · %3<br>%4</p>")
                       .arg(Theme::colors().group(g).name(), tr("Group %1").arg(g), formatBytes(group.footprintBytes),
                            group.pinned ? tr("Pinned: read once, stays in memory.")
                                         : tr("Streamed: read from disk for every token."));
    for (std::uint32_t u = group.firstUnit; u <= group.lastUnit && u < plan.units.size(); ++u) {
        const PlanUnit& unit = plan.units[u];
        html +=
            QStringLiteral("<p><b>%1</b> · %2")
                .arg(unit.layer >= 0 ? tr("Layer %1").arg(unit.layer) : tr("LM head"), formatBytes(unit.weightBytes));
        for (const auto& name : unit.tensorNames) {
            const QString qname = QString::fromStdString(name);
            const auto info = m_bridge->tensorSummary(qname);
            html += QStringLiteral("<br>%1").arg(qname.toHtmlEscaped());
            if (info)
                html += QStringLiteral("<br>&nbsp;&nbsp;<span style=\"color:%1\">%2 %3 · %4</span>")
                            .arg(muted, info->type, info->shape, formatBytes(info->bytes));
        }
        html += QStringLiteral("</p>");
    }
    m_inspector->setText(html);
}

}  // namespace edgert::ui
