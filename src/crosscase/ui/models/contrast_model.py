"""A computed contrast as a grouped table: a thin adapter over :func:`contrast_rows`.

The rows (headings "Only in A", "Only in B", "In both", the codes under
each, "(none)" under an empty group) come from
:func:`crosscase.analysis.contrast.contrast_rows`; this model only says how
each looks.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from crosscase.analysis.contrast import (
    ContrastRow,
    contrast_rows,
    format_difference,
    group_title,
)
from crosscase.analysis.measures import format_value

Index = QModelIndex | QPersistentModelIndex

#: the difference as a share of the largest one on screen, from -1 to 1
BAR_ROLE = Qt.ItemDataRole.UserRole + 1
#: the code id of a code row (None for group headings and placeholders)
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
GROUP_BG = QColor("#e9ecef")

CODE, SEG_A, SEG_B, RATE_A, RATE_B, DIFF = range(6)


class ContrastModel(QAbstractTableModel):
    """A computed contrast (see :func:`crosscase.analysis.contrast.contrast`) as grouped rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frame: pd.DataFrame | None = None
        self.a = "A"
        self.b = "B"
        self.rows: list[ContrastRow] = []
        self._max = 0.0

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        self.beginResetModel()
        self.frame = frame
        self.rows = []
        self._max = 0.0
        if frame is not None:
            self.a = str(frame.attrs.get("a", "A"))
            self.b = str(frame.attrs.get("b", "B"))
            self.rows = contrast_rows(frame)
            diffs = [abs(r.difference) for r in self.rows
                     if r.kind == "code" and not math.isnan(r.difference)]
            self._max = max(diffs, default=0.0)
        self.endResetModel()

    # -- lookups ---------------------------------------------------------------
    def code_rows(self, group: str | None = None) -> list[ContrastRow]:
        return [r for r in self.rows if r.kind == "code" and (group is None or r.group == group)]

    def row_of(self, code_id: int) -> int:
        for i, r in enumerate(self.rows):
            if r.kind == "code" and r.code_id == code_id:
                return i
        return -1

    def group_of(self, code_id: int) -> str | None:
        i = self.row_of(code_id)
        return self.rows[i].group if i >= 0 else None

    def code_at(self, index: Index) -> int | None:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()].code_id

    def heading_rows(self) -> list[int]:
        return [i for i, r in enumerate(self.rows) if r.kind != "code"]

    # -- shape -------------------------------------------------------------------
    def rowCount(self, parent: Index | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self.rows)

    def columnCount(self, parent: Index | None = None) -> int:
        if (parent is not None and parent.isValid()) or self.frame is None:
            return 0
        return 6

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        a, b = self.a, self.b
        labels = {
            CODE: ("Code", "The code's full path"),
            SEG_A: (f"Segments\n{a}", f"Coded segments (passages) in {a}"),
            SEG_B: (f"Segments\n{b}", f"Coded segments (passages) in {b}"),
            RATE_A: (f"Per 1,000 words\n{a}", f"Passages per 1,000 words of {a}'s text"),
            RATE_B: (f"Per 1,000 words\n{b}", f"Passages per 1,000 words of {b}'s text"),
            DIFF: ("Difference\n(A \u2212 B)",
                   f"Rate in {a} minus rate in {b}: the bar points right where {a} is "
                   f"higher, left where {b} is"),
        }
        if section not in labels:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return labels[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return labels[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.rows[index.row()].kind != "code":
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- cells ---------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == CODE_ROLE:
            return row.code_id
        if row.kind == "group":
            return self._group_data(row, col, role)
        if row.kind == "empty":
            if role == Qt.ItemDataRole.DisplayRole and col == CODE:
                return "    (none)"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#6c757d"))
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == CODE:
                return "    " + row.path
            if col == SEG_A:
                return format_value("segments", row.segments_a)
            if col == SEG_B:
                return format_value("segments", row.segments_b)
            if col == RATE_A:
                return format_value("rate", row.rate_a)
            if col == RATE_B:
                return format_value("rate", row.rate_b)
            return format_difference(row.difference)
        if role == Qt.ItemDataRole.TextAlignmentRole and col != CODE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == BAR_ROLE and col == DIFF:
            if self._max <= 0 or math.isnan(row.difference):
                return 0.0
            return max(-1.0, min(1.0, row.difference / self._max))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    def _group_data(self, row: ContrastRow, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and col == CODE:
            n = row.segments_a
            return f"{group_title(row.group, self.a, self.b)} \u2014 {n} code{'s' if n != 1 else ''}"
        if role == Qt.ItemDataRole.FontRole:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(GROUP_BG)
        return None

    def _tooltip(self, row: ContrastRow) -> str:
        a, b = self.a, self.b
        lines = [
            row.path,
            f"{a}: {format_value('segments', row.segments_a, unit=True)}, "
            f"{format_value('rate', row.rate_a, unit=True)}",
            f"{b}: {format_value('segments', row.segments_b, unit=True)}, "
            f"{format_value('rate', row.rate_b, unit=True)}",
        ]
        d = row.difference
        if not math.isnan(d) and d != 0:
            more, less = (a, b) if d > 0 else (b, a)
            lines.append(f"{more} has {format_value('rate', abs(d))} more per 1,000 words "
                         f"than {less}")
        lines.append("Double-click to read its quotes from both")
        return "\n".join(lines)
