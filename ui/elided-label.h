// A one-line label that never widens its window: it asks for no more than a few characters of
// width and draws its text elided ("…") when the space is short; the whole text stays in
// text() and in the tooltip. For plain-text status lines on the 800x480 kiosk, where a long
// German sentence must not push the window past the screen.
#pragma once

#include <QLabel>

namespace edgert::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(const QString& text = {}, QWidget* parent = nullptr);

    /// True when the last paint had to cut the text.
    bool isElided() const { return m_elided; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    bool m_elided = false;
};

}  // namespace edgert::ui
