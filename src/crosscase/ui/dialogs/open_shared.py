"""File → Open shared project…: the URL of a project on a PostgreSQL server.

The password field is optional: left empty, the password comes from the URL,
``PGPASSWORD`` or ``~/.pgpass`` (and the workbench asks if the server still
wants one). Whatever is typed there is handed to the connection and forgotten:
it is never saved, and the recent list keeps the URL without any password.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from crosscase.db.server import is_url
from crosscase.ui.dialogs.buttons import action_buttons

EXAMPLE = "postgresql://ana@db.example.org/study"


class OpenSharedDialog(QDialog):
    """Asks for a shared project's URL and, optionally, its password."""

    def __init__(self, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Open shared project")
        self.setObjectName("openSharedDialog")
        note = QLabel("A shared project lives in a PostgreSQL database. Give its address; "
                      "the password may also come from PGPASSWORD or ~/.pgpass.")
        note.setWordWrap(True)
        self.url = QLineEdit(url)
        self.url.setObjectName("sharedUrl")
        self.url.setPlaceholderText(EXAMPLE)
        self.url.setMinimumWidth(420)
        self.password = QLineEdit()
        self.password.setObjectName("sharedPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("optional; never saved")
        form = QFormLayout()
        form.addRow("&Address:", self.url)
        form.addRow("&Password:", self.password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons, self.open_button = action_buttons(self, "&Open", self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.url.setFocus()

    def chosen_url(self) -> str:
        return self.url.text().strip()

    def chosen_password(self) -> str | None:
        """The password typed, or None for none (the URL, PGPASSWORD or ~/.pgpass)."""
        return self.password.text() or None

    def _check(self) -> None:
        url = self.chosen_url()
        if not is_url(url):
            self.error.setText(f"Give the project's address as postgresql://user@host/database, "
                               f"e.g. {EXAMPLE}")
            self.error.show()
            self.url.setFocus()
            return
        self.accept()

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self.password.clear()
        super().done(result)
