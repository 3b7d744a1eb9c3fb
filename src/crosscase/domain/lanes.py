"""Codings laid out beside a text: spans, stripe lanes, and which spans overlap a range.

A document view draws every coding as a stripe in a margin; codings that
overlap sit side by side in lanes. This module decides the lanes and finds
the codings near the visible part of a text, with no toolkit in it.

Lanes and range queries work on the positions the view gives each span
(``u16s``, ``u16e``: for the workbench, Qt's UTF-16 positions from the
document's :class:`~crosscase.domain.offsets.OffsetMap`). The stored code-point
offsets (``start``, ``end``) ride along unchanged for whoever needs them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

#: lanes side by side; beyond this, codings share the lane that frees soonest
MAX_LANES = 10
#: spans longer than this (in view positions) are always checked by range queries
LONG_SPAN = 4000
#: a change of at most this many codings keeps the other stripes where they are
SMALL_CHANGE = 20


@dataclass
class Span:
    """A coding as a view shows it: code points, the view's positions, and its lane."""

    id: int
    code_id: int
    start: int
    end: int
    u16s: int
    u16e: int
    memo: str
    lane: int = 0


class CodingLike(Protocol):
    """What a span is made from: a stored coding's id, code, code-point span and memo."""

    @property
    def id(self) -> int: ...
    @property
    def code_id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def memo(self) -> str: ...


def assign_lanes(spans: Iterable[Span], max_lanes: int = MAX_LANES) -> int:
    """Give overlapping spans different lanes (first free lane, in text order).

    Returns the number of lanes used. With more than ``max_lanes`` spans
    overlapping, a span shares the lane whose last span ends soonest.
    """
    ends: list[int] = []
    for sp in sorted(spans, key=lambda s: (s.u16s, -s.u16e, s.id)):
        for lane, end in enumerate(ends):
            if end <= sp.u16s:
                ends[lane] = sp.u16e
                sp.lane = lane
                break
        else:
            if len(ends) < max_lanes:
                sp.lane = len(ends)
                ends.append(sp.u16e)
            else:  # crowded: share the lane that frees soonest
                lane = min(range(len(ends)), key=ends.__getitem__)
                sp.lane = lane
                ends[lane] = max(ends[lane], sp.u16e)
    return len(ends)


def place_in_lanes(placed: Sequence[Span], added: Iterable[Span], lanes: int,
                   max_lanes: int = MAX_LANES) -> int:
    """Give ``added`` spans free lanes without moving the ``placed`` ones.

    Each new span takes the lowest lane no overlapping span uses (the last
    lane when all are taken). Returns the number of lanes now needed, never
    fewer than ``lanes``.
    """
    taken_by = list(placed)
    out = lanes
    for sp in added:
        taken = {o.lane for o in taken_by if o.u16s < sp.u16e and sp.u16s < o.u16e}
        sp.lane = next((i for i in range(max_lanes) if i not in taken), max_lanes - 1)
        taken_by.append(sp)
        out = max(out, sp.lane + 1)
    return out


class SpanLayout:
    """A document's spans with their lanes, kept up to date as its codings change.

    :meth:`update` takes the document's codings as stored and a function that
    turns a code-point offset into a view position; spans whose coding did not
    move keep their lane, so a coding added or removed does not make the other
    stripes jump.
    """

    def __init__(self, long_span: int = LONG_SPAN, max_lanes: int = MAX_LANES) -> None:
        self.long_span = long_span
        self.max_lanes = max_lanes
        self.spans: list[Span] = []
        self.lanes = 1
        self._by_id: dict[int, Span] = {}
        self._short: list[Span] = []
        self._short_starts: list[int] = []
        self._long: list[Span] = []

    def clear(self) -> None:
        self.update([], lambda i: i)

    def update(self, rows: Iterable[CodingLike], to_view: Callable[[int], int]) -> list[Span]:
        """Lay out ``rows``; returns the spans that are new or moved."""
        old = self._by_id
        spans: list[Span] = []
        added: list[Span] = []
        for r in rows:
            sp = old.get(r.id)
            if sp is None or sp.start != r.start or sp.end != r.end or sp.code_id != r.code_id:
                sp = Span(r.id, r.code_id, r.start, r.end, to_view(r.start), to_view(r.end),
                          r.memo)
                added.append(sp)
            elif sp.memo != r.memo:
                sp.memo = r.memo
            spans.append(sp)
        kept = len(spans) - len(added)
        if self.spans and len(added) <= SMALL_CHANGE and kept + SMALL_CHANGE >= len(old):
            fresh = {id(s) for s in added}
            placed = [s for s in spans if id(s) not in fresh]
            self.lanes = place_in_lanes(placed, added, self.lanes if spans else 1,
                                        self.max_lanes)
        else:
            self.lanes = assign_lanes(spans, self.max_lanes)
        self.spans = spans
        self._by_id = {s.id: s for s in spans}
        self._long = [s for s in spans if s.u16e - s.u16s > self.long_span]
        self._short = sorted((s for s in spans if s.u16e - s.u16s <= self.long_span),
                             key=lambda s: s.u16s)
        self._short_starts = [s.u16s for s in self._short]
        return added

    # -- questions ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.spans)

    def get(self, coding_id: int | None) -> Span | None:
        return None if coding_id is None else self._by_id.get(coding_id)

    def between(self, lo: int, hi: int) -> list[Span]:
        """Spans that overlap the positions ``lo``..``hi`` (both inclusive)."""
        i = bisect_left(self._short_starts, lo - self.long_span)
        j = bisect_left(self._short_starts, hi + 1)
        out = [s for s in self._short[i:j] if s.u16e > lo]
        out.extend(s for s in self._long if s.u16s <= hi and s.u16e > lo)
        return out

    def at(self, pos: int) -> list[Span]:
        """Spans that cover the character at ``pos``."""
        return [s for s in self.between(pos, pos) if s.u16s <= pos < s.u16e]

    def in_order(self) -> list[Span]:
        """Spans in reading order (by start, then lane): the order keyboard stepping uses."""
        return sorted(self.spans, key=lambda s: (s.u16s, s.lane, s.id))
