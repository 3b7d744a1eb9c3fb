"""File → Merge…: which coders' copies to merge into the open project, and where to
write the merged one (a new file; the open project and the copies are only read)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crosscase.db.project import SUFFIX
from crosscase.ui.dialogs.buttons import action_buttons

PROJECT_FILTER = f"Crosscase projects (*{SUFFIX});;All files (*)"


class MergeDialog(QDialog):
    """The base (the open project), the projects to merge into it, in order, and the
    new file to write. :meth:`add_projects` and :attr:`out` are what the file
    choosers fill in; the Merge button checks them and accepts."""

    def __init__(self, base: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge projects")
        self.base = base
        note = QLabel(
            f"Start from a copy of <b>{base.name}</b> and add what each project below holds "
            "that it lacks: documents matched by their text, codes by GUID and path, each "
            "coding keeping its coder. Conflicts are listed in the report, never resolved "
            "for you. Nothing is changed in the projects merged; a new project is written.")
        note.setWordWrap(True)
        self.others = QListWidget()
        self.others.setAccessibleName("Projects to merge")
        self.others.setToolTip("Merged in this order; Delete takes the selected one out")
        self.add_button = QPushButton("Add…")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._browse_others)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        listing = QHBoxLayout()
        listing.addWidget(self.others, 1)
        listing.addLayout(side)

        self.out = QLineEdit(str(base.with_name(f"{base.stem}-merged{SUFFIX}")))
        self.out.setToolTip("The merged project is written here; the file must not exist yet")
        self.browse_out = QPushButton("Browse…")
        self.browse_out.setAutoDefault(False)
        self.browse_out.clicked.connect(self._browse_out)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(self.browse_out)

        form = QFormLayout()
        form.addRow("Base:", QLabel(str(base)))
        form.addRow("Merge in:", listing)
        form.addRow("Save as:", where)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("mergeMessage")

        buttons, self.merge_button = action_buttons(self, "Merge", self._check)

        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(form, 1)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.resize(640, 380)

    # -- choices ---------------------------------------------------------------
    def add_projects(self, paths: list[Path]) -> None:
        """Add projects to merge (each once, never the base itself)."""
        have = set(self.projects())
        for p in paths:
            p = Path(p)
            if p in have or p.resolve() == self.base.resolve():
                continue
            have.add(p)
            item = QListWidgetItem(p.name)
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            item.setToolTip(str(p))
            self.others.addItem(item)
        self.message.clear()

    def projects(self) -> list[Path]:
        """The projects to merge, in order."""
        return [Path(str(self.others.item(i).data(Qt.ItemDataRole.UserRole)))
                for i in range(self.others.count())]

    def remove_selected(self) -> None:
        row = self.others.currentRow()
        if row >= 0:
            self.others.takeItem(row)

    @property
    def path(self) -> Path:
        """Where the merged project goes (the suffix added if it was left off)."""
        path = Path(self.out.text().strip()).expanduser()
        if path.suffix != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        return path

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if e.key() == Qt.Key.Key_Delete and self.others.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(e)

    def _browse_others(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Projects to merge",
                                                str(self.base.parent), PROJECT_FILTER)
        self.add_projects([Path(n) for n in names])

    def _browse_out(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the merged project as",
                                              self.out.text(), PROJECT_FILTER)
        if name:
            self.out.setText(name)

    def _check(self) -> None:
        if not self.projects():
            self.message.setText("Add at least one project to merge (Add…).")
            self.add_button.setFocus()
            return
        if not self.out.text().strip():
            self.message.setText("Say where to write the merged project.")
            self.out.setFocus()
            return
        path = self.path
        if not path.parent.is_dir():
            self.message.setText(f"There is no folder {path.parent}.")
            self.out.setFocus()
            return
        if path.exists():
            self.message.setText(f"{path.name} already exists; a merge writes a new project, "
                                 "choose another name.")
            self.out.setFocus()
            return
        if path.resolve() == self.base.resolve() or path in self.projects():
            self.message.setText(f"{path.name} is one of the projects being merged.")
            self.out.setFocus()
            return
        self.accept()
