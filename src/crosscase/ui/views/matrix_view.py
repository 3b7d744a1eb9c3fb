"""The matrix tab: codes down the side, cases (or documents, or an attribute) across.

Cells are shaded by value. Clicking a cell lists its quotes beside the table
(double-click a quote to read it in its document) and, when the columns are
cases, opens the framework cell (:mod:`crosscase.ui.views.framework_cell`):
a summary, a rating and pinned exemplar quotes, each change one undoable
command. The matrix is computed off the GUI thread and recomputed
(debounced) after a command whose :class:`~crosscase.domain.changes.Change`
touches what it shows: codes, codings, cases and documents always;
attributes and participants when the columns are an attribute; framework
cells when the columns are cases.

"Contrast\u2026" turns the tab to the contrast of two of its columns (see
:mod:`crosscase.ui.views.contrast_view`): the codes found only in A, only in
B and in both, computed with the matrix; double-clicking a code lists its
quotes from both columns in the same quote panel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crosscase.analysis.contrast import (
    BOTH,
    ONLY_A,
    ONLY_B,
    ContrastResult,
    compute_contrast,
    contrast_definition,
)
from crosscase.analysis.matrix import MEASURES, Matrix, cell_segments, compute_matrix
from crosscase.analysis.measures import format_value
from crosscase.commands.base import Command
from crosscase.domain.changes import Change, Kind
from crosscase.services import attributes, framework, rounds
from crosscase.services.framework import CellView
from crosscase.services.segments import Segment
from crosscase.ui.context import ProjectContext
from crosscase.ui.flow_layout import labelled, wrapping_bar
from crosscase.ui.models.matrix_model import MatrixModel
from crosscase.ui.views.contrast_view import ContrastPanel
from crosscase.ui.views.framework_cell import FrameworkCellEditor

#: what every matrix shows: its rows, its values, its columns' names and texts
SHOWN = (Kind.CODES, Kind.CODINGS, Kind.CASES, Kind.DOCUMENTS)


class MatrixView(QWidget):
    """The matrix tab. ``jump_requested(document_id, start, end)`` asks to show a quote."""

    jump_requested = Signal(int, int, int)
    #: the matrix on screen (and the contrast, when shown) was recomputed
    refreshed = Signal()

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.project = project = context.project
        self.busy = False
        self._generation = 0
        self._pending = False
        self._tasks: list[Any] = []
        self._selected: tuple[int, int | str] | None = None
        self._segments: list[Segment] = []
        #: "matrix" or "contrast": what the left of the tab shows
        self.mode = "matrix"
        #: the code whose quotes from A and B the panel shows, in contrast mode
        self._contrast_code: int | None = None
        self.contrast_result: ContrastResult | None = None
        #: the export dialog while it is open
        self.export_dialog: Any = None

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
            "On (the default): a theme's count includes its sub-codes' passages, each "
            "passage once. Off: each code counts only its own passages, as the note says.")
        # rolled up by default, so a rating never stands beside a count without its evidence
        self.rollup_check.setChecked(True)
        self.empty_check = QCheckBox("Show empty columns")
        self.empty_check.setToolTip(
            "Columns by an attribute: also show the values no coded passage falls in (the "
            "interviewer's role, say). Off, they are left out and the note names them.")
        self.contrast_button = QPushButton("Contrast\u2026")
        self.contrast_button.setToolTip(
            "Compare two columns: the codes found only in one, only in the other, in both")
        self.word_button = QPushButton("Export Word\u2026")
        self.excel_button = QPushButton("Export Excel\u2026")
        self.status = QLabel()
        self.status.setObjectName("matrixStatus")
        # the controls wrap onto a second row rather than widen the window; long option
        # names are elided in the closed combo boxes, and the status line wraps
        for combo in (self.cols_combo, self.measure_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.status.setWordWrap(True)
        self.toolbar = wrapping_bar(
            labelled(QLabel("Columns:"), self.cols_combo),
            labelled(QLabel("Measure:"), self.measure_combo),
            self.rollup_check, self.empty_check, self.contrast_button, self.word_button, self.excel_button,
        )

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
        self.table.viewport().installEventFilter(self)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        left_box.addWidget(self.definition)
        self.contrast = ContrastPanel(context, lambda: (self.cols, self.rollup))
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
        self.cell_editor = FrameworkCellEditor(project, self._run)
        self.frame_note = QLabel(
            "Summaries, ratings and pinned quotes belong to cases: show cases as columns "
            "to write them.")
        self.frame_note.setWordWrap(True)
        side = QWidget()
        right_box = QVBoxLayout(side)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self.cell_title)
        right_box.addWidget(self.quotes, 1)
        right_box.addWidget(self.frame_note)
        right_box.addWidget(self.cell_editor)
        # the side panel scrolls when narrow or short rather than widen the window
        right = QScrollArea()
        right.setWidgetResizable(True)
        right.setFrameShape(QFrame.Shape.NoFrame)
        right.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        right.setWidget(side)
        right.setMinimumWidth(side.minimumSizeHint().width() + 16)
        self.side_panel = right

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        outer = QVBoxLayout(self)
        outer.addWidget(self.toolbar)
        outer.addWidget(self.status)
        outer.addWidget(self.splitter, 1)

        # wiring
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self.refresh)
        context.change_applied.connect(self.apply_change)
        self.cols_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.measure_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.rollup_check.toggled.connect(lambda _b: self.refresh())
        self.empty_check.toggled.connect(lambda _b: self.refresh())
        self.table.clicked.connect(self._on_clicked)
        self.table.selectionModel().currentChanged.connect(
            lambda cur, _prev: self._on_clicked(cur))
        self.quotes.itemDoubleClicked.connect(self._on_quote_activated)
        self.quotes.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.word_button.clicked.connect(lambda: self._export("docx"))
        self.excel_button.clicked.connect(lambda: self._export("xlsx"))
        self.contrast_button.clicked.connect(self.show_contrast)
        self.contrast.back_requested.connect(self.show_matrix)
        self.contrast.pair_changed.connect(lambda _a, _b: self.refresh())
        self.contrast.code_activated.connect(self.show_contrast_quotes)

        self._fill_columns()
        self._show_cell()
        self.refresh()

    @property
    def settled(self) -> bool:
        """Nothing pending: no recomputation due or running, no export being written."""
        if not _alive(self):  # closed: only its background tasks may still be running
            return not self._tasks
        return not self.busy and not self._timer.isActive() and not self._tasks

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

    def _blind(self) -> rounds.Blind:
        """What the coder may see: blind in the documents of an open round they are in."""
        with self.project.session() as s:
            return rounds.blind_for(s, self.project.coder_name)

    # -- changes ---------------------------------------------------------------
    def shows(self, change: Change) -> bool:
        """Whether ``change`` alters what this matrix shows, with its current columns."""
        if change.touches(*SHOWN):
            return True
        by_attribute = ":" in self.cols
        if by_attribute and change.touches(Kind.ATTRIBUTES, Kind.PARTICIPANTS):
            return True
        return self.cols == "cases" and change.touches(Kind.FRAMEWORK)

    @Slot(object)
    def apply_change(self, change: Change) -> None:
        """Recompute (debounced) after a change to what the matrix shows; nothing else."""
        if change.reshapes(Kind.ATTRIBUTES):
            self._fill_columns()  # an attribute came or went: the column choices follow
        if change.touches(Kind.FRAMEWORK) and change.ids(Kind.FRAMEWORK) is None:
            self.cell_editor.fill_scale()  # the rating scale may have changed
        if self.shows(change):
            self._timer.start()

    # -- computing ---------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Recompute the matrix (off the GUI thread) and the selected cell's panel."""
        from crosscase.ui.workers import run_task

        self._generation += 1
        generation = self._generation
        project, cols, measure, rollup = self.project, self.cols, self.measure, self.rollup
        me = project.coder_name  # blind in an open round's documents
        drop_empty = not self.empty_check.isChecked()
        self.empty_check.setEnabled(":" in cols)  # cases and documents are always all shown
        pair = self.contrast.pair if self.mode == "contrast" else None
        with_contrast = self.mode == "contrast"
        self.busy = True
        self.status.setText("Computing\u2026")

        def work() -> tuple[Matrix, dict[tuple[int, int], CellView], ContrastResult | None]:
            with project.session() as s:
                matrix = compute_matrix(s, cols=cols, measure=measure, rollup=rollup,
                                        drop_empty_columns=drop_empty,
                                        blind=rounds.blind_for(s, me))
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

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(obj, event)

    def _fit_columns(self) -> None:
        """A few columns share the free width (up to 420 px each) rather than leave it
        empty; worked out again whenever the table's width changes (the side panel
        takes its room after the first layout), so no column hides behind a scroll bar
        that the width could have avoided."""
        widths = list(getattr(self, "_base_widths", []))
        if not widths:
            return
        code = max(self._code_width, 0)
        free = self.table.viewport().width() - code - sum(widths)
        if free > 0:
            widths = [min(420, w + free // len(widths)) for w in widths]
        elif free < 0:
            # narrow: case columns give up their slack first (to 80 px), then the
            # code column (to 140 px, its names elided); past that the table scrolls
            slack = sum(w - 80 for w in widths)
            take = min(-free, slack)
            if slack:
                widths = [w - (w - 80) * take // slack for w in widths]
            free += take
            if free < 0:
                code = max(140, code + free)
        self.table.setColumnWidth(0, code)
        for c, w in enumerate(widths, start=1):
            self.table.setColumnWidth(c, w)

    def _finish(self, generation: int) -> None:
        self._tasks = [(g, t) for g, t in self._tasks if g != generation]
        if generation == self._generation:
            self.busy = False

    def _show(self, matrix: Matrix, cells: dict[tuple[int, int], CellView],
              result: ContrastResult | None = None) -> None:
        self.model.set_matrix(matrix, cells)
        self.table.resizeColumnToContents(0)
        self._code_width = self.table.columnWidth(0)
        header = self.table.horizontalHeader()
        ncols = self.model.columnCount() - 1
        self._base_widths = [
            max(80, min(max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c)) + 16, 260))
            for c in range(1, ncols + 1)
        ]
        self._fit_columns()
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
        self.cell_editor.forget_edits()
        self._load_cell(code_id, key)

    def _load_cell(self, code_id: int, key: int | str) -> None:
        m = self.model.matrix
        if m is None:
            return
        try:
            segs = cell_segments(self.project, code_id, key, cols=m.spec, rollup=m.rollup,
                                 blind=self._blind())
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
        self.cell_editor.setVisible(by_case)
        self.frame_note.setVisible(not by_case and sel is not None)
        self.quotes.clear()
        if m is None or sel is None:
            self.cell_title.setText(
                "Click a cell to read its quotes." if self.mode == "matrix"
                else "Double-click a code to read its quotes from A and B.")
            self.cell_editor.setEnabled(False)
            self.cell_editor.show_cell(None, None)
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
        self.cell_editor.setEnabled(by_case)
        self.cell_editor.show_cell(self._cell_ids() if by_case else None,
                                   view if by_case else None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        """The framework cell's pin buttons act on the quote selected in the list."""
        item = self.quotes.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.cell_editor.set_selected_coding(int(data[0]) if data else None)

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
                segs = cell_segments(self.project, code_id, key, cols=m.spec, rollup=m.rollup,
                                     blind=self._blind())
            except Exception as exc:  # noqa: BLE001 - shown, never a crash
                from crosscase.ui import messages

                messages.error(self, "Could not read the quotes", messages.describe(exc))
                segs = []
            sides.append((str(name), segs))
        self._segments = [seg for _name, segs in sides for seg in segs]
        self.cell_editor.show_cell(None, None)
        self.cell_editor.setVisible(False)
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
        """One undoable step on the project's undo stack (a failure is reported by it)."""
        return self.context.push(command)

    def _cell_ids(self) -> tuple[int, int] | None:
        m = self.model.matrix
        if self._selected is None or m is None or m.spec.by != "cases":
            return None
        return self._selected[0], int(self._selected[1])

    # -- export ------------------------------------------------------------------------
    def _export(self, fmt: str) -> None:
        """Ask what goes into the report (remembered per project), then write it."""
        from crosscase.analysis import frames
        from crosscase.services import codebook
        from crosscase.ui.dialogs.report_dialog import ExportDialog, report_options

        settings, path = self.context.settings, self.project.path
        remembered = settings.report_choices(self.context.settings_key)
        out = remembered.get(f"out_{fmt}") or str(path.with_name(f"{path.stem}-matrix.{fmt}"))
        nodes = self.context.nodes
        with self.project.session() as s:
            cases = [(int(k), str(v)) for k, v in frames.cases_frame(s)["name"].items()]
        dialog = ExportDialog(fmt, [(n.id, n.path, n.depth) for n in nodes.values()], cases,
                              Path(out), rollup=self.rollup, remembered=remembered, parent=self)
        self.export_dialog = dialog

        def chosen() -> None:
            choices = dialog.choices()
            settings.set_report_choices(self.context.settings_key, {**remembered, **choices})
            options = report_options(choices, fmt, lambda c: codebook.descendants(nodes, c))
            self.export_to(dialog.path, fmt, options)

        dialog.accepted.connect(chosen)
        dialog.finished.connect(lambda _r: setattr(self, "export_dialog", None))
        dialog.open()

    def export_to(self, path: Path, fmt: str, choices: dict[str, Any] | None = None) -> None:
        """Write the report with the current columns and measure and the dialog's
        ``choices`` (by default the matrix's roll-up, everything else as the core's
        defaults), off the GUI thread."""
        from crosscase.exchange.reports import export_report
        from crosscase.ui import messages
        from crosscase.ui.workers import run_task

        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        options: dict[str, Any] = {"cols": self.cols, "rollup": self.rollup, **(choices or {})}
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
