"""The page shown when no project is open: start one, open one, or pick a recent one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crosscase.ui.settings import Settings

SHORTCUTS = (
    ("Ctrl+K", "Code the selected text: type part of a code's name, Enter"),
    ("Ctrl+1 … Ctrl+9", "Code the selection with one of the last nine codes used"),
    ("Ctrl+I", "In-vivo code: a new code named by the selected words"),
    ("Alt+Down / Alt+Up", "Select the next / previous coding in the text"),
    ("Delete", "Remove the selected coding"),
    ("Ctrl+Shift+R", "Resize the selected coding to the selected text"),
    ("Ctrl+M", "Memo on the selected coding"),
    ("Ctrl+R", "Coded segments of the selected code"),
    ("Ctrl+Shift+F", "Search the project and autocode hits"),
    ("Ctrl+Shift+X", "Cross-case matrix"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo any change"),
    ("Ctrl+Shift+I", "Import documents"),
    ("Ctrl+Shift+K", "Filter the codebook"),
    ("Alt+0 / Alt+4 / Alt+5", "Go to the text / cases / codebook"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "Larger / smaller / normal text"),
)

class WelcomePage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        title = QLabel("Crosscase")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 2.4)
        f.setBold(True)
        title.setFont(f)
        lead = QLabel("Comparative qualitative case studies: import interviews for each case, "
                      "code them with your codebook, and compare the cases side by side.\n"
                      "Everything stays on this computer, and every change is saved as you make it.")
        lead.setWordWrap(True)
        new = QPushButton("New project…")
        new.setMinimumHeight(34)
        new.clicked.connect(self.new_requested)
        opn = QPushButton("Open project…")
        opn.setMinimumHeight(34)
        opn.clicked.connect(self.open_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(opn)
        buttons.addStretch(1)
        self.recent_label = QLabel("Recent projects")
        rf = self.recent_label.font()
        rf.setBold(True)
        self.recent_label.setFont(rf)
        self.recent = QListWidget()
        self.recent.setMaximumHeight(220)
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        keys = QLabel("<br/>".join(f"<b>{k}</b> &nbsp; {v}" for k, v in SHORTCUTS[:8]))
        keys.setEnabled(False)

        col = QVBoxLayout()
        col.addStretch(1)
        col.addWidget(title)
        col.addWidget(lead)
        col.addSpacing(12)
        col.addLayout(buttons)
        col.addSpacing(18)
        col.addWidget(self.recent_label)
        col.addWidget(self.recent)
        col.addSpacing(18)
        col.addWidget(keys)
        col.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        inner = QWidget()
        inner.setMaximumWidth(720)
        inner.setLayout(col)
        outer.addWidget(inner, 4)
        outer.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.recent.clear()
        from crosscase.db.server import database_name, is_url

        for p in self.settings.recent_projects():
            shown = (f"{database_name(p)}    —    {p}" if is_url(p)
                     else f"{Path(p).stem}    —    {Path(p).parent}")
            item = QListWidgetItem(shown)
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(p)
            self.recent.addItem(item)
        has = self.recent.count() > 0
        self.recent.setVisible(has)
        self.recent_label.setVisible(has)
