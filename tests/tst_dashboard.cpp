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
#include <QSignalSpy>
#include <QSlider>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTranslator>
#include <QCoreApplication>

#include <qcoro/qcorotask.h>

#include <memory>

using namespace edgert;
using namespace edgert::ui;
using edgert::qt::EngineBridge;

namespace {

const QString kDefaultModel = test::sharedModel(QStringLiteral("tinystories-656k-q8_0.gguf"));
const QString kReferenceOpening = QStringLiteral("Once upon a time, there was a little girl named Lily.");
constexpr int kMinimumTouchPx = 48;
constexpr int kRunTimeoutMs = 60000;
const QSize kKioskSize(800, 480);

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
        return QTest::qWaitFor([this] { return !bridge()->isPlanning(); }, 10000);
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
        QTRY_COMPARE(page->planView()->groupCount(), 3);
        QCOMPARE(page->planView()->plan().streamedGroupCount(), std::size_t{3});
        QVERIFY(page->summaryLabel()->text().contains(QStringLiteral("3 groups")));

        // All the way up: one pinned group holds everything.
        QTest::keyClick(slider, Qt::Key_End);
        QVERIFY(settled());
        QCOMPARE(page->budgetSlider()->budget(), bridge()->budgetRange().fullBytes);
        QTRY_COMPARE(page->planView()->groupCount(), 1);
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
        QTRY_COMPARE(page->planView()->groupCount(), 1);

        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("sequential")), Qt::LeftButton);
        QVERIFY(settled());
        QTRY_COMPARE(QString::fromStdString(page->planView()->plan().strategy), QStringLiteral("sequential"));
        QCOMPARE(page->planView()->groupCount(), 3);  // one layer per group
        // The budget is kept across strategies, snapped to the nearest stop of the new range.
        QCOMPARE(page->planView()->plan().budgetBytes, page->budgetSlider()->budget());
        QCOMPARE(bridge()->budgetBytes(), page->budgetSlider()->budget());
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_End);
        QVERIFY(settled());
        QTRY_VERIFY(page->planView()->plan().allPinned());
        QCOMPARE(page->planView()->groupCount(), 3);

        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("speculative-prefetch")), Qt::LeftButton);
        QVERIFY(settled());
        QTest::keyClick(page->budgetSlider()->slider(), Qt::Key_Home);
        QVERIFY(settled());
        QTRY_VERIFY(page->planView()->plan().prefetch);
        QCOMPARE(page->budgetSlider()->minimumBytes(),
                 bridge()->budgetRange(QStringLiteral("speculative-prefetch")).minimumBytes);
        QVERIFY(page->summaryLabel()->text().contains(QStringLiteral("prefetch")));
    }

    void tappingAGroupShowsItsTensors()
    {
        QVERIFY(openWindow());
        m_window->showPage(MainWindow::Page::Plan);
        PlanPage* page = m_window->planPage();
        QTest::mouseClick(page->strategyPicker()->button(QStringLiteral("sequential")), Qt::LeftButton);
        QVERIFY(settled());
        QTRY_COMPARE(page->planView()->groupCount(), 3);
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
        // Tap Stop as the fourth token appears: the tiny model is faster than any finger.
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
        QTRY_COMPARE(sampled.count(), 1);
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
        // Frequency: four cores at 1500 MHz.
        QCOMPARE(page->frequencyChart()->readout(), QStringLiteral("1,500 MHz"));
        // CPU load needs a second reading.
        QVERIFY(page->cpuChart()->showsEmptyState());

        QVERIFY(advanceProcStat(root, 30, 70));
        m_window->monitor()->sampleNow();
        QTRY_COMPARE(sampled.count(), 2);
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
        QTRY_COMPARE(sampled.count(), 1);
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
