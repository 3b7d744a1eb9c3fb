"""Text search across the project, with hits widened to a scope for autocoding.

Patterns run on the ``regex`` engine rather than ``re``: it accepts the same
syntax, avoids much of the catastrophic backtracking that nested repeats such
as ``(a+)+b`` cause in ``re``, and, where backtracking still explodes, takes a
timeout, so a search stops with a clear message instead of running for minutes.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass

import regex
from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Document, Paragraph, Turn
from crosscase.domain.errors import UsageError

_regex = regex  # the module, where a parameter is called regex

SCOPES = ("match", "sentence", "paragraph", "turn")
#: the longest a whole search may run, in seconds, before it is stopped
SEARCH_SECONDS = 10.0
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]]*(?=\s|$)")


@dataclass
class Hit:
    document_id: int
    document: str
    case: str
    start: int
    end: int
    text: str
    before: str
    after: str


class SearchTooSlow(UsageError):
    """A pattern that would take too long to search (catastrophic backtracking)."""


def compile_pattern(
    pattern: str, *, regex: bool = True, ignore_case: bool = True
) -> regex.Pattern[str]:
    if not pattern:
        raise UsageError("the search pattern is empty")
    flags = _regex.IGNORECASE if ignore_case else 0
    try:
        return _regex.compile(pattern if regex else _regex.escape(pattern), flags)
    except _regex.error as exc:
        raise UsageError(f"not a valid regular expression: {exc}") from None


def _spans(session: Session, model: type[Paragraph | Turn], document_id: int) -> list[tuple[int, int]]:
    rows = session.execute(
        select(model.start, model.end)
        .where(model.document_id == document_id)
        .order_by(model.start)
    )
    return [(s, e) for s, e in rows]


def _containing(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Widen (start, end) to the spans it touches."""
    if not spans:
        return start, end
    starts = [s for s, _ in spans]
    i = max(0, bisect_right(starts, start) - 1)
    j = max(0, bisect_right(starts, max(start, end - 1)) - 1)
    s = spans[i][0] if spans[i][0] <= start < max(spans[i][1], spans[i][0] + 1) else start
    e = spans[j][1] if spans[j][0] <= end - 1 < spans[j][1] else end
    return min(s, start), max(e, end)


def _sentence(text: str, para: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around a hit, within its paragraph and after any speaker label."""
    from crosscase.io.importers.structure import speech_start

    p0, p1 = para
    body = p0 + speech_start(text[p0:p1])
    if body <= start:
        p0 = body
    s = p0
    for m in _SENTENCE_END.finditer(text, p0, start):
        s = m.end()
    while s < start and text[s].isspace():
        s += 1
    found = _SENTENCE_END.search(text, max(end - 1, p0), p1)
    e = found.end() if found else p1
    return s, max(e, end)


def search(
    session: Session,
    pattern: regex.Pattern[str],
    *,
    scope: str = "match",
    case_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    context: int = 60,
    seconds: float | None = None,
) -> list[Hit]:
    """Every match of ``pattern``, widened to ``scope``; stops with
    :class:`SearchTooSlow` once the search has run ``seconds`` (default
    :data:`SEARCH_SECONDS`)."""
    if scope not in SCOPES:
        raise UsageError(f"scope must be one of {', '.join(SCOPES)}")
    q = select(Document.id, Document.name, Case.name, Document.text).join(
        Case, Case.id == Document.case_id
    ).order_by(Case.position, Case.id, Document.position, Document.id)
    if case_ids is not None:
        q = q.where(Document.case_id.in_(case_ids))
    if document_ids is not None:
        q = q.where(Document.id.in_(document_ids))
    hits: list[Hit] = []
    if seconds is None:
        seconds = SEARCH_SECONDS
    deadline = time.monotonic() + seconds
    for did, dname, cname, text in session.execute(q):
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            found = [
                (m.start(), m.end())
                for m in pattern.finditer(text, timeout=left)
                if m.end() > m.start()
            ]
        except TimeoutError:
            raise SearchTooSlow(
                f"the pattern {pattern.pattern!r} took more than {seconds:g} s to search "
                f"(stopped in {dname}); nested repeats such as (a+)+ make a pattern "
                "backtrack without end: simplify it"
            ) from None
        if not found:
            continue
        paras = _spans(session, Paragraph, did) or [(0, len(text))]
        turns = _spans(session, Turn, did) if scope == "turn" else []
        widened: list[tuple[int, int]] = []
        for s, e in found:
            if scope == "paragraph":
                s, e = _containing(paras, s, e)
            elif scope == "turn":
                s, e = _containing(turns or paras, s, e)
            elif scope == "sentence":
                para = _containing(paras, s, e)
                s, e = _sentence(text, para, s, e)
            if widened and s < widened[-1][1]:  # overlapping hits become one
                widened[-1] = (widened[-1][0], max(e, widened[-1][1]))
            else:
                widened.append((s, e))
        for s, e in widened:
            hits.append(
                Hit(did, dname, cname, s, e, text[s:e], text[max(0, s - context):s],
                    text[e:e + context])
            )
    return hits
