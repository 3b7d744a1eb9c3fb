"""Light and dark palettes, and the font size the researcher chose.

Both palettes are built on the Fusion style so they look the same on every
desktop. "system" follows the desktop's colour scheme where Qt can read it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("light", "dark", "system")

_base_point_size: float | None = None
_dark = False

STYLE = """
QTreeView, QListView, QTableView { outline: 0; }
QTreeView::item, QListView::item { padding: 2px 0px; }
QDockWidget::title { padding: 5px 8px; font-weight: 600; }
QTabBar::tab { padding: 6px 14px; }
QToolButton { padding: 3px 6px; }
QLineEdit, QComboBox, QPlainTextEdit { padding: 2px 4px; }
QStatusBar QLabel { padding: 0px 6px; }
"""


def _palette(dark: bool) -> QPalette:
    pal = QPalette()
    if dark:
        window, base, alt, text = "#1f2125", "#17191c", "#24272c", "#e6e6e6"
        button, mid, highlight, link = "#2a2d33", "#3a3e45", "#3d7bd9", "#7fb2ff"
        disabled = "#7b7f87"
    else:
        window, base, alt, text = "#f3f3f1", "#ffffff", "#f6f6f4", "#1d1f22"
        button, mid, highlight, link = "#ececea", "#c9c9c6", "#2f6fd6", "#1d5fbf"
        disabled = "#9a9a96"
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: alt,
        QPalette.ColorRole.ToolTipBase: "#2b2d31" if dark else "#fffef6",
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: button,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Mid: mid,
        QPalette.ColorRole.Midlight: alt,
        QPalette.ColorRole.Dark: "#111214" if dark else "#a8a8a4",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: link,
        QPalette.ColorRole.LinkVisited: link,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return pal


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    try:
        return hints.colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:  # older Qt: guess from the window colour
        return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, theme: str) -> None:
    global _dark
    app.setStyle("Fusion")
    _dark = system_is_dark() if theme == "system" else theme == "dark"
    app.setPalette(_palette(_dark))
    app.setStyleSheet(STYLE)


def is_dark() -> bool:
    return _dark


def apply_zoom(app: QApplication, steps: int) -> QFont:
    """Set the application font to the system size plus ``steps`` points."""
    global _base_point_size
    font = QFont(app.font())
    if _base_point_size is None:
        size = font.pointSizeF()
        _base_point_size = size if size > 0 else 10.0
    font.setPointSizeF(max(6.0, _base_point_size + steps))
    app.setFont(font)
    return font


def reading_font(app: QApplication) -> QFont:
    """The font documents are read in: the interface font, a little larger."""
    font = QFont(app.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size + 1.5)
    return font


def _luminance(c: QColor) -> float:
    """Relative luminance (WCAG 2) of an opaque colour."""

    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 (none) to 21 (black on white)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


_readable_cache: dict[tuple[int, int, float], QColor] = {}


def readable_on(colour: QColor, background: QColor, ratio: float = 4.5) -> QColor:
    """``colour``'s hue made dark (or light) enough to read as text on ``background``.

    Code names are written in their code's colour; a pale yellow code still
    needs dark letters on a light margin, a deep blue one light letters on a
    dark margin. The hue and saturation are kept, only the lightness moves.
    """
    key = (colour.rgb(), background.rgb(), ratio)
    hit = _readable_cache.get(key)
    if hit is not None:
        return QColor(hit)
    h, s, light = colour.hslHueF(), colour.hslSaturationF(), colour.lightnessF()
    if h < 0:  # achromatic
        h, s = 0.0, 0.0
    lighten = _luminance(background) < 0.2
    c = QColor(colour)
    for _ in range(40):
        if contrast(c, background) >= ratio:
            break
        light = min(1.0, light + 0.025) if lighten else max(0.0, light - 0.025)
        c = QColor.fromHslF(h, s, light)
    if len(_readable_cache) > 512:
        _readable_cache.clear()
    _readable_cache[key] = QColor(c)
    return c
