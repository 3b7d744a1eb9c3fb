"""The framework cell beside the matrix: a summary, a rating and pinned exemplar quotes.

A framework cell belongs to one code and one case. The editor shows the cell
the matrix tab hands it (:meth:`FrameworkCellEditor.show_cell`) and turns each
edit into one undoable command, run by the ``run`` callable it was given. The
quotes themselves are listed by the matrix tab, which tells the editor which
quote is selected (:meth:`FrameworkCellEditor.set_selected_coding`) so that
"Pin quote" and "Unpin quote" act on it.

A summary being written is never dropped: it is committed (one undoable
step) when the box loses the keyboard focus, when another cell is chosen,
and when the editor is hidden; "Save summary" commits it at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.base import Command
from crosscase.commands.framework import PinQuote, SetFrameworkCell, UnpinQuote
from crosscase.db.project import Project
from crosscase.services import framework
from crosscase.services.framework import CellView


class FrameworkCellEditor(QGroupBox):
    """Edit one framework cell (code id, case id); ``run`` carries out each command."""

    def __init__(self, project: Project, run: Callable[[Command], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__("Framework cell", parent)
        self.project = project
        self._run = run
        #: (code id, case id) of the cell shown, or None
        self.cell: tuple[int, int] | None = None
        #: the cell's pinned codings, in order
        self.pins: list[int] = []
        #: the coding of the quote selected in the matrix tab's list
        self.selected_coding: int | None = None
        #: the summary and rating as last shown: what an edit is written over
        self.seen: dict[str, str] = {"summary": "", "rating": ""}

        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setPlaceholderText("Two or three sentences on what this case shows")
        self.summary_edit.setMaximumHeight(120)
        self.save_summary = QPushButton("Save summary")
        self.save_summary.setToolTip("The summary is also saved when you leave the box "
                                     "or choose another cell")
        self.summary_edit.installEventFilter(self)
        self.rating_combo = QComboBox()
        self.pin_button = QPushButton("Pin quote")
        self.pin_button.setToolTip("Pin the selected quote as an exemplar for this cell")
        self.unpin_button = QPushButton("Unpin quote")
        rating_row = QHBoxLayout()
        rating_row.addWidget(QLabel("Rating:"))
        rating_row.addWidget(self.rating_combo, 1)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_button)
        pin_row.addWidget(self.unpin_button)
        box = QVBoxLayout(self)
        box.addWidget(self.summary_edit)
        box.addWidget(self.save_summary)
        box.addLayout(rating_row)
        box.addLayout(pin_row)

        self.save_summary.clicked.connect(self.commit_summary)
        self.rating_combo.activated.connect(lambda _i: self.commit_rating())
        self.pin_button.clicked.connect(self.pin_selected)
        self.unpin_button.clicked.connect(self.unpin_selected)
        self.fill_scale()
        self._update_buttons()

    # -- what is shown -----------------------------------------------------------
    def fill_scale(self) -> None:
        """The rating scale's labels, as the project defines them."""
        with self.project.session() as s:
            scale = framework.rating_scale(s)
        current = self.rating_combo.currentData()
        self.rating_combo.blockSignals(True)
        self.rating_combo.clear()
        self.rating_combo.addItem("(not rated)", "")
        for label in scale:
            self.rating_combo.addItem(label[:1].upper() + label[1:], label)
        i = self.rating_combo.findData(current) if current else 0
        self.rating_combo.setCurrentIndex(max(i, 0))
        self.rating_combo.blockSignals(False)

    def show_cell(self, cell: tuple[int, int] | None, view: CellView | None) -> None:
        """Show ``view`` for ``cell``; a summary being written for another cell is
        committed to that cell first, one being written for this cell is kept."""
        if cell != self.cell:
            self.commit_pending()
            self.summary_edit.document().setModified(False)
            self.seen = {"summary": "", "rating": ""}
        self.cell = cell
        if view is not None and cell is not None:
            if not self.summary_edit.document().isModified():
                self.summary_edit.setPlainText(view.summary)
                self.summary_edit.document().setModified(False)
                self.seen["summary"] = view.summary
            self.seen["rating"] = view.rating or ""
            i = self.rating_combo.findData(view.rating or "")
            self.rating_combo.setCurrentIndex(max(i, 0))
        self.pins = list(view.pins) if view is not None else []
        self._update_buttons()

    def forget_edits(self) -> None:
        """A new cell was chosen: what was written is committed to the cell it was
        written for, and the summary box then follows the new cell."""
        self.commit_pending()
        self.summary_edit.document().setModified(False)

    def commit_pending(self) -> None:
        """Commit the summary being written, if any (it is never dropped)."""
        if self.cell is not None and self.summary_edit.document().isModified():
            self.commit_summary()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if obj is self.summary_edit and e.type() == QEvent.Type.FocusOut:
            self.commit_pending()
        return super().eventFilter(obj, e)

    def hideEvent(self, e: QHideEvent) -> None:
        self.commit_pending()
        super().hideEvent(e)

    def set_selected_coding(self, coding_id: int | None) -> None:
        self.selected_coding = coding_id
        self._update_buttons()

    def _update_buttons(self) -> None:
        coding = self.selected_coding
        self.pin_button.setEnabled(coding is not None and coding not in self.pins)
        self.unpin_button.setEnabled(coding is not None and coding in self.pins)

    # -- edits ---------------------------------------------------------------------
    @Slot()
    def commit_summary(self) -> None:
        if self.cell is None:
            return
        text = self.summary_edit.toPlainText().strip()
        with self.project.session() as s:
            if framework.cell(s, *self.cell).summary == text:
                self.summary_edit.document().setModified(False)
                return
        if self._run(SetFrameworkCell(*self.cell, summary=text,
                                      seen={"summary": self.seen["summary"]})):
            self.summary_edit.document().setModified(False)
            self.seen["summary"] = text
            return
        with self.project.session() as s:
            now = framework.cell(s, *self.cell).summary
        if now != self.seen["summary"]:
            # someone else's summary came first: the conflict dialog has ours now, and
            # the box shows theirs until the merged text (or theirs, kept) comes back
            self.summary_edit.setPlainText(now)
            self.summary_edit.document().setModified(False)
            self.seen["summary"] = now

    @Slot()
    def commit_rating(self) -> None:
        if self.cell is None:
            return
        rating = self.rating_combo.currentData() or None
        with self.project.session() as s:
            if framework.cell(s, *self.cell).rating == rating:
                return
        if self._run(SetFrameworkCell(*self.cell, rating=rating,
                                      seen={"rating": self.seen["rating"]})):
            self.seen["rating"] = rating or ""

    @Slot()
    def pin_selected(self) -> None:
        if self.cell is not None and self.selected_coding is not None:
            self._run(PinQuote(*self.cell, self.selected_coding))

    @Slot()
    def unpin_selected(self) -> None:
        if self.cell is not None and self.selected_coding is not None:
            self._run(UnpinQuote(*self.cell, self.selected_coding))
