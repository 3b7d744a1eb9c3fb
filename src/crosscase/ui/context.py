"""One open project in the workbench: the project, its undo stack and change signals.

Views never poll. The core tells ``project.listeners`` what changed after each
command or import; :class:`ProjectContext` turns that into Qt signals. A
notice from a worker thread is queued to the GUI thread by Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoStack

from crosscase.commands.base import Command
from crosscase.db.project import Project
from crosscase.services import codebook
from crosscase.services.codebook import CodeNode
from crosscase.ui.settings import MAX_RECENT_CODES, Settings
from crosscase.ui.undo import CommandAdapter, Outcome, SequenceAdapter, StepFactory

KINDS = ("codes", "codings", "documents", "cases", "memos", "attributes", "framework")


class ProjectContext(QObject):
    changed = Signal(str)
    codes_changed = Signal()
    codings_changed = Signal()
    documents_changed = Signal()
    cases_changed = Signal()
    memos_changed = Signal()
    attributes_changed = Signal()
    recent_codes_changed = Signal()
    #: (title, message) of a command that failed
    command_failed = Signal(str, str)

    _relay = Signal(str)

    def __init__(self, project: Project, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.undo_stack = QUndoStack(self)
        self.recent_codes: list[int] = settings.recent_codes(project.path)
        self._nodes: dict[int, CodeNode] | None = None
        self._relay.connect(self._dispatch)
        self._listener: Callable[[str, dict[str, Any]], None] = self._on_project_change
        project.listeners.append(self._listener)

    # -- changes ---------------------------------------------------------
    def _on_project_change(self, what: str, info: dict[str, Any]) -> None:
        # may run on a worker thread: the signal is queued to this object's thread
        self._relay.emit(what)

    @property
    def nodes(self) -> dict[int, CodeNode]:
        """The codebook (cached until the core says the codes changed)."""
        if self._nodes is None:
            with self.project.session() as s:
                self._nodes = codebook.tree(s)
        return self._nodes

    @Slot(str)
    def _dispatch(self, what: str) -> None:
        if what in ("codes", "memos"):
            self._nodes = None
        self.changed.emit(what)
        signal = {
            "codes": self.codes_changed,
            "codings": self.codings_changed,
            "documents": self.documents_changed,
            "cases": self.cases_changed,
            "memos": self.memos_changed,
            "attributes": self.attributes_changed,
        }.get(what)
        if signal is not None:
            signal.emit()

    # -- commands ----------------------------------------------------------
    def _report(self, title: str, exc: BaseException) -> None:
        from crosscase.ui.messages import describe

        self.command_failed.emit(title, describe(exc))

    def push(self, command: Command) -> bool:
        """Run ``command`` as one undoable step; False (and a message) if it failed."""
        outcome = Outcome()
        self.undo_stack.push(CommandAdapter(self.project, command, self._report, outcome))
        return outcome.ok

    def push_sequence(self, label: str, steps: list[StepFactory]) -> list[Command] | None:
        outcome = Outcome()
        adapter = SequenceAdapter(self.project, label, steps, self._report, outcome)
        commands = adapter.commands
        self.undo_stack.push(adapter)
        return list(commands) if outcome.ok else None

    # -- recent codes ------------------------------------------------------
    def code_used(self, code_id: int) -> None:
        codes = [code_id, *[c for c in self.recent_codes if c != code_id]][:MAX_RECENT_CODES]
        if codes != self.recent_codes:
            self.recent_codes = codes
            self.settings.set_recent_codes(self.project.path, codes)
            self.recent_codes_changed.emit()

    def forget_codes(self, existing: set[int]) -> None:
        codes = [c for c in self.recent_codes if c in existing]
        if codes != self.recent_codes:
            self.recent_codes = codes
            self.settings.set_recent_codes(self.project.path, codes)
            self.recent_codes_changed.emit()

    # -- life --------------------------------------------------------------
    def close(self) -> None:
        if self._listener in self.project.listeners:
            self.project.listeners.remove(self._listener)
        self.undo_stack.clear()
        self.project.close()
