"""The change history: who did what, when, to which document or code; filter; CSV.

Reads the project's event log through ``services.history``: the whole log off
the GUI thread when the tab opens (a long study logs tens of thousands of
steps), then after each command only the events logged since, so the newest
step appears as it is made. A change that may rename a document, code or
case reads the whole log again in the background, so older rows show
current names.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crosscase.domain.changes import Change, Kind
from crosscase.services import history
from crosscase.services.history import HistoryEntry
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.models.history_model import HistoryModel

EVERYONE = "Everyone"
#: the kinds of step the filter offers, by the commands they cover
KINDS: dict[str, tuple[str, ...]] = {
    "All changes": (),
    "Coding": ("ApplyCodings", "RemoveCodings", "ResizeCoding"),
    "Codebook": ("CreateCode", "EditCode", "MoveCode", "DeleteCode", "MergeCodes",
                 "LoadCodebook", "codebook.load"),
    "Cases and documents": ("CreateCase", "EditCase", "DeleteCase", "RenameDocument",
                            "MoveDocument", "DeleteDocument", "document.import"),
    "Memos and attributes": ("SetMemo", "SetAttribute", "SetAttributes"),
    "Matrix": ("SetFrameworkCell", "PinQuote", "UnpinQuote", "SetRatingScale"),
}


class HistoryView(QWidget):
    #: a document id, when a row naming a document that still exists is opened
    document_requested = Signal(int)

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.all: list[HistoryEntry] = []  # newest first
        #: True while the whole log is being read off the GUI thread
        self.busy = False
        self._generation = 0
        self._tasks: list[object] = []
        self.model = HistoryModel()

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter: a word, a document, a code…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.coder = QComboBox()
        self.coder.setToolTip("Only the changes one person made")
        self.coder.addItem(EVERYONE)  # the people who made changes follow once the log is read
        self.coder.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.coder.currentIndexChanged.connect(self._apply_filter)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.setToolTip("Only one kind of change")
        self.kind.currentIndexChanged.connect(self._apply_filter)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the changes listed here as a CSV file")
        self.export_button.clicked.connect(lambda: self.export_csv())
        # "only the changes to this document (or case)", set from the case tree
        self.only: tuple[str, int, str] | None = None
        self.only_label = QLabel()
        self.only_clear = QToolButton()
        self.only_clear.setText("Show all")
        self.only_clear.setToolTip("Show the changes to everything")
        self.only_clear.setAutoRaise(True)
        self.only_clear.clicked.connect(lambda: self.set_only(None))
        only_bar = QHBoxLayout()
        only_bar.addWidget(self.only_label)
        only_bar.addWidget(self.only_clear)
        only_bar.addStretch(1)
        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.coder)
        bar.addWidget(self.kind)
        bar.addWidget(self.export_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        # what was done takes the room left; when, who, document and code stay in view
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)

        self.summary = QLabel()
        self.summary.setEnabled(False)
        self.summary.setWordWrap(True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(bar)
        lay.addLayout(only_bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)

        self._renamed = False
        self._update_soon = QTimer(self)
        self._update_soon.setSingleShot(True)
        self._update_soon.setInterval(100)
        self._update_soon.timeout.connect(self._update)
        context.change_applied.connect(self._changed)
        self.set_only(None)
        self.reload()
        self.table.setColumnWidth(3, 170)
        self.table.setColumnWidth(4, 150)

    # -- reading -------------------------------------------------------------
    def _changed(self, change: Change) -> None:
        # names shown in older rows may have changed with it
        if change.touches(Kind.DOCUMENTS, Kind.CODES, Kind.CASES):
            self._renamed = True
        self._update_soon.start()  # once for a burst of changes

    def _update(self) -> None:
        if self._renamed:
            self._renamed = False
            self.reload()
            return
        if self.busy:  # the whole log is on its way, with these in it
            return
        last = self.all[0].id if self.all else 0
        with self.context.project.session() as s:
            new = history.entries(s, newest_first=True, after=last)
            coders = history.coders(s)
        if new:
            self.all = new + self.all
            self._show(coders)

    def reload(self) -> None:
        """Read the whole log again off the GUI thread; the filters stay as they are."""
        from crosscase.ui.workers import run_task

        self._generation += 1
        generation = self._generation
        project = self.context.project
        self.busy = True
        self.summary.setText("Reading the history…")

        def work() -> tuple[list[HistoryEntry], list[str]]:
            with project.session() as s:
                return history.entries(s, newest_first=True), history.coders(s)

        def done(result: tuple[list[HistoryEntry], list[str]]) -> None:
            if not _alive(self) or generation != self._generation:
                return
            self.busy = False
            self.all, coders = result
            self._show(coders)

        def failed(message: str) -> None:
            if not _alive(self) or generation != self._generation:
                return
            self.busy = False
            self.summary.setText(message)

        self._tasks = [run_task(work, done, failed)]

    def _show(self, coders: list[str]) -> None:
        chosen = self.coder.currentText()
        self.coder.blockSignals(True)
        self.coder.clear()
        self.coder.addItems([EVERYONE, *coders])
        self.coder.setCurrentIndex(max(0, self.coder.findText(chosen)))
        self.coder.blockSignals(False)
        self._apply_filter()

    def set_only(self, only: tuple[str, int, str] | None) -> None:
        """Keep only the changes to one document or case (kind, id, name), or all (None)."""
        self.only = only
        self.only_label.setText(f"Only changes to the {only[0]} '{only[2]}'" if only else "")
        self.only_label.setVisible(only is not None)
        self.only_clear.setVisible(only is not None)
        self._apply_filter()

    def _touches(self, h: HistoryEntry) -> bool:
        if self.only is None:
            return True
        kind, oid, _name = self.only
        named = h.documents if kind == "document" else h.cases
        return any(n.id == oid for n in named)

    def shown(self) -> list[HistoryEntry]:
        """The entries the filters keep, as listed."""
        return list(self.model.rows)

    def _apply_filter(self) -> None:
        text = self.filter.text().strip().casefold()
        who = self.coder.currentText()
        kinds = KINDS.get(self.kind.currentText(), ())
        rows = [
            h for h in self.all
            if (not text or text in h.text())
            and (who in ("", EVERYONE) or h.coder == who)
            and (not kinds or h.command in kinds)
            and self._touches(h)
        ]
        self.model.set_rows(rows)
        n, total = len(rows), len(self.all)
        people = len({h.coder for h in rows})
        self.summary.setText(
            f"{n:,} of {total:,} changes, by {people} {'person' if people == 1 else 'people'}. "
            "Every change is recorded as it is made; undone steps are greyed. "
            "Double-click a row to open its document."
        )

    def _open(self, index: QModelIndex) -> None:
        h = self.model.entry(index)
        if h is None:
            return
        for d in h.documents:
            if d.exists:
                self.document_requested.emit(d.id)
                return
        messages.status(self, "That change names no document that is still in the project.")

    # -- export -----------------------------------------------------------------
    def export_csv(self, path: Path | None = None) -> Path | None:
        """Write the listed entries to a CSV file (asks where, unless given)."""
        if path is None:
            stem = self.context.project.path.stem
            path = messages.ask_save_file(
                self, "Export history", "CSV files (*.csv)",
                self.context.project.path.with_name(f"{stem} history.csv"), suffix=".csv",
            )
        if path is None:
            return None
        from crosscase.exchange.reports.report_data import write_private

        body = history.csv_text(self.shown())

        def write(tmp: Path) -> None:
            tmp.write_text(body, encoding="utf-8-sig")  # the mark tells Excel it is UTF-8

        try:
            out = write_private(path, write)
        except Exception as exc:  # noqa: BLE001 - any failure is one message
            messages.error(self, "Export history", messages.describe(exc))
            return None
        messages.status(self, f"Saved {len(self.shown()):,} changes to {out}")
        return out

    def keyPressEvent(self, e) -> None:
        if e.key() == Qt.Key.Key_Escape and self.filter.text():
            self.filter.clear()
            return
        super().keyPressEvent(e)


def _alive(widget: QWidget) -> bool:
    """False once Qt has deleted the widget (a late result is then dropped)."""
    import shiboken6

    return bool(shiboken6.isValid(widget))
