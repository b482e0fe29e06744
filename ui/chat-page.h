// The "Chat" page: a conversation with an instruct model on the touchscreen. The conversation
// view (user and model turns, the answer streaming in), a row of preset prompts, the input line
// (in kiosk mode Qt Virtual Keyboard opens for it), Send / Stop / New chat, the context gauge
// (tokens used of the KV cache), tokens/s and what the last turn reused from the KV cache. Each
// turn runs through EngineBridge::chatTurn (edgert::ChatSession, the one Session path).
#pragma once

#include "edgert-qt/engine-bridge.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTextBrowser;
class QHBoxLayout;

namespace edgert::ui {

class ChatPage : public QWidget {
    Q_OBJECT
public:
    explicit ChatPage(edgert::qt::EngineBridge* bridge, QWidget* parent = nullptr);

    struct Message {
        bool user = true;
        QString text;
    };

    QLineEdit* inputEdit() const { return m_input; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* newChatButton() const { return m_newChat; }
    QTextBrowser* conversationView() const { return m_view; }
    QProgressBar* contextGauge() const { return m_context; }
    /// "174 of 512 tokens" beside the gauge.
    QLabel* contextText() const { return m_contextText; }
    QLabel* statusLabel() const { return m_status; }
    QList<QPushButton*> presetButtons() const { return m_presetButtons; }
    /// The conversation shown: user and model turns, oldest first (the streaming answer last).
    const QList<Message>& messages() const { return m_messages; }

    /// The preset prompts offered above the input (a configuration's dashboard.chat_prompts;
    /// defaults when empty). Prompts that equal a default are shown translated.
    void setPresetPrompts(const QStringList& prompts);
    void setSystemPrompt(const QString& text) { m_system = text; }
    /// Generation settings of each answer.
    void setGeneration(int maxTokens, double temperature);

    /// Sends `text` (or the input line's) as the next user turn. Returns false when nothing was
    /// sent (empty text, no model, a generation running).
    bool send(const QString& text = {});
    void newChat();
    void applyTheme();

signals:
    /// A turn ended (answer complete, stopped, or refused for a full context).
    void turnFinished(const edgert::qt::ChatReport& report);

private:
    void render();
    void updateEnabled();
    void onFinished(const edgert::qt::ChatReport& report);
    void onFailed(const QString& message);
    void setStatus(const QString& text, bool error = false);

    edgert::qt::EngineBridge* m_bridge;
    QHBoxLayout* m_presetRow;
    QList<QPushButton*> m_presetButtons;
    QTextBrowser* m_view;
    QLineEdit* m_input;
    QPushButton* m_send;
    QPushButton* m_stop;
    QPushButton* m_newChat;
    QProgressBar* m_context;
    QLabel* m_contextText;
    QLabel* m_rate;
    QLabel* m_cache;
    QLabel* m_status;
    QList<Message> m_messages;
    QString m_system;
    int m_maxTokens = 96;
    double m_temperature = 0.0;
    bool m_turnActive = false;  ///< a turn of this page is running
};

}  // namespace edgert::ui
