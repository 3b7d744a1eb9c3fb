"""The matrix tab: codes down the side, cases (or documents, or an attribute) across.

Cells are shaded by value. Clicking a cell lists its quotes beside the table
(double-click a quote to read it in its document) and, when the columns are
cases, opens the framework cell: a summary, a rating and pinned exemplar
quotes, each change one undoable command. The matrix is computed off the GUI
thread and recomputed when the project says codings, codes, cases,
attributes or framework cells changed.

"Contrast\u2026" turns the tab to the contrast of two of its columns (see
:mod:`crosscase.ui.views.contrast_view`): the codes found only in A, only in
B and in both, computed with the matrix; double-clicking a code lists its
quotes from both columns in the same quote panel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crosscase.analysis.contrast import BOTH, ONLY_A, ONLY_B, contrast
from crosscase.analysis.matrix import MEASURES, Matrix, cell_segments, compute_matrix
from crosscase.analysis.measures import ROLLUP_NOTE, format_value
from crosscase.commands.base import Command
from crosscase.commands.framework import PinQuote, SetFrameworkCell, UnpinQuote
from crosscase.db.project import Project
from crosscase.services import attributes, framework
from crosscase.services.framework import CellView
from crosscase.services.segments import Segment
from crosscase.ui.views.contrast_view import ContrastPanel

REFRESH_ON = ("codings", "codes", "cases", "documents", "attributes", "framework", "memos")
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


@dataclass
class ContrastResult:
    """A contrast computed with the matrix: the pair used, the table, or why there is none."""

    pair: tuple[int | str, int | str] | None
    frame: pd.DataFrame | None
    note: str = ""


def compute_contrast(source: Any, matrix: Matrix,
                     pair: tuple[int | str, int | str] | None) -> ContrastResult:
    """Contrast two of ``matrix``'s columns: ``pair`` if both are still there, else the first two."""
    keys = [c.key for c in matrix.cols]
    if len(keys) < 2:
        return ContrastResult(None, None, (
            f"A contrast needs two columns; {matrix.spec.description.lower().rstrip('.')} "
            f"and there {'is' if len(keys) == 1 else 'are'} {len(keys)}."))
    if pair is None or pair[0] not in keys or pair[1] not in keys or pair[0] == pair[1]:
        pair = (keys[0], keys[1])
    frame = contrast(source, pair[0], pair[1], cols=matrix.spec, rollup=matrix.rollup)
    return ContrastResult(pair, frame)


def contrast_definition(frame: pd.DataFrame, matrix: Matrix) -> str:
    """The sentences under the contrast: which columns A and B are and what the numbers mean."""
    parts = [f"A is {frame.attrs['a']} and B is {frame.attrs['b']}.",
             str(frame.attrs["definition"])]
    if matrix.rollup:
        parts.append(ROLLUP_NOTE)
    parts.append(matrix.spec.description)
    return " ".join(parts)


class _Relay(QObject):
    """Carries the core's change notices (from any thread) to the GUI thread."""

    changed = Signal(str)


