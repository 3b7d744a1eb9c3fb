"""Undoable commands with no Qt.

A command holds plain values (ids, strings, row snapshots), never ORM
objects. ``do`` and ``undo`` each run in one transaction, write the event
log and tell the project's listeners what changed. The CLI runs a command
once; the workbench wraps each in a ``QUndoCommand`` on a ``QUndoStack``;
tests and scripts use :class:`History`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crosscase.db.project import Project


class Command:
    """Base class: subclasses implement ``_do`` and ``_undo``."""

    label = "change"
    #: what the faces should refresh: "codes", "codings", "documents", "cases", "framework"
    touches: tuple[str, ...] = ()

    def _do(self, session: Session, project: Project) -> None:
        raise NotImplementedError

    def _undo(self, session: Session, project: Project) -> None:
        raise NotImplementedError

    def details(self) -> dict[str, Any]:
        return {}

    def do(self, project: Project) -> None:
        with project.transaction() as session:
            self._do(session, project)
            project.log(session, self.action(), **self.details())
        self._notify(project)

    def undo(self, project: Project) -> None:
        with project.transaction() as session:
            self._undo(session, project)
            project.log(session, "undo " + self.action(), **self.details())
        self._notify(project)

    def redo(self, project: Project) -> None:
        self.do(project)

    def action(self) -> str:
        return type(self).__name__

    def _notify(self, project: Project) -> None:
        for what in self.touches:
            project.changed(what, command=self.label)


class History:
    """A plain undo/redo stack for commands (the workbench uses QUndoStack)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def push(self, command: Command) -> Command:
        command.do(self.project)
        self._done.append(command)
        self._undone.clear()
        return command

    def undo(self) -> Command | None:
        if not self._done:
            return None
        cmd = self._done.pop()
        cmd.undo(self.project)
        self._undone.append(cmd)
        return cmd

    def redo(self) -> Command | None:
        if not self._undone:
            return None
        cmd = self._undone.pop()
        cmd.redo(self.project)
        self._done.append(cmd)
        return cmd

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)
