"""Memos on the project, a case, a document, a participant, a code or a coding."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crosscase.commands.base import Command
from crosscase.commands.seen import check_seen, lock
from crosscase.db.models import MEMO_TARGETS, Coding, MemoTarget
from crosscase.db.project import Project
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import NotFound, UsageError

#: the kind of thing each memo target is
TARGET_KINDS = {
    "project": Kind.PROJECT, "case": Kind.CASES, "document": Kind.DOCUMENTS,
    "participant": Kind.PARTICIPANTS, "code": Kind.CODES, "coding": Kind.CODINGS,
}


class SetMemo(Command):
    """Write the memo of one target. The change names the memo by its target's id,
    under both MEMOS and the target's own kind.

    ``seen`` is the memo as the user read it: if it has changed since, the
    write is refused (:class:`~crosscase.commands.seen.EditConflict`)."""

    def __init__(self, kind: str, target_id: int, text: str, seen: str | None = None) -> None:
        if kind not in MEMO_TARGETS:
            raise UsageError(f"memos go on {', '.join(MEMO_TARGETS)}, not '{kind}'")
        self.kind, self.target_id, self.text, self.seen = kind, target_id, text, seen
        self.label = f"Edit {kind} memo"
        self._old: str | None = None
        self._document: int | None = None  # a coding's document

    def _obj(self, session: Session) -> MemoTarget:
        model = MEMO_TARGETS[self.kind]
        obj = session.get(model, self.target_id)
        if not isinstance(obj, model):  # None: no such row
            raise NotFound(f"no {self.kind} {self.target_id}")
        return obj

    def _do(self, session: Session, project: Project) -> None:
        obj = self._obj(session)
        if isinstance(obj, Coding):
            self._document = obj.document_id
        if self._old is None:  # the first do: the user's edit, over what they saw
            if self.seen is not None:
                lock(session, obj, "memo")
                theirs = obj.memo

                def retry(merged: str) -> Command:
                    return SetMemo(self.kind, self.target_id, merged, seen=theirs)

                check_seen(project, self._what(obj), self.seen, theirs, self.text,
                           retry=retry, change=self.change())
            self._old = obj.memo
        obj.memo = self.text

    def _what(self, obj: MemoTarget) -> str:
        if self.kind == "project":
            return "the project's memo"
        name = getattr(obj, "name", None)
        return f"the memo of {self.kind} '{name}'" if name else f"the memo of {self.kind} {self.target_id}"

    def _undo(self, session: Session, project: Project) -> None:
        self._obj(session).memo = self._old or ""

    def change(self) -> Change:
        one = frozenset({self.target_id})
        changed = {Kind.MEMOS: one}
        if self.kind in TARGET_KINDS:
            changed[TARGET_KINDS[self.kind]] = one
        docs = [self._document] if self._document is not None else []
        return self._change(changed, documents=docs)

    def details(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.target_id}
