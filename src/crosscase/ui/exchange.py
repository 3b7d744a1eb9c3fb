"""REFI-QDA from the workbench: import a project, export it, export or load a codebook;
and File → Merge…, coders' copies of a project merged into a new one.

The work is done by the core (:mod:`crosscase.exchange.refi`) on a worker thread,
behind a progress dialog. Its report is then shown in full, because the
standard asks that the researcher be told what came through and what did not.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from crosscase.db.project import SUFFIX
from crosscase.domain.progress import Progress
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.dialogs.report_dialog import ReportDialog
from crosscase.ui.workers import ProgressWorker

QDPX_FILTER = "REFI-QDA projects (*.qdpx);;All files (*)"
QDC_FILTER = "REFI-QDA codebooks (*.qdc);;All files (*)"
CODEBOOK_SOURCES = "REFI-QDA codebooks (*.qdc *.qdpx);;All files (*)"
PROJECT_FILTER = f"Crosscase projects (*{SUFFIX});;All files (*)"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class _Job:
    """The exchange that is running: what to call it, and what to do when it ends."""

    title: str
    on_done: Callable[[Any], None]
    failure_title: str


class RefiExchange(QObject):
    """The File menu's REFI-QDA commands, one at a time, each with a report at the end."""

    def __init__(
        self,
        window: QWidget,
        context: Callable[[], ProjectContext | None],
        open_project: Callable[[Path], bool],
    ) -> None:
        super().__init__(window)
        self.window = window
        self._context = context
        self._open_project = open_project
        self.worker: ProgressWorker | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.report_dialog: ReportDialog | None = None
        self.merge_dialog: QDialog | None = None
        self.open_merged_button: QPushButton | None = None
        self._job: _Job | None = None
        self._then: Callable[[], object] | None = None

    @property
    def context(self) -> ProjectContext | None:
        return self._context()

    @property
    def busy(self) -> bool:
        return self.worker is not None

    # -- the four commands --------------------------------------------------------------
    def import_project(self) -> None:
        """Choose a .qdpx and where its new project goes, then import it."""
        source = messages.ask_open_file(self.window, "Import REFI-QDA project", QDPX_FILTER)
        if source is None:
            return
        out = messages.ask_save_file(
            self.window, "Save the new project as", PROJECT_FILTER,
            source.with_suffix(SUFFIX), suffix=SUFFIX, confirm_overwrite=False,
        )
        if out is None:
            return
        if out.suffix != SUFFIX:
            out = out.with_name(out.name + SUFFIX)
        self.start_import(source, out)

    def start_import(self, source: Path, out: Path) -> ProgressWorker | None:
        from crosscase.exchange import refi

        def work(progress: Progress) -> Any:
            return refi.import_qdpx(source, out, offsets="auto", progress=progress)

        def done(report: Any) -> None:
            skipped = len(report.skipped)
            if skipped:
                headline = (f"{out.name} is ready, but {_count(skipped, 'item')} in "
                            f"{source.name} could not come in; the reasons are listed below.")
            else:
                headline = f"Everything in {source.name} came in: {out.name} is ready."
            self._report("REFI-QDA import", headline + " The new project opens when you close "
                         "this report.", report.lines(), then=lambda: self._open_project(out))

        return self._run("Importing REFI-QDA project", work, done,
                         "Cannot import the REFI-QDA project")

    def export_project(self) -> None:
        context = self.context
        if context is None:
            return
        out = messages.ask_save_file(self.window, "Export REFI-QDA project", QDPX_FILTER,
                                     context.project.path.with_suffix(".qdpx"), suffix=".qdpx")
        if out is not None:
            self.start_export(out)

    def start_export(self, out: Path) -> ProgressWorker | None:
        from crosscase.exchange import refi

        context = self.context
        if context is None:
            return None
        project = context.project

        def work(progress: Progress) -> Any:
            return refi.export_qdpx(project, out, progress=progress)

        return self._run("Exporting REFI-QDA project", work, self._exported,
                         "Cannot export the REFI-QDA project")

    def export_codebook(self) -> None:
        context = self.context
        if context is None:
            return
        path = context.project.path
        out = messages.ask_save_file(self.window, "Export codebook (REFI-QDA .qdc)", QDC_FILTER,
                                     path.with_name(f"{path.stem}-codebook.qdc"), suffix=".qdc")
        if out is not None:
            self.start_codebook_export(out)

    def start_codebook_export(self, out: Path) -> ProgressWorker | None:
        from crosscase.exchange import refi

        context = self.context
        if context is None:
            return None
        project = context.project
        return self._run("Exporting the codebook", lambda _p: refi.export_qdc(project, out),
                         self._exported, "Cannot export the codebook", cancellable=False)

    def load_codebook(self) -> None:
        if self.context is None:
            return
        source = messages.ask_open_file(self.window, "Load codebook", CODEBOOK_SOURCES)
        if source is not None:
            self.start_codebook_load(source)

    def start_codebook_load(self, source: Path) -> ProgressWorker | None:
        from crosscase.exchange import codebook as codebook_file

        context = self.context
        if context is None:
            return None

        def work(_progress: Progress) -> Any:
            book = codebook_file.read_codebook(source)  # off the GUI thread: only reading
            return book, book.command()

        def done(read: Any) -> None:
            # one undoable step on the workbench's stack; a failure is reported by the context
            book, load = read
            if not context.push(load):
                return
            report = codebook_file.report(book, load)
            headline = (f"Loaded the codebook in {source.name}: "
                        f"{len(report.added)} added, {len(report.updated)} updated, "
                        f"{len(report.unchanged)} already there.")
            if report.skipped:
                headline += " Some of it could not be loaded; the reasons are listed below."
            self._report("Codebook loaded", headline, report.lines())

        return self._run("Loading the codebook", work, done, "Cannot load the codebook",
                         cancellable=False)

    # -- merging coders' copies -----------------------------------------------------------
    def merge(self) -> QWidget | None:
        """File → Merge…: choose the copies to merge into the open project and where the
        merged project goes, then merge them off the GUI thread."""
        from crosscase.ui.dialogs.merge_dialog import MergeDialog

        context = self.context
        if context is None:
            return None
        if self.merge_dialog is not None:
            self.merge_dialog.raise_()
            return self.merge_dialog
        dialog = MergeDialog(context.project.path, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.merge_dialog = dialog

        def chosen() -> None:
            self.start_merge(dialog.base, dialog.projects(), dialog.path)

        def gone() -> None:
            if self.merge_dialog is dialog:
                self.merge_dialog = None

        dialog.accepted.connect(chosen)
        dialog.finished.connect(lambda _r: gone())
        dialog.open()
        return dialog

    def start_merge(self, base: Path, others: list[Path], out: Path) -> ProgressWorker | None:
        from crosscase.db.project import backup as project_backup
        from crosscase.exchange.merge import merge_projects

        context = self.context
        coder = context.project.coder_name if context is not None else None
        # a shared project is copied from its server (one consistent snapshot)
        url = (context.project.engine.url.render_as_string(hide_password=False)
               if context is not None and context.project.shared else None)

        def work(progress: Progress) -> Any:
            # the open project is locked by this window: merge from a consistent copy of it,
            # under its own name in a private folder beside it, removed afterwards
            folder = Path(tempfile.mkdtemp(prefix=f".{base.stem}.merge-",
                                           dir=None if url else base.parent))
            try:
                copy = folder / base.name
                if url is not None:
                    from crosscase.exchange.shared import pull

                    pull(url, copy)
                else:
                    os.replace(project_backup(base, "merge-base"), copy)
                report = merge_projects(copy, others, out, coder=coder, progress=progress)
                report.base = base
                return report
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        def done(report: Any) -> None:
            conflicts = len(report.conflicts)
            headline = f"Merged {_count(len(others), 'project')} into {out.name}"
            headline += (f"; {_count(conflicts, 'conflict')} listed below, nothing resolved "
                         "for you." if conflicts else ", with no conflicts.")
            dialog = self._report("Merge", headline + " Open the merged project now?",
                                  report.text().split("\n"))
            opening = QPushButton("Open merged project")
            opening.setToolTip(f"Close this project and open {out}")
            self.open_merged_button = opening
            box = dialog.findChild(QDialogButtonBox)
            assert box is not None
            box.addButton(opening, QDialogButtonBox.ButtonRole.AcceptRole)
            box.accepted.connect(dialog.accept)

            def closed(result: int) -> None:
                self.open_merged_button = None
                if result == QDialog.DialogCode.Accepted:
                    self._open_project(out)

            dialog.finished.connect(closed)

        return self._run("Merging projects", work, done, "Cannot merge the projects")

    def _exported(self, report: Any) -> None:
        what = "project" if report.format == "qdpx" else "codebook"
        headline = f"Saved the {what} as {report.path.name}."
        if report.left_out:
            headline += (" REFI-QDA has no place for some of what Crosscase holds; what was "
                         "left out is listed below.")
        self._report("REFI-QDA export", headline, report.lines())

    # -- running and reporting ----------------------------------------------------------
    def _run(self, title: str, work: Callable[[Progress], Any], on_done: Callable[[Any], None],
             failure_title: str, *, cancellable: bool = True) -> ProgressWorker | None:
        if self.worker is not None:
            messages.status(self.window, "Wait for the exchange that is running to finish.")
            return None
        dialog = QProgressDialog(f"{title}…", "Cancel", 0, 0, self.window)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(400)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        worker = ProgressWorker(work, self)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.stopped.connect(self._stopped)
        worker.finished.connect(self._finished)
        self._job = _Job(title, on_done, failure_title)
        self.worker, self.progress_dialog = worker, dialog
        worker.start()
        return worker

    def _progressed(self, done: int, total: int, label: str) -> None:
        dialog = self.progress_dialog
        if dialog is None or self._job is None:
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        title = self._job.title
        dialog.setLabelText(f"{title}: {label}…" if label else f"{title}…")

    def _succeeded(self, result: object) -> None:
        self._close_progress()
        if self._job is not None:
            self._job.on_done(result)

    def _failed(self, message: str) -> None:
        self._close_progress()
        if self._job is not None:
            messages.error(self.window, self._job.failure_title, message)

    def _stopped(self) -> None:
        self._close_progress()
        if self._job is not None:
            messages.status(self.window, f"{self._job.title}: stopped; nothing was written.")

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            messages.status(self.window, "Stopping…")

    def _close_progress(self) -> None:
        dialog, self.progress_dialog = self.progress_dialog, None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel)
            dialog.close()
            dialog.deleteLater()

    def _finished(self) -> None:
        worker, self.worker = self.worker, None
        self._job = None
        self._close_progress()
        if worker is not None:
            worker.deleteLater()

    def _report(self, title: str, headline: str, lines: list[str],
                then: Callable[[], object] | None = None) -> ReportDialog:
        dialog = ReportDialog(title, headline, lines, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report_dialog = dialog
        self._then = then
        dialog.finished.connect(self._report_closed)
        dialog.open()
        return dialog

    def _report_closed(self, _result: int) -> None:
        then, self._then = self._then, None
        self.report_dialog = None
        if then is not None:
            then()

    def shutdown(self) -> None:
        """Stop a running exchange (what it wrote is undone by the core) and wait for it."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
