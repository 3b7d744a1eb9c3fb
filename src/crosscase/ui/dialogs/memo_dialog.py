"""Write or read a memo on a coding, document, case, participant or code."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class MemoDialog(QDialog):
    #: (kind, target id, new text), only when the text changed
    saved = Signal(str, int, str)

    def __init__(
        self,
        kind: str,
        target_id: int,
        subject: str,
        text: str,
        parent: QWidget | None = None,
        quote: str = "",
    ) -> None:
        super().__init__(parent)
        self.kind, self.target_id, self.original = kind, target_id, text
        self.setWindowTitle(f"Memo: {subject}")
        self.resize(560, 420)
        heading = QLabel(f"<b>{_esc(subject)}</b>")
        heading.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        if quote:
            q = quote if len(quote) <= 400 else quote[:397] + "…"
            ql = QLabel(f"“{_esc(q)}”")
            ql.setWordWrap(True)
            ql.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            f = ql.font()
            f.setItalic(True)
            ql.setFont(f)
            lay.addWidget(ql)
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(text)
        self.editor.setPlaceholderText("Write your memo here. It is saved when you press Save.")
        lay.addWidget(self.editor, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        save_shortcut.activated.connect(self.accept)
        self.editor.setFocus()

    def accept(self) -> None:
        text = self.editor.toPlainText()
        super().accept()
        if text != self.original:
            self.saved.emit(self.kind, self.target_id, text)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
