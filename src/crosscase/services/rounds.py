"""Reliability rounds: a stratified sample double-coded blind, then compared.

A round records a sample of documents (``round_document``) and the coders
who code it (``round_coder``). While it is open, a coder of the round sees
only their own codings in its documents (:func:`blind_documents`); closing
it ends the blindness, and the agreement of its coders over its documents
is the round's report.

The sample is reproducible: the same documents, share, stratum and seed give
the same sample (Python's ``random.Random(seed)``, documents and cases taken in
id order). Stratified by case, every case with documents gets its share,
rounded, and at least one document. With ``unit="paragraph"`` paragraphs are
sampled the same way and the round records the documents that hold them.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from crosscase.db.models import (
    Coder,
    Coding,
    Document,
    Paragraph,
    ReliabilityRound,
    RoundCoder,
    RoundDocument,
)
from crosscase.domain.errors import NotFound, UsageError

UNITS = ("document", "paragraph")
STRATA = ("case", "none")


def share_of(n: int, share: float) -> int:
    """How many of ``n`` items a share takes: rounded half up, at least one, at most all."""
    if n <= 0:
        return 0
    return max(1, min(n, math.floor(share * n + 0.5)))


def check(share: float, unit: str, stratum: str) -> None:
    if not 0 < share <= 1:
        raise UsageError("the share is a number above 0 and at most 1 (0.2 is a fifth)")
    if unit not in UNITS:
        raise UsageError(f"the unit is one of {', '.join(UNITS)}")
    if stratum not in STRATA:
        raise UsageError(f"a sample is stratified by {' or '.join(STRATA)}")


def draw(
    items: list[tuple[int, int]], share: float, seed: int, *, stratified: bool
) -> list[int]:
    """Sample ids from ``(id, stratum)`` pairs: per stratum (or over all) its share."""
    rng = random.Random(seed)
    groups: dict[int, list[int]] = defaultdict(list)
    for item, stratum in sorted(items):
        groups[stratum if stratified else 0].append(item)
    chosen: list[int] = []
    for key in sorted(groups):
        members = groups[key]
        chosen += rng.sample(members, share_of(len(members), share))
    return sorted(chosen)


def sample_documents(
    session: Session, *, share: float, seed: int, unit: str = "document", stratum: str = "case"
) -> list[int]:
    """The documents of a new round's sample (see the module's note)."""
    check(share, unit, stratum)
    stratified = stratum == "case"
    if unit == "document":
        docs = [(int(d), int(c)) for d, c in session.execute(select(Document.id, Document.case_id))]
        if not docs:
            raise UsageError("the project has no documents to sample")
        return draw(docs, share, seed, stratified=stratified)
    paras = session.execute(
        select(Paragraph.id, Paragraph.document_id, Document.case_id)
        .join(Document, Document.id == Paragraph.document_id)
    ).all()
    if not paras:
        raise UsageError("the project's documents have no paragraphs to sample")
    holder = {int(p): int(d) for p, d, _ in paras}
    picked = draw([(int(p), int(c)) for p, _, c in paras], share, seed, stratified=stratified)
    return sorted({holder[p] for p in picked})


@dataclass
class RoundInfo:
    id: int
    name: str
    unit: str
    share: float
    stratum: str
    seed: int
    created: datetime
    closed: datetime | None
    documents: list[int] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "unit": self.unit, "share": self.share,
            "by": self.stratum, "seed": self.seed,
            "created": self.created.isoformat(timespec="seconds"),
            "closed": self.closed.isoformat(timespec="seconds") if self.closed else None,
            "open": self.is_open, "documents": self.documents, "coders": self.coders,
        }


def rounds(session: Session) -> list[RoundInfo]:
    """Every round, oldest first, with its documents and coders."""
    out = []
    for r in session.scalars(select(ReliabilityRound).order_by(ReliabilityRound.id)):
        docs = [int(d) for d in session.scalars(
            select(RoundDocument.document_id).where(RoundDocument.round_id == r.id)
            .order_by(RoundDocument.document_id))]
        names = [str(n) for n in session.scalars(
            select(Coder.name).join(RoundCoder, RoundCoder.coder_id == Coder.id)
            .where(RoundCoder.round_id == r.id).order_by(Coder.name))]
        out.append(RoundInfo(r.id, r.name, r.unit, r.share, r.stratum, r.seed, r.created,
                             r.closed, docs, names))
    return out


def find(session: Session, name: str) -> RoundInfo:
    for r in rounds(session):
        if r.name == str(name).strip():
            return r
    raise NotFound(f"no reliability round '{name}'")


def blind_documents(session: Session, coder_id: int | None) -> frozenset[int]:
    """The documents in which ``coder_id`` codes blind: those of every open round
    the coder is in (there they see only their own codings)."""
    if coder_id is None:
        return frozenset()
    rows = session.scalars(
        select(RoundDocument.document_id)
        .join(ReliabilityRound, ReliabilityRound.id == RoundDocument.round_id)
        .join(RoundCoder, RoundCoder.round_id == RoundDocument.round_id)
        .where(ReliabilityRound.closed.is_(None), RoundCoder.coder_id == coder_id)
    )
    return frozenset(int(d) for d in rows)


@dataclass(frozen=True)
class Blind:
    """What a viewer may see: in ``documents`` only codings by ``coder_id``."""

    coder_id: int | None
    documents: frozenset[int]

    def hides(self, document_id: int, coder_id: int | None) -> bool:
        return document_id in self.documents and coder_id != self.coder_id

    def hidden(self) -> ColumnElement[bool]:
        """As SQL on ``coding``: the codings this viewer does not see (another
        coder's, or no coder's, in a document they code blind)."""
        return and_(Coding.document_id.in_(sorted(self.documents)),
                    or_(Coding.coder_id.is_(None), Coding.coder_id != self.coder_id))

    def visible(self) -> ColumnElement[bool]:
        """As SQL on ``coding``: the codings this viewer sees (the rest)."""
        return or_(Coding.document_id.not_in(sorted(self.documents)),
                   Coding.coder_id == self.coder_id)


def blind_for(session: Session, coder_name: str) -> Blind:
    """The blindness of the coder named (none if they are in no open round)."""
    coder_id = session.scalar(select(Coder.id).where(Coder.name == coder_name))
    return Blind(coder_id, blind_documents(session, coder_id))
