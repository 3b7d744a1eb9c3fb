"""Core commands on a ``QUndoStack``.

A :class:`CommandAdapter` wraps one Qt-free :class:`~crosscase.commands.base.Command`
(a :class:`~crosscase.commands.base.Sequence` of several steps is one command
too). ``QUndoStack.push`` calls :meth:`redo` at once, so the first call runs
``command.do`` and later calls ``command.redo``.

A command runs in one transaction and tells its listeners only after the
commit, and the project never lets a listener's error escape. So an error
out of ``do`` means the command failed and rolled back: only then is it made
obsolete, so the stack drops it and nothing half-done stays on the undo list.
The error is reported through ``on_error``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from crosscase.commands.base import Command, StepFactory
from crosscase.db.project import Project

ErrorHandler = Callable[[str, BaseException], None]

__all__ = ["CommandAdapter", "ErrorHandler", "Outcome", "StepFactory"]


class Outcome:
    """What happened when a command was pushed (kept apart from the Qt object,
    which the stack may delete when the command fails)."""

    __slots__ = ("error", "ok")

    def __init__(self) -> None:
        self.ok = False
        self.error: BaseException | None = None


class CommandAdapter(QUndoCommand):
    def __init__(
        self,
        project: Project,
        command: Command,
        on_error: ErrorHandler | None = None,
        outcome: Outcome | None = None,
    ) -> None:
        super().__init__(command.label)
        self.project = project
        self.command = command
        self.on_error = on_error
        self.outcome = outcome or Outcome()
        self._done_once = False

    def _fail(self, title: str, exc: BaseException) -> None:
        # the command rolled back: there is nothing on the stack's side to keep
        self.outcome.ok = False
        self.outcome.error = exc
        self.setObsolete(True)
        if self.on_error is not None:
            self.on_error(title, exc)

    def redo(self) -> None:
        try:
            if self._done_once:
                self.command.redo(self.project)
            else:
                self.command.do(self.project)
                self._done_once = True
            self.outcome.ok = True
        except Exception as exc:  # noqa: BLE001 - every failure is shown, none crashes the GUI
            self._fail(f"Could not {self.command.label[:1].lower()}{self.command.label[1:]}", exc)

    def undo(self) -> None:
        try:
            self.command.undo(self.project)
        except Exception as exc:  # noqa: BLE001
            self._fail(f"Could not undo: {self.command.label}", exc)
