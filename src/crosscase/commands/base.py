"""Undoable commands with no Qt.

A command holds plain values (ids, strings, row snapshots), never ORM
objects. ``do``, ``undo`` and ``redo`` each run in one transaction, write the
event log, and then publish exactly one :class:`~crosscase.domain.changes.Change`
to the project's listeners. The CLI runs a command once; the workbench wraps
each in a ``QUndoCommand`` on a ``QUndoStack``; tests and scripts use
:class:`History`.

A command's work is split from its transaction: :meth:`Command.apply` runs
inside a caller's session, so :class:`Sequence` can run several commands in
one transaction, publish one merged change and be undone as one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from crosscase.db.project import Project
from crosscase.domain.changes import Change, Ids, Kind

DO, UNDO, REDO = "do", "undo", "redo"


class Command:
    """Base class: subclasses implement ``_do``, ``_undo`` and :meth:`change`."""

    label = "change"

    def _do(self, session: Session, project: Project) -> None:
        raise NotImplementedError

    def _undo(self, session: Session, project: Project) -> None:
        raise NotImplementedError

    def change(self) -> Change:
        """What the last ``_do`` changed (an undo changes the same things back).

        Built from the command's own state after ``_do``, inside the
        transaction, so a failure here rolls the command back like any other.
        """
        return Change(self.label)

    def _change(
        self,
        changed: Mapping[Kind, Ids],
        *,
        reshaped: Iterable[Kind] = (),
        documents: Iterable[int] = (),
        codes: Iterable[int] = (),
    ) -> Change:
        """A change labelled with this command, leaving out kinds with no ids."""
        kept = {k: v for k, v in changed.items() if v is None or v}
        return Change(
            self.label, kept,
            reshaped=frozenset(k for k in reshaped if k in kept),
            documents=frozenset(documents), codes=frozenset(codes),
        )

    def details(self) -> dict[str, Any]:
        return {}

    def action(self) -> str:
        return type(self).__name__

    # -- inside a caller's transaction --------------------------------------
    def apply(self, session: Session, project: Project, direction: str = DO) -> None:
        """Do (or, with ``"undo"``, undo) the work and log it, in ``session``."""
        if direction == UNDO:
            self._undo(session, project)
            project.log(session, "undo " + self.action(), **self.details())
        else:
            self._do(session, project)
            project.log(session, self.action(), **self.details())

    # -- one transaction each, one change each -----------------------------
    #: this command's last entry in a shared project's change log
    logged: int | None = None

    def _run(self, project: Project, direction: str) -> Change:
        with project.transaction() as session:
            if direction != DO and self.logged is not None:
                project.check_undo(session, self, direction)
            self.apply(session, project, direction)
            change = replace(self.change(), direction=direction, initiator=project.coder_name)
            self.logged = project.record(session, change)
        project.publish(change)  # after the commit; a listener cannot undo it
        return change

    def do(self, project: Project) -> Change:
        return self._run(project, DO)

    def undo(self, project: Project) -> Change:
        return self._run(project, UNDO)

    def redo(self, project: Project) -> Change:
        return self._run(project, REDO)


#: builds the next step of a :class:`Sequence` from the steps already done,
#: or None to skip it
StepFactory = Callable[[list[Command]], Command | None]


class Sequence(Command):
    """Several commands as one: one transaction, one change, one undo step.

    A step is a command, or a factory that builds one from the steps already
    done (an in-vivo code is created, then the next step applies it). If any
    step fails, the whole transaction rolls back and nothing is kept. Undo
    runs the steps' undos in reverse in one transaction; redo replays them.
    """

    def __init__(self, label: str, steps: Iterable[Command | StepFactory]) -> None:
        self.label = label
        self.steps = list(steps)
        #: the commands done, in order (filled by the first ``do``)
        self.commands: list[Command] = []
        self._built = False

    def apply(self, session: Session, project: Project, direction: str = DO) -> None:
        if direction == UNDO:
            for cmd in reversed(self.commands):
                cmd.apply(session, project, UNDO)
            return
        if self._built:
            for cmd in self.commands:
                cmd.apply(session, project, direction)
            return
        done: list[Command] = []
        for step in self.steps:
            made = step if isinstance(step, Command) else step(list(done))
            if made is None:
                continue
            made.apply(session, project, direction)
            done.append(made)
        # only a sequence whose every step went through keeps its commands
        self.commands = done
        self._built = True

    def change(self) -> Change:
        return Change.merge(self.label, (cmd.change() for cmd in self.commands))


def id_set(values: Iterable[Any]) -> frozenset[int]:
    """Plain int ids, dropping None."""
    return frozenset(int(v) for v in values if v is not None)


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

