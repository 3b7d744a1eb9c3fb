"""All the project's memos in one list: filter by kind, case and code; Enter goes to each.

A coding's memo goes to its passage in the document; a document's memo opens
the document; any other memo opens in the memo editor. The list follows the
project: a memo written, edited or cleared anywhere shows here at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crosscase.domain.changes import Change, Kind
from crosscase.services import cases, codebook, memo_list
from crosscase.services.memo_list import MEMO_KINDS, MemoEntry
from crosscase.ui.context import ProjectContext
from crosscase.ui.flow_layout import labelled, wrapping_bar

#: what a change must touch for the list to be read again
WATCHED = (Kind.MEMOS, Kind.CODINGS, Kind.CODES, Kind.CASES, Kind.DOCUMENTS, Kind.PARTICIPANTS,
           Kind.PROJECT)


#: lines of a memo shown in its row
MAX_LINES = 4


class MemoTable(QTableWidget):
    """Enter on a row goes to its memo, as a double-click does."""

    row_activated = Signal(int)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.row_activated.emit(self.currentRow())
            return
        super().keyPressEvent(e)


class MemoListView(QWidget):
    #: go to a coding's passage: document, start, end (code points)
    jump_requested = Signal(int, int, int)
    #: open a document
    document_requested = Signal(int)
    #: open the memo editor: kind, target id
    memo_requested = Signal(str, int)

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entries: list[MemoEntry] = []
        self.shown: list[MemoEntry] = []

        self.kind_box = QComboBox()
        self.kind_box.addItem("All kinds", None)
        for kind in MEMO_KINDS:
            self.kind_box.addItem(kind.capitalize() + " memos", kind)
        self.case_box = QComboBox()
        self.code_box = QComboBox()
        for box in (self.case_box, self.code_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(16)
        self.code_box.setToolTip("Memos on this code, its sub-codes and their codings")
        self.count = QLabel()
        self.count.setEnabled(False)
        bar = wrapping_bar(labelled(QLabel("Show:"), self.kind_box),
                           labelled(QLabel("Case:"), self.case_box),
                           labelled(QLabel("Code:"), self.code_box), self.count)

        self.table = MemoTable(0, 4)
        self.table.setHorizontalHeaderLabels(["Kind", "On", "Case", "Memo"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setToolTip("Double-click or Enter: go to the memo's passage, document or editor")
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 280)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 0)
        lay.addWidget(bar)
        lay.addWidget(self.table, 1)

        for box in (self.kind_box, self.case_box, self.code_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.table.doubleClicked.connect(lambda index: self.go(index.row()))
        self.table.row_activated.connect(self.go)
        context.change_applied.connect(self.apply_change)
        self.refresh()

    # -- reading -------------------------------------------------------------------------
    def apply_change(self, change: Change) -> None:
        if change.touches(*WATCHED):
            self.refresh()

    def refresh(self) -> None:
        with self.context.project.session() as s:
            self.entries = memo_list.all_memos(s)
            names = cases.case_names(s)
        self._refill(self.case_box, "All cases", names)
        nodes = self.context.nodes
        codes = sorted(((cid, n.path) for cid, n in nodes.items()), key=lambda c: c[1].casefold())
        self._refill(self.code_box, "All codes", codes)
        self.apply_filters()

    @staticmethod
    def _refill(box: QComboBox, everything: str, items: list[tuple[int, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for key, label in items:
            box.addItem(label, key)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)

    def apply_filters(self) -> None:
        kind = self.kind_box.currentData()
        case = self.case_box.currentData()
        code = self.code_box.currentData()
        codes = (set(codebook.descendants(self.context.nodes, code))
                 if code is not None and code in self.context.nodes else None)
        self.shown = [
            m for m in self.entries
            if (kind is None or m.kind == kind)
            and (case is None or m.case_id == case)
            and (codes is None or m.code_id in codes)
        ]
        self.table.setRowCount(len(self.shown))
        for row, m in enumerate(self.shown):
            for col, text in enumerate((m.kind.capitalize(), m.subject, m.case or "",
                                        " ".join(m.text.split()))):
                item = QTableWidgetItem(text)
                item.setToolTip(m.text if col == 3 else text)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        # a long memo shows its first lines; the whole of it is in the tooltip and a
        # double-click away, so one memo never fills the list
        tallest = self.table.fontMetrics().lineSpacing() * MAX_LINES + 8
        for row in range(self.table.rowCount()):
            if self.table.rowHeight(row) > tallest:
                self.table.setRowHeight(row, tallest)
        n, total = len(self.shown), len(self.entries)
        self.count.setText(f"{n} of {total} memo{'s' * (total != 1)}" if n != total
                           else f"{total} memo{'s' * (total != 1)}")
        if self.shown and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    # -- going to a memo -----------------------------------------------------------------
    def go(self, row: int) -> None:
        if not 0 <= row < len(self.shown):
            return
        m = self.shown[row]
        if m.kind == "coding" and m.document_id is not None and m.start is not None \
                and m.end is not None:
            self.jump_requested.emit(m.document_id, m.start, m.end)
        elif m.kind == "document" and m.document_id is not None:
            self.document_requested.emit(m.document_id)
        else:
            self.memo_requested.emit(m.kind, m.target_id)

