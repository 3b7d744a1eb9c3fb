"""Two people edited the same text: show both, let the user merge, save nothing silently.

A command refused with :class:`~crosscase.commands.seen.EditConflict` (someone
else saved the memo, definition, summary or value since it was read) brings
up :class:`ConflictDialog`: their text as it is now (read-only) beside a
merged text that starts as the user's own. "Save merged" (Return) writes the
merged text over theirs, as a new command checked against their text;
"Keep theirs" (Escape) drops the user's text and the views show theirs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.seen import EditConflict
from crosscase.ui.context import ProjectContext


class ConflictDialog(QDialog):
    #: the merged text, when the user saves it
    merged = Signal(str)

    def __init__(self, conflict: EditConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        what = conflict.what[:1].upper() + conflict.what[1:]
        self.setWindowTitle("Changed by someone else")
        self.resize(760, 420)
        lay = QVBoxLayout(self)
        heading = QLabel(f"<b>{_esc(what)}</b> was changed by someone else since you read it. "
                         "Yours is not saved yet: merge the two, or keep theirs.")
        heading.setWordWrap(True)
        lay.addWidget(heading)

        grid = QGridLayout()
        grid.addWidget(QLabel("Theirs, as saved now"), 0, 0)
        grid.addWidget(QLabel("Merged (starts as yours; edit it, Ctrl+Return saves)"), 0, 1)
        self.theirs = QPlainTextEdit()
        self.theirs.setPlainText(conflict.theirs)
        self.theirs.setReadOnly(True)
        self.theirs.setAccessibleName("Theirs")
        self.theirs.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(conflict.mine)
        self.editor.setAccessibleName("Merged text")
        grid.addWidget(self.theirs, 1, 0)
        grid.addWidget(self.editor, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid, 1)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Save merged", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = buttons.addButton("Keep theirs", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)  # Return saves; Escape keeps theirs
        self.keep_button.setAutoDefault(False)
        self.save_button.setToolTip("Save the merged text over theirs (Return)")
        self.keep_button.setToolTip("Drop your text and keep theirs (Escape)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.accept)
        self.save_button.setFocus()

    def accept(self) -> None:
        text = self.editor.toPlainText()
        super().accept()
        self.merged.emit(text)


_open: set[ConflictDialog] = set()


def resolve(context: ProjectContext, conflict: EditConflict) -> ConflictDialog:
    """Show the conflict (not blocking). Saving pushes the merged text as a new undoable
    command; keeping theirs tells the views to show theirs."""
    # over the main window (the context's parent): the editor that saved may be closing,
    # and would take the dialog with it
    owner = context.parent()
    parent = owner if isinstance(owner, QWidget) else QApplication.activeWindow()
    dlg = ConflictDialog(conflict, parent)
    _open.add(dlg)  # kept alive while it is shown, whatever its parent
    dlg.finished.connect(lambda _r: _open.discard(dlg))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.merged.connect(lambda text: context.push(conflict.retry(text)))
    dlg.rejected.connect(lambda: context.project.publish(conflict.change))
    dlg.open()
    return dlg


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