class MatrixView(QWidget):
    """The matrix tab. ``jump_requested(document_id, start, end)`` asks to show a quote."""

    jump_requested = Signal(int, int, int)
    #: the matrix on screen (and the contrast, when shown) was recomputed
    refreshed = Signal()

    def __init__(
        self,
        project: Project,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self.busy = False
        self._generation = 0
        self._pending = False
        self._tasks: list[Any] = []
        self._selected: tuple[int, int | str] | None = None
        self._segments: list[Segment] = []
        self._pins: list[int] = []
        #: "matrix" or "contrast": what the left of the tab shows
        self.mode = "matrix"
        #: the code whose quotes from A and B the panel shows, in contrast mode
        self._contrast_code: int | None = None
        self.contrast_result: ContrastResult | None = None

        # controls
        self.cols_combo = QComboBox()
        self.cols_combo.setToolTip("What the columns are")
        self.measure_combo = QComboBox()
        for name, m in MEASURES.items():
            self.measure_combo.addItem(m.label, name)
            self.measure_combo.setItemData(self.measure_combo.count() - 1, m.definition,
                                           Qt.ItemDataRole.ToolTipRole)
        self.rollup_check = QCheckBox("Roll up sub-codes")
        self.rollup_check.setToolTip(
            "A code also counts its sub-codes' passages; a passage counts once")
        self.contrast_button = QPushButton("Contrast\u2026")
        self.contrast_button.setToolTip(
            "Compare two columns: the codes found only in one, only in the other, in both")
        self.word_button = QPushButton("Export Word\u2026")
        self.excel_button = QPushButton("Export Excel\u2026")
        self.status = QLabel()
        self.status.setObjectName("matrixStatus")
        top = QHBoxLayout()
        top.addWidget(QLabel("Columns:"))
        top.addWidget(self.cols_combo)
        top.addWidget(QLabel("Measure:"))
        top.addWidget(self.measure_combo)
        top.addWidget(self.rollup_check)
        top.addWidget(self.contrast_button)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.word_button)
        top.addWidget(self.excel_button)

        # table
        self.model = MatrixModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(False)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        left_box.addWidget(self.definition)
        self.contrast = ContrastPanel()
        self.pages = QStackedWidget()
        self.pages.addWidget(left)
        self.pages.addWidget(self.contrast)
        self._matrix_page = left

        # side panel: quotes and the framework cell
        self.cell_title = QLabel("Click a cell to read its quotes.")
        self.cell_title.setWordWrap(True)
        self.quotes = QListWidget()
        self.quotes.setWordWrap(True)
        self.quotes.setAlternatingRowColors(True)
        self.quotes.setToolTip("Double-click a quote to read it in its document")
        self.frame_box = QGroupBox("Framework cell")
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setPlaceholderText("Two or three sentences on what this case shows")
        self.summary_edit.setMaximumHeight(120)
        self.save_summary = QPushButton("Save summary")
        self.rating_combo = QComboBox()
        self.pin_button = QPushButton("Pin quote")
        self.pin_button.setToolTip("Pin the selected quote as an exemplar for this cell")
        self.unpin_button = QPushButton("Unpin quote")
        self.frame_note = QLabel(
            "Summaries, ratings and pinned quotes belong to cases: show cases as columns "
            "to write them.")
        self.frame_note.setWordWrap(True)
        rating_row = QHBoxLayout()
        rating_row.addWidget(QLabel("Rating:"))
        rating_row.addWidget(self.rating_combo, 1)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_button)
        pin_row.addWidget(self.unpin_button)
        fbox = QVBoxLayout(self.frame_box)
        fbox.addWidget(self.summary_edit)
        fbox.addWidget(self.save_summary)
        fbox.addLayout(rating_row)
        fbox.addLayout(pin_row)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self.cell_title)
        right_box.addWidget(self.quotes, 1)
        right_box.addWidget(self.frame_note)
        right_box.addWidget(self.frame_box)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.splitter, 1)

        # wiring
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self.refresh)
        self._relay = _Relay(self)
        self._relay.changed.connect(self._on_changed)

        def relay(change: Any) -> None:  # each kind the change touched, as before
            for kind in change.kinds:
                self._relay.changed.emit(kind.value)

        self._unsubscribe = project.subscribe(relay)
        self.destroyed.connect(lambda *_: self._detach())
        self.cols_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.measure_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.rollup_check.toggled.connect(lambda _b: self.refresh())
        self.table.clicked.connect(self._on_clicked)
        self.table.selectionModel().currentChanged.connect(
            lambda cur, _prev: self._on_clicked(cur))
        self.quotes.itemDoubleClicked.connect(self._on_quote_activated)
        self.quotes.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.save_summary.clicked.connect(self.commit_summary)
        self.rating_combo.activated.connect(lambda _i: self.commit_rating())
        self.pin_button.clicked.connect(self.pin_selected)
        self.unpin_button.clicked.connect(self.unpin_selected)
        self.word_button.clicked.connect(lambda: self._export("docx"))
        self.excel_button.clicked.connect(lambda: self._export("xlsx"))
        self.contrast_button.clicked.connect(self.show_contrast)
        self.contrast.back_requested.connect(self.show_matrix)
        self.contrast.pair_changed.connect(lambda _a, _b: self.refresh())
        self.contrast.code_activated.connect(self.show_contrast_quotes)

        self._fill_columns()
        self._fill_scale()
        self._show_cell()
        self.refresh()

    # -- settings --------------------------------------------------------------
    @property
    def cols(self) -> str:
        return str(self.cols_combo.currentData() or "cases")

    @property
    def measure(self) -> str:
        return str(self.measure_combo.currentData() or "segments")

    @property
    def rollup(self) -> bool:
        return self.rollup_check.isChecked()

    def set_options(self, *, cols: str | None = None, measure: str | None = None,
                    rollup: bool | None = None) -> None:
        for combo, value in ((self.cols_combo, cols), (self.measure_combo, measure)):
            if value is not None:
                i = combo.findData(value)
                if i < 0:
                    raise ValueError(f"no option {value!r}")
                combo.blockSignals(True)
                combo.setCurrentIndex(i)
                combo.blockSignals(False)
        if rollup is not None:
            self.rollup_check.blockSignals(True)
            self.rollup_check.setChecked(rollup)
            self.rollup_check.blockSignals(False)
        self.refresh()

    def _fill_columns(self) -> None:
        current = self.cols_combo.currentData()
        self.cols_combo.blockSignals(True)
        self.cols_combo.clear()
        self.cols_combo.addItem("Cases", "cases")
        self.cols_combo.addItem("Documents", "documents")
        with self.project.session() as s:
            names = attributes.names(s)
        for scope, name, _type in names:
            self.cols_combo.addItem(f"{name} ({scope})", f"{scope}:{name}")
        i = self.cols_combo.findData(current) if current else 0
        self.cols_combo.setCurrentIndex(max(i, 0))
        self.cols_combo.blockSignals(False)

    def _fill_scale(self) -> None:
        with self.project.session() as s:
            scale = framework.rating_scale(s)
        self.rating_combo.blockSignals(True)
        self.rating_combo.clear()
        self.rating_combo.addItem("(not rated)", "")
        for label in scale:
            self.rating_combo.addItem(label[:1].upper() + label[1:], label)
        self.rating_combo.blockSignals(False)

    # -- changes ---------------------------------------------------------------
    def _detach(self) -> None:
        self._unsubscribe()

    def closeEvent(self, event: Any) -> None:
        self._detach()
        super().closeEvent(event)

    @Slot(str)
    def _on_changed(self, what: str) -> None:
        if what not in REFRESH_ON:
            return
        if what == "attributes":
            self._fill_columns()
        if what == "framework":
            self._fill_scale()
        self._timer.start()

    # -- computing ---------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Recompute the matrix (off the GUI thread) and the selected cell's panel."""
        from crosscase.ui.workers import run_task

        self._generation += 1
        generation = self._generation
        project, cols, measure, rollup = self.project, self.cols, self.measure, self.rollup
        pair = self.contrast.pair if self.mode == "contrast" else None
        with_contrast = self.mode == "contrast"
        self.busy = True
        self.status.setText("Computing\u2026")

        def work() -> tuple[Matrix, dict[tuple[int, int], CellView], ContrastResult | None]:
            with project.session() as s:
                matrix = compute_matrix(s, cols=cols, measure=measure, rollup=rollup)
                cells: dict[tuple[int, int], CellView] = {}
                if matrix.spec.by == "cases":
                    cells = framework.cells(s)
                result = compute_contrast(s, matrix, pair) if with_contrast else None
            return matrix, cells, result

        def done(result: Any) -> None:
            if not _alive(self):
                return
            self._finish(generation)
            if generation != self._generation:
                return
            self._show(*result)

        def failed(message: str) -> None:
            if not _alive(self):
                return
            self._finish(generation)
            if generation != self._generation:
                return
            self.status.setText("")
            self.definition.setText(message)
            if self.mode == "contrast":
                self.contrast.show_result(None, message)

        task = run_task(work, done, failed)
        self._tasks.append((generation, task))

    def _finish(self, generation: int) -> None:
        self._tasks = [(g, t) for g, t in self._tasks if g != generation]
        if generation == self._generation:
            self.busy = False

    def _show(self, matrix: Matrix, cells: dict[tuple[int, int], CellView],
              result: ContrastResult | None = None) -> None:
        self.model.set_matrix(matrix, cells)
        self.table.resizeColumnToContents(0)
        header = self.table.horizontalHeader()
        ncols = self.model.columnCount() - 1
        widths = [
            max(80, min(max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c)) + 16, 260))
            for c in range(1, ncols + 1)
        ]
        # a few columns share the free width (up to 420 px each) rather than leave it empty
        free = self.table.viewport().width() - self.table.columnWidth(0) - sum(widths)
        if ncols and free > 0:
            widths = [min(420, w + free // ncols) for w in widths]
        for c, w in enumerate(widths, start=1):
            self.table.setColumnWidth(c, w)
        self.definition.setText(matrix.definition)
        n = len(matrix.rows)
        self.status.setText(f"{n} codes \u00d7 {len(matrix.cols)} columns")
        self.contrast_button.setEnabled(self.mode == "matrix" and len(matrix.cols) >= 2)
        if self.mode == "contrast" and result is not None:
            self._show_contrast(matrix, result)
        if self._selected is not None:
            index = self.model.index_of(*self._selected)
            if index.isValid():
                self.table.selectionModel().blockSignals(True)
                self.table.setCurrentIndex(index)
                self.table.selectionModel().blockSignals(False)
                self._load_cell(*self._selected)
            else:
                self._selected = None
                self._show_cell()
        self.refreshed.emit()

    # -- the selected cell ---------------------------------------------------------
    @Slot(QModelIndex)
    def _on_clicked(self, index: QModelIndex) -> None:
        key = self.model.key_at(index)
        if key is None:
            return
        if key == self._selected and self._segments:
            return
        self.select_cell(*key)

    def select_cell(self, code_id: int, key: int | str) -> None:
        """Show one cell's quotes and framework entry (also used by tests and scripts)."""
        self._selected = (code_id, key)
        index = self.model.index_of(code_id, key)
        if index.isValid() and self.table.currentIndex() != index:
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(index)
            self.table.selectionModel().blockSignals(False)
        self.summary_edit.document().setModified(False)
        self._load_cell(code_id, key)

    def _load_cell(self, code_id: int, key: int | str) -> None:
        m = self.model.matrix
        if m is None:
            return
        try:
            segs = cell_segments(self.project, code_id, key, cols=m.spec, rollup=m.rollup)
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            from crosscase.ui import messages

            messages.error(self, "Could not read the quotes", messages.describe(exc))
            segs = []
        self._segments = segs
        view: CellView | None = None
        if m.spec.by == "cases":
            with self.project.session() as s:
                view = framework.cell(s, code_id, int(key))
        self._show_cell(view)

    def _show_cell(self, view: CellView | None = None) -> None:
        m = self.model.matrix
        sel = self._selected
        by_case = m is not None and m.spec.by == "cases" and self.mode == "matrix"
        self.frame_box.setVisible(by_case)
        self.frame_note.setVisible(not by_case and sel is not None)
        self.quotes.clear()
        if m is None or sel is None:
            self.cell_title.setText(
                "Click a cell to read its quotes." if self.mode == "matrix"
                else "Double-click a code to read its quotes from A and B.")
            self.frame_box.setEnabled(False)
            self._update_buttons()
            return
        row = next((r for r in m.rows if r.code_id == sel[0]), None)
        col = next((c for c in m.cols if c.key == sel[1]), None)
        if row is None or col is None:
            return
        value = m.values.at[sel[0], sel[1]]
        self.cell_title.setText(
            f"<b>{_html(row.path)}</b> \u00d7 <b>{_html(col.name)}</b><br>"
            + format_value(m.measure, value, unit=True)
            + ("" if m.measure == "segments" else f"; {len(self._segments)} passages")
        )
        pins = view.pins if view is not None else []
        order = {cid: i for i, cid in enumerate(pins)}
        ordered = sorted(self._segments, key=lambda s: (order.get(s.id, len(order)), 0))
        for seg in ordered:
            self.quotes.addItem(self._quote_item(seg, seg.id in order))
        self.frame_box.setEnabled(by_case)
        if view is not None and by_case:
            if not self.summary_edit.document().isModified():
                self.summary_edit.setPlainText(view.summary)
                self.summary_edit.document().setModified(False)
            i = self.rating_combo.findData(view.rating or "")
            self.rating_combo.setCurrentIndex(max(i, 0))
        self._pins = pins
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.quotes.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        coding = data[0] if data else None
        pins = self._pins
        self.pin_button.setEnabled(coding is not None and coding not in pins)
        self.unpin_button.setEnabled(coding is not None and coding in pins)

    def _on_quote_activated(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:  # a heading, not a quote
            return
        _coding, doc, start, end = data
        self.jump_requested.emit(int(doc), int(start), int(end))

    def _quote_item(self, seg: Segment, pinned: bool = False) -> QListWidgetItem:
        text = f"\u201c{' '.join(seg.text.split())}\u201d {seg.citation()}"
        item = QListWidgetItem(("\u2605 " if pinned else "") + text)
        item.setData(Qt.ItemDataRole.UserRole, (seg.id, seg.document_id, seg.start, seg.end))
        item.setToolTip(f"{seg.code}\n{seg.citation()}" + ("\nPinned" if pinned else ""))
        if pinned:
            f = item.font()
            f.setBold(True)
            item.setFont(f)
        return item

    # -- the contrast ----------------------------------------------------------------
    @Slot()
    def show_contrast(self) -> None:
        """Turn the tab to the contrast of two of the current columns (A and B)."""
        if self.mode == "contrast":
            return
        self.mode = "contrast"
        self._selected = None
        self._segments = []
        self._contrast_code = None
        self.pages.setCurrentWidget(self.contrast)
        self.contrast_button.setEnabled(False)
        self.measure_combo.setEnabled(False)
        self.measure_combo.setToolTip("The contrast shows segments and rates per 1,000 words")
        self._show_cell()
        self.refresh()

    @Slot()
    def show_matrix(self) -> None:
        """Back from the contrast to the matrix."""
        if self.mode == "matrix":
            return
        self.mode = "matrix"
        self._contrast_code = None
        self._segments = []
        self.pages.setCurrentWidget(self._matrix_page)
        m = self.model.matrix
        self.contrast_button.setEnabled(m is not None and len(m.cols) >= 2)
        self.measure_combo.setEnabled(True)
        self.measure_combo.setToolTip("")
        self._show_cell()

    def _show_contrast(self, matrix: Matrix, result: ContrastResult) -> None:
        self.contrast_result = result
        self.contrast.set_columns(matrix.cols, result.pair)
        frame = result.frame
        if frame is None:
            self.contrast.show_result(None, matrix.spec.description, result.note)
            self.status.setText("")
            if self._contrast_code is not None:
                self._contrast_code = None
                self._show_cell()
            return
        self.contrast.show_result(frame, contrast_definition(frame, matrix))
        counts = frame["occurs"].value_counts()
        a, b = frame.attrs["a"], frame.attrs["b"]
        self.status.setText(
            f"{int(counts.get(ONLY_A, 0))} only in {a}, {int(counts.get(ONLY_B, 0))} only "
            f"in {b}, {int(counts.get(BOTH, 0))} in both")
        code = self._contrast_code
        if code is not None:
            if code in set(frame["code_id"]):
                self.contrast.select_code(code, quiet=True)
                self.show_contrast_quotes(code)
            else:
                self._contrast_code = None
                self._show_cell()

    @Slot(int)
    def show_contrast_quotes(self, code_id: int) -> None:
        """List one code's quotes from A, then from B, in the quote panel."""
        m, result = self.model.matrix, self.contrast_result
        if m is None or result is None or result.pair is None or result.frame is None:
            return
        frame = result.frame
        rows = frame[frame["code_id"] == code_id]
        if rows.empty:
            return
        row = rows.iloc[0]
        self._contrast_code = code_id
        sides: list[tuple[str, list[Segment]]] = []
        for name, key in zip((frame.attrs["a"], frame.attrs["b"]), result.pair, strict=True):
            try:
                segs = cell_segments(self.project, code_id, key, cols=m.spec, rollup=m.rollup)
            except Exception as exc:  # noqa: BLE001 - shown, never a crash
                from crosscase.ui import messages

                messages.error(self, "Could not read the quotes", messages.describe(exc))
                segs = []
            sides.append((str(name), segs))
        self._segments = [seg for _name, segs in sides for seg in segs]
        self._pins = []
        self.frame_box.setVisible(False)
        self.frame_note.setVisible(False)
        self.quotes.clear()
        (a, segs_a), (b, segs_b) = sides
        self.cell_title.setText(
            f"<b>{_html(str(row['path']))}</b><br>"
            f"<b>{_html(a)}</b>: {format_value('segments', len(segs_a), unit=True)}, "
            f"{format_value('rate', float(row['rate_a']), unit=True)}<br>"
            f"<b>{_html(b)}</b>: {format_value('segments', len(segs_b), unit=True)}, "
            f"{format_value('rate', float(row['rate_b']), unit=True)}")
        for name, segs in sides:
            heading = QListWidgetItem(f"{name} \u2014 {format_value('segments', len(segs), unit=True)}")
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            f = heading.font()
            f.setBold(True)
            heading.setFont(f)
            heading.setBackground(QBrush(QColor("#e9ecef")))
            self.quotes.addItem(heading)
            for seg in segs:
                self.quotes.addItem(self._quote_item(seg))
        self._update_buttons()

    # -- framework edits -------------------------------------------------------------
    def _run(self, command: Command) -> bool:
        from crosscase.ui import messages

        if self.undo_stack is not None:
            from crosscase.ui.undo import CommandAdapter, Outcome

            outcome = Outcome()
            self.undo_stack.push(CommandAdapter(
                self.project, command,
                on_error=lambda title, exc: messages.error(self, title, messages.describe(exc)),
                outcome=outcome,
            ))
            return outcome.ok
        try:
            command.do(self.project)
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            messages.error(self, f"Could not {command.label.lower()}", messages.describe(exc))
            return False
        return True

    def _cell_ids(self) -> tuple[int, int] | None:
        m = self.model.matrix
        if self._selected is None or m is None or m.spec.by != "cases":
            return None
        return self._selected[0], int(self._selected[1])

    @Slot()
    def commit_summary(self) -> None:
        ids = self._cell_ids()
        if ids is None:
            return
        text = self.summary_edit.toPlainText().strip()
        with self.project.session() as s:
            if framework.cell(s, *ids).summary == text:
                self.summary_edit.document().setModified(False)
                return
        if self._run(SetFrameworkCell(*ids, summary=text)):
            self.summary_edit.document().setModified(False)

    @Slot()
    def commit_rating(self) -> None:
        ids = self._cell_ids()
        if ids is None:
            return
        rating = self.rating_combo.currentData() or None
        with self.project.session() as s:
            if framework.cell(s, *ids).rating == rating:
                return
        self._run(SetFrameworkCell(*ids, rating=rating))

    def _selected_coding(self) -> int | None:
        item = self.quotes.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return int(data[0]) if data else None

    @Slot()
    def pin_selected(self) -> None:
        ids, coding = self._cell_ids(), self._selected_coding()
        if ids is not None and coding is not None:
            self._run(PinQuote(*ids, coding))

    @Slot()
    def unpin_selected(self) -> None:
        ids, coding = self._cell_ids(), self._selected_coding()
        if ids is not None and coding is not None:
            self._run(UnpinQuote(*ids, coding))

    # -- export ------------------------------------------------------------------------
    def _export(self, fmt: str) -> None:
        label = "Word document (*.docx)" if fmt == "docx" else "Excel workbook (*.xlsx)"
        start = str(self.project.path.with_name(f"{self.project.path.stem}-matrix.{fmt}"))
        path, _ = QFileDialog.getSaveFileName(self, "Export the matrix", start, label)
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the report with the current columns, measure and roll-up (off the GUI thread)."""
        from crosscase.exchange.reports import export_report
        from crosscase.ui import messages
        from crosscase.ui.workers import run_task

        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        options: dict[str, Any] = {"cols": self.cols, "rollup": self.rollup}
        if fmt == "docx":
            options["measure"] = self.measure
        else:
            options["measures"] = list(MEASURES)
        project = self.project
        self.status.setText("Exporting\u2026")

        def done(result: Any) -> None:
            if not _alive(self):
                return
            self.status.setText(f"Wrote {Path(result).name}")
            self._tasks = [(g, t) for g, t in self._tasks if t is not task]

        def failed(message: str) -> None:
            if not _alive(self):
                return
            self.status.setText("")
            self._tasks = [(g, t) for g, t in self._tasks if t is not task]
            messages.error(self, "Could not export", message)

        task = run_task(lambda: export_report(project, path, fmt, **options), done, failed)
        self._tasks.append((-1, task))


def _alive(widget: QWidget) -> bool:
    """False once Qt has deleted the widget (a late result is then dropped)."""
    import shiboken6

    return bool(shiboken6.isValid(widget))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
