"""The co-occurrence tab: which codes meet in the same passages, case by case.

A code x code table (co-occurrences, or the c coefficient) for all columns
or one case, the same numbers as a heatmap beside it (matplotlib's Qt
canvas), and under them the overlapping passages of the clicked pair with
their citations; activating a passage (double-click or Enter) opens it in its document. All
computing runs off the GUI thread (:func:`crosscase.ui.workers.run_task`).

The tab follows the project: a change to codings, codes, cases or documents (coding a
passage, undoing it, renaming a code) recomputes the table and the chart once the
changes pause (:data:`DEBOUNCE_MS`); a result that a later change has overtaken is
dropped. The chart sits in a scroll area at no less than its drawn size, so a narrow
window scrolls it rather than squeezing it until its layout collapses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crosscase.analysis.cooccurrence import Cooccurrence, OverlapPair
from crosscase.domain.changes import Change, Kind
from crosscase.ui.context import ProjectContext

#: how long the tab waits after a change for the next one before recomputing
DEBOUNCE_MS = 300
#: the kinds of change that alter what the tab shows
FOLLOWS = (Kind.CODINGS, Kind.CODES, Kind.CASES, Kind.DOCUMENTS)


class CooccurrenceView(QWidget):
    """``jump_requested(document_id, start, end)`` asks to show a passage in its document."""

    jump_requested = Signal(int, int, int)

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result: Cooccurrence | None = None
        self.pairs: list[OverlapPair] = []
        self.busy = False
        self._pending = 0
        # bumped by each recomputation (of the table, of the chart); older results are dropped
        self._generation = 0
        self._chart_generation = 0
        self.column = QComboBox()
        self.column.addItem("All cases", None)
        self.value = QComboBox()
        self.value.addItem("Co-occurrences", "count")
        self.value.addItem("c coefficient", "c")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.value)
        bar.addWidget(QLabel("in"))
        bar.addWidget(self.column)
        bar.addStretch(1)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellClicked.connect(self._on_cell)
        self.canvas_box = QVBoxLayout()
        self.canvas_box.setContentsMargins(0, 0, 0, 0)
        chart_holder = QWidget()
        chart_holder.setLayout(self.canvas_box)
        self.chart_area = QScrollArea()
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setWidget(chart_holder)
        self.canvas: QWidget | None = None
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(self.chart_area)
        top.setStretchFactor(0, 3)  # the chart keeps room beside the table
        top.setStretchFactor(1, 2)
        self.top_split = top
        self._chart_sized = False  # the chart's first drawing gives it room, once
        # long code names end in an ellipsis, whole in their tooltips
        self.table.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.caption = QLabel("Click a cell to read the passages where the two codes meet.")
        self.caption.setWordWrap(True)
        self.passages = QListWidget()
        self.passages.setWordWrap(True)
        self.passages.itemActivated.connect(self._on_passage)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setStyleSheet("color: palette(mid);")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        lower = QWidget()
        lower_box = QVBoxLayout(lower)
        lower_box.setContentsMargins(0, 0, 0, 0)
        lower_box.addWidget(self.caption)
        lower_box.addWidget(self.passages)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.definition)
        self.column.currentIndexChanged.connect(lambda _i: self._redraw())
        self.value.currentIndexChanged.connect(lambda _i: self._redraw())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        context.change_applied.connect(self.apply_change)
        self.refresh()

    def _blind(self) -> Any:
        """What the coder may see: blind in the documents of an open round they are in
        (read in the worker, like the table)."""
        from crosscase.services import rounds

        project = self.context.project
        with project.session() as s:
            return rounds.blind_for(s, project.coder_name)

    @property
    def settled(self) -> bool:
        """Nothing pending: no recomputation due or running."""
        return self._pending == 0 and not self._timer.isActive()

    def apply_change(self, change: Change) -> None:
        """Recompute, once the changes pause, after a change to what the tab shows."""
        if change.touches(*FOLLOWS):
            self._timer.start()

    # -- computing ------------------------------------------------------------------------
    def _run(self, fn: Any, done: Any) -> None:
        from crosscase.ui.workers import run_task

        self._pending += 1

        def finish(result: Any) -> None:
            self._pending -= 1
            done(result)

        def failed(message: str) -> None:
            self._pending -= 1
            self.busy = False
            self.caption.setText(message)

        run_task(fn, finish, failed)

    def refresh(self) -> None:
        from crosscase.analysis.cooccurrence import compute_cooccurrence

        project = self.context.project
        self._timer.stop()
        self.busy = True
        self._generation += 1
        generation = self._generation

        def show(result: Cooccurrence) -> None:
            if generation == self._generation:
                self._show(result)

        self._run(lambda: compute_cooccurrence(project, blind=self._blind()), show)

    def _show(self, result: Cooccurrence) -> None:
        self.result = result
        keep = self.column.currentData()
        self.column.blockSignals(True)
        self.column.clear()
        self.column.addItem("All cases", None)
        for c in result.cols:
            self.column.addItem(c.name, c.key)
        i = self.column.findData(keep)
        self.column.setCurrentIndex(max(i, 0))
        self.column.blockSignals(False)
        self.definition.setText(result.definition)
        self._redraw()

    def _redraw(self) -> None:
        co = self.result
        if co is None:
            return
        key = self.column.currentData()
        value = str(self.value.currentData())
        counts = co.counts(key)
        shown = counts if value == "count" else co.coefficients(key)
        names = [r.name for r in co.rows]
        self.table.clear()
        self.table.setRowCount(len(names))
        self.table.setColumnCount(len(names))
        self.table.setHorizontalHeaderLabels(names)
        self.table.setVerticalHeaderLabels(names)
        for i, r in enumerate(co.rows):
            for head in (self.table.horizontalHeaderItem(i), self.table.verticalHeaderItem(i)):
                if head is not None:
                    head.setToolTip(r.path)
        top = float(shown.max()) if shown.size else 0.0
        for i in range(len(names)):
            for j in range(len(names)):
                if i == j:
                    item = QTableWidgetItem("")
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                else:
                    v = float(shown[i, j])
                    item = QTableWidgetItem(f"{int(v)}" if value == "count" else f"{v:.2f}")
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if top > 0 and v > 0:
                        shade = QColor("#2e6fbf")
                        shade.setAlpha(int(30 + 160 * v / top))
                        item.setBackground(shade)
                    item.setToolTip(f"{names[i]} + {names[j]}: {int(counts[i, j])} "
                                    "co-occurrences; click to read them")
                item.setData(Qt.ItemDataRole.UserRole, (co.rows[i].code_id, co.rows[j].code_id))
                self.table.setItem(i, j, item)
        self.busy = False
        self._draw_chart(key, value)

    def _draw_chart(self, key: Any, value: str) -> None:
        from crosscase.exchange import charts

        project = self.context.project
        self._chart_generation += 1
        generation = self._chart_generation

        def build() -> Any:
            return charts.cooccur(project, column=key, value=value, blind=self._blind())

        def place(chart: Any) -> None:
            if generation == self._chart_generation:
                self._place_chart(chart)

        self._run(build, place)

    def _place_chart(self, chart: Any) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        if self.canvas is not None:
            self.canvas_box.removeWidget(self.canvas)
            self.canvas.deleteLater()
        width, height = chart.figure.get_size_inches() * chart.figure.dpi
        canvas = FigureCanvasQTAgg(chart.figure)
        # never smaller than drawn: squeezed, constrained layout has no room and gives up
        canvas.setMinimumSize(int(width), int(height))
        canvas.setToolTip(chart.alt)
        self.canvas = canvas
        self.canvas_box.addWidget(canvas)
        sizes = self.top_split.sizes()
        total = sum(sizes)
        if not self._chart_sized and total > 0 and sizes[1] < total // 4:
            # the table's size hint takes the whole width at first: share it
            self._chart_sized = True
            self.top_split.setSizes([total * 3 // 5, total - total * 3 // 5])
        canvas.draw_idle()

    # -- drill-down -----------------------------------------------------------------------
    def _on_cell(self, row: int, col: int) -> None:
        item = self.table.item(row, col)
        if item is None or row == col or self.result is None:
            return
        a, b = item.data(Qt.ItemDataRole.UserRole)
        self.show_pair(int(a), int(b))

    def show_pair(self, a: int, b: int) -> None:
        from crosscase.analysis.cooccurrence import overlapping_passages

        project = self.context.project
        key = self.column.currentData()
        co = self.result
        assert co is not None
        names = {r.code_id: r.name for r in co.rows}
        where = self.column.currentText()
        self.caption.setText(f"Reading where {names[a]} meets {names[b]} in {where}\u2026")

        def done(found: list[OverlapPair]) -> None:
            self.pairs = found
            self.passages.clear()
            self.caption.setText(f"{names[a]} + {names[b]} in {where}: "
                                 f"{len(found)} co-occurrence(s)")
            for pair in found:
                text = (f"{pair.a.citation('full')}\n{pair.a.code}: \u201c{pair.a.text}\u201d\n"
                        f"{pair.b.code}: \u201c{pair.b.text}\u201d")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole,
                             (pair.a.document_id, pair.start, pair.end))
                self.passages.addItem(item)

        self._run(lambda: overlapping_passages(project, a, b, key, blind=self._blind()), done)

    def _on_passage(self, item: QListWidgetItem) -> None:
        doc, start, end = item.data(Qt.ItemDataRole.UserRole)
        self.jump_requested.emit(int(doc), int(start), int(end))
