"""Work off the GUI thread: imports, exchanges and searches.

Workers hand back plain values (ids, dataclasses of str and int), never ORM
objects or sessions; each opens its own sessions through the core. Progress
and cancel go through the Qt-free :class:`~crosscase.domain.progress.Progress`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from crosscase.db.project import Project
from crosscase.domain.errors import Cancelled
from crosscase.domain.progress import Progress
from crosscase.services import documents


class ImportWorker(QThread):
    """Runs ``services.documents.import_files`` and reports each file as it is done."""

    #: (files done, files in all, current file name)
    progressed = Signal(int, int, str)
    #: (path, status: imported/skipped/failed, message)
    file_done = Signal(str, str, str)
    #: (path) a file that failed only for want of the right password
    password_needed = Signal(str)
    #: (imported, skipped, failed, cancelled)
    done = Signal(int, int, int, bool)
    #: an unexpected error stopped the batch
    crashed = Signal(str)

    def __init__(self, project: Project, paths: list[Path], case: str,
                 parent: QObject | None = None, *, password: str | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.paths = list(paths)
        self.case = case
        self.password = password
        self.progress = Progress(on_change=self._on_progress)

    def _on_progress(self, p: Progress) -> None:
        self.progressed.emit(p.done, p.total, p.label)

    def cancel(self) -> None:
        self.progress.cancel()

    def _on_result(self, result: documents.FileResult) -> None:
        self.file_done.emit(str(result.path), result.status, result.message)
        if result.needs_password:
            self.password_needed.emit(str(result.path))

    def run(self) -> None:
        try:
            report = documents.import_files(
                self.project, self.paths, self.case, password=self.password,
                progress=self.progress, on_result=self._on_result,
            )
        except Exception as exc:  # noqa: BLE001 - shown to the researcher, never a crash
            from crosscase.ui.messages import describe

            self.crashed.emit(describe(exc))
            return
        self.done.emit(len(report.imported), len(report.skipped), len(report.failed),
                       report.cancelled)


class ProgressWorker(QThread):
    """Runs ``fn(progress)`` once, off the GUI thread, with progress and cancel.

    ``fn`` gets a Qt-free :class:`Progress` to report on and to check for
    cancel; its result (a plain value or report) comes back by ``succeeded``.
    """

    #: (steps done, steps in all, what is being done)
    progressed = Signal(int, int, str)
    #: the value ``fn`` returned
    succeeded = Signal(object)
    #: one readable line saying why it failed
    failed = Signal(str)
    #: the user cancelled; whatever ``fn`` undoes on cancel is undone
    stopped = Signal()

    def __init__(self, fn: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.progress = Progress(on_change=self._on_progress)

    def _on_progress(self, p: Progress) -> None:
        self.progressed.emit(p.done, p.total, p.label)

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.stopped.emit()
            return
        except Exception as exc:  # noqa: BLE001 - shown to the researcher, never a crash
            from crosscase.ui.messages import describe

            self.failed.emit(describe(exc))
            return
        self.succeeded.emit(result)


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class Task(QRunnable):
    """One function run on the shared thread pool; its result comes back by signal."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001
            from crosscase.ui.messages import describe

            self.signals.failed.emit(describe(exc))
            return
        self.signals.finished.emit(result)


#: tasks on the pool: kept referenced here until they report back, so Python
#: never collects a runnable (or its signals) while a pool thread still runs it
_running: set[Task] = set()


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[str], None]) -> Task:
    """Run ``fn`` on the shared pool; ``on_done(result)`` or ``on_error(message)`` on this thread."""
    task = Task(fn)
    task.setAutoDelete(False)
    _running.add(task)

    def done(result: Any) -> None:
        _running.discard(task)
        on_done(result)

    def failed(message: str) -> None:
        _running.discard(task)
        on_error(message)

    task.signals.finished.connect(done)
    task.signals.failed.connect(failed)
    QThreadPool.globalInstance().start(task)
    return task
