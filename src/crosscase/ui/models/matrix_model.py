"""The matrix as a Qt table: a thin adapter over a computed :class:`Matrix`.

Column 0 is the code (indented by depth); the others are the matrix's
columns, shaded by value. With cases as columns, a cell that has a framework
entry shows its rating beside the value and is set in bold.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from crosscase.analysis.matrix import Matrix
from crosscase.analysis.measures import format_value
from crosscase.services.framework import CellView

HEAT = QColor("#2e6fbf")
Index = QModelIndex | QPersistentModelIndex


class MatrixModel(QAbstractTableModel):
    """A thin adapter over a computed :class:`Matrix`: column 0 is the code."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.matrix: Matrix | None = None
        self.cells: dict[tuple[int, int], CellView] = {}
        self._max = 0.0
        self._values: list[list[float]] = []

    def set_matrix(self, matrix: Matrix | None, cells: dict[tuple[int, int], CellView]) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self.cells = cells
        self._max = matrix.max_value() if matrix is not None else 0.0
        self._values = (
            matrix.values.to_numpy(dtype=float).tolist() if matrix is not None else []
        )
        self.endResetModel()

    # -- shape ---------------------------------------------------------------
    def rowCount(self, parent: Index | None = None) -> int:
        if (parent is not None and parent.isValid()) or self.matrix is None:
            return 0
        return len(self.matrix.rows)

    def columnCount(self, parent: Index | None = None) -> int:
        if (parent is not None and parent.isValid()) or self.matrix is None:
            return 0
        return 1 + len(self.matrix.cols)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.matrix is None or orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Code" if section == 0 else self.matrix.cols[section - 1].name
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return self.matrix.cols[section - 1].name
        return None

    # -- cells -----------------------------------------------------------------
    def key_at(self, index: Index) -> tuple[int, int | str] | None:
        """(code id, column key) of a value cell."""
        if self.matrix is None or not index.isValid() or index.column() == 0:
            return None
        return (self.matrix.rows[index.row()].code_id,
                self.matrix.cols[index.column() - 1].key)

    def index_of(self, code_id: int, key: int | str) -> QModelIndex:
        if self.matrix is None:
            return QModelIndex()
        for r, row in enumerate(self.matrix.rows):
            if row.code_id == code_id:
                for c, col in enumerate(self.matrix.cols):
                    if col.key == key:
                        return self.index(r, c + 1)
        return QModelIndex()

    def _cell(self, index: Index) -> CellView | None:
        key = self.key_at(index)
        if key is None or self.matrix is None or self.matrix.spec.by != "cases":
            return None
        return self.cells.get((key[0], int(key[1])))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        m = self.matrix
        if m is None or not index.isValid():
            return None
        row = m.rows[index.row()]
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "    " * row.depth + row.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.path
            if role == Qt.ItemDataRole.FontRole and row.depth == 0:
                f = QFont()
                f.setBold(True)
                return f
            return None
        value = self._values[index.row()][index.column() - 1]
        cell = self._cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            text = format_value(m.measure, value)
            if cell is not None and cell.rating:
                text += f"  \u00b7 {cell.rating}"
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(self._heat(value))
        if role == Qt.ItemDataRole.ForegroundRole:
            share = self._share(value)
            return QBrush(QColor("#ffffff") if share > 0.55 else QColor("#1d1f22"))
        if role == Qt.ItemDataRole.FontRole and cell is not None and not cell.empty:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            col = m.cols[index.column() - 1]
            lines = [f"{row.path} \u00d7 {col.name}", format_value(m.measure, value, unit=True)]
            if cell is not None and cell.rating:
                lines.append(f"Rating: {cell.rating}")
            if cell is not None and cell.summary:
                lines.append(cell.summary)
            if cell is not None and cell.pins:
                lines.append(f"{len(cell.pins)} pinned quote(s)")
            return "\n".join(lines)
        return None

    def _share(self, value: float) -> float:
        if self._max <= 0 or math.isnan(value):
            return 0.0
        return max(0.0, min(1.0, value / self._max))

    def _heat(self, value: float) -> QColor:
        share = self._share(value)
        white = QColor("#ffffff")
        return QColor(
            round(white.red() + (HEAT.red() - white.red()) * share),
            round(white.green() + (HEAT.green() - white.green()) * share),
            round(white.blue() + (HEAT.blue() - white.blue()) * share),
        )
