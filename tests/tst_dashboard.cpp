// The dashboard's widgets, driven like a person would: the budget slider re-plans and the plan
// view follows, the strategy buttons change the plan, Run streams the reference story into the
// text view, Stop cancels with the pool back at zero, fixture snapshots reach the charts (and a
// machine without sensors says so), tapping a group opens the inspector, and in kiosk mode every
// control is at least 48 px and every page fits 800x480.
#include "budget-slider.h"
#include "live-chart.h"
#include "main-window.h"
#include "monitor-page.h"
#include "plan-page.h"
#include "plan-view.h"
#include "run-page.h"
#include "stepper.h"
#include "strategy-picker.h"
#include "theme.h"
#include "timeline-view.h"

#include "test-support.h"

#include "edgert/monitor/cpu-info.h"
#include "edgert/synth.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTranslator>
#include <QCoreApplication>
#include <QChart>
#include <QScopeGuard>
#include <QScrollArea>
#include <QScrollBar>
#include <QValueAxis>

#include <qcoro/qcorotask.h>

#include <cmath>
#include <memory>

using namespace edgert;
using namespace edgert::ui;
using edgert::qt::EngineBridge;

namespace {

const QString kDefaultModel = test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
const QString kReferenceOpening = QStringLiteral("Once upon a time, there was a little girl named Lily.");
constexpr int kMinimumTouchPx = 48;
constexpr int kRunTimeoutMs = 60000;
// A plan, an auto choice or a monitor sample produced on a worker thread: QTRY_*'s 5 s default is
// too short under ASan on a loaded 2-core CI machine (the wait ends as soon as the condition holds).
constexpr int kWorkerTimeoutMs = 60000;
const QSize kKioskSize(800, 480);

/// A 22-layer Llama (the TinyLlama layer count) with a tiny width, written by the test: the
/// plan of a model with many layers, without a 600 MB file.
QString writeManyLayerModel(const QTemporaryDir& dir)
{
    SynthOptions options;
    options.shape.name = "tiny-22-layer";
    options.shape.dim = 64;
    options.shape.ffnDim = 128;
    options.shape.nLayers = 22;
    options.shape.nHeads = 4;
    options.shape.nKvHeads = 2;
    options.shape.contextLength = 256;
    options.type = TensorType::Q8_0;
    options.vocabPath = test::sharedModel(QStringLiteral("vocab/ggml-vocab-llama-spm.gguf")).toStdString();
    const QString path = dir.filePath(QStringLiteral("tiny-22-layer.gguf"));
    writeSynthetic(options, path.toStdString());
    return path;
}

/// Copies a fixture tree so a test may change files in it.
bool copyTree(const QString& from, const QString& to)
{
    QDir source(from);
    if (!QDir().mkpath(to)) return false;
    for (const QFileInfo& entry : source.entryInfoList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        const QString target = QDir(to).filePath(entry.fileName());
        if (entry.isDir()) {
            if (!copyTree(entry.filePath(), target)) return false;
        } else if (!QFile::copy(entry.filePath(), target)) {
            return false;
        }
    }
    return true;
}

/// Adds `ticks` busy user time to every cpu line of <root>/proc/stat (and idle time too).
bool advanceProcStat(const QString& root, int busyTicks, int idleTicks)
{
    QFile file(root + QStringLiteral("/proc/stat"));
    if (!file.open(QIODevice::ReadOnly)) return false;
    QStringList lines = QString::fromLatin1(file.readAll()).split(QLatin1Char('\n'));
    file.close();
    for (QString& line : lines) {
        if (!line.startsWith(QLatin1String("cpu"))) continue;
        QStringList cols = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        cols[1] = QString::number(cols[1].toLongLong() + busyTicks);
        cols[4] = QString::number(cols[4].toLongLong() + idleTicks);
        line = cols.join(QLatin1Char(' '));
    }
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    file.write(lines.join(QLatin1Char('\n')).toLatin1());
    return true;
}

}  // namespace

