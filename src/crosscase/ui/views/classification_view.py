"""The classification sheet: cases, participants and documents by their attributes, in grids.

Edit a cell in place (typing starts an edit, Enter commits it); paste a block
copied from a spreadsheet with Ctrl+V, either into the selected cells or, when
its first row names the columns (``Case``/``Participant``/``Document`` first,
then attribute names), row by row by name, making any attribute it names that
does not exist yet; Ctrl+D fills the first selected value down, Delete clears,
Ctrl+C copies. Each of these is one undo step. Participants can be shown one
row per name, so a role is set once for the interviewer of every case.
A new attribute is one step: its name and type in the bar, then Enter.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.attributes import SetAttributes
from crosscase.domain.changes import Change
from crosscase.services import attributes
from crosscase.ui.context import ProjectContext
from crosscase.ui.flow_layout import labelled, wrapping_bar
from crosscase.ui.models.sheet_model import SheetModel

TYPES = {"Text": "text", "Number": "number", "Date (YYYY-MM-DD)": "date", "Yes / no": "boolean"}
SCOPES = (("case", "Cases"), ("participant", "Participants"), ("document", "Documents"))


class SheetTable(QTableView):
    """A grid that pastes, copies, clears and fills down like a spreadsheet."""

    #: a message for the sheet's status line
    told = Signal(str)

    def __init__(self, model: SheetModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet_model = model
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        model.modelReset.connect(self.fit_columns)
        self.fit_columns()

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        for c in range(self.sheet_model.columnCount()):
            self.setColumnWidth(c, min(max(self.columnWidth(c), 90), 280))

    # -- keys -------------------------------------------------------------------
    def keyPressEvent(self, e: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if e.matches(QKeySequence.StandardKey.Paste):
                self.paste(QApplication.clipboard().text())
                return
            if e.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return
            if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not e.modifiers():
                self.clear_selected()
                return
            if e.key() == Qt.Key.Key_D and e.modifiers() == Qt.KeyboardModifier.ControlModifier:
                self.fill_down()
                return
        super().keyPressEvent(e)

    def _selected(self) -> list[QModelIndex]:
        return sorted(self.selectionModel().selectedIndexes(),
                      key=lambda i: (i.row(), i.column()))

    # -- operations ---------------------------------------------------------------
    def copy(self) -> None:
        cells = self._selected()
        if not cells:
            return
        rows = sorted({i.row() for i in cells})
        cols = sorted({i.column() for i in cells})
        chosen = {(i.row(), i.column()) for i in cells}
        m = self.sheet_model
        lines = ["\t".join(m.shown(r, c) if (r, c) in chosen else "" for c in cols) for r in rows]
        QApplication.clipboard().setText("\n".join(lines) + "\n")

    def clear_selected(self) -> None:
        cells = [(i.row(), i.column(), "") for i in self._selected()
                 if self.sheet_model.attribute(i.column()) is not None]
        if cells:
            self.sheet_model.set_cells(cells, label="Clear attribute values")

    def fill_down(self) -> None:
        """Each selected column: the top selected value into the selected cells below it."""
        m = self.sheet_model
        by_col: dict[int, list[int]] = {}
        for i in self._selected():
            if m.attribute(i.column()) is not None:
                by_col.setdefault(i.column(), []).append(i.row())
        cells = []
        for col, rows in by_col.items():
            top = min(rows)
            value = m.data(m.index(top, col), Qt.ItemDataRole.EditRole)
            cells += [(r, col, value) for r in rows if r != top]
        if cells:
            m.set_cells(cells, label="Fill down")

    def paste(self, text: str) -> None:
        m = self.sheet_model
        table = attributes.parse_table(text)
        if not table:
            return
        if attributes.has_header(m.sheet, table):
            self._paste_with_header(table)
            return
        selected = self._selected()
        if len(table) == 1 and len(table[0]) == 1 and len(selected) > 1:
            # one value into every selected cell
            cells = [(i.row(), i.column(), table[0][0]) for i in selected]
            m.set_cells(cells, label=f"Paste into {len(cells)} cells")
            return
        anchor = selected[0] if selected else self.currentIndex()
        if not anchor.isValid():
            self.told.emit("Click the cell to paste into first.")
            return
        cells, outside = [], 0
        for dr, line in enumerate(table):
            for dc, value in enumerate(line):
                r, c = anchor.row() + dr, anchor.column() + dc
                if r >= m.rowCount() or m.attribute(c) is None:
                    outside += 1
                    continue
                cells.append((r, c, value))
        if not cells:
            self.told.emit("Nothing to paste there: paste into attribute columns.")
            return
        if m.set_cells(cells, label=f"Paste {len(cells)} value{'s' * (len(cells) != 1)}"):
            last = cells[-1]
            sel = self.selectionModel()
            sel.select(
                _block(m, anchor.row(), anchor.column(), last[0], max(c for _, c, _ in cells)),
                QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.told.emit(
            f"{outside} pasted cell{'s' * (outside != 1)} fell outside the attribute columns "
            "and were left out." if outside else "")

    def _paste_with_header(self, table: list[list[str]]) -> None:
        m = self.sheet_model
        plan = attributes.plan_header_paste(m.sheet, table)
        values = [(m.scope, owner, name, text) for owner, name, text in plan.values]
        types = {(m.scope, name): t for name, t in plan.new_attributes.items()}
        message = ""
        if plan.unmatched:
            what = {"case": "case", "document": "document", "participant": "participant"}
            message = (f"No {what[m.scope]} named {', '.join(repr(n) for n in plan.unmatched)}: "
                       "left out.")
        if not values and not types:
            self.told.emit(message or "Nothing to paste: the rows name nothing in this sheet.")
            return
        n = len({(o, name) for _, o, name, _ in values})
        if self.sheet_model.context.push(
                SetAttributes(values, types, label=f"Paste {n} value{'s' * (n != 1)}")):
            self.told.emit(message)


def _block(m: SheetModel, r0: int, c0: int, r1: int, c1: int) -> QItemSelection:
    return QItemSelection(m.index(r0, c0), m.index(r1, c1))


class ClassificationView(QWidget):
    """Tabs of sheets (cases, participants, documents) and the bar that adds an attribute."""

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.models: dict[str, SheetModel] = {}
        self.tables: dict[str, SheetTable] = {}
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        for scope, title in SCOPES:
            model = SheetModel(context, scope)
            table = SheetTable(model)
            table.told.connect(self.status.setText)
            self.models[scope], self.tables[scope] = model, table
            page = QWidget()
            box = QVBoxLayout(page)
            box.setContentsMargins(0, 4, 0, 0)
            if scope == "participant":
                self.group_check = QCheckBox("One row per name, across cases")
                self.group_check.setToolTip(
                    "Set a role once for every participant of a name (the Interviewer of "
                    "each case, say)")
                self.group_check.toggled.connect(model.set_grouped)
                box.addWidget(self.group_check)
            box.addWidget(table, 1)
            self.tabs.addTab(page, title)

        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("New attribute, e.g. role")
        self.new_name.setClearButtonEnabled(True)
        self.new_type = QComboBox()
        self.new_type.addItems(list(TYPES))
        self.add_button = QPushButton("+ Attribute")
        self.add_button.setToolTip("Add a column to this sheet (Enter in the name field)")
        self.new_name.returnPressed.connect(self.add_attribute)
        self.add_button.clicked.connect(self.add_attribute)
        hint = QLabel("Ctrl+V pastes from a spreadsheet · Ctrl+D fills down · Delete clears")
        hint.setEnabled(False)
        bar = wrapping_bar(labelled(QLabel("New column:"), self.new_name),
                           labelled(QLabel("Type:"), self.new_type), self.add_button, hint)

        lay = QVBoxLayout(self)
        lay.addWidget(bar)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.status)
        context.change_applied.connect(self.apply_change)

    @property
    def scope(self) -> str:
        return SCOPES[self.tabs.currentIndex()][0]

    def show_scope(self, scope: str) -> None:
        self.tabs.setCurrentIndex([s for s, _ in SCOPES].index(scope))
        self.tables[scope].setFocus()

    @Slot(object)
    def apply_change(self, change: Change) -> None:
        for model in self.models.values():
            if model.shows(change):
                model.reload()

    def add_attribute(self) -> None:
        name = self.new_name.text().strip()
        if not name:
            self.new_name.setFocus()
            self.status.setText("Type the new attribute's name first.")
            return
        scope, type_ = self.scope, TYPES[self.new_type.currentText()]
        model = self.models[scope]
        if any(a.name.casefold() == name.casefold() for a in model.sheet.attributes):
            self.status.setText(f"This sheet already has '{name}'.")
            return
        if self.context.push(SetAttributes([], {(scope, name): type_},
                                           label=f"New {scope} attribute '{name}'")):
            self.new_name.clear()
            self.status.setText("")
            table = self.tables[scope]
            col = model.columnCount() - 1
            if model.rowCount():
                table.setCurrentIndex(model.index(0, col))
            table.setFocus()
