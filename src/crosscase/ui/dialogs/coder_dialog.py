"""Who is coding: asked on first open, and from the status bar to switch."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from crosscase.domain.errors import UsageError
from crosscase.services import coders


class CoderDialog(QDialog):
    """An editable list of the project's coders: pick one or type a new name."""

    def __init__(self, known: list[str], current: str, parent: QWidget | None = None,
                 *, first: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is coding?")
        self.setObjectName("coderDialog")
        text = ("Your codings, framework cells and changes are recorded under your name. "
                "Choose yours or type it (remembered on this computer).") if first else (
                "Switch to another coder: what you do next is recorded under this name.")
        note = QLabel(text)
        note.setWordWrap(True)
        self.names = QComboBox()
        self.names.setEditable(True)
        self.names.addItems(known)
        self.names.setCurrentText(current)
        edit = self.names.lineEdit()
        if edit is not None:
            edit.selectAll()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.names)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.chosen = ""

    def _check(self) -> None:
        try:
            self.chosen = coders.checked_name(self.names.currentText())
        except UsageError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.accept()
