"""Where two coders disagree, per code and document, Qt-free.

Two coders' segments of one code in one document are grouped where they
overlap (a group is a run of segments, of either coder, each overlapping
the next). A group is a disagreement unless it holds exactly one segment of
each coder with the same boundaries:

- ``only_a`` / ``only_b``: one coder has segments there, the other none;
- ``boundaries``: both have, but the spans differ (longer, shorter, split).

Each disagreement carries both coders' spans with their text and the
region they cover, so a reviewer can read it and decide, and so a decision
can be written as a consensus coding without looking anything up again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crosscase.domain.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ONLY_A, ONLY_B, BOUNDARIES = "only_a", "only_b", "boundaries"


@dataclass(frozen=True)
class Segment:
    """One coding in a disagreement."""

    coding_id: int
    start: int
    end: int
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.coding_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Disagreement:
    document_id: int
    document: str
    case: str
    code_id: int
    code: str
    kind: str
    #: the region covered by both coders' segments here
    start: int
    end: int
    text: str
    a: tuple[Segment, ...]
    b: tuple[Segment, ...]

    @property
    def a_spans(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.a]

    @property
    def b_spans(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.b]

    def as_json(self, coders: tuple[str, str]) -> dict[str, Any]:
        return {
            "document": self.document, "document_id": self.document_id, "case": self.case,
            "code": self.code, "code_id": self.code_id, "kind": self.kind,
            "start": self.start, "end": self.end, "text": self.text,
            "a": {"coder": coders[0], "codings": [s.as_json() for s in self.a]},
            "b": {"coder": coders[1], "codings": [s.as_json() for s in self.b]},
        }


Span = tuple[int, int, int]  # start, end, coding id


def groups(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[list[Span], list[Span]]]:
    """Overlapping runs of ``a``'s and ``b``'s spans, in text order."""
    tagged = sorted([(s, e, i, 0) for s, e, i in a] + [(s, e, i, 1) for s, e, i in b])
    out: list[tuple[list[Span], list[Span]]] = []
    reach = -1
    for s, e, i, side in tagged:
        if not out or s >= reach:
            out.append(([], []))
            reach = e
        else:
            reach = max(reach, e)
        out[-1][side].append((s, e, i))
    return out


def kind_of(a: Sequence[Span], b: Sequence[Span]) -> str | None:
    """The kind of disagreement in one group, or None where the coders agree exactly."""
    if not b:
        return ONLY_A
    if not a:
        return ONLY_B
    if len(a) == 1 and len(b) == 1 and a[0][:2] == b[0][:2]:
        return None
    return BOUNDARIES


def disagreements(
    session: Session,
    coders: tuple[str, str],
    *,
    code_ids: Sequence[int] | None = None,
    document_ids: Sequence[int] | None = None,
) -> list[Disagreement]:
    """Every disagreement of coder ``coders[0]`` with ``coders[1]``, by document, code and place."""
    from sqlalchemy import select

    from crosscase.db.models import Case, Coder, Coding, Document
    from crosscase.services import codebook

    first, second = coders
    if first == second:
        raise UsageError("name two different coders")
    ids = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(coders))).all())
    missing = [n for n in coders if n not in ids]
    if missing:
        raise UsageError(f"no coder {', '.join(repr(n) for n in missing)} in this project")
    q = select(Coding.id, Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start,
               Coding.end).where(Coding.coder_id.in_([ids[first], ids[second]]))
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(list(code_ids)))
    if document_ids is not None:
        q = q.where(Coding.document_id.in_(list(document_ids)))
    by_place: dict[tuple[int, int], tuple[list[Span], list[Span]]] = {}
    for cid, doc, code, coder, start, end in session.execute(q):
        pair = by_place.setdefault((doc, code), ([], []))
        pair[0 if coder == ids[first] else 1].append((start, end, cid))
    if not by_place:
        return []
    docs = {
        d.id: d for d in session.execute(
            select(Document.id, Document.name, Document.text, Case.name.label("case"))
            .join(Case, Case.id == Document.case_id)
            .where(Document.id.in_({doc for doc, _ in by_place}))
        )
    }
    nodes = codebook.tree(session)
    order = {c: i for i, c in enumerate(nodes)}
    doc_order = sorted(docs, key=lambda d: (docs[d].case, docs[d].name, d))
    rank = {d: i for i, d in enumerate(doc_order)}
    out: list[Disagreement] = []
    for (doc, code), (a, b) in sorted(
        by_place.items(), key=lambda kv: (rank[kv[0][0]], order.get(kv[0][1], len(order)))
    ):
        text = docs[doc].text
        for ga, gb in groups(a, b):
            kind = kind_of(ga, gb)
            if kind is None:
                continue
            start = min(s for s, _, _ in ga + gb)
            end = max(e for _, e, _ in ga + gb)
            out.append(Disagreement(
                document_id=doc, document=docs[doc].name, case=docs[doc].case,
                code_id=code, code=nodes[code].path if code in nodes else str(code),
                kind=kind, start=start, end=end, text=text[start:end],
                a=tuple(Segment(i, s, e, text[s:e]) for s, e, i in sorted(ga)),
                b=tuple(Segment(i, s, e, text[s:e]) for s, e, i in sorted(gb)),
            ))
    out.sort(key=lambda d: (rank[d.document_id], d.start, order.get(d.code_id, len(order))))
    return out
