"""Coded segments with the citation a paper needs: case, document, speaker, ¶, page."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from sqlalchemy import Label, Select, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement

from crosscase.db.models import Case, Coder, Coding, Document, Page, Paragraph, Participant, Turn
from crosscase.services import codebook


@dataclass
class Segment:
    id: int
    document_id: int
    document: str
    case_id: int
    case: str
    code_id: int
    code: str
    start: int
    end: int
    text: str
    coder: str | None
    memo: str
    paragraph: int | None
    page: int | None
    speaker: str | None

    def citation(self) -> str:
        """``(Case, Document, ¶12)``, ``(Case, Document, p. 4)``, with the speaker if known."""
        parts = [self.case, self.document]
        if self.speaker:
            parts.append(self.speaker)
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.paragraph is not None:
            parts.append(f"¶{self.paragraph}")
        return "(" + ", ".join(parts) + ")"

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["citation"] = self.citation()
        return d


def _structure_cols(
    c: ReadOnlyColumnCollection[str, KeyedColumnElement[Any]],
) -> list[Label[Any]]:
    para = (
        select(Paragraph.number)
        .where(Paragraph.document_id == c.document_id, Paragraph.start <= c.start)
        .order_by(Paragraph.start.desc()).limit(1).scalar_subquery()
    )
    page = (
        select(Page.number)
        .where(Page.document_id == c.document_id, Page.start <= c.start)
        .order_by(Page.start.desc()).limit(1).scalar_subquery()
    )
    speaker = (
        select(Participant.name)
        .join(Turn, Turn.participant_id == Participant.id)
        .where(Turn.document_id == c.document_id, Turn.start <= c.start, Turn.end > c.start)
        .order_by(Turn.start.desc()).limit(1).scalar_subquery()
    )
    return [para.label("paragraph"), page.label("page"), speaker.label("speaker")]


def query(
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    coding_ids: list[int] | None = None,
) -> Select[*tuple[Any, ...]]:
    c = Coding.__table__.c
    q: Select[*tuple[Any, ...]] = (
        select(
            Coding.id, Coding.document_id, Document.name.label("document"),
            Document.case_id, Case.name.label("case"), Coding.code_id,
            Coding.start, Coding.end, Coding.snippet.label("text"),
            Coder.name.label("coder"), Coding.memo, *_structure_cols(c),
        )
        .join(Document, Document.id == Coding.document_id)
        .join(Case, Case.id == Document.case_id)
        .outerjoin(Coder, Coder.id == Coding.coder_id)
        .order_by(Case.position, Case.id, Document.position, Document.id, Coding.start, Coding.id)
    )
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(code_ids))
    if case_ids is not None:
        q = q.where(Document.case_id.in_(case_ids))
    if document_ids is not None:
        q = q.where(Coding.document_id.in_(document_ids))
    if coding_ids is not None:
        q = q.where(Coding.id.in_(coding_ids))
    return q


def fetch(session: Session, **filters: list[int] | None) -> list[Segment]:
    nodes = codebook.tree(session)
    out = []
    for r in session.execute(query(**filters)).mappings():
        node = nodes.get(r["code_id"])
        out.append(Segment(code=node.path if node else "?", **dict(r)))
    return out


class Citation(TypedDict):
    """Where a position sits: its paragraph, page and speaker (each None if unknown)."""

    paragraph: int | None
    page: int | None
    speaker: str | None


def citation_at(session: Session, document_id: int, position: int) -> Citation:
    """Paragraph, page and speaker at a position in a document."""
    para = session.scalar(
        select(Paragraph.number).where(Paragraph.document_id == document_id, Paragraph.start <= position)
        .order_by(Paragraph.start.desc()).limit(1)
    )
    page = session.scalar(
        select(Page.number).where(Page.document_id == document_id, Page.start <= position)
        .order_by(Page.start.desc()).limit(1)
    )
    speaker = session.scalar(
        select(Participant.name).join(Turn, Turn.participant_id == Participant.id)
        .where(Turn.document_id == document_id, Turn.start <= position, Turn.end > position)
        .limit(1)
    )
    return {"paragraph": para, "page": page, "speaker": speaker}
