// Colours, sizes and icons of the dashboard, in a light and a dark variant and in two size sets:
// desktop, and kiosk (the 800x480 Pi touchscreen: every control at least 48 px, larger text).
// The stylesheet lives in resources/theme/dashboard.qss; Theme fills in its @placeholders@.
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

class QApplication;

namespace edgert::ui {

struct ThemeColors {
    QColor window;      ///< page background
    QColor surface;     ///< cards, rail
    QColor surfaceAlt;  ///< buttons, grooves
    QColor input;       ///< text fields
    QColor text;
    QColor muted;
    QColor border;
    QColor grid;  ///< chart grid lines
    QColor accent;
    QColor accentSoft;  ///< selected navigation entry
    QColor accentText;  ///< text on accent
    QColor danger;
    QColor warning;
    QColor load;     ///< timeline: a group being read from disk
    QColor compute;  ///< timeline: a group computing
    QColor kvCache;  ///< plan: KV cache share of the budget
    QColor scratch;  ///< plan: activations share
    /// Layer group `index`'s colour: hues a golden angle (137.5°) apart, so neighbouring groups
    /// differ by far and no colour repeats for any number of groups; five lightness
    /// levels separate the groups whose hues come close again (8, 13, 21, 34 apart).
    QColor group(int index) const;
};

struct ThemeSizes {
    int control = 36;  ///< minimum height (and width) of every touchable control, px
    int font = 13;     ///< base font size, px
    int fontSmall = 11;
    int fontLarge = 17;
    int fontText = 15;  ///< streamed text
    int spacing = 8;
    int margin = 10;
    int radius = 6;
};

class Theme {
public:
    enum class Mode { System, Light, Dark };

    /// Whether the platform's palette is dark (Qt 6.4 has no colour-scheme hint yet).
    static bool systemPrefersDark();

    /// Applies the palette and stylesheet to `app`; `kiosk` selects the touch size set.
    static void apply(QApplication& app, bool dark, bool kiosk);

    static bool isDark();
    static bool isKiosk();
    static const ThemeColors& colors();
    static const ThemeSizes& sizes();

    /// An icon from resources/icons/<name>.svg drawn in `color` (the SVGs use currentColor).
    static QIcon icon(const QString& name, const QColor& color);
    /// The same as a pixmap of `sizePx` (device-independent pixels).
    static QPixmap pixmap(const QString& name, const QColor& color, int sizePx);

    /// The stylesheet text with every placeholder filled in (exposed for tests).
    static QString styleSheet(const ThemeColors& colors, const ThemeSizes& sizes);
    static ThemeColors lightColors();
    static ThemeColors darkColors();
    static ThemeSizes desktopSizes();
    static ThemeSizes kioskSizes();
};

}  // namespace edgert::ui
