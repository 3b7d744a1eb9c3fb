"""The classification sheet's table: cases, documents or participants by their attributes.

A thin adapter over :func:`crosscase.services.attributes.sheet`: every edit
is a :class:`~crosscase.commands.attributes.SetAttributes` pushed on the
project's undo stack (one step however many cells it sets), and the table
rereads itself when a change names what it shows, in place while its rows
and columns stay the same, so the selection and the current cell stay put.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from crosscase.commands.attributes import SetAttributes
from crosscase.domain.changes import Change, Kind
from crosscase.services import attributes
from crosscase.services.attributes import AttributeInfo, Sheet, SheetRow
from crosscase.ui.context import ProjectContext

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
MIXED = "(mixed)"
TYPE_HINTS = {"text": "text", "number": "a number", "date": "a date, YYYY-MM-DD",
              "boolean": "yes or no"}
#: the kinds whose changes a sheet of each scope shows
SHOWN = {
    "case": (Kind.CASES, Kind.ATTRIBUTES),
    "document": (Kind.DOCUMENTS, Kind.CASES, Kind.ATTRIBUTES),
    "participant": (Kind.PARTICIPANTS, Kind.CASES, Kind.DOCUMENTS, Kind.ATTRIBUTES),
}


class SheetModel(QAbstractTableModel):
    """Rows: owners (or participants grouped by name); columns: labels, then attributes."""

    def __init__(self, context: ProjectContext, scope: str, grouped: bool = False) -> None:
        super().__init__()
        self.context, self.scope, self.grouped = context, scope, grouped
        self.sheet = Sheet(scope, attributes.SHEET_HEADERS[scope], [], [])
        self.reload()

    # -- reading -----------------------------------------------------------------
    def _read(self) -> Sheet:
        with self.context.project.session() as s:
            return attributes.sheet(s, self.scope, group_by_name=self.grouped)

    def reload(self) -> None:
        """Read the sheet again: in place when its rows and columns are the same."""
        new = self._read()
        old = self.sheet
        same = (
            [r.owners for r in new.rows] == [r.owners for r in old.rows]
            and new.attributes == old.attributes and new.headers == old.headers
        )
        if same and new.rows:
            self.sheet = new
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1,
                                                                self.columnCount() - 1))
            return
        self.beginResetModel()
        self.sheet = new
        self.endResetModel()

    def set_grouped(self, grouped: bool) -> None:
        if grouped != self.grouped:
            self.grouped = grouped
            self.reload()

    def shows(self, change: Change) -> bool:
        return change.touches(*SHOWN[self.scope])

    @property
    def labels(self) -> int:
        """How many read-only label columns come before the attributes."""
        return len(self.sheet.headers)

    def attribute(self, column: int) -> AttributeInfo | None:
        i = column - self.labels
        return self.sheet.attributes[i] if 0 <= i < len(self.sheet.attributes) else None

    def row(self, row: int) -> SheetRow:
        return self.sheet.rows[row]

    def shown(self, row: int, column: int) -> str:
        """The cell's text as shown and copied."""
        r = self.sheet.rows[row]
        attr = self.attribute(column)
        if attr is None:
            return r.labels[column]
        if attr.id in r.mixed:
            return MIXED
        return attributes.shown(attr.type, r.values.get(attr.id))

    # -- Qt ----------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.sheet.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self.labels + len(self.sheet.attributes)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        attr = self.attribute(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.sheet.headers[section] if attr is None else attr.name
        if role == Qt.ItemDataRole.ToolTipRole and attr is not None:
            return f"{attr.name}: {TYPE_HINTS.get(attr.type, attr.type)}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        attr = self.attribute(col)
        mixed = attr is not None and attr.id in self.sheet.rows[row].mixed
        if role == Qt.ItemDataRole.DisplayRole:
            return self.shown(row, col)
        if role == Qt.ItemDataRole.EditRole:
            return "" if mixed else self.shown(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if mixed:
                return "These participants have different values; a value typed here sets all."
            if attr is None and self.sheet.grouped and col == 0:
                n = len(self.sheet.rows[row].owners)
                return f"{n} participant{'s' * (n != 1)} of this name: an edit sets them all"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and (attr is None or mixed):
            return QColor(120, 120, 120)
        if role == Qt.ItemDataRole.FontRole and mixed:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and attr is not None \
                and attr.type == "number":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.attribute(index.column()) is not None:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        attr = self.attribute(index.column())
        if attr is None:
            return False
        cells = [(index.row(), index.column(), str(value).strip())]
        return self.set_cells(cells, label=f"Set '{attr.name}'")

    # -- edits ---------------------------------------------------------------------
    def set_cells(self, cells: list[tuple[int, int, str]], label: str | None = None) -> bool:
        """Set ``(row, column, text)`` cells as one undo step; an empty text clears."""
        values: list[tuple[str, int, str, Any]] = []
        for row, col, text in cells:
            attr = self.attribute(col)
            if attr is None or not 0 <= row < len(self.sheet.rows):
                continue
            r = self.sheet.rows[row]
            unchanged = attr.id not in r.mixed and attributes.shown(
                attr.type, r.values.get(attr.id)) == text
            if unchanged:
                continue
            values += [(self.scope, owner, attr.name, text or None) for owner in r.owners]
        if not values:
            return False
        return self.context.push(SetAttributes(values, label=label))
