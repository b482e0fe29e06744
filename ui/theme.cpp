#include "theme.h"

#include <QApplication>
#include <QFile>
#include <QGuiApplication>
#include <QPainter>
#include <QPalette>
#include <QStyleFactory>
#include <QSvgRenderer>

#include <algorithm>
#include <array>
#include <cmath>

namespace edgert::ui {

namespace {
bool g_dark = false;
bool g_kiosk = false;
ThemeColors g_colors = Theme::lightColors();
ThemeSizes g_sizes = Theme::desktopSizes();

constexpr double kGoldenAngleDegrees = 137.50776405;
constexpr double kFirstGroupHueDegrees = 212.0;  // G0 is blue, as the accent
constexpr double kGroupSaturation = 0.55;
// Hues come back close after 8, 13, 21 and 34 steps (Fibonacci numbers); none of them is a
// multiple of 5, so cycling five lightness levels keeps those groups apart too.
constexpr std::array<double, 5> kGroupLightness = {0.50, 0.64, 0.42, 0.57, 0.35};
}  // namespace

QColor ThemeColors::group(int index) const
{
    const int i = std::max(0, index);
    const double hue = std::fmod(kFirstGroupHueDegrees + i * kGoldenAngleDegrees, 360.0);
    const double lightness = kGroupLightness[static_cast<std::size_t>(i) % kGroupLightness.size()];
    return QColor::fromHslF(static_cast<float>(hue / 360.0), static_cast<float>(kGroupSaturation),
                            static_cast<float>(lightness));
}

ThemeColors Theme::lightColors()
{
    ThemeColors c;
    c.window = QColor(0xf3f4f6);
    c.surface = QColor(0xffffff);
    c.surfaceAlt = QColor(0xe8eaee);
    c.input = QColor(0xffffff);
    c.text = QColor(0x111827);
    c.muted = QColor(0x5b6472);
    c.border = QColor(0xc9ced6);
    c.grid = QColor(0xe3e6ea);
    c.accent = QColor(0x2563eb);
    c.accentSoft = QColor(0xdbe6fd);
    c.accentText = QColor(0xffffff);
    c.danger = QColor(0xc62828);
    c.warning = QColor(0xd97706);
    c.load = QColor(0xe8922d);
    c.compute = QColor(0x2f6fdb);
    c.kvCache = QColor(0x8b95a5);
    c.scratch = QColor(0xb9c0cb);
    return c;
}

ThemeColors Theme::darkColors()
{
    ThemeColors c;
    c.window = QColor(0x14171c);
    c.surface = QColor(0x1d2128);
    c.surfaceAlt = QColor(0x2a2f38);
    c.input = QColor(0x171a20);
    c.text = QColor(0xe8eaed);
    c.muted = QColor(0x9aa3b0);
    c.border = QColor(0x3a414d);
    c.grid = QColor(0x2b313b);
    c.accent = QColor(0x5b8def);
    c.accentSoft = QColor(0x263a5e);
    c.accentText = QColor(0xffffff);
    c.danger = QColor(0xef5350);
    c.warning = QColor(0xf59e0b);
    c.load = QColor(0xf0a04b);
    c.compute = QColor(0x5b8def);
    c.kvCache = QColor(0x6b7585);
    c.scratch = QColor(0x4a5261);
    return c;
}

ThemeSizes Theme::desktopSizes()
{
    return ThemeSizes{};
}

ThemeSizes Theme::kioskSizes()
{
    ThemeSizes s;
    s.control = 48;
    s.font = 15;
    s.fontSmall = 13;
    s.fontLarge = 19;
    s.fontText = 17;
    s.spacing = 6;
    s.margin = 8;
    s.radius = 8;
    return s;
}

bool Theme::systemPrefersDark()
{
    const QPalette palette = QGuiApplication::palette();
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

QString Theme::styleSheet(const ThemeColors& c, const ThemeSizes& s)
{
    QFile file(QStringLiteral(":/edgert/theme/dashboard.qss"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    QString qss = QString::fromUtf8(file.readAll());
    const auto px = [](int v) { return QString::number(v); };
    const int handle = s.control >= 48 ? 40 : 24;
    const std::pair<const char*, QString> values[] = {
        {"window", c.window.name()},
        {"surface", c.surface.name()},
        {"surfaceAlt", c.surfaceAlt.name()},
        {"input", c.input.name()},
        {"text", c.text.name()},
        {"muted", c.muted.name()},
        {"border", c.border.name()},
        {"accent", c.accent.name()},
        {"accentSoft", c.accentSoft.name()},
        {"accentText", c.accentText.name()},
        {"danger", c.danger.name()},
        {"warning", c.warning.name()},
        {"control", px(s.control)},
        {"segment", px(s.control + (s.control >= 48 ? 4 : 0))},
        {"navButton", px(s.control >= 48 ? 72 : 64)},
        {"navButtonHeight", px(s.control >= 48 ? 68 : 56)},
        {"font", px(s.font)},
        {"fontSmall", px(s.fontSmall)},
        {"fontLarge", px(s.fontLarge)},
        {"fontText", px(s.fontText)},
        {"radius", px(s.radius)},
        {"chipRadius", px(s.radius + 4)},
        {"handle", px(handle)},
        {"handleMargin", px(handle / 2 - 4)},
        {"handleRadius", px(handle / 2)},
        {"scrollbar", px(s.control >= 48 ? 16 : 10)},
        {"scrollbarRadius", px(s.control >= 48 ? 8 : 5)},
    };
    for (const auto& [name, value] : values)
        qss.replace(QLatin1Char('@') + QLatin1String(name) + QLatin1Char('@'), value);
    return qss;
}

void Theme::apply(QApplication& app, bool dark, bool kiosk)
{
    g_dark = dark;
    g_kiosk = kiosk;
    g_colors = dark ? darkColors() : lightColors();
    g_sizes = kiosk ? kioskSizes() : desktopSizes();

    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion"))) app.setStyle(fusion);
    QPalette p;
    p.setColor(QPalette::Window, g_colors.window);
    p.setColor(QPalette::WindowText, g_colors.text);
    p.setColor(QPalette::Base, g_colors.input);
    p.setColor(QPalette::AlternateBase, g_colors.surfaceAlt);
    p.setColor(QPalette::Text, g_colors.text);
    p.setColor(QPalette::Button, g_colors.surfaceAlt);
    p.setColor(QPalette::ButtonText, g_colors.text);
    p.setColor(QPalette::Highlight, g_colors.accent);
    p.setColor(QPalette::HighlightedText, g_colors.accentText);
    p.setColor(QPalette::ToolTipBase, g_colors.surface);
    p.setColor(QPalette::ToolTipText, g_colors.text);
    p.setColor(QPalette::PlaceholderText, g_colors.muted);
    p.setColor(QPalette::Disabled, QPalette::Text, g_colors.muted);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, g_colors.muted);
    p.setColor(QPalette::Disabled, QPalette::WindowText, g_colors.muted);
    app.setPalette(p);
    QFont font = app.font();
    font.setPixelSize(g_sizes.font);
    app.setFont(font);
    app.setStyleSheet(styleSheet(g_colors, g_sizes));
}

bool Theme::isDark()
{
    return g_dark;
}
bool Theme::isKiosk()
{
    return g_kiosk;
}
const ThemeColors& Theme::colors()
{
    return g_colors;
}
const ThemeSizes& Theme::sizes()
{
    return g_sizes;
}

QPixmap Theme::pixmap(const QString& name, const QColor& color, int sizePx)
{
    QFile file(QStringLiteral(":/edgert/icons/%1.svg").arg(name));
    if (!file.open(QIODevice::ReadOnly)) return {};
    QByteArray svg = file.readAll();
    svg.replace("currentColor", color.name().toLatin1());
    QSvgRenderer renderer(svg);
    const qreal dpr = qApp ? qApp->devicePixelRatio() : 1.0;
    QPixmap pixmap(QSize(sizePx, sizePx) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    renderer.render(&painter, QRectF(0, 0, sizePx, sizePx));
    return pixmap;
}

QIcon Theme::icon(const QString& name, const QColor& color)
{
    QIcon icon;
    for (int size : {16, 24, 32, 48}) icon.addPixmap(pixmap(name, color, size));
    return icon;
}

}  // namespace edgert::ui
