"""The contrast page of the matrix tab: which codes occur in one column only, in the other, in both.

Two combo boxes pick the columns A and B from the matrix's current columns.
The table groups the codes under "Only in A", "Only in B" and "In both", with
each code's segments and rate per 1,000 words for A and B side by side and
the difference of the rates drawn as a bar (to the right where A is higher,
to the left where B is). The definition sits under the table. The page only
shows what it is given: the matrix tab computes the contrast off the GUI
thread (see :mod:`crosscase.analysis.contrast`) and shows a code's quotes for
both columns when a row is double-clicked. "Export Word\u2026" writes the
contrast of A and B as a Word table (rates, their difference and a quote per
side), off the GUI thread, with the matrix's columns and roll-up and the
citation style last chosen for the project's reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crosscase.analysis.columns import Column
from crosscase.analysis.matrix import MEASURES
from crosscase.ui.context import ProjectContext
from crosscase.ui.flow_layout import labelled, wrapping_bar
from crosscase.ui.models.contrast_model import BAR_ROLE, CODE, DIFF, SEG_A, ContrastModel

Index = QModelIndex | QPersistentModelIndex

A_COLOR = QColor("#2e6fbf")
B_COLOR = QColor("#d9822b")


class DifferenceDelegate(QStyledItemDelegate):
    """Draws the difference as a bar from the middle of the cell, under its number."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        share = index.data(BAR_ROLE)
        if isinstance(share, float) and share != 0.0 and not math.isnan(share):
            rect = QRectF(option.rect).adjusted(3, 4, -3, -4)
            half = rect.width() / 2
            mid = rect.left() + half
            width = half * abs(share)
            color = QColor(A_COLOR if share > 0 else B_COLOR)
            color.setAlpha(110)
            bar = (QRectF(mid, rect.top(), width, rect.height()) if share > 0
                   else QRectF(mid - width, rect.top(), width, rect.height()))
            painter.save()
            painter.fillRect(bar, color)
            painter.setPen(QColor("#adb5bd"))
            painter.drawLine(round(mid), round(rect.top()), round(mid), round(rect.bottom()))
            painter.restore()
        super().paint(painter, option, index)


