"""Work off the GUI thread: imports, exchanges and searches.

Workers hand back plain values (ids, dataclasses of str and int), never ORM
objects or sessions; each opens its own sessions through the core. Progress
and cancel go through the Qt-free :class:`~crosscase.domain.progress.Progress`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

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


class _Bridge(QObject):
    """Carries one task's result from its worker thread to the GUI thread (queued)."""

    finished = Signal(object)
    failed = Signal(str)


class Task:
    """One function run off the GUI thread; its result comes back by signal.

    The work runs on a Python thread pool, not a ``QRunnable``: a Qt pool
    keeps using its runnable after ``run`` returns, and if Python had freed
    the wrapper by then (the result handler drops the last reference) the
    process crashed. Here the only Qt object is the bridge, which lives on
    the GUI thread and is released only after the worker has returned and
    the handler has run.
    """

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.bridge = _Bridge()
        self.future: Future[None] | None = None
        self.handled = False

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - shown to the researcher, never a crash
            from crosscase.ui.messages import describe

            self.bridge.failed.emit(describe(exc))
            return
        self.bridge.finished.emit(result)

    @property
    def finished(self) -> bool:
        return self.handled and self.future is not None and self.future.done()


_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="crosscase-task")
#: tasks kept referenced until their worker has returned and their handler has run
_running: list[Task] = []


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[str], None]) -> Task:
    """Run ``fn`` off the GUI thread; ``on_done(result)`` or ``on_error(message)`` on this thread."""
    _running[:] = [t for t in _running if not t.finished]
    task = Task(fn)

    def done(result: Any) -> None:
        task.handled = True
        on_done(result)

    def failed(message: str) -> None:
        task.handled = True
        on_error(message)

    task.bridge.finished.connect(done)
    task.bridge.failed.connect(failed)
    _running.append(task)
    task.future = _pool.submit(task.run)
    return task


def wait_for_tasks(timeout_s: float = 10.0) -> bool:
    """Block until every running task's work is done (tests and scripts)."""
    pending = [t.future for t in _running if t.future is not None]
    _done, not_done = wait(pending, timeout=timeout_s)
    return not not_done
