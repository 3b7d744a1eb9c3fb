"""One open project in the workbench: the project, its undo stack and change signals.

Views never poll. The core publishes one :class:`~crosscase.domain.changes.Change`
after each command or import; :class:`ProjectContext` re-emits it on the GUI
thread as ``change_applied`` (a change published on a worker thread is
queued there by Qt), and, once per command, the per-kind signals derived
from its kinds for the views that still listen to those.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoStack

from crosscase.commands.base import Command, Sequence
from crosscase.db.project import Project
from crosscase.domain.changes import Change, Kind
from crosscase.services import codebook
from crosscase.services.codebook import CodeNode
from crosscase.ui.settings import MAX_RECENT_CODES, Settings
from crosscase.ui.undo import CommandAdapter, Outcome, StepFactory


class ProjectContext(QObject):
    #: the :class:`Change` of each command or import, once, on the GUI thread
    change_applied = Signal(object)
    #: each kind a change touched (a :class:`Kind` value), once per change
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

    _relay = Signal(object)

    def __init__(self, project: Project, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.undo_stack = QUndoStack(self)
        self.recent_codes: list[int] = settings.recent_codes(project.path)
        self._nodes: dict[int, CodeNode] | None = None
        self._relay.connect(self._dispatch)
        self._unsubscribe = project.subscribe(self._on_change)

    # -- changes ---------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        # may run on a worker thread: the signal is queued to this object's thread
        self._relay.emit(change)

    @property
    def nodes(self) -> dict[int, CodeNode]:
        """The codebook (cached until the core says the codes changed)."""
        if self._nodes is None:
            with self.project.session() as s:
                self._nodes = codebook.tree(s)
        return self._nodes

    @Slot(object)
    def _dispatch(self, change: Change) -> None:
        if change.touches(Kind.CODES, Kind.MEMOS):
            self._nodes = None
        self.change_applied.emit(change)
        signals = {
            Kind.CODES: self.codes_changed,
            Kind.CODINGS: self.codings_changed,
            Kind.DOCUMENTS: self.documents_changed,
            Kind.CASES: self.cases_changed,
            Kind.MEMOS: self.memos_changed,
            Kind.ATTRIBUTES: self.attributes_changed,
        }
        for kind in sorted(change.kinds, key=list(Kind).index):
            self.changed.emit(kind.value)
            signal = signals.get(kind)
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

    def push_sequence(
        self, label: str, steps: list[Command | StepFactory]
    ) -> list[Command] | None:
        """Run ``steps`` as one transaction and one undoable step (see :class:`Sequence`);
        the commands done, or None (and a message) if it failed and nothing was kept."""
        sequence = Sequence(label, steps)
        return list(sequence.commands) if self.push(sequence) else None

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
        self._unsubscribe()
        self.undo_stack.clear()
        self.project.close()
