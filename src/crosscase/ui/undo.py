"""Core commands on a ``QUndoStack``.

A :class:`CommandAdapter` wraps one Qt-free :class:`~crosscase.commands.base.Command`.
``QUndoStack.push`` calls :meth:`redo` at once, so the first call runs
``command.do`` and later calls ``command.redo``. A command that fails is made
obsolete, so the stack drops it: nothing half-done stays on the undo list,
and the error is reported through ``on_error``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from crosscase.commands.base import Command
from crosscase.db.project import Project

ErrorHandler = Callable[[str, BaseException], None]
#: builds the next step of a composite from the steps already done
StepFactory = Callable[[list[Command]], Command | None]


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


class SequenceAdapter(QUndoCommand):
    """Several core commands as one undo step, where a later step may need the
    result of an earlier one (an in-vivo code is created, then applied).

    If a step fails on the first run, the steps already done are undone, so
    the project is as it was before.
    """

    def __init__(
        self,
        project: Project,
        label: str,
        steps: list[StepFactory],
        on_error: ErrorHandler | None = None,
        outcome: Outcome | None = None,
    ) -> None:
        super().__init__(label)
        self.project = project
        self.steps = steps
        self.on_error = on_error
        self.outcome = outcome or Outcome()
        self.commands: list[Command] = []
        self._done_once = False

    def redo(self) -> None:
        if self._done_once:
            try:
                for cmd in self.commands:
                    cmd.redo(self.project)
                self.outcome.ok = True
            except Exception as exc:  # noqa: BLE001
                self._report(exc)
            return
        try:
            for factory in self.steps:
                step = factory(self.commands)
                if step is None:
                    continue
                step.do(self.project)
                self.commands.append(step)
            self._done_once = True
            self.outcome.ok = True
        except Exception as exc:  # noqa: BLE001
            with contextlib.suppress(Exception):  # the first error is the one to report
                for cmd in reversed(self.commands):
                    cmd.undo(self.project)
            self.commands.clear()
            self._report(exc)

    def undo(self) -> None:
        try:
            for cmd in reversed(self.commands):
                cmd.undo(self.project)
        except Exception as exc:  # noqa: BLE001
            self._report(exc, undoing=True)

    def _report(self, exc: BaseException, undoing: bool = False) -> None:
        self.outcome.ok = False
        self.outcome.error = exc
        self.setObsolete(True)
        if self.on_error is not None:
            title = f"Could not undo: {self.text()}" if undoing else f"Could not do: {self.text()}"
            self.on_error(title, exc)
