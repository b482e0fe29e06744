// A push button whose label never widens its window: it asks for no more than a few characters of
// width, and when its space is short it draws its text elided ("…") at the end instead of the
// style's clipping of both ends. text() keeps the whole text (what a tap acts on), and so does the
// tooltip. For the Chat page's preset prompts, which come from the configuration and can be any
// length, on the 800x480 kiosk.
#pragma once

#include <QPushButton>

namespace edgert::ui {

class ElidedButton : public QPushButton {
    Q_OBJECT
public:
    explicit ElidedButton(const QString& text = {}, QWidget* parent = nullptr);

    /// True when the last paint had to cut the text.
    bool isElided() const { return m_elided; }

    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    bool m_elided = false;
};

}  // namespace edgert::ui
