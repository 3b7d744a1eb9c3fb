"""Cases: find by name or id, create on first use, the case tree with its documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Coding, Document, Participant, Turn
from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.names import clean_name


def resolve(session: Session, spec: str | int) -> int:
    s = str(spec).strip()
    cid = session.scalar(select(Case.id).where(Case.name == s))
    if cid is None:
        cid = session.scalar(select(Case.id).where(func.lower(Case.name) == s.lower()))
    if cid is None and s.isdigit():
        cid = session.scalar(select(Case.id).where(Case.id == int(s)))
    if cid is None:
        raise NotFound(f"no case '{spec}'")
    return cid


def ensure(session: Session, name: str) -> int:
    name = clean_name(name)  # one readable line: no control characters
    if not name:
        raise UsageError("a case needs a name")
    cid = session.scalar(select(Case.id).where(Case.name == name))
    if cid is None:
        pos = session.scalar(select(func.coalesce(func.max(Case.position) + 1, 0)))
        case = Case(name=name, position=pos or 0)
        session.add(case)
        session.flush()
        cid = case.id
    return cid

# -- the case tree ------------------------------------------------------------
@dataclass
class DocumentEntry:
    id: int
    name: str
    chars: int
    words: int
    codings: int
    memo: bool


@dataclass
class CaseEntry:
    id: int
    name: str
    parent_id: int | None
    memo: bool
    participants: int
    documents: list[DocumentEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ParticipantEntry:
    id: int
    name: str
    turns: int
    memo: str


def case_tree(session: Session) -> list[CaseEntry]:
    """Cases in order, each with its documents and coding counts per document."""
    counts = dict(
        session.execute(select(Coding.document_id, func.count()).group_by(Coding.document_id)).all()
    )
    people = dict(
        session.execute(
            select(Participant.case_id, func.count()).group_by(Participant.case_id)
        ).all()
    )
    cases: dict[int, CaseEntry] = {}
    for cid, name, parent, memo in session.execute(
        select(Case.id, Case.name, Case.parent_id, Case.memo).order_by(Case.position, Case.id)
    ):
        cases[cid] = CaseEntry(cid, name, parent, bool(memo), people.get(cid, 0))
    for did, cid, name, chars, words, memo in session.execute(
        select(
            Document.id, Document.case_id, Document.name, Document.chars, Document.words,
            Document.memo,
        ).order_by(Document.position, Document.id)
    ):
        if cid in cases:
            cases[cid].documents.append(
                DocumentEntry(did, name, chars, words, counts.get(did, 0), bool(memo))
            )
    return list(cases.values())


def participants(session: Session, case_id: int) -> list[ParticipantEntry]:
    turns = dict(
        session.execute(
            select(Turn.participant_id, func.count()).group_by(Turn.participant_id)
        ).all()
    )
    q = (
        select(Participant.id, Participant.name, Participant.memo)
        .where(Participant.case_id == case_id)
        .order_by(Participant.name)
    )
    return [ParticipantEntry(pid, name, turns.get(pid, 0), memo) for pid, name, memo in session.execute(q)]


def case_names(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(select(Case.id, Case.name).order_by(Case.position, Case.id))
    return [(case_id, name) for case_id, name in rows]
