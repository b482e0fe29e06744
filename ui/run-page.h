// The "Run" page: a prompt, Run and Stop, generation settings, the streamed text, live figures
// (prefill and decode tokens/s, time to first token, pool use) and the execution timeline.
#pragma once

#include "edgert-qt/engine-bridge.h"

#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace edgert::ui {

class Stepper;
class TimelineView;

class RunPage : public QWidget {
    Q_OBJECT
public:
    explicit RunPage(edgert::qt::EngineBridge* bridge, QWidget* parent = nullptr);

    QLineEdit* promptEdit() const { return m_prompt; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* stopButton() const { return m_stop; }
    QPlainTextEdit* textView() const { return m_text; }
    TimelineView* timeline() const { return m_timeline; }
    Stepper* maxTokensStepper() const { return m_maxTokens; }
    Stepper* temperatureStepper() const { return m_temperature; }
    QLabel* statusLabel() const { return m_status; }
    /// "Random weights…" above the text while a synthetic model is open (hidden otherwise).
    QLabel* syntheticWarning() const { return m_synthetic; }
    /// The generated text only (without the prompt).
    QString generatedText() const { return m_generated; }
    /// The value shown in a figure tile: "prefill", "decode", "ttft", "tokens", "pool".
    QString figure(const QString& name) const;

    /// The request the controls describe (when sampling: the fixed seed if one was set, else a
    /// fresh one per run).
    edgert::qt::RunRequest request() const;
    /// Sampling settings without a control of their own (from a configuration file).
    void setSamplingDefaults(std::optional<quint64> seed, int topK, double topP);
    void startRun();
    void applyTheme();

private:
    void onRunningChanged(bool running);
    void onStarted(const PartitionPlan& plan);
    void onToken(const QString& text, int index);
    void onStats(const edgert::qt::RunStats& stats);
    void onFinished(const edgert::qt::RunReport& report);
    void onFailed(const QString& message);
    void updateRunEnabled();

    edgert::qt::EngineBridge* m_bridge;
    QLineEdit* m_prompt;
    QPushButton* m_run;
    QPushButton* m_stop;
    Stepper* m_maxTokens;
    Stepper* m_temperature;
    QPlainTextEdit* m_text;
    QLabel* m_status;
    QLabel* m_synthetic;
    struct Figure {
        QString name;
        QLabel* value;
        QLabel* caption;
    };
    QList<Figure> m_figures;
    TimelineView* m_timeline;
    QString m_generated;
    std::optional<quint64> m_seed;
    int m_topK = 40;
    double m_topP = 0.95;
};

}  // namespace edgert::ui
