"""Read-only look-ups the workbench needs, kept Qt-free so they are testable headless.

Each function takes a session and returns plain values (dataclasses, tuples,
dicts), never ORM objects, so a view can keep them after the session closes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Code, Coding, Document, Participant, ProjectInfo, Turn
from crosscase.domain.errors import NotFound
from crosscase.services.codebook import CodeNode


@dataclass(frozen=True)
class CodingRow:
    """One coding in a document, in code-point offsets."""

    id: int
    code_id: int
    start: int
    end: int
    memo: str


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    name: str
    case_id: int
    case: str
    format: str
    chars: int
    words: int
    memo: str
    text: str


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


def document_codings(session: Session, document_id: int) -> list[CodingRow]:
    """Every coding in one document, ordered by start then length (longest first)."""
    c = Coding.__table__.c
    q = (
        select(c.id, c.code_id, c.start, c.end, c.memo)
        .where(c.document_id == document_id)
        .order_by(c.start, c.end.desc(), c.id)
    )
    # runs after every coding change in an open document: plain DB-API rows
    return [CodingRow(*r) for r in _raw_rows(session, q)]


def _raw_rows(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """Rows as plain tuples straight from the driver, for big result sets on a hot path.

    The statement is compiled by SQLAlchemy for the connection's dialect, so
    the SQL and its parameter style stay portable.
    """
    conn = session.connection()
    compiled = statement.compile(dialect=conn.dialect)
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def document_info(session: Session, document_id: int) -> DocumentInfo:
    row = session.execute(
        select(
            Document.id, Document.name, Document.case_id, Case.name, Document.format,
            Document.chars, Document.words, Document.memo, Document.text,
        )
        .join(Case, Case.id == Document.case_id)
        .where(Document.id == document_id)
    ).first()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return DocumentInfo(*row)


def document_exists(session: Session, document_id: int) -> bool:
    return session.scalar(select(Document.id).where(Document.id == document_id)) is not None


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


def first_coded_document(session: Session) -> int | None:
    """The first document (in tree order) that has at least one coding."""
    q = (
        select(Document.id)
        .join(Case, Case.id == Document.case_id)
        .where(select(Coding.id).where(Coding.document_id == Document.id).exists())
        .order_by(Case.position, Case.id, Document.position, Document.id)
        .limit(1)
    )
    return session.scalar(q)


def memo_of(session: Session, kind: str, target_id: int) -> str:
    """The memo text of a project, case, document, participant, code or coding."""
    from crosscase.commands.memo import MEMO_TARGETS

    model = MEMO_TARGETS[kind]
    memo = session.scalar(select(model.memo).where(model.id == target_id))
    if memo is None:
        raise NotFound(f"no {kind} {target_id}")
    return memo


def project_name(session: Session) -> str:
    name = session.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1))
    return name or ""


def code_exists(session: Session, code_id: int) -> bool:
    return session.scalar(select(Code.id).where(Code.id == code_id)) is not None


def case_names(session: Session) -> list[tuple[int, str]]:
    return [tuple(r) for r in session.execute(select(Case.id, Case.name).order_by(Case.position, Case.id))]  # type: ignore[misc]


# -- naming codes from text ----------------------------------------------------

_SPACE = re.compile(r"\s+")


def in_vivo_name(text: str, limit: int = 60) -> str:
    """A code name from the selected words: one line, no ``/``, quotes trimmed."""
    name = _SPACE.sub(" ", text).strip().strip("\"'“”‘’.,;:!?()[]").strip()
    name = name.replace("/", "-")
    if len(name) > limit:
        cut = name[:limit].rsplit(" ", 1)[0]
        name = (cut if len(cut) > limit // 2 else name[:limit]).rstrip() + "…"
    return name


# -- fuzzy matching for the quick-code palette ---------------------------------


def _subsequence_score(query: str, target: str) -> int | None:
    """Score a case-folded subsequence match; None when ``query`` is not in ``target``.

    Rewards characters matched at word starts and runs of consecutive
    characters, so "co-d" prefers "Co-production/Co-design" and "tin" prefers
    "Trading income" via its initials.
    """
    score = 0
    pos = 0
    prev = -2
    n = len(target)
    for ch in query:
        if ch == " ":
            continue
        found = -1
        # prefer a word start at or after pos, then any occurrence
        i = pos
        while i < n:
            if target[i] == ch and (i == 0 or not target[i - 1].isalnum()):
                found = i
                break
            i += 1
        j = target.find(ch, pos)
        if j >= 0 and (found < 0 or (j == prev + 1)):
            found = j
        if found < 0:
            return None
        if found == prev + 1:
            score += 6
        if found == 0 or not target[found - 1].isalnum():
            score += 8
        score -= min(found - pos, 10) // 2
        prev = found
        pos = found + 1
    return score


def fuzzy_rank(query: str, nodes: dict[int, CodeNode], limit: int = 200) -> list[int]:
    """Code ids whose path matches ``query``, best first (all codes in order if empty)."""
    q = query.casefold().strip()
    if not q:
        return list(nodes)[:limit]
    scored: list[tuple[int, int, int]] = []
    for order, node in enumerate(nodes.values()):
        name = node.name.casefold()
        path = node.path.casefold()
        best: int | None = None
        if q in name:
            best = 100 + (40 if name.startswith(q) else 0) + (60 if name == q else 0)
        elif q in path:
            best = 70
        for target, bonus in ((name, 10), (path, 0)):
            s = _subsequence_score(q, target)
            if s is not None:
                s += bonus
                best = s if best is None else max(best, s)
        if best is not None:
            scored.append((-best, len(node.path), order))
    scored.sort()
    ids = list(nodes)
    return [ids[order] for _, _, order in scored[:limit]]
