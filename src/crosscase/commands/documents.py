"""Commands on documents: rename, move to another case, delete.

A delete removes the document and, through the schema's cascades, every row
that hangs on it (paragraphs, pages, speaker turns, source notes, codings,
the quotes pinned from them, attribute values, set memberships). The command
keeps a snapshot of all of them, so undo puts back exactly those rows with
the same ids, and later commands on the stack still find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.commands.seen import check_seen, lock
from crosscase.db.models import (
    Annotation,
    Base,
    Case,
    Coding,
    Document,
    DocumentSetMember,
    DocumentValue,
    FrameworkCell,
    FrameworkPin,
    Page,
    Paragraph,
    Participant,
    Turn,
)
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import NotFound, UsageError


def _document(session: Session, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"no document {document_id}")
    return doc


def _case_name(session: Session, case_id: int) -> str:
    return session.scalar(select(Case.name).where(Case.id == case_id)) or ""


@dataclass
class DocumentRows:
    """Every row that hangs on a set of documents, copied out as plain values.

    ``take`` snapshots them (call it before deleting the documents); ``put_back``
    inserts them again in an order the foreign keys accept. The documents' case
    and the participants their turns name must exist when ``put_back`` runs.
    """

    documents: list[Row] = field(default_factory=list)
    paragraphs: list[Row] = field(default_factory=list)
    pages: list[Row] = field(default_factory=list)
    turns: list[Row] = field(default_factory=list)
    annotations: list[Row] = field(default_factory=list)
    codings: list[Row] = field(default_factory=list)
    pins: list[Row] = field(default_factory=list)
    values: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)

    @classmethod
    def take(
        cls, session: Session, where: ColumnElement[bool],
        *, turns: ColumnElement[bool] | None = None, pins: ColumnElement[bool] | None = None,
    ) -> DocumentRows:
        """The documents ``where`` selects and their rows; ``turns`` and ``pins``
        widen what else is taken (a deleted case's participants, its cells)."""
        docs = snapshot(session, Document, where)
        ids = [r["id"] for r in docs]
        codings = snapshot(session, Coding, Coding.document_id.in_(ids))
        coding_ids = [r["id"] for r in codings]
        turn_where = Turn.document_id.in_(ids)
        pin_where = FrameworkPin.coding_id.in_(coding_ids)
        return cls(
            documents=docs,
            paragraphs=snapshot(session, Paragraph, Paragraph.document_id.in_(ids)),
            pages=snapshot(session, Page, Page.document_id.in_(ids)),
            turns=snapshot(session, Turn, turn_where if turns is None else turn_where | turns),
            annotations=snapshot(session, Annotation, Annotation.document_id.in_(ids)),
            codings=codings,
            pins=snapshot(session, FrameworkPin, pin_where if pins is None else pin_where | pins),
            values=snapshot(session, DocumentValue, DocumentValue.document_id.in_(ids)),
            members=snapshot(session, DocumentSetMember, DocumentSetMember.document_id.in_(ids)),
        )

    def put_back(self, session: Session, *, cells: list[Row] | None = None) -> None:
        """Insert every row again (with ``cells``, framework cells before their pins)."""
        order: list[tuple[type[Base], list[Row]]] = [
            (Document, self.documents), (Paragraph, self.paragraphs), (Page, self.pages),
            (Turn, self.turns), (Annotation, self.annotations), (Coding, self.codings),
            (DocumentValue, self.values), (DocumentSetMember, self.members),
            (FrameworkCell, cells or []), (FrameworkPin, self.pins),
        ]
        for model, rows in order:
            restore(session, model, rows)

    @property
    def document_ids(self) -> frozenset[int]:
        return id_set(r["id"] for r in self.documents)

    @property
    def coding_ids(self) -> frozenset[int]:
        return id_set(r["id"] for r in self.codings)

    @property
    def code_ids(self) -> frozenset[int]:
        return id_set(r["code_id"] for r in self.codings)

    @property
    def cell_ids(self) -> frozenset[int]:
        return id_set(r["cell_id"] for r in self.pins)

    def change_ids(self) -> dict[Kind, frozenset[int]]:
        return {
            Kind.DOCUMENTS: self.document_ids,
            Kind.CODINGS: self.coding_ids,
            Kind.FRAMEWORK: self.cell_ids,
            Kind.ATTRIBUTES: id_set(r["attribute_id"] for r in self.values),
        }


class RenameDocument(Command):
    """Give a document a new name (unique within its case); ``seen`` is the name the
    user read (see :mod:`crosscase.commands.seen`)."""

    def __init__(self, document_id: int, name: str, seen: str | None = None) -> None:
        self.document_id, self.name, self.seen = document_id, name.strip(), seen
        self.label = f"Rename document to '{self.name}'"
        self._old: str | None = None
        self._case = ""

    def _set(self, session: Session, name: str) -> None:
        # through the ORM: the row's version is checked and moves on
        _document(session, self.document_id).name = name

    def _do(self, session: Session, project: Project) -> None:
        doc = _document(session, self.document_id)
        if self._old is None and self.seen is not None:  # the first do: over what the user saw
            lock(session, doc, "name")
            theirs = doc.name

            def retry(merged: str) -> Command:
                return RenameDocument(self.document_id, merged, seen=theirs)

            check_seen(project, f"the name of document '{self.seen}'", self.seen, theirs,
                       self.name, retry=retry, change=self.change())
        if not self.name:
            raise UsageError("a document needs a name")
        clash = session.scalar(select(Document.id).where(
            Document.case_id == doc.case_id, Document.name == self.name,
            Document.id != doc.id,
        ))
        if clash is not None:
            raise UsageError(
                f"case '{_case_name(session, doc.case_id)}' already has a document '{self.name}'"
            )
        if self._old is None:
            self._old, self._case = doc.name, _case_name(session, doc.case_id)
        self._set(session, self.name)

    def _undo(self, session: Session, project: Project) -> None:
        assert self._old is not None
        self._set(session, self._old)

    def change(self) -> Change:
        return self._change({Kind.DOCUMENTS: frozenset({self.document_id})})

    def details(self) -> dict[str, Any]:
        return {"document": self.document_id, "name": self.name, "old_name": self._old,
                "case_name": self._case}


class MoveDocument(Command):
    """File a document under another case.

    Its speakers move with it: each turn is given to the participant of the
    same name in the new case (made if the case has none). A quote pinned from
    it to a framework cell of the old case is unpinned, since a cell holds
    quotes of its own case only. The document goes last in the new case.
    """

    def __init__(self, document_id: int, case_id: int) -> None:
        self.document_id, self.case_id = document_id, case_id
        self.label = "Move document"
        self._old: Row = {}
        self._turns: list[Row] = []
        self._pins: list[Row] = []
        self._made: list[Row] = []  # participants created in the new case
        self._plan: dict[int, int] = {}  # turn id -> its participant in the new case
        self._position = 0
        self._names: dict[str, str] = {}

    def _do(self, session: Session, project: Project) -> None:
        doc = _document(session, self.document_id)
        if session.get(Case, self.case_id) is None:
            raise NotFound(f"no case {self.case_id}")
        if doc.case_id == self.case_id:
            raise UsageError(f"'{doc.name}' is already in case '{_case_name(session, self.case_id)}'")
        if session.scalar(select(Document.id).where(
            Document.case_id == self.case_id, Document.name == doc.name
        )) is not None:
            raise UsageError(
                f"case '{_case_name(session, self.case_id)}' already has a document '{doc.name}'"
            )
        if self._old:  # redo: the same rows, the same ids
            restore(session, Participant, self._made)
        else:
            self._plan_move(session, doc)
        remove(session, FrameworkPin, FrameworkPin.coding_id.in_(
            select(Coding.id).where(Coding.document_id == doc.id)
        ) & FrameworkPin.cell_id.in_(
            select(FrameworkCell.id).where(FrameworkCell.case_id != self.case_id)
        ))
        for turn_id, participant in self._plan.items():
            session.execute(update(Turn).where(Turn.id == turn_id).values(participant_id=participant))
        session.execute(update(Document).where(Document.id == doc.id).values(
            case_id=self.case_id, position=self._position,
        ))

    def _plan_move(self, session: Session, doc: Document) -> None:
        self._old = {"case_id": doc.case_id, "position": doc.position}
        self._names = {"name": doc.name, "from": _case_name(session, doc.case_id),
                       "to": _case_name(session, self.case_id)}
        self.label = f"Move '{doc.name}' to {self._names['to']}"
        self._pins = snapshot(session, FrameworkPin, FrameworkPin.coding_id.in_(
            select(Coding.id).where(Coding.document_id == doc.id)
        ) & FrameworkPin.cell_id.in_(
            select(FrameworkCell.id).where(FrameworkCell.case_id != self.case_id)
        ))
        self._turns = snapshot(session, Turn, Turn.document_id == doc.id)
        speakers = dict(session.execute(select(Participant.id, Participant.name).where(
            Participant.id.in_({r["participant_id"] for r in self._turns})
        )).all())
        there = dict(session.execute(select(Participant.name, Participant.id).where(
            Participant.case_id == self.case_id
        )).all())
        made: list[int] = []
        for name in sorted(set(speakers.values()) - set(there)):
            person = Participant(case_id=self.case_id, name=name, memo="")
            session.add(person)
            session.flush()
            there[name] = person.id
            made.append(person.id)
        self._made = snapshot(session, Participant, Participant.id.in_(made))
        self._plan = {r["id"]: there[speakers[r["participant_id"]]] for r in self._turns}
        last = session.scalar(select(func.max(Document.position)).where(
            Document.case_id == self.case_id
        ))
        self._position = 0 if last is None else last + 1

    @property
    def unpinned(self) -> int:
        """How many pinned quotes left the old case's framework cells."""
        return len(self._pins)

    def _undo(self, session: Session, project: Project) -> None:
        session.execute(update(Document).where(Document.id == self.document_id).values(
            case_id=self._old["case_id"], position=self._old["position"],
        ))
        for row in self._turns:
            session.execute(update(Turn).where(Turn.id == row["id"]).values(
                participant_id=row["participant_id"]
            ))
        remove(session, Participant, Participant.id.in_([r["id"] for r in self._made]))
        restore(session, FrameworkPin, self._pins)

    def change(self) -> Change:
        cases = id_set([self._old.get("case_id"), self.case_id])
        return self._change(
            {
                Kind.DOCUMENTS: frozenset({self.document_id}),
                Kind.CASES: cases,
                Kind.PARTICIPANTS: id_set(r["id"] for r in self._made)
                | id_set(r["participant_id"] for r in self._turns)
                | id_set(self._plan.values()),
                Kind.FRAMEWORK: id_set(r["cell_id"] for r in self._pins),
            },
            reshaped=[Kind.DOCUMENTS] + ([Kind.PARTICIPANTS] if self._made else [])
            + ([Kind.FRAMEWORK] if self._pins else []),
            # the matrix counts this document's codings under another case now
            documents=[self.document_id],
        )

    def details(self) -> dict[str, Any]:
        return {"document": self.document_id, "name": self._names.get("name"),
                "from_case": self._old.get("case_id"), "from_case_name": self._names.get("from"),
                "case": self.case_id, "case_name": self._names.get("to"),
                "unpinned": len(self._pins)}


class DeleteDocument(Command):
    """Delete a document with everything that hangs on it (its codings too)."""

    def __init__(self, document_id: int) -> None:
        self.document_id = document_id
        self.label = "Delete document"
        self._rows = DocumentRows()
        self._names: dict[str, Any] = {}

    def _do(self, session: Session, project: Project) -> None:
        doc = _document(session, self.document_id)
        self._names = {"name": doc.name, "case": doc.case_id,
                       "case_name": _case_name(session, doc.case_id)}
        self.label = f"Delete document '{doc.name}'"
        self._rows = DocumentRows.take(session, Document.id == doc.id)
        remove(session, Document, Document.id == doc.id)

    def _undo(self, session: Session, project: Project) -> None:
        self._rows.put_back(session)

    @property
    def codings(self) -> int:
        """How many codings the delete removed."""
        return len(self._rows.codings)

    def change(self) -> Change:
        return self._change(
            self._rows.change_ids(),
            reshaped=[Kind.DOCUMENTS, Kind.CODINGS, Kind.FRAMEWORK],
            documents=self._rows.document_ids,
            codes=self._rows.code_ids,
        )

    def details(self) -> dict[str, Any]:
        return {"document": self.document_id, **self._names, "codings": self.codings,
                "codes": sorted(self._rows.code_ids)}
