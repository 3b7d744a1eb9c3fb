"""Import files or whole folders into a case, with progress, cancel and reasons for failures.

A PDF that is password-protected fails in the batch like any other file; when
the batch is done the dialog asks for each such file's password in turn and
imports it again, alone, updating its row.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crosscase.services import cases, documents
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.workers import ImportWorker

FILE_FILTER = (
    "Documents (*.txt *.docx *.pdf *.odt *.rtf *.md *.html *.htm);;All files (*)"
)

_MARKS = {"imported": ("✓", "#2e8b57"), "skipped": ("–", "#8a8a8a"), "failed": ("✗", "#c0392b")}
#: the command line's hint at the end of a password message; the dialog asks instead
_CLI_HINT = re.compile(r"\s*\(--password\)\s*$")


def _readable(message: str) -> str:
    return _CLI_HINT.sub("", message)


class ImportDialog(QDialog):
    """Choose files and a case, import them off the GUI thread, list what happened."""

    finished_import = Signal(int, int, int, bool)

    def __init__(
        self,
        context: ProjectContext,
        paths: list[Path] | None = None,
        case: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.worker: ImportWorker | None = None
        self.imported_ids: list[int] = []
        self.case = ""
        self.cancelled = False
        #: files of this batch that wait for a password, in the order they failed
        self.locked: list[str] = []
        #: the file being imported again with a password, if any
        self.retrying: str | None = None
        self.setWindowTitle("Import documents")
        self.setAcceptDrops(True)
        self.resize(640, 520)

        self.case_box = QComboBox()
        self.case_box.setEditable(True)
        self.case_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        case_edit = self.case_box.lineEdit()
        assert case_edit is not None  # editable, so Qt has created the line edit
        case_edit.setPlaceholderText("Case name (an existing case, or a new one)")
        with context.project.session() as s:
            for _cid, name in cases.case_names(s):
                self.case_box.addItem(name)
        if case:
            self.case_box.setCurrentText(case)
        elif self.case_box.count() == 0:
            self.case_box.setCurrentText("")

        self.files = QListWidget()
        self.files.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.report = QListWidget()
        self.report.setWordWrap(True)
        self.report.hide()
        self.files_label = QLabel("Files and folders:")
        add_files = QPushButton("Add files…")
        add_folder = QPushButton("Add folder…")
        remove = QPushButton("Remove")
        add_files.clicked.connect(self._choose_files)
        add_folder.clicked.connect(self._choose_folder)
        remove.clicked.connect(self._remove_selected)
        file_buttons = QHBoxLayout()
        for b in (add_files, add_folder, remove):
            file_buttons.addWidget(b)
        file_buttons.addStretch(1)
        self.file_buttons = [add_files, add_folder, remove]

        self.hint = QLabel(
            "Word, PDF, OpenDocument, RTF, Markdown, HTML and plain-text files. "
            "Drop files or folders here. Speakers in transcripts (“Interviewer:”, "
            "“P3:”) are recognised."
        )
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("%v of %m files")
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self._cancel_or_close)

        form = QFormLayout()
        form.addRow("Into case:", self.case_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.files_label)
        lay.addWidget(self.files, 1)
        lay.addWidget(self.report, 1)
        lay.addLayout(file_buttons)
        lay.addWidget(self.hint)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addLayout(buttons)
        self.add_paths(paths or [])

    # -- the list of files -------------------------------------------------------------
    def add_paths(self, paths: list[Path]) -> None:
        have = {self.files.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.files.count())}
        for p in paths:
            p = Path(p)
            if str(p) in have:
                continue
            label = f"{p.name}/  (folder: {len(documents.expand_paths([p]))} files)" if p.is_dir() else p.name
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            item.setToolTip(str(p))
            self.files.addItem(item)
        self._update_buttons()

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.files.count())]

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add files", "", FILE_FILTER)
        self.add_paths([Path(n) for n in names])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder")
        if folder:
            self.add_paths([Path(folder)])

    def _remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.worker is not None
        self.import_button.setEnabled(not running and self.files.count() > 0)
        for b in self.file_buttons:
            b.setEnabled(not running)
        self.case_box.setEnabled(not running)

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.mimeData().hasUrls() and self.worker is None:
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        self.add_paths([Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()])

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        case = self.case_box.currentText().strip()
        if not case:
            self.status.setText("Choose the case these documents belong to.")
            self.case_box.setFocus()
            return
        paths = self.paths()
        if not paths or self.worker is not None:
            return
        self.files.clear()
        self.files.hide()
        self.report.clear()
        self.report.show()
        self.files_label.setText("Results:")
        self.progress.setRange(0, max(1, len(documents.expand_paths(paths))))
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Importing…")
        self.close_button.setText("Stop")
        self.case, self.cancelled, self.locked, self.retrying = case, False, [], None
        self.worker = ImportWorker(self.context.project, paths, case, self)
        self.worker.progressed.connect(self._progressed)
        self.worker.file_done.connect(self._file_done)
        self.worker.password_needed.connect(self._password_needed)
        self.worker.done.connect(self._done)
        self.worker.crashed.connect(self._crashed)
        self.worker.finished.connect(self._worker_finished)
        self._update_buttons()
        self.worker.start()

    def _progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if label and label != "Importing":
            self.status.setText(f"Imported {label}")

    def _file_done(self, path: str, status: str, message: str) -> None:
        mark, colour = _MARKS.get(status, ("?", "#8a8a8a"))
        message = _readable(message)
        text = message if status == "failed" else f"{Path(path).name}: {status}"
        if status == "skipped":
            text = message
        item = self._row(path) if self.retrying == path else None
        if item is None:
            item = QListWidgetItem()
            self.report.addItem(item)
        item.setText(f"{mark}  {text}")
        item.setForeground(QColor(colour))
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setData(Qt.ItemDataRole.UserRole + 1, status)
        item.setToolTip(message)
        self.report.scrollToItem(item)

    def _row(self, path: str) -> QListWidgetItem | None:
        for i in range(self.report.count()):
            item = self.report.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == path:
                return item
        return None

    def _password_needed(self, path: str) -> None:
        if path not in self.locked:
            self.locked.append(path)

    def _done(self, imported: int, skipped: int, failed: int, cancelled: bool) -> None:
        # the counts are taken from the rows at the end, after any passwords
        self.cancelled = self.cancelled or cancelled

    def _summarise(self) -> None:
        """Say what the batch (and any files opened with a password) came to."""
        statuses = [status for _name, status, _message in self.results()]
        imported, skipped, failed = (statuses.count(s) for s in ("imported", "skipped", "failed"))
        parts = [f"{imported} imported"]
        if skipped:
            parts.append(f"{skipped} already in the project")
        if failed:
            parts.append(f"{failed} could not be imported (reasons above)")
        text = ", ".join(parts) + "."
        if self.cancelled:
            text = "Stopped. " + text + " Files imported before stopping are kept."
        self.status.setText(text)
        self.finished_import.emit(imported, skipped, failed, self.cancelled)

    def _crashed(self, message: str) -> None:
        self.status.setText(f"The import stopped: {message}")
        self.cancelled = True

    # -- passwords -----------------------------------------------------------------------
    def _ask_next_password(self) -> None:
        """Ask for the next locked file's password and import it again; Cancel moves on."""
        while self.locked:
            path = self.locked.pop(0)
            item = self._row(path)
            name = Path(path).name
            reason = item.toolTip() if item is not None else f"{name}: needs a password"
            password = messages.ask_password(
                self, f"Password for {name}",
                f"{reason.rstrip('.')}.\n\nPassword for {name} (Cancel leaves it out):",
            )
            if password is None:
                continue
            self._retry(path, password)
            return
        self._finish()

    def _retry(self, path: str, password: str) -> None:
        self.retrying = path
        self.status.setText(f"Opening {Path(path).name} with the password…")
        self.close_button.setText("Stop")
        self.worker = ImportWorker(self.context.project, [Path(path)], self.case, self,
                                   password=password)
        self.worker.file_done.connect(self._file_done)
        self.worker.password_needed.connect(self._password_needed)
        self.worker.crashed.connect(self._crashed)
        self.worker.finished.connect(self._worker_finished)
        self._update_buttons()
        self.worker.start()

    # -- the end of a batch -----------------------------------------------------------------
    def _worker_finished(self) -> None:
        self.worker = None
        self.retrying = None
        if self.locked and not self.cancelled:
            # after the current signal has been handled: the question is modal
            QTimer.singleShot(0, self._ask_next_password)
            return
        self._finish()

    def _finish(self) -> None:
        self.locked = []
        self._summarise()
        self.close_button.setText("Close")
        self.import_button.setText("Import more…")
        try:
            self.import_button.clicked.disconnect(self.start)
        except (RuntimeError, TypeError):
            pass
        self.import_button.clicked.connect(self._again)
        self._update_buttons()
        self.import_button.setEnabled(True)

    def _again(self) -> None:
        self.import_button.clicked.disconnect(self._again)
        self.import_button.clicked.connect(self.start)
        self.import_button.setText("Import")
        self.report.hide()
        self.files.show()
        self.progress.hide()
        self.status.clear()
        self.files_label.setText("Files and folders:")
        self.close_button.setText("Cancel")
        self._update_buttons()

    def results(self) -> list[tuple[str, str, str]]:
        """(file name, status, message) for each file of the last import."""
        out = []
        for i in range(self.report.count()):
            item = self.report.item(i)
            status = item.data(Qt.ItemDataRole.UserRole + 1)
            if status:
                out.append((Path(item.data(Qt.ItemDataRole.UserRole)).name, status, item.toolTip()))
        return out

    def _cancel_or_close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancelled = True
            self.status.setText("Stopping after the current file…")
            return
        self.reject()

    def reject(self) -> None:
        self.locked = []
        self.cancelled = True
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
        super().reject()
