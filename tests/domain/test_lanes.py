"""Stripe lanes and range look-ups for codings beside a text, with no toolkit."""

from __future__ import annotations

from dataclasses import dataclass

from crosscase.domain.lanes import (
    LONG_SPAN,
    MAX_LANES,
    Span,
    SpanLayout,
    assign_lanes,
    place_in_lanes,
)
from crosscase.domain.offsets import OffsetMap


@dataclass(frozen=True)
class Row:
    id: int
    code_id: int
    start: int
    end: int
    memo: str = ""


def span(i: int, a: int, b: int) -> Span:
    return Span(i, 1, a, b, a, b, "")


def test_disjoint_spans_share_one_lane_and_overlaps_take_the_next() -> None:
    spans = [span(1, 0, 10), span(2, 10, 20), span(3, 5, 15), span(4, 6, 8)]
    assert assign_lanes(spans) == 3
    lanes = {s.id: s.lane for s in spans}
    assert lanes[1] == lanes[2] == 0  # touching is not overlapping (end exclusive)
    assert lanes[3] == 1 and lanes[4] == 2
    # no two overlapping spans ever share a lane
    for a in spans:
        for b in spans:
            if a.id < b.id and a.u16s < b.u16e and b.u16s < a.u16e:
                assert a.lane != b.lane


def test_a_crowd_beyond_the_last_lane_shares_the_lane_that_frees_soonest() -> None:
    spans = [span(i, 0, 100 + i) for i in range(MAX_LANES)] + [span(99, 1, 50)]
    assert assign_lanes(spans) == MAX_LANES
    assert {s.lane for s in spans if s.id != 99} == set(range(MAX_LANES))
    crowded = next(s for s in spans if s.id == 99)
    soonest = next(s for s in spans if s.id == 0)  # ends first, at 100
    assert crowded.lane == soonest.lane


def test_placing_new_spans_leaves_the_others_where_they_are() -> None:
    placed = [span(1, 0, 10), span(2, 0, 30)]
    assign_lanes(placed)
    before = {s.id: s.lane for s in placed}
    new = span(3, 12, 20)
    assert place_in_lanes(placed, [new], 2) == 2
    assert new.lane == before[1]  # span 1 ended, its lane is free again
    assert {s.id: s.lane for s in placed} == before
    wide = span(4, 0, 40)
    assert place_in_lanes([*placed, new], [wide], 2) == 3 and wide.lane == 2


def test_layout_reuses_unmoved_spans_and_reports_what_is_new() -> None:
    layout = SpanLayout()
    rows = [Row(1, 7, 0, 10), Row(2, 8, 5, 15)]
    added = layout.update(rows, lambda i: i)
    assert [s.id for s in added] == [1, 2] and layout.lanes == 2
    first = layout.get(1)
    # a memo edit and a new coding: span 1 keeps its object and lane
    added = layout.update([Row(1, 7, 0, 10, "note"), rows[1], Row(3, 7, 20, 25)], lambda i: i)
    assert [s.id for s in added] == [3]
    assert layout.get(1) is first and first.memo == "note"
    assert layout.get(3) is not None and layout.get(3).lane == 0  # type: ignore[union-attr]
    # a coding that moved is a new span
    added = layout.update([Row(1, 7, 0, 12, "note"), rows[1]], lambda i: i)
    assert [s.id for s in added] == [1] and layout.get(3) is None
    assert layout.get(None) is None and len(layout) == 2


def test_range_look_ups_find_short_and_long_spans() -> None:
    layout = SpanLayout()
    long_end = 3 * LONG_SPAN
    layout.update([Row(1, 1, 0, long_end), Row(2, 1, 100, 110), Row(3, 1, 200, 210)],
                  lambda i: i)
    assert {s.id for s in layout.between(105, 150)} == {1, 2}
    assert {s.id for s in layout.between(110, 199)} == {1}  # 110 is past span 2's end
    assert {s.id for s in layout.between(long_end - 1, long_end + 50)} == {1}
    assert layout.between(long_end, long_end + 50) == []
    assert {s.id for s in layout.at(209)} == {1, 3}
    assert [s.id for s in layout.in_order()] == [1, 2, 3]


def test_lanes_work_on_the_view_positions_of_astral_text() -> None:
    # each emoji and mathematical letter is one code point but two UTF-16 units
    text = "😀😀 ab 𝒳𝒳 cd 😀"
    offsets = OffsetMap(text)
    first = text.index("😀😀")
    math_letters = text.index("𝒳𝒳")
    rows = [
        Row(1, 1, first, first + 2),  # the two emoji
        Row(2, 1, first + 1, math_letters + 2),  # from the second emoji to the 𝒳𝒳
        Row(3, 1, math_letters + 2, len(text)),  # after the 𝒳𝒳: touches span 2, no overlap
    ]
    layout = SpanLayout()
    layout.update(rows, offsets.to_utf16)
    spans = {s.id: s for s in layout.spans}
    # the view's positions are UTF-16 units; the stored offsets ride along unchanged
    assert (spans[1].start, spans[1].end) == (0, 2)
    assert (spans[1].u16s, spans[1].u16e) == (0, 4)
    assert spans[2].u16s == 2 and spans[2].u16e == len(text[:math_letters + 2].encode("utf-16-le")) // 2
    assert spans[3].u16s == spans[2].u16e
    assert spans[1].lane != spans[2].lane and spans[3].lane == spans[1].lane
    # a position inside the second emoji (its low surrogate) finds spans 1 and 2 only
    assert {s.id for s in layout.at(3)} == {1, 2}
    # the last UTF-16 unit of the text is the low half of the last emoji: span 3
    u16_len = len(text.encode("utf-16-le")) // 2
    assert {s.id for s in layout.at(u16_len - 1)} == {3}
    assert layout.at(u16_len) == []
