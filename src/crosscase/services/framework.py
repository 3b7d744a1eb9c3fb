"""Framework cells: the researcher's judgement for one code in one case.

Each cell holds a short summary, a rating on the project's scale (lowest
first; by default absent, weak, moderate, strong) and exemplar quotes
pinned from the codings behind the cell. The commands that change them are
in :mod:`crosscase.commands.framework`; this module reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import (
    Case,
    Code,
    Coding,
    Document,
    FrameworkCell,
    FrameworkPin,
    ProjectInfo,
)
from crosscase.domain.errors import NotFound, UsageError
from crosscase.services import codebook, segments
from crosscase.services.segments import Segment

DEFAULT_SCALE = ["absent", "weak", "moderate", "strong"]


@dataclass
class CellView:
    code_id: int
    case_id: int
    summary: str = ""
    rating: str | None = None
    pins: list[int] = field(default_factory=list)  # coding ids, in order
    cell_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.summary.strip() and not self.rating and not self.pins


def rating_scale(session: Session) -> list[str]:
    raw = session.scalar(select(ProjectInfo.rating_scale).where(ProjectInfo.id == 1))
    if not raw:
        return list(DEFAULT_SCALE)
    try:
        labels = json.loads(raw)
    except ValueError:
        return list(DEFAULT_SCALE)
    if not isinstance(labels, list) or not labels:
        return list(DEFAULT_SCALE)
    return [str(x) for x in labels]


def canonical_rating(session: Session, rating: str | None) -> str | None:
    """The scale's own spelling of ``rating``; ``None`` or ``""`` clears it."""
    if rating is None or not str(rating).strip():
        return None
    scale = rating_scale(session)
    wanted = str(rating).strip().casefold()
    for label in scale:
        if label.casefold() == wanted:
            return label
    raise UsageError(f"rating '{rating}' is not on the scale ({', '.join(scale)})")


def check_scale(labels: list[str]) -> list[str]:
    out = [str(x).strip() for x in labels]
    if not out or any(not x for x in out):
        raise UsageError("a rating scale needs at least one label, and no empty labels")
    folded = [x.casefold() for x in out]
    if len(set(folded)) != len(folded):
        raise UsageError("the labels of a rating scale must differ")
    return out


def check_cell(session: Session, code_id: int, case_id: int) -> None:
    if session.get(Code, code_id) is None:
        raise NotFound(f"no code {code_id}")
    if session.get(Case, case_id) is None:
        raise NotFound(f"no case {case_id}")


def check_quote(session: Session, code_id: int, case_id: int, coding_id: int) -> None:
    """A pinned quote must be a coding of the code (or a sub-code) in the case."""
    row = session.execute(
        select(Coding.code_id, Document.case_id)
        .join(Document, Document.id == Coding.document_id)
        .where(Coding.id == coding_id)
    ).first()
    if row is None:
        raise NotFound(f"no coding {coding_id}")
    if row[1] != case_id:
        raise UsageError("a quote can be pinned only in its own case's cell")
    if row[0] != code_id and row[0] not in codebook.descendants(codebook.tree(session), code_id):
        raise UsageError("a quote can be pinned only to its code or to a code above it")


def find_cell(session: Session, code_id: int, case_id: int) -> FrameworkCell | None:
    return session.scalar(
        select(FrameworkCell).where(FrameworkCell.code_id == code_id,
                                    FrameworkCell.case_id == case_id)
    )


def cells(
    session: Session,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
) -> dict[tuple[int, int], CellView]:
    """Every stored cell, by (code id, case id)."""
    q = select(FrameworkCell.id, FrameworkCell.code_id, FrameworkCell.case_id,
               FrameworkCell.summary, FrameworkCell.rating)
    if code_ids is not None:
        q = q.where(FrameworkCell.code_id.in_(code_ids))
    if case_ids is not None:
        q = q.where(FrameworkCell.case_id.in_(case_ids))
    out: dict[tuple[int, int], CellView] = {}
    by_id: dict[int, CellView] = {}
    for cid, code, case, summary, rating in session.execute(q):
        view = CellView(code, case, summary or "", rating, [], cid)
        out[(code, case)] = view
        by_id[cid] = view
    if by_id:
        pins = session.execute(
            select(FrameworkPin.cell_id, FrameworkPin.coding_id)
            .where(FrameworkPin.cell_id.in_(list(by_id)))
            .order_by(FrameworkPin.cell_id, FrameworkPin.position, FrameworkPin.coding_id)
        )
        for cell_id, coding_id in pins:
            by_id[cell_id].pins.append(coding_id)
    return out


def cell(session: Session, code_id: int, case_id: int) -> CellView:
    """One cell (an empty view if nothing is stored yet)."""
    found = cells(session, [code_id], [case_id]).get((code_id, case_id))
    return found or CellView(code_id, case_id)


def pinned_segments(session: Session, code_id: int, case_id: int) -> list[Segment]:
    """The pinned quotes of one cell, in pin order, with citations."""
    return pinned(session, [code_id], [case_id]).get((code_id, case_id), [])


def pinned(
    session: Session,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
) -> dict[tuple[int, int], list[Segment]]:
    """Pinned quotes of many cells at once, in pin order."""
    views = cells(session, code_ids, case_ids)
    ids = [i for v in views.values() for i in v.pins]
    if not ids:
        return {}
    segs: dict[int, Segment] = {}
    for i in range(0, len(ids), 20_000):
        for seg in segments.fetch(session, coding_ids=ids[i : i + 20_000]):
            segs[seg.id] = seg
    return {
        key: [segs[i] for i in v.pins if i in segs] for key, v in views.items() if v.pins
    }
