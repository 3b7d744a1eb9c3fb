"""One open project in the workbench: the project, its undo stack and change signals.

Views never poll. The core publishes one :class:`~crosscase.domain.changes.Change`
after each command or import; :class:`ProjectContext` re-emits it on the GUI
thread as ``change_applied`` (a change published on a worker thread is
queued there by Qt), and, once per command, the per-kind signals derived
from its kinds for the views that still listen to those.

On a shared project the context also hears the colleagues' changes (the
project's listener thread) and relays them the same way: the views update in
place exactly as for a local change, and the undo stack never sees them.
``remote_note`` says in a few words what arrived, or that the connection to
the server was lost or is back.
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
    #: a short line for the status bar: a colleague's change arrived, the connection
    #: to the server was lost or is back (shared projects only)
    remote_note = Signal(str)
    #: a colleague's change, after the views have applied it (shared projects only)
    remote_change = Signal(object)

    _relay = Signal(object)
    _relay_remote = Signal(object)

    def __init__(self, project: Project, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.undo_stack = QUndoStack(self)
        #: what the settings remember this project by: its file, or a shared project's URL
        self.settings_key: str = project.location
        self.recent_codes: list[int] = settings.recent_codes(self.settings_key)
        self._nodes: dict[int, CodeNode] | None = None
        self._relay.connect(self._dispatch)
        self._relay_remote.connect(self._dispatch_remote)
        self._unsubscribe = project.subscribe(self._on_change)
        if project.shared:
            # the listener thread's calls reach the GUI thread through queued signals
            project.listen(on_error=self.remote_note.emit,  # type: ignore[attr-defined]
                           on_back=lambda: self.remote_note.emit(
                               f"{project.location}: connected again; colleagues' changes "
                               "are shown as they come"))

    # -- changes ---------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        # may run on a worker thread or (a colleague's change) on the shared project's
        # listener thread: the signal is queued to this object's thread
        hearing = getattr(self.project, "hearing", None)
        if hearing is not None and hearing():
            self._relay_remote.emit(change)
        else:
            self._relay.emit(change)

    @property
    def nodes(self) -> dict[int, CodeNode]:
        """The codebook (cached until the core says the codes changed)."""
        if self._nodes is None:
            with self.project.session() as s:
                self._nodes = codebook.tree(s)
        return self._nodes

    @Slot(object)
    def _dispatch_remote(self, change: Change) -> None:
        self._dispatch(change)
        self.remote_change.emit(change)
        self.remote_note.emit(describe_remote(change))

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
        from crosscase.commands.seen import EditConflict
        from crosscase.ui.messages import describe

        if not isinstance(exc, EditConflict):  # a conflict is shown by push: both texts
            self.command_failed.emit(title, describe(exc))

    def push(self, command: Command) -> bool:
        """Run ``command`` as one undoable step; False (and a message) if it failed."""
        outcome = Outcome()
        self.undo_stack.push(CommandAdapter(self.project, command, self._report, outcome))
        from crosscase.commands.seen import EditConflict

        if isinstance(outcome.error, EditConflict):  # someone else's text came first
            from crosscase.ui.dialogs.conflict import resolve

            resolve(self, outcome.error)
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
            self.settings.set_recent_codes(self.settings_key, codes)
            self.recent_codes_changed.emit()

    def forget_codes(self, existing: set[int]) -> None:
        codes = [c for c in self.recent_codes if c in existing]
        if codes != self.recent_codes:
            self.recent_codes = codes
            self.settings.set_recent_codes(self.settings_key, codes)
            self.recent_codes_changed.emit()

    # -- life --------------------------------------------------------------
    def close(self) -> None:
        self._unsubscribe()
        self.undo_stack.clear()
        self.project.close()  # a shared project stops listening first


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe_remote(change: Change) -> str:
    """A colleague's change in a few words: "Ana coded 1 passage"."""
    who = change.initiator or "A colleague"
    label = change.label
    if change.direction != "do":
        verb = "undid" if change.direction == "undo" else "redid"
        return f"{who} {verb} “{label}”"
    codings = change.ids(Kind.CODINGS)
    if change.kinds == {Kind.CODINGS} and codings is not None:
        if label.startswith("Apply"):
            return f"{who} coded {_count(len(codings), 'passage', 'passages')}"
        if label.startswith("Remove"):
            return f"{who} removed {_count(len(codings), 'coding', 'codings')}"
    return f"{who}: {label[:1].lower()}{label[1:]}" if label else f"{who} changed the project"
