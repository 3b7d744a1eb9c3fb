"""The text around a coded passage, for reading retrieved segments in context.

A passage is read with the sentence, the paragraph or the speaker's turn it
sits in: :func:`surrounding` returns the text before and after it within that
unit (cut to a readable length), never the passage itself, so a view can dim
the context and leave the coded words as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crosscase.db.models import Paragraph, Turn
from crosscase.services import documents
from crosscase.services.search import _containing, _sentence, _spans

#: how much context can be asked for, least first
CONTEXT_SCOPES = ("none", "sentence", "paragraph", "turn")
#: the most characters of context shown on either side
MAX_CONTEXT = 600


@dataclass(frozen=True)
class Surrounding:
    """The text just before and just after a passage, within its sentence, paragraph or turn."""

    before: str
    after: str


def surrounding(
    session: Session, passages: Iterable[tuple[int, int, int]], scope: str,
    limit: int = MAX_CONTEXT,
) -> dict[tuple[int, int, int], Surrounding]:
    """Context for each (document id, start, end); each document's text is read once."""
    if scope not in CONTEXT_SCOPES:
        raise ValueError(f"unknown context {scope!r}; one of {', '.join(CONTEXT_SCOPES)}")
    out: dict[tuple[int, int, int], Surrounding] = {}
    by_doc: dict[int, list[tuple[int, int]]] = {}
    for doc, start, end in passages:
        by_doc.setdefault(doc, []).append((start, end))
    for doc, spans in by_doc.items():
        if scope == "none":
            out.update({(doc, s, e): Surrounding("", "") for s, e in spans})
            continue
        text = documents.text_of(session, doc)
        paragraphs = _spans(session, Paragraph, doc)
        turns = _spans(session, Turn, doc) if scope == "turn" else []
        for s, e in spans:
            if scope == "turn" and turns:
                lo, hi = _containing(turns, s, e)
            else:
                lo, hi = _containing(paragraphs, s, e)
                if scope == "sentence":
                    lo, hi = _sentence(text, (lo, hi), s, e)
            before = text[max(lo, s - limit):s]
            after = text[e:min(hi, e + limit)]
            if s - lo > limit:
                before = "…" + before.lstrip()
            if hi - e > limit:
                after = after.rstrip() + "…"
            out[(doc, s, e)] = Surrounding(before, after)
    return out