class ContrastPanel(QWidget):
    """Pick A and B, read the grouped table and its definition, go back to the matrix.

    ``pair_changed(a_key, b_key)`` asks for a new contrast; ``code_activated(code_id)``
    asks for a code's quotes from both columns; ``back_requested`` for the matrix.
    """

    pair_changed = Signal(object, object)
    code_activated = Signal(int)
    back_requested = Signal()

    def __init__(self, context: ProjectContext | None = None,
                 source: Callable[[], tuple[str, bool]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        #: the matrix's columns ("cases", "documents", an attribute) and roll-up, now
        self._source = source or (lambda: ("cases", True))
        self._keys: list[int | str] = []
        self._pair: tuple[int | str, int | str] | None = None
        self._tasks: list[Any] = []

        self.a_combo = QComboBox()
        self.a_combo.setToolTip("Column A")
        self.b_combo = QComboBox()
        self.b_combo.setToolTip("Column B")
        self.swap_button = QPushButton("Swap")
        self.swap_button.setToolTip("Swap A and B")
        self.back_button = QPushButton("\u2190 Back to the matrix")
        self.back_button.setObjectName("contrastBack")
        self.export_button = QPushButton("Export Word\u2026")
        self.export_button.setToolTip(
            "A Word table of the codes only in A, only in B and in both, with their rates, "
            "the difference and a quote per side")
        self.export_button.setEnabled(context is not None)
        self.export_status = QLabel()
        self.export_status.setObjectName("contrastExportStatus")
        # long column names are elided in the closed combo boxes, and the controls wrap
        # onto a second row rather than widen the window
        for combo in (self.a_combo, self.b_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        self.bar = wrapping_bar(labelled(QLabel("Contrast A:"), self.a_combo),
                                labelled(QLabel("with B:"), self.b_combo),
                                self.swap_button, self.export_button, self.back_button)

        self.model = ContrastModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(DIFF, DifferenceDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(False)
        self.table.setToolTip("Double-click a code to read its quotes from both columns")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.definition = QLabel()
        self.definition.setObjectName("contrastDefinition")
        self.definition.setWordWrap(True)
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.bar)
        box.addWidget(self.note)
        box.addWidget(self.table, 1)
        box.addWidget(self.definition)
        box.addWidget(self.export_status)
        self.note.hide()

        self.a_combo.activated.connect(lambda _i: self._picked("a"))
        self.b_combo.activated.connect(lambda _i: self._picked("b"))
        self.swap_button.clicked.connect(self.swap)
        self.back_button.clicked.connect(self.back_requested)
        self.export_button.clicked.connect(self._export)
        self.table.doubleClicked.connect(self._on_double_clicked)

    # -- columns -----------------------------------------------------------------
    @property
    def pair(self) -> tuple[int | str, int | str] | None:
        """The keys of A and B as last chosen (None until columns are known)."""
        return self._pair

    def set_columns(self, cols: list[Column], pair: tuple[int | str, int | str] | None) -> None:
        """Fill both combo boxes with the matrix's columns and select ``pair``."""
        self._keys = [c.key for c in cols]
        self._pair = pair
        for combo in (self.a_combo, self.b_combo):
            combo.blockSignals(True)
            combo.clear()
            for c in cols:
                combo.addItem(c.name, c.key)
            combo.blockSignals(False)
        enough = len(cols) >= 2
        for w in (self.a_combo, self.b_combo, self.swap_button):
            w.setEnabled(enough)
        if pair is not None:
            self._select(self.a_combo, pair[0])
            self._select(self.b_combo, pair[1])

    def select_pair(self, a: int | str, b: int | str) -> None:
        """Choose A and B by column key or name (also used by tests and scripts)."""
        ka, kb = self._key_for(a), self._key_for(b)
        if ka == kb:
            raise ValueError("choose two different columns to contrast")
        self._set_pair(ka, kb)

    @staticmethod
    def _select(combo: QComboBox, key: int | str) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(combo.findData(key), 0))
        combo.blockSignals(False)

    def _key_for(self, value: int | str) -> int | str:
        if value in self._keys:
            return value
        for i in range(self.a_combo.count()):
            if self.a_combo.itemText(i).casefold() == str(value).strip().casefold():
                return self._keys[i]
        raise ValueError(f"no column {value!r}")

    def _picked(self, side: str) -> None:
        a, b = self.a_combo.currentData(), self.b_combo.currentData()
        if a is None or b is None:
            return
        if a == b and self._pair is not None:
            # choosing the other side's column swaps the two
            a, b = (a, self._pair[0]) if side == "a" else (self._pair[1], b)
        self._set_pair(a, b)

    def swap(self) -> None:
        if self._pair is not None:
            self._set_pair(self._pair[1], self._pair[0])

    def _set_pair(self, a: int | str, b: int | str) -> None:
        self._select(self.a_combo, a)
        self._select(self.b_combo, b)
        if (a, b) == self._pair:
            return
        self._pair = (a, b)
        self.pair_changed.emit(a, b)

    # -- result ------------------------------------------------------------------------
    def show_result(self, frame: pd.DataFrame | None, definition: str, note: str = "") -> None:
        """Show a computed contrast (or none, with ``note`` saying why)."""
        current = self.selected_code()
        self.model.set_frame(frame)
        self.table.clearSpans()
        for r in self.model.heading_rows():
            self.table.setSpan(r, 0, 1, max(1, self.model.columnCount()))
        if frame is not None:
            self.table.resizeColumnToContents(CODE)
            self.table.setColumnWidth(CODE, max(200, min(self.table.columnWidth(CODE), 420)))
            header = self.table.horizontalHeader()
            for c in range(SEG_A, DIFF):
                wanted = max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c)) + 12
                self.table.setColumnWidth(c, max(80, min(wanted, 200)))
            self.table.setColumnWidth(DIFF, 160)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        if frame is not None:
            internal = str(frame.attrs.get("definition", ""))
            if internal and internal in definition:
                definition = definition.replace(internal, in_words(frame))
        self.definition.setText(definition)
        if current is not None:
            self.select_code(current, quiet=True)

    def select_code(self, code_id: int, *, quiet: bool = False) -> bool:
        row = self.model.row_of(code_id)
        if row < 0:
            return False
        sel = self.table.selectionModel()
        sel.blockSignals(quiet)
        self.table.setCurrentIndex(self.model.index(row, CODE))
        sel.blockSignals(False)
        return True

    def selected_code(self) -> int | None:
        return self.model.code_at(self.table.currentIndex())

    def activate_code(self, code_id: int) -> None:
        """Select a code's row and ask for its quotes, as a double-click does."""
        if self.select_code(code_id):
            self.code_activated.emit(code_id)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        code = self.model.code_at(index)
        if code is not None:
            self.code_activated.emit(code)


    # -- export ------------------------------------------------------------------------
    @property
    def settled(self) -> bool:
        """No export being written."""
        return not self._tasks

    def _export(self) -> None:
        if self.context is None or self._pair is None:
            return
        project = self.context.project
        a, b = (self.a_combo.currentText(), self.b_combo.currentText())
        start = project.path.with_name(f"{project.path.stem}-contrast.docx")
        path, _ = QFileDialog.getSaveFileName(self, f"Export the contrast of {a} and {b}",
                                              str(start), "Word document (*.docx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the contrast of the chosen A and B to ``path`` (off the GUI thread)."""
        from crosscase.exchange.reports.contrast_docx import export_contrast_docx
        from crosscase.ui import messages
        from crosscase.ui.workers import run_task

        if self.context is None or self._pair is None:
            return
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        project = self.context.project
        choices = self.context.settings.report_choices(self.context.settings_key)
        citations = str(choices.get("citations") or "short")
        cols, rollup = self._source()
        a, b = self._pair
        self.export_status.setText("Exporting\u2026")

        def done(result: Any) -> None:
            self._tasks = [t for t in self._tasks if t is not task]
            if _alive(self):
                self.export_status.setText(f"Wrote {Path(result).name}")

        def failed(message: str) -> None:
            self._tasks = [t for t in self._tasks if t is not task]
            if _alive(self):
                self.export_status.setText("")
                messages.error(self, "Could not export", message)

        task = run_task(lambda: export_contrast_docx(project, path, a, b, cols=cols,
                                                     rollup=rollup, citations=citations),
                        done, failed)
        self._tasks.append(task)


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))


def in_words(frame: pd.DataFrame) -> str:
    """What the contrast's columns mean, said with the names the table shows.

    The analysis describes its frame by its column names (``segments_a``,
    ``only_a``), which suit a CSV file; under the table the same is said in words.
    """
    a, b = frame.attrs.get("a", "A"), frame.attrs.get("b", "B")
    segments = MEASURES["segments"].definition.partition(": ")[2]
    rate = MEASURES["rate"].definition.partition(": ")[2]
    return (
        f"Segments: {segments} Per 1,000 words: {rate} "
        f"Difference: the rate in {a} minus the rate in {b}; the bar points right where {a} "
        f"is higher, left where {b} is. The codes are grouped as found only in {a}, only in "
        f"{b}, or in both, the largest difference first; codes found in neither are left out."
    )
