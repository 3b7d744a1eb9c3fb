"""Commands on codings: apply, remove, resize, memo."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crosscase.commands.base import Command
from crosscase.db.models import Coding, FrameworkPin, utcnow
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.services import spans
from crosscase.services.coding import CodingSpec


class ApplyCodings(Command):
    """Code one or many spans; spans already coded with the same code are skipped."""

    touches = ("codings",)

    def __init__(self, specs: list[CodingSpec], label: str | None = None) -> None:
        self.specs = list(specs)
        self.label = label or (
            "Apply code" if len(self.specs) == 1 else f"Apply {len(self.specs)} codings"
        )
        self.ids: list[int] = []
        self.skipped = 0
        self._rows: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        if self._rows:  # redo: the same rows, the same ids
            restore(session, Coding, self._rows)
            return
        coder = project.coder_id
        checker = spans.SpanChecker(session)
        existing: set[tuple[int, int, int, int]] = set()
        docs = {s.document_id for s in self.specs}
        codes = {s.code_id for s in self.specs}
        for found in session.execute(
            select(Coding.document_id, Coding.code_id, Coding.start, Coding.end).where(
                Coding.document_id.in_(docs), Coding.code_id.in_(codes)
            )
        ):
            existing.add((found.document_id, found.code_id, found.start, found.end))
        new: list[Row] = []
        created = utcnow()
        for spec in self.specs:
            key = (spec.document_id, spec.code_id, spec.start, spec.end)
            if key in existing:
                self.skipped += 1
                continue
            existing.add(key)
            checker.check_code(spec.code_id)
            new.append({
                "document_id": spec.document_id, "code_id": spec.code_id, "coder_id": coder,
                "start": spec.start, "end": spec.end, "memo": spec.memo, "created": created,
                "snippet": checker.snippet(spec.document_id, spec.start, spec.end), "guid": None,
            })
        if new:
            ids = session.scalars(
                insert(Coding).returning(Coding.id, sort_by_parameter_order=True), new
            ).all()
            for values, cid in zip(new, ids, strict=True):
                values["id"] = cid
        self.ids = [r["id"] for r in new]
        self._rows = new

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, Coding, Coding.id.in_(self.ids))

    def details(self) -> dict[str, Any]:
        return {"codings": self.ids}


class RemoveCodings(Command):
    touches = ("codings", "framework")

    def __init__(self, ids: list[int]) -> None:
        self.ids = list(ids)
        self.label = "Remove coding" if len(self.ids) == 1 else f"Remove {len(self.ids)} codings"
        self._rows: list[Row] = []
        self._pins: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        self._rows = snapshot(session, Coding, Coding.id.in_(self.ids))
        self._pins = snapshot(session, FrameworkPin, FrameworkPin.coding_id.in_(self.ids))
        remove(session, Coding, Coding.id.in_(self.ids))

    def _undo(self, session: Session, project: Project) -> None:
        restore(session, Coding, self._rows)
        restore(session, FrameworkPin, self._pins)

    def details(self) -> dict[str, Any]:
        return {"codings": self.ids}


class ResizeCoding(Command):
    label = "Resize coding"
    touches = ("codings",)

    def __init__(self, coding_id: int, start: int, end: int) -> None:
        self.coding_id, self.start, self.end = coding_id, start, end
        self._old: tuple[int, int, str] | None = None

    def _set(self, session: Session, start: int, end: int) -> None:
        coding = session.get(Coding, self.coding_id)
        if coding is None:
            from crosscase.domain.errors import NotFound

            raise NotFound(f"no coding {self.coding_id}")
        if self._old is None:
            self._old = (coding.start, coding.end, coding.snippet)
        coding.snippet = spans.SpanChecker(session).snippet(coding.document_id, start, end)
        coding.start, coding.end = start, end

    def _do(self, session: Session, project: Project) -> None:
        self._set(session, self.start, self.end)

    def _undo(self, session: Session, project: Project) -> None:
        assert self._old is not None
        self._set(session, self._old[0], self._old[1])

    def details(self) -> dict[str, Any]:
        return {"coding": self.coding_id, "start": self.start, "end": self.end}
