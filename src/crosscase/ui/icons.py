"""Small icons drawn with QPainter, so the workbench ships no image files of its own."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from crosscase.ui import theme

_cache: dict[tuple[str, bool], QIcon] = {}


def _draw(name: str, p: QPainter, s: float, ink: QColor) -> None:
    pen = QPen(ink, s / 14)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    if name == "case":
        p.setBrush(QColor("#e0b44c"))
        p.setPen(QPen(QColor("#a87c1c"), s / 16))
        path = QPainterPath()
        path.moveTo(s * 0.08, s * 0.25)
        path.lineTo(s * 0.40, s * 0.25)
        path.lineTo(s * 0.48, s * 0.34)
        path.lineTo(s * 0.92, s * 0.34)
        path.lineTo(s * 0.92, s * 0.82)
        path.lineTo(s * 0.08, s * 0.82)
        path.closeSubpath()
        p.drawPath(path)
    elif name in ("document", "document-memo"):
        p.setBrush(QColor("#ffffff") if not theme.is_dark() else QColor("#d9dde3"))
        p.setPen(QPen(QColor("#7d8794"), s / 16))
        p.drawRoundedRect(QRectF(s * 0.2, s * 0.1, s * 0.6, s * 0.8), s * 0.06, s * 0.06)
        p.setPen(QPen(QColor("#9aa4b1"), s / 18))
        for i in range(4):
            y = s * (0.3 + i * 0.14)
            p.drawLine(QPointF(s * 0.3, y), QPointF(s * 0.7, y))
        if name == "document-memo":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#f2c037"))
            p.drawEllipse(QRectF(s * 0.55, s * 0.55, s * 0.4, s * 0.4))
    elif name == "participant":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#6b8fb8"))
        p.drawEllipse(QRectF(s * 0.34, s * 0.12, s * 0.32, s * 0.32))
        p.drawRoundedRect(QRectF(s * 0.18, s * 0.5, s * 0.64, s * 0.38), s * 0.18, s * 0.18)


def icon(name: str, size: int = 16) -> QIcon:
    key = (name, theme.is_dark())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    result = QIcon()
    for scale in (1, 2):
        pm = QPixmap(size * scale, size * scale)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = QColor("#d6d6d6") if theme.is_dark() else QColor("#3c4048")
        _draw(name, p, float(size * scale), ink)
        p.end()
        pm.setDevicePixelRatio(scale)
        result.addPixmap(pm)
    _cache[key] = result
    return result


def clear_cache() -> None:
    _cache.clear()
