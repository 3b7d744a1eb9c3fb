"""A readable report of an exchange: what went through, and what did not and why."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ReportDialog(QDialog):
    """A headline, then the report's lines in a read-only, selectable, copyable box."""

    def __init__(self, title: str, headline: str, lines: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(640, 420)
        self.lines = list(lines)

        self.headline = QLabel(headline)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)

        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setPlainText("\n".join(self.lines))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setToolTip("Copy the whole report to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.close_button = close

        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addWidget(self.body, 1)
        lay.addWidget(buttons)

    def text(self) -> str:
        """The report as shown."""
        return self.body.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
