"""The change history as a table (thin adapter over ``services.history.entries``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from crosscase.services.history import HistoryEntry

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class HistoryModel(QAbstractTableModel):
    COLUMNS = ("When", "Who", "What", "Document", "Code")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HistoryEntry] = []

    def set_rows(self, rows: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def entry(self, index: Index) -> HistoryEntry | None:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        h = self.entry(index)
        if h is None:
            return None
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return h.at.strftime("%Y-%m-%d %H:%M:%S") if role == Qt.ItemDataRole.DisplayRole \
                    else f"{h.at:%A %d %B %Y, %H:%M:%S} (UTC)"
            if col == 1:
                return h.coder
            if col == 2:
                return h.what
            named = h.documents if col == 3 else h.codes
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(n.label() for n in named) or None
            labels = [n.label() for n in named]
            return "; ".join(labels[:3]) + (f"; +{len(labels) - 3} more" if len(labels) > 3 else "")
        if role == Qt.ItemDataRole.ForegroundRole and (h.undo or col == 0):
            return QColor(128, 128, 128)
        return None
