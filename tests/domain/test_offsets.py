"""Code points <-> UTF-16: the one conversion, proved over hard text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosscase.domain.offsets import OffsetMap, utf16_len

HARD = [
    "😀", "👍🏽", "𝒳", "𝔘", "é", "e\u0301", "ש", "ال", "\u200f", "\r\n", "\n", " ", "a", "中",
    "\U0001f469\u200d\U0001f52c", "\ufeff",
]
texts = st.lists(st.sampled_from(HARD) | st.characters(blacklist_categories=("Cs",)), max_size=60).map(
    "".join
)


def utf16_index(text: str, cp: int) -> int:
    return utf16_len(text[:cp])


@given(texts)
def test_every_position_round_trips(text: str) -> None:
    m = OffsetMap(text)
    assert m.utf16_length == utf16_len(text)
    for cp in range(len(text) + 1):
        u = m.to_utf16(cp)
        assert u == utf16_index(text, cp)
        assert m.from_utf16(u) == cp


@given(texts, st.data())
def test_spans_cut_the_same_characters(text: str, data: st.DataObject) -> None:
    m = OffsetMap(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    u0, u1 = m.span_to_utf16(start, end)
    as_utf16 = text.encode("utf-16-le")[2 * u0 : 2 * u1].decode("utf-16-le")
    assert as_utf16 == text[start:end]
    assert m.span_from_utf16(u0, u1) == (start, end)


def test_a_position_inside_a_surrogate_pair_snaps_to_whole_characters() -> None:
    text = "a😀b"
    m = OffsetMap(text)
    # UTF-16: a=0, 😀=1..2, b=3
    assert m.from_utf16(2, snap="down") == 1
    assert m.from_utf16(2, snap="up") == 2
    assert m.span_from_utf16(2, 3) == (1, 2)  # never half an emoji
    assert text[slice(*m.span_from_utf16(2, 4))] == "😀b"


def test_positions_outside_the_text_are_refused() -> None:
    m = OffsetMap("𝒳y")
    with pytest.raises(ValueError):
        m.to_utf16(3)
    with pytest.raises(ValueError):
        m.from_utf16(4)


def test_plain_ascii_costs_nothing() -> None:
    m = OffsetMap("x" * 1000)
    assert m.to_utf16(500) == 500 and m.from_utf16(999) == 999
