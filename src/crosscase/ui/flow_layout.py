"""A layout that lays its widgets out in a row and wraps onto further rows when narrow.

Toolbars of buttons and combo boxes (the matrix tab, the contrast page) use it
so that their width never sets the main window's minimum width: on a narrow
screen the controls wrap onto a second line instead of pushing the window
wider than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    """Items left to right in their preferred sizes, wrapping onto a new row when out of room."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout -------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def spacing(self) -> int:
        return self._spacing

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """One row of everything: what the layout would like."""
        w = h = 0
        for item in self._visible():
            hint = item.sizeHint()
            w += hint.width() + (self._spacing if w else 0)
            h = max(h, hint.height())
        m = self.contentsMargins()
        return QSize(w + m.left() + m.right(), h + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """As narrow as the widest single item: everything else wraps."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m: QMargins = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # -- arranging -----------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        out = []
        for item in self._items:
            w = item.widget()
            if w is not None and w.isHidden():
                continue
            out.append(item)
        return out

    def _arrange(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_h = area.x(), area.y(), 0
        row: list[tuple[QLayoutItem, QSize]] = []

        def place_row() -> None:
            if not move:
                return
            cx = area.x()
            for it, size in row:
                # centre each item vertically in its row
                it.setGeometry(QRect(QPoint(cx, y + (row_h - size.height()) // 2), size))
                cx += size.width() + self._spacing

        for item in self._visible():
            size = item.sizeHint().boundedTo(QSize(area.width(), 1 << 20))
            size = size.expandedTo(item.minimumSize().boundedTo(QSize(area.width(), 1 << 20)))
            if row and x + size.width() > area.right() + 1:
                place_row()
                y += row_h + self._spacing
                x, row_h, row = area.x(), 0, []
            row.append((item, size))
            x += size.width() + self._spacing
            row_h = max(row_h, size.height())
        place_row()
        return y + row_h - rect.y() + m.bottom()


def wrapping_bar(*widgets: QWidget) -> QWidget:
    """A widget holding ``widgets`` in a :class:`FlowLayout` that grows taller when it wraps."""
    bar = QWidget()
    flow = FlowLayout(bar)
    for w in widgets:
        flow.addWidget(w)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    bar.setSizePolicy(policy)
    return bar


def labelled(label: QWidget, widget: QWidget) -> QWidget:
    """A label and its control kept together on one row of a wrapping bar."""
    pair = QWidget()
    box = QHBoxLayout(pair)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(label)
    box.addWidget(widget, 1)
    return pair
