"""Coded segments with the citation a paper needs: case, document, speaker, ¶, page.

Citations come in three styles: ``full`` (case, document, speaker, ¶ or
page), ``short`` (the participant's ID and ¶ or page, e.g. "(P2, ¶11)", for
a table whose columns already name the case) and ``none``. A participant's
ID is the value of its ``id`` attribute (or ``pseudonym``), set like any
other participant attribute; without one, the speaker's name stands in.

Segments also know their *passage*: codings of one code that nest or overlap
in a document are one passage (the counting rule of ``analysis.matrix``),
and ``fetch(..., per_passage=True)`` lists one segment per passage, the
coding that opens it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from sqlalchemy import Label, Select, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement

from crosscase.db.models import (
    Attribute,
    Case,
    Coder,
    Coding,
    Document,
    Page,
    Paragraph,
    Participant,
    ParticipantValue,
    Turn,
)
from crosscase.services import codebook
from crosscase.services.rounds import Blind

CITATION_STYLES = ("short", "full", "none")
#: participant attributes read as the ID a paper cites, first found wins
ID_ATTRIBUTES = ("id", "participant id", "pseudonym")
ROLE_ATTRIBUTE = "role"


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
    participant_id: int | None = None
    #: the participant's ID as a paper cites it ("P2"); the speaker's name if none is set
    participant: str | None = None
    role: str | None = None
    #: the id of the coding that opens this segment's passage (its own id if it opens one)
    passage: int | None = None

    def citation(self, style: str = "full") -> str:
        """``full``: ``(Case, Document, Speaker, ¶12)`` or ``p. 4``; ``short``:
        ``(P2, ¶12)`` (the document's name where no speaker is known); ``none``: ``""``."""
        if style == "none":
            return ""
        where = []
        if self.page is not None:
            where.append(f"p. {self.page}")
        if self.paragraph is not None:
            where.append(f"¶{self.paragraph}")
        if style == "short":
            who = self.participant or self.speaker or self.document
            return "(" + ", ".join([who, *where[-1:]]) + ")"
        parts = [self.case, self.document]
        if self.speaker:
            parts.append(self.speaker)
        return "(" + ", ".join(parts + where) + ")"

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
    turn = (
        select(Turn.participant_id)
        .where(Turn.document_id == c.document_id, Turn.start <= c.start, Turn.end > c.start)
        .order_by(Turn.start.desc()).limit(1).scalar_subquery()
    )
    # its own correlated look-up: a subquery nested in another is not correlated
    # with the outer coding row, and would name one speaker for every segment
    speaker = (
        select(Participant.name)
        .join(Turn, Turn.participant_id == Participant.id)
        .where(Turn.document_id == c.document_id, Turn.start <= c.start, Turn.end > c.start)
        .order_by(Turn.start.desc()).limit(1).scalar_subquery()
    )
    return [para.label("paragraph"), page.label("page"), speaker.label("speaker"),
            turn.label("participant_id")]


def query(
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    coding_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
    blind: Blind | None = None,
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
        .order_by(Case.position, Case.id, Document.position, Document.id, Coding.start,
                  Coding.end.desc(), Coding.id)
    )
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(code_ids))
    if case_ids is not None:
        q = q.where(Document.case_id.in_(case_ids))
    if document_ids is not None:
        q = q.where(Coding.document_id.in_(document_ids))
    if coding_ids is not None:
        q = q.where(Coding.id.in_(coding_ids))
    if coder_ids is not None:
        q = q.where(Coding.coder_id.in_(coder_ids))
    if blind is not None and blind.documents:
        # blind coding: in an open round's documents a coder of it sees only their own
        q = q.where(blind.visible())
    return q


def fetch(
    session: Session,
    *,
    per_passage: bool = False,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    coding_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
    blind: Blind | None = None,
) -> list[Segment]:
    """Segments in document order, each with its participant's ID and role and its passage
    (among the segments fetched); with ``per_passage``, one segment per passage.

    ``coder_ids`` keeps only those coders' codings; ``blind`` (see
    :func:`crosscase.services.rounds.blind_for`) hides other coders' codings in the
    documents its coder codes blind."""
    nodes = codebook.tree(session)
    out = []
    for r in session.execute(
        query(code_ids, case_ids, document_ids, coding_ids, coder_ids, blind)
    ).mappings():
        node = nodes.get(r["code_id"])
        out.append(Segment(code=node.path if node else "?", **dict(r)))
    labels = participant_labels(session, {s.participant_id for s in out if s.participant_id})
    # the passage of each segment: in document order, a segment opens a passage unless
    # it starts before the furthest end reached so far by its code in its document
    reach: dict[tuple[int, int], tuple[int, int]] = {}  # (document, code) -> (end, opener)
    for seg in out:
        if seg.participant_id is not None:
            seg.participant, seg.role = labels.get(seg.participant_id, (None, None))
            seg.participant = seg.participant or seg.speaker
        key = (seg.document_id, seg.code_id)
        end, opener = reach.get(key, (-1, seg.id))
        if seg.start >= end:
            opener = seg.id
        seg.passage = opener
        reach[key] = (max(end, seg.end), opener)
    if per_passage:
        out = [seg for seg in out if seg.passage == seg.id]
    return out


def participant_labels(
    session: Session, participant_ids: set[int]
) -> dict[int, tuple[str | None, str | None]]:
    """Each participant's cited ID (attribute ``id`` or ``pseudonym``) and role."""
    if not participant_ids:
        return {}
    wanted = (*ID_ATTRIBUTES, ROLE_ATTRIBUTE)
    rows = session.execute(
        select(ParticipantValue.participant_id, Attribute.name, ParticipantValue.value)
        .join(Attribute, Attribute.id == ParticipantValue.attribute_id)
        .where(Attribute.scope == "participant",
               ParticipantValue.participant_id.in_(sorted(participant_ids)))
    ).all()
    found: dict[int, dict[str, str]] = {}
    for pid, name, value in rows:
        key = str(name).strip().casefold()
        if key in wanted and str(value).strip():
            found.setdefault(int(pid), {})[key] = str(value).strip()
    out: dict[int, tuple[str | None, str | None]] = {}
    for pid, values in found.items():
        cited = next((values[k] for k in ID_ATTRIBUTES if k in values), None)
        out[pid] = (cited, values.get(ROLE_ATTRIBUTE))
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
