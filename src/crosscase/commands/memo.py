"""Memos on the project, a case, a document, a participant, a code or a coding."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crosscase.commands.base import Command
from crosscase.db.models import MEMO_TARGETS
from crosscase.db.project import Project
from crosscase.domain.errors import NotFound, UsageError


class SetMemo(Command):
    touches: tuple[str, ...] = ("memos",)

    def __init__(self, kind: str, target_id: int, text: str) -> None:
        if kind not in MEMO_TARGETS:
            raise UsageError(f"memos go on {', '.join(MEMO_TARGETS)}, not '{kind}'")
        self.kind, self.target_id, self.text = kind, target_id, text
        self.label = f"Edit {kind} memo"
        self._old: str | None = None
        self.touches = ("memos", "codings" if kind == "coding" else f"{kind}s")

    def _obj(self, session: Session) -> Any:
        obj = session.get(MEMO_TARGETS[self.kind], self.target_id)
        if obj is None:
            raise NotFound(f"no {self.kind} {self.target_id}")
        return obj

    def _do(self, session: Session, project: Project) -> None:
        obj = self._obj(session)
        if self._old is None:
            self._old = obj.memo
        obj.memo = self.text

    def _undo(self, session: Session, project: Project) -> None:
        self._obj(session).memo = self._old or ""

    def details(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.target_id}