class TestDashboard : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> m_window;
    QTranslator m_english;

    /// A desktop-sized window on the default model; the monitor reads `root` and is stepped by hand.
    bool openWindow(bool kiosk = false, const QString& root = QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4"))
    {
        Theme::apply(*qApp, false, kiosk);
        DashboardOptions options;
        options.kiosk = kiosk;
        options.monitorRoot = root;
        options.startMonitor = false;
        m_window = std::make_unique<MainWindow>(options);
        m_window->resize(kiosk ? kKioskSize : QSize(1280, 720));
        m_window->show();
        if (!QTest::qWaitForWindowExposed(m_window.get())) return false;
        return QCoro::waitFor(m_window->bridge()->openModel(kDefaultModel));
    }

    EngineBridge* bridge() const { return m_window->bridge(); }

    /// Waits until the bridge has planned everything asked of it.
    bool settled() const
    {
        return QTest::qWaitFor([this] { return !bridge()->isPlanning(); }, kWorkerTimeoutMs);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // recent models go to a throw-away QSettings
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        // English plural forms ("1 group", "3 groups") come from the English catalogue.
        QVERIFY(m_english.load(QStringLiteral(":/i18n/edge-rt_en.qm")));
        QCoreApplication::installTranslator(&m_english);
        EDGERT_REQUIRE_FILE(kDefaultModel);
    }

    void cleanup() { m_window.reset(); }

    void budgetSliderReplansAndPlanViewShowsGroupCount()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Plan);
        PlanPage* page = m_window->planPage();
        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("greedy-grouping")), Qt::LeftButton);
        QVERIFY(settled());
        QSlider* slider = page->budgetSlider()->slider();
        QVERIFY(slider->isEnabled());

        // All the way down: nothing fits beside KV cache and scratch, so every unit streams alone.
        QTest::keyClick(slider, Qt::Key_Home);
        QVERIFY(settled());
        QCOMPARE(page->budgetSlider()->budget(), bridge()->budgetRange().minimumBytes);
        QTRY_COMPARE_WITH_TIMEOUT(page->planView()->groupCount(), 3, kWorkerTimeoutMs);
        QCOMPARE(page->planView()->plan().streamedGroupCount(), std::size_t{3});
        QVERIFY(page->summaryLabel()->text().contains(QStringLiteral("3 groups")));

        // All the way up: one pinned group holds everything.
        QTest::keyClick(slider, Qt::Key_End);
        QVERIFY(settled());
        QCOMPARE(page->budgetSlider()->budget(), bridge()->budgetRange().fullBytes);
        QTRY_COMPARE_WITH_TIMEOUT(page->planView()->groupCount(), 1, kWorkerTimeoutMs);
        QVERIFY(page->planView()->plan().allPinned());
        QVERIFY(page->summaryLabel()->text().contains(QStringLiteral("1 group")));

        // Every stop lies on the step grid or is an end, and the value shows MiB and percent.
        const auto* budget = page->budgetSlider();
        QVERIFY(budget->stopCount() >= 3);
        QTest::keyClick(slider, Qt::Key_Left);
        QVERIFY(settled());
        QCOMPARE(budget->budget() % budget->stepBytes(), quint64{0});
        QCOMPARE(bridge()->plan().budgetBytes, budget->budget());
        QVERIFY(budget->valueText().contains(QStringLiteral("MiB")));
    }

    void strategyButtonsChangeThePlan()
    {
        QVERIFY(openWindow());
        PlanPage* page = m_window->planPage();
        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("greedy-grouping")), Qt::LeftButton);
        QVERIFY(settled());
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_End);
        QVERIFY(settled());
        QTRY_COMPARE_WITH_TIMEOUT(page->planView()->groupCount(), 1, kWorkerTimeoutMs);

        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("sequential")), Qt::LeftButton);
        QVERIFY(settled());
        QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(page->planView()->plan().strategy),
                                  QStringLiteral("sequential"), kWorkerTimeoutMs);
        QCOMPARE(page->planView()->groupCount(), 3);  // one layer per group
        // The budget is kept across strategies, snapped to the nearest stop of the new range.
        QCOMPARE(page->planView()->plan().budgetBytes, page->budgetSlider()->budget());
        QCOMPARE(bridge()->budgetBytes(), page->budgetSlider()->budget());
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_End);
        QVERIFY(settled());
        QTRY_VERIFY_WITH_TIMEOUT(page->planView()->plan().allPinned(), kWorkerTimeoutMs);
        QCOMPARE(page->planView()->groupCount(), 3);

        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("speculative-prefetch")), Qt::LeftButton);
        QVERIFY(settled());
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_Home);
        QVERIFY(settled());
        QTRY_VERIFY_WITH_TIMEOUT(page->planView()->plan().prefetch, kWorkerTimeoutMs);
        QCOMPARE(page->budgetSlider()->minimumBytes(),
                 bridge()->budgetRange(QStringLiteral("speculative-prefetch")).minimumBytes);
        QVERIFY(page->summaryLabel()->text().contains(QStringLiteral("prefetch")));
    }

    // The Plan page offers Auto beside the three strategies: tapping it plans the cost model's
    // pick and says which it is, the pick is remembered for the next start (QSettings), and a run
    // reports on the Run page what Auto chose and how the weights were read.
    void autoButtonPlansThePickAndIsRemembered()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Plan);
        PlanPage* page = m_window->planPage();
        QPushButton* autoButton = page->strategyPicker()->button(QStringLiteral("auto"));
        QVERIFY(autoButton);
        QCOMPARE(autoButton->text(), QStringLiteral("Auto"));
        QTest::mouseClick(autoButton, Qt::LeftButton);
        QVERIFY(settled());
        QCOMPARE(bridge()->strategy(), QStringLiteral("auto"));
        QCOMPARE(PlanPage::rememberedStrategy(), QStringLiteral("auto"));
        QTRY_VERIFY_WITH_TIMEOUT(bridge()->autoChoice().valid(), kWorkerTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(page->strategyPicker()->descriptionText().contains(QStringLiteral("Auto chose")),
                                  qPrintable(page->strategyPicker()->descriptionText()), kWorkerTimeoutMs);
        QCOMPARE(page->planView()->plan().strategy, bridge()->autoChoice().strategy.toStdString());

        m_window->showPage(MainWindow::Page::Run);
        RunPage* run = m_window->runPage();
        QSignalSpy finished(bridge(), &EngineBridge::finished);
        run->maxTokensStepper()->setValue(8);
        QTest::mouseClick(run->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!bridge()->isRunning() && finished.count() == 1, kRunTimeoutMs);
        QVERIFY2(run->statusLabel()->text().contains(QStringLiteral("Auto chose")),
                 qPrintable(run->statusLabel()->text()));
        QVERIFY2(run->statusLabel()->text().contains(QStringLiteral("Weights read")),
                 qPrintable(run->statusLabel()->text()));

        // Another pick replaces the remembered one; an unknown stored value is ignored.
        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("sequential")), Qt::LeftButton);
        QVERIFY(settled());
        QCOMPARE(PlanPage::rememberedStrategy(), QStringLiteral("sequential"));
        QSettings().setValue(QStringLiteral("strategy"), QStringLiteral("fastest"));
        QCOMPARE(PlanPage::rememberedStrategy(), QString());
        QSettings().remove(QStringLiteral("strategy"));
    }

    void tappingAGroupShowsItsTensors()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Plan);
        PlanPage* page = m_window->planPage();
        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("sequential")), Qt::LeftButton);
        QVERIFY(settled());
        QTRY_COMPARE_WITH_TIMEOUT(page->planView()->groupCount(), 3, kWorkerTimeoutMs);
        QVERIFY(page->inspectorLabel()->text().contains(QStringLiteral("Tap a group")));
        const QRect layer1 = page->planView()->unitRect(1);
        QVERIFY(!layer1.isEmpty());
        QTest::mouseClick(page->planView(), Qt::LeftButton, {}, layer1.center());
        QCOMPARE(page->planView()->selectedGroup(), 1);
        QVERIFY(page->inspectorLabel()->text().contains(QStringLiteral("blk.1.attn_q.weight")));
        QVERIFY(page->inspectorLabel()->text().contains(QStringLiteral("Q8_0")));
    }

    void runStreamsTheReferenceStory()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Run);
        RunPage* page = m_window->runPage();
        QSignalSpy finished(bridge(), &EngineBridge::finished);
        page->maxTokensStepper()->setValue(24);
        QCOMPARE(page->temperatureStepper()->text(), QStringLiteral("greedy"));
        QVERIFY(page->promptEdit()->text().isEmpty());
        QTest::mouseClick(page->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!bridge()->isRunning() && finished.count() == 1, kRunTimeoutMs);
        const auto report = finished.at(0).at(0).value<edgert::qt::RunReport>();
        QCOMPARE(std::vector<int>(report.tokens.begin(), report.tokens.end()), test::goldenIdsTinyStories656K());
        QVERIFY2(page->textView()->toPlainText().startsWith(kReferenceOpening),
                 qPrintable(page->textView()->toPlainText()));
        QCOMPARE(page->generatedText(), report.text);
        QCOMPARE(page->figure(QStringLiteral("tokens")), QStringLiteral("24"));
        QVERIFY(page->figure(QStringLiteral("decode")) != QStringLiteral("–"));
        QVERIFY(page->figure(QStringLiteral("ttft")).endsWith(QStringLiteral("ms")));
        QVERIFY(page->timeline()->timingCount() > 0);
        QVERIFY(page->runButton()->isEnabled());
        QVERIFY(!page->stopButton()->isEnabled());
    }

    void stopCancelsAndThePoolReturnsToZero()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Run);
        RunPage* page = m_window->runPage();
        page->maxTokensStepper()->setValue(500);
        QSignalSpy finished(bridge(), &EngineBridge::finished);
        // Tap Stop as the fourth token appears. The tiny model is faster than any finger, but the
        // run never gets more than kMaxTokensAheadOfGui tokens ahead of what this thread has seen.
        bool wasRunning = false, planLocked = false;
        quint64 poolDuringRun = 0;
        connect(bridge(), &EngineBridge::tokenGenerated, this, [&](const QString&, int index) {
            if (index != 3) return;
            wasRunning = bridge()->isRunning();
            poolDuringRun = bridge()->poolUsedBytes();
            planLocked = !m_window->planPage()->budgetSlider()->slider()->isEnabled();
            QTest::mouseClick(page->stopButton(), Qt::LeftButton);
        });
        QTest::mouseClick(page->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!bridge()->isRunning() && finished.count() == 1, kRunTimeoutMs);
        QVERIFY(wasRunning);
        QVERIFY(poolDuringRun > 0);
        QVERIFY(planLocked);
        QCOMPARE(finished.count(), 1);
        const auto report = finished.at(0).at(0).value<edgert::qt::RunReport>();
        QVERIFY(report.cancelled());
        QVERIFY(report.tokens.size() < 500);
        QCOMPARE(report.poolEndBytes, quint64{0});
        QCOMPARE(bridge()->poolUsedBytes(), quint64{0});
        QVERIFY(page->statusLabel()->text().startsWith(QStringLiteral("Stopped")));
        QVERIFY(page->runButton()->isEnabled());
        QVERIFY(m_window->planPage()->budgetSlider()->slider()->isEnabled());
    }

    void thermalEventsAppearOnTheTimeline()
    {
        // A recorded Raspberry Pi at 83.2 °C: above the hard limit, so the policy pauses.
        QVERIFY(openWindow(false, QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4-throttled")));
        ThermalPolicyConfig fast;
        fast.hardPauseTimeoutMs = 40;  // the recording never cools down
        fast.pollIntervalMs = 10;
        fast.coolDownPauseMs = 5;
        bridge()->setThermalConfig(fast);
        m_window->showPage(MainWindow::Page::Run);
        RunPage* page = m_window->runPage();
        page->maxTokensStepper()->setValue(3);
        QSignalSpy finished(bridge(), &EngineBridge::finished);
        QTest::mouseClick(page->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
        QVERIFY(page->timeline()->thermalCount() >= 1);
        QVERIFY(page->timeline()->timingCount() > 0);
    }

    void fixtureSnapshotsReachTheCharts()
    {
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("rpi4"));
        QVERIFY(copyTree(QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4"), root));
        QVERIFY(openWindow(false, root));
        MonitorPage* page = m_window->monitorPage();
        QSignalSpy sampled(m_window->monitor(), &edgert::qt::MonitorBridge::sampled);

        m_window->monitor()->sampleNow();
        QTRY_COMPARE_WITH_TIMEOUT(sampled.count(), 1, kWorkerTimeoutMs);
        QCOMPARE(page->sampleCount(), 1);
        // Temperature: cpu_thermal at 54.53 °C, drawn with the policy's soft and hard limits.
        QCOMPARE(page->temperatureChart()->historySize(MonitorPage::Temperature), 1);
        QCOMPARE(page->temperatureChart()->visiblePointCount(MonitorPage::Temperature), 1);
        QVERIFY(!page->temperatureChart()->showsEmptyState());
        QCOMPARE(page->temperatureChart()->readout(), QStringLiteral("54.5 °C"));
        // Memory: used = MemTotal - MemAvailable; the fixture's edge-rt process has VmRSS 784 MiB.
        QCOMPARE(page->memoryChart()->historySize(MonitorPage::MemorySystem), 1);
        QCOMPARE(page->memoryChart()->series(MonitorPage::MemoryProcess)->at(0).y(), 784.0);
        QCOMPARE(page->memoryChart()->series(MonitorPage::MemoryBudget)->at(0).y(),
                 static_cast<double>(bridge()->budgetBytes()) / (1024.0 * 1024.0));
        // The big number says whose memory it is, and the process axis steps in round numbers
        // (0, 200, ... 1000 rather than 206, 412, 618, 824).
        QVERIFY(page->memoryChart()->readout().contains(QStringLiteral("this process")));
        for (QAbstractAxis* axis : page->memoryChart()->chart()->axes(Qt::Vertical)) {
            auto* values = qobject_cast<QValueAxis*>(axis);
            QVERIFY(values);
            const double step = values->tickInterval();
            const double magnitude = std::pow(10.0, std::floor(std::log10(step)));
            const double mantissa = step / magnitude;
            QVERIFY2(qFuzzyCompare(mantissa, 1.0) || qFuzzyCompare(mantissa, 2.0) || qFuzzyCompare(mantissa, 5.0),
                     qPrintable(QString::number(step)));
            QVERIFY(std::fmod(values->max(), step) < 1e-9);
            QVERIFY(values->max() >= 784.0 || values->max() <= 16.0);  // process MiB, or system GiB
        }
        // Frequency: four cores at 1500 MHz.
        QCOMPARE(page->frequencyChart()->readout(), QStringLiteral("1,500 MHz"));
        // CPU load needs a second reading.
        QVERIFY(page->cpuChart()->showsEmptyState());

        QVERIFY(advanceProcStat(root, 30, 70));
        m_window->monitor()->sampleNow();
        QTRY_COMPARE_WITH_TIMEOUT(sampled.count(), 2, kWorkerTimeoutMs);
        QVERIFY(!page->cpuChart()->showsEmptyState());
        QCOMPARE(page->cpuChart()->historySize(MonitorPage::CpuTotal), 1);
        QCOMPARE(page->cpuChart()->readout(), QStringLiteral("30 %"));
        QCOMPARE(page->temperatureChart()->visiblePointCount(MonitorPage::Temperature), 2);
        QVERIFY(page->summary().contains(QStringLiteral("30 %")));

        // History survives page switches and a theme switch.
        m_window->showPage(MainWindow::Page::Run);
        m_window->setDark(true);
        m_window->showPage(MainWindow::Page::Monitor);
        QCOMPARE(page->temperatureChart()->historySize(MonitorPage::Temperature), 2);
        m_window->setDark(false);
    }

    void machineWithoutSensorsSaysSo()
    {
        QVERIFY(openWindow(false, QStringLiteral(EDGERT_FIXTURES_DIR "/x86-host")));
        QSignalSpy sampled(m_window->monitor(), &edgert::qt::MonitorBridge::sampled);
        m_window->monitor()->sampleNow();
        QTRY_COMPARE_WITH_TIMEOUT(sampled.count(), 1, kWorkerTimeoutMs);
        MonitorPage* page = m_window->monitorPage();
        QCOMPARE(page->temperatureChart()->emptyHeadline(), QStringLiteral("No temperature sensor on this machine"));
        QCOMPARE(page->frequencyChart()->emptyHeadline(), QStringLiteral("No CPU frequency scaling on this machine"));
        QVERIFY(!page->memoryChart()->showsEmptyState());
    }

    void kioskControlsAreTouchSizedAndPagesFit()
    {
        QVERIFY(openWindow(true));
        for (const QString& name : MainWindow::pageNames()) {
            QVERIFY(m_window->showPage(name));
            QVERIFY2(m_window->minimumSizeHint().height() <= kKioskSize.height(),
                     qPrintable(QStringLiteral("%1 needs %2 px").arg(name).arg(m_window->minimumSizeHint().height())));
            QVERIFY(m_window->minimumSizeHint().width() <= kKioskSize.width());
            QCOMPARE(m_window->size(), kKioskSize);
            QApplication::processEvents();
            QList<QWidget*> controls;
            for (auto* w : m_window->findChildren<QAbstractButton*>()) controls << w;
            for (auto* w : m_window->findChildren<QSlider*>()) controls << w;
            for (auto* w : m_window->findChildren<QComboBox*>()) controls << w;
            for (auto* w : m_window->findChildren<QLineEdit*>()) controls << w;
            int checked = 0;
            for (QWidget* w : controls) {
                if (!w->isVisible()) continue;                              // on another page
                if (qobject_cast<QLineEdit*>(w->parentWidget())) continue;  // the clear button inside the field
                ++checked;
                QVERIFY2(w->height() >= kMinimumTouchPx && w->width() >= kMinimumTouchPx,
                         qPrintable(QStringLiteral("%1 \"%2\" on page %3 is %4x%5 px")
                                        .arg(QString::fromLatin1(w->metaObject()->className()),
                                             w->property("text").toString(), name)
                                        .arg(w->width())
                                        .arg(w->height())));
            }
            QVERIFY(checked >= 4);
        }
    }

    void kioskPagesRenderExactly800x480_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("root");
        QTest::addColumn<bool>("demo");
        const std::pair<const char*, QString> roots[] = {{"this_machine", QStringLiteral("/")},
                                                         {"recorded_pi", QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4")}};
        for (const char* language : {"en", "de"})
            for (const auto& [rootName, root] : roots)
                for (bool demo : {false, true})
                    QTest::addRow("%s_%s_%s", language, rootName, demo ? "demo" : "idle")
                        << QString::fromLatin1(language) << root << demo;
    }
    void kioskPagesRenderExactly800x480()
    {
        // The 7" display is 800x480: a window that grows past it is cut off, so text has to
        // elide or wrap instead: every page, in every language, on every machine, before and
        // after a run.
        QFETCH(QString, language);
        QFETCH(QString, root);
        QFETCH(bool, demo);
        QTranslator german;
        if (language == QLatin1String("de")) {
            QVERIFY(german.load(QStringLiteral(":/i18n/edge-rt_de.qm")));
            QCoreApplication::installTranslator(&german);
            QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        }
        const auto restore = qScopeGuard([&] {
            QCoreApplication::removeTranslator(&german);
            QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        });
        QVERIFY(openWindow(true, root));
        // Two readings: CPU load (or the reason it has none) and every other chart filled in.
        m_window->monitor()->sampleNow();
        m_window->monitor()->sampleNow();
        QApplication::processEvents();
        if (demo) {
            // What --demo does: speculative prefetch at its smallest budget, a story, a group selected.
            bridge()->setStrategy(QStringLiteral("speculative-prefetch"));
            bridge()->setBudgetBytes(1);
            QVERIFY(settled());
            m_window->runPage()->promptEdit()->setText(QStringLiteral("Once upon a time"));
            m_window->runPage()->maxTokensStepper()->setValue(8);
            const auto report = QCoro::waitFor(bridge()->run(m_window->runPage()->request()));
            QVERIFY(report.has_value());
            m_window->planPage()->planView()->selectGroup(0);
        }
        for (const QString& page : MainWindow::pageNames()) {
            QVERIFY(m_window->showPage(page));
            QApplication::processEvents();
            const QSize hint = m_window->minimumSizeHint();
            QVERIFY2(hint.width() <= kKioskSize.width() && hint.height() <= kKioskSize.height(),
                     qPrintable(QStringLiteral("%1 needs %2x%3").arg(page).arg(hint.width()).arg(hint.height())));
            QVERIFY2(
                m_window->size() == kKioskSize && m_window->grab().size() == kKioskSize,
                qPrintable(QStringLiteral("%1 is %2x%3").arg(page).arg(m_window->width()).arg(m_window->height())));
        }
        // The charts' tick labels stay whole ("1000", not "…") on the narrow kiosk cards.
        MonitorPage* monitorPage = m_window->monitorPage();
        for (LiveChart* chart : {monitorPage->cpuChart(), monitorPage->memoryChart(), monitorPage->temperatureChart(),
                                 monitorPage->frequencyChart()})
            QVERIFY(!chart->axisLabelsTruncated());
        // What the engine runs on: the kernel table and the recorded CPU.
        const QString system = monitorPage->systemInfoText();
        QVERIFY2(system.contains(QString::fromLatin1(edgert::activeKernelTableName().data(),
                                                     static_cast<qsizetype>(edgert::activeKernelTableName().size()))),
                 qPrintable(system));
        if (root.endsWith(QLatin1String("rpi4")))
            QVERIFY2(system.contains(QStringLiteral("Cortex-A72")), qPrintable(system));
    }

    void manyLayersShowEveryGroupAndOneBudget()
    {
        // A 22-layer model in sequential mode: 23 groups (the LM head too), none of them hidden.
        QTemporaryDir dir;
        const QString model = writeManyLayerModel(dir);
        Theme::apply(*qApp, false, true);
        DashboardOptions options;
        options.kiosk = true;
        options.monitorRoot = QStringLiteral(EDGERT_FIXTURES_DIR "/rpi4");
        options.startMonitor = false;
        m_window = std::make_unique<MainWindow>(options);
        m_window->resize(kKioskSize);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(QCoro::waitFor(bridge()->openModel(model)));
        m_window->showPage(MainWindow::Page::Plan);
        PlanPage* page = m_window->planPage();
        bridge()->setStrategy(QStringLiteral("sequential"));
        QVERIFY(settled());
        QTRY_COMPARE_WITH_TIMEOUT(page->planView()->groupCount(), 23, kWorkerTimeoutMs);
        QApplication::processEvents();
        PlanView* view = page->planView();
        QCOMPARE(m_window->size(), kKioskSize);
        // Every block is laid out inside the view, and the scroll area reaches the last one.
        QFont small = view->font();
        small.setPixelSize(Theme::sizes().fontSmall);
        const QFontMetrics fm(small);
        for (int u = 0; u < 23; ++u) {
            const QRect r = view->unitRect(u);
            QVERIFY2(!r.isEmpty() && view->rect().contains(r), qPrintable(QString::number(u)));
            // Tall enough to touch, wide enough for its size ("3.59 …" was cut).
            QVERIFY(r.height() >= Theme::sizes().control);
            const auto bytes = view->plan().units[static_cast<std::size_t>(u)].weightBytes;
            QVERIFY2(r.width() >= fm.horizontalAdvance(edgert::qt::formatBytes(bytes)),
                     qPrintable(QStringLiteral("unit %1 is %2 px").arg(u).arg(r.width())));
        }
        QScrollArea* scroll = page->planScroll();
        QVERIFY(view->height() > scroll->viewport()->height());  // more rows than the card: it scrolls
        scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
        QApplication::processEvents();
        const QRect head = view->unitRect(22);
        const QPoint headInViewport = view->mapTo(scroll->viewport(), head.bottomRight());
        QVERIFY(scroll->viewport()->rect().contains(headInViewport));

        // One budget figure: a budget between two slider stops is shown as it is planned.
        const auto range = bridge()->budgetRange();
        const quint64 asked = (range.minimumBytes + range.fullBytes) / 2 + 12345;
        bridge()->setBudgetBytes(asked);
        QVERIFY(settled());
        QTRY_COMPARE_WITH_TIMEOUT(view->plan().budgetBytes, asked, kWorkerTimeoutMs);
        QCOMPARE(page->budgetSlider()->budget(), asked);
        QCOMPARE(page->budgetSlider()->valueText(), edgert::qt::formatBytes(asked));
        QVERIFY(page->summaryLabel()->text().contains(edgert::qt::formatBytes(asked)));
    }

    void groupColoursAreDistinctForAnyCount()
    {
        // 25 groups used to give the LM head G0's colour (the palette had 8). 50 groups: a 48-layer
        // GPT-2 XL streamed layer by layer.
        for (bool dark : {false, true}) {
            const ThemeColors c = dark ? Theme::darkColors() : Theme::lightColors();
            constexpr int kGroups = 50;
            constexpr int kMinimumDistance = 24;  // in RGB units, summed over channels
            for (int a = 0; a < kGroups; ++a)
                for (int b = a + 1; b < kGroups; ++b) {
                    const QColor x = c.group(a), y = c.group(b);
                    const int distance =
                        std::abs(x.red() - y.red()) + std::abs(x.green() - y.green()) + std::abs(x.blue() - y.blue());
                    QVERIFY2(distance >= kMinimumDistance,
                             qPrintable(QStringLiteral("G%1 %2 and G%3 %4").arg(a).arg(x.name()).arg(b).arg(y.name())));
                }
            // Neighbours (the groups a reader compares) are far apart in hue.
            for (int g = 0; g + 1 < kGroups; ++g) {
                const int d = std::abs(c.group(g).hslHue() - c.group(g + 1).hslHue());
                QVERIFY(std::min(d, 360 - d) >= 90);
            }
        }
    }

    void strategySwitchKeepsTheUsersBudget()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Plan);
        PlanPage* page = m_window->planPage();
        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("greedy-grouping")), Qt::LeftButton);
        QVERIFY(settled());
        // The greedy minimum is below what prefetch (two streaming slots) can plan.
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_Home);
        QVERIFY(settled());
        const quint64 chosen = page->budgetSlider()->budget();
        const quint64 prefetchMinimum = bridge()->budgetRange(QStringLiteral("speculative-prefetch")).minimumBytes;
        QVERIFY(chosen < prefetchMinimum);
        QVERIFY(page->budgetNote()->isHidden());

        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("speculative-prefetch")), Qt::LeftButton);
        QVERIFY(settled());
        QCOMPARE(bridge()->budgetBytes(), prefetchMinimum);
        QVERIFY(page->budgetNote()->isVisible());  // raised, and it says so
        QVERIFY(page->budgetNote()->text().contains(edgert::qt::formatBytes(chosen)));
        QVERIFY(page->budgetNote()->text().contains(edgert::qt::formatBytes(prefetchMinimum)));

        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("greedy-grouping")), Qt::LeftButton);
        QVERIFY(settled());
        QCOMPARE(bridge()->budgetBytes(), chosen);  // restored
        QCOMPARE(page->budgetSlider()->budget(), chosen);
        QVERIFY(page->budgetNote()->isHidden());

        // A budget every strategy can plan stays exactly as chosen, across every switch.
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_End);
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_Left);
        QVERIFY(settled());
        const quint64 middle = page->budgetSlider()->budget();
        QVERIFY(middle >= prefetchMinimum);
        for (const char* name : {"sequential", "speculative-prefetch", "greedy-grouping"}) {
            QTest::mouseClick(page->strategyPicker()->button(QString::fromLatin1(name)), Qt::LeftButton);
            QVERIFY(settled());
            QCOMPARE(bridge()->budgetBytes(), middle);
            QTRY_COMPARE_WITH_TIMEOUT(page->planView()->plan().budgetBytes, middle, kWorkerTimeoutMs);
            QVERIFY(page->budgetNote()->isHidden());
        }
        // The minimum is given with the context it is for.
        QVERIFY2(page->budgetSlider()->findChildren<QLabel*>().size() > 0, "labels");
        bool contextShown = false;
        for (QLabel* label : page->budgetSlider()->findChildren<QLabel*>())
            contextShown |= label->text().contains(QStringLiteral("for 512 tokens of context"));
        QVERIFY(contextShown);
    }

    void syntheticModelWarnsOnTheRunPage()
    {
        QVERIFY(openWindow());
        QVERIFY(m_window->runPage()->syntheticWarning()->isHidden());
        QTemporaryDir dir;
        QVERIFY(QCoro::waitFor(bridge()->openModel(writeManyLayerModel(dir))));
        m_window->showPage(MainWindow::Page::Run);
        QVERIFY(m_window->runPage()->syntheticWarning()->isVisible());
        QVERIFY(m_window->runPage()->syntheticWarning()->text().contains(QStringLiteral("random weights")));
        // Its token embedding is not in any group: the Plan page says where those weights are.
        QVERIFY2(m_window->planPage()->inspectorLabel()->text().contains(QStringLiteral("token embedding")),
                 qPrintable(m_window->planPage()->inspectorLabel()->text()));
        QVERIFY(QCoro::waitFor(bridge()->openModel(kDefaultModel)));
        QVERIFY(m_window->runPage()->syntheticWarning()->isHidden());
    }

    void germanTranslationIsCompleteAndLoads()
    {
        QFile ts(QStringLiteral(EDGERT_TRANSLATIONS_DIR "/edge-rt_de.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QByteArray text = ts.readAll();
        QVERIFY(text.contains("<message"));
        QCOMPARE(text.count("type=\"unfinished\""), 0);
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral(":/i18n/edge-rt_de.qm")));
        QCOMPARE(translator.translate("edgert::ui::MainWindow", "Monitor"), QStringLiteral("Monitor"));
        QCOMPARE(translator.translate("edgert::ui::RunPage", "Stop"), QStringLiteral("Stopp"));
        QVERIFY(!translator.translate("edgert::ui::MonitorPage", "No temperature sensor on this machine").isEmpty());
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
