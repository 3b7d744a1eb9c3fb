"""Commands on codings: apply, remove, resize, memo."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.db.models import Coder, Coding, FrameworkPin, utcnow
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.services import spans
from crosscase.services.coding import CodingSpec


def _coder(session: Session, project: Project) -> int:
    """The id of the project's coder, made in this transaction if new.

    Not ``project.coder_id``: that opens a transaction of its own, which would
    wait on this one when an earlier step of a sequence has already written.
    """
    coder = session.scalar(select(Coder.id).where(Coder.name == project.coder_name))
    if coder is None:
        row = Coder(name=project.coder_name)
        session.add(row)
        session.flush()
        coder = row.id
    return coder


def insert_codings(session: Session, rows: list[Row]) -> list[int]:
    """Insert coding rows in one statement; each row gets its new ``id``, in order,
    so a redo can put back the same rows with the same ids."""
    if not rows:
        return []
    ids = session.scalars(
        insert(Coding).returning(Coding.id, sort_by_parameter_order=True), rows
    ).all()
    for values, cid in zip(rows, ids, strict=True):
        values["id"] = cid
    return list(ids)


class ApplyCodings(Command):
    """Code one or many spans; spans already coded with the same code are skipped."""

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
        coder = _coder(session, project)
        checker = spans.SpanChecker(session)
        existing: set[tuple[int, int, int, int]] = set()
        docs = {s.document_id for s in self.specs}
        codes = {s.code_id for s in self.specs}
        for found in session.execute(
            select(Coding.document_id, Coding.code_id, Coding.start, Coding.end).where(
                Coding.document_id.in_(docs), Coding.code_id.in_(codes),
                Coding.coder_id == coder,  # another coder's same span is theirs, not a repeat
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
        self.ids = insert_codings(session, new)
        self._rows = new

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, Coding, Coding.id.in_(self.ids))

    def change(self) -> Change:
        return _codings_change(self, self._rows, [])

    def details(self) -> dict[str, Any]:
        return {"codings": self.ids, **_where(self._rows)}


def _where(rows: list[Row]) -> dict[str, list[int]]:
    """The documents and codes of coding rows, for the event log (the rows may go later)."""
    return {"documents": sorted(id_set(r["document_id"] for r in rows)),
            "codes": sorted(id_set(r["code_id"] for r in rows))}


def _codings_change(cmd: Command, rows: list[Row], pins: list[Row]) -> Change:
    """Codings added or removed: their ids, documents and codes, and the cells that
    lost (or got back) pinned quotes."""
    return cmd._change(
        {
            Kind.CODINGS: id_set(r["id"] for r in rows),
            Kind.FRAMEWORK: id_set(r["cell_id"] for r in pins),
        },
        reshaped=[Kind.CODINGS],
        documents=id_set(r["document_id"] for r in rows),
        codes=id_set(r["code_id"] for r in rows),
    )


class RemoveCodings(Command):
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

    def change(self) -> Change:
        return _codings_change(self, self._rows, self._pins)

    def details(self) -> dict[str, Any]:
        return {"codings": self.ids, **_where(self._rows)}


class ResizeCoding(Command):
    label = "Resize coding"

    def __init__(self, coding_id: int, start: int, end: int) -> None:
        self.coding_id, self.start, self.end = coding_id, start, end
        self._old: tuple[int, int, str] | None = None
        self._document: int | None = None

    def _set(self, session: Session, start: int, end: int) -> None:
        coding = session.get(Coding, self.coding_id)
        if coding is None:
            from crosscase.domain.errors import NotFound

            raise NotFound(f"no coding {self.coding_id}")
        if self._old is None:
            self._old = (coding.start, coding.end, coding.snippet)
        self._document = coding.document_id
        coding.snippet = spans.SpanChecker(session).snippet(coding.document_id, start, end)
        coding.start, coding.end = start, end

    def _do(self, session: Session, project: Project) -> None:
        self._set(session, self.start, self.end)

    def _undo(self, session: Session, project: Project) -> None:
        assert self._old is not None
        self._set(session, self._old[0], self._old[1])

    def change(self) -> Change:
        # the same coding, a new span: edited in place
        return self._change({Kind.CODINGS: frozenset({self.coding_id})},
                            documents=id_set([self._document]))

    def details(self) -> dict[str, Any]:
        return {"coding": self.coding_id, "start": self.start, "end": self.end}
