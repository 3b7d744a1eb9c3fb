"""Positions as other programs count them, carried over to the stored text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscase.exchange.refi.positions import (
    READINGS,
    SourceText,
    claimed_elsewhere,
    claimed_matches,
    reading_for_origin,
    squash,
    verdict,
)
from crosscase.io.importers.text import normalise

RAW = "\ufeffA😀\r\nB𝒳\r\n\r\nend"
TEXT = "A😀\nB𝒳\n\nend"


def test_stored_text_is_normalised() -> None:
    s = SourceText(RAW)
    assert s.text == TEXT == normalise(RAW)
    assert not s.plain


def test_code_points_crlf_as_two() -> None:
    s = SourceText(RAW)
    # raw without BOM: A=0 😀=1 \r=2 \n=3 B=4 𝒳=5 \r=6 \n=7 \r=8 \n=9 e=10
    assert s.span(4, 6, "codepoints") == (3, 5)
    assert TEXT[3:5] == "B𝒳"
    assert s.span(10, 13, "codepoints") == (7, 10)


def test_code_points_crlf_as_one() -> None:
    s = SourceText(RAW)
    # A=0 😀=1 NL=2 B=3 𝒳=4 NL=5 NL=6 e=7
    assert s.span(3, 5, "codepoints-crlf1") == (3, 5)
    assert s.span(7, 10, "codepoints-crlf1") == (7, 10)


def test_utf16_crlf_as_two() -> None:
    s = SourceText(RAW)
    # A=0 😀=1,2 \r=3 \n=4 B=5 𝒳=6,7 \r=8 \n=9 \r=10 \n=11 e=12
    assert s.span(5, 8, "utf16") == (3, 5)
    assert s.span(12, 15, "utf16") == (7, 10)
    assert s.span(1, 3, "utf16") == (1, 2)
    assert TEXT[1:2] == "😀"


def test_utf16_crlf_as_one() -> None:
    s = SourceText(RAW)
    # A=0 😀=1,2 NL=3 B=4 𝒳=5,6 NL=7 NL=8 e=9
    assert s.span(4, 7, "utf16-crlf1") == (3, 5)
    assert s.span(9, 12, "utf16-crlf1") == (7, 10)


def test_positions_inside_a_character_or_outside_the_text_do_not_land() -> None:
    s = SourceText(RAW)
    assert s.to_text(2, "utf16") is None  # between the halves of 😀
    assert s.span(0, 2, "utf16") is None
    assert s.span(0, 99, "codepoints") is None
    assert s.to_text(-1, "codepoints") is None
    assert s.span(3, 3, "codepoints") is None


def test_a_position_inside_crlf_falls_before_the_line_break() -> None:
    s = SourceText("ab\r\ncd")
    assert s.to_text(3, "codepoints") == 2
    assert s.span(0, 3, "codepoints") == (0, 2)


def test_lone_cr_and_nul_follow_the_stored_text() -> None:
    s = SourceText("a\rb\x00c")
    assert s.text == "a\nbc"
    assert s.span(4, 5, "codepoints") == (3, 4)
    assert s.text[3:4] == "c"


def test_plain_text_costs_nothing() -> None:
    s = SourceText("just ascii\nlines")
    assert s.plain
    for reading in READINGS:
        assert s.span(5, 10, reading) == (5, 10)


def test_reading_for_origin() -> None:
    assert reading_for_origin("NVivo 14.23.0 (Windows)") == "utf16"
    assert reading_for_origin("ATLAS.ti 8.4.0 573 , macOS") == "codepoints-crlf1"
    assert reading_for_origin("MAXQDA 2022") == "codepoints"
    assert reading_for_origin(None) == "codepoints"


def test_claimed_text() -> None:
    assert claimed_matches("For some reason babies…", "For some reason babies aren't supposed")
    assert claimed_matches("two  lines\r\nhere", "two lines\nhere")
    assert not claimed_matches("Quotation 6:1", "anything else")
    assert claimed_elsewhere("babies…", squash("some babies here"))
    assert not claimed_elsewhere("Quotation 6:1", squash("some babies here"))


_ALPHABET = st.sampled_from(["a", "é", " ", "\n", "\r\n", "\r", "😀", "𝒳", "\x00", "ש", "\u0301"])


def _units(raw: str, reading: str) -> int:
    n = len(raw.encode("utf-16-le")) // 2 if reading.startswith("utf16") else len(raw)
    if reading.endswith("crlf1"):
        n -= raw.count("\r\n")
    return n


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_ALPHABET, max_size=40), data=st.data())
def test_every_reading_lands_where_the_stored_text_says(
    parts: list[str], data: st.DataObject
) -> None:
    raw = "".join(parts)
    s = SourceText(raw)
    # every boundary between the pieces (never inside CRLF or a surrogate pair)
    bounds = [0]
    for p in parts:
        bounds.append(bounds[-1] + len(p))
    bounds = [b for b in bounds if not (0 < b < len(raw) and raw[b - 1] == "\r" and raw[b] == "\n")]
    i = data.draw(st.sampled_from(bounds))
    j = data.draw(st.sampled_from([b for b in bounds if b >= i]))
    for reading in READINGS:
        a = s.to_text(_units(raw[:i], reading), reading)
        b = s.to_text(_units(raw[:j], reading), reading)
        assert a == len(normalise(raw[:i])), reading
        assert b == len(normalise(raw[:j])), reading
        assert s.text[a:b] == normalise(raw[i:j])


def test_verdict_tells_quotes_from_labels() -> None:
    text = "I trust them. " + "Filler words here. " * 40 + "They changed the worker again."
    at = text.index("I trust them.")
    assert verdict("I trust them.", text, at, at + 13) == "match"
    assert verdict("I trust…", text, at, at + 13) == "match"
    assert verdict("Reference 1", text, at, at + 13) == "label"
    assert verdict("trust", text, at, at + 13) == "label"  # a word of the passage
    assert verdict(None, text, at, at + 13) == "label"
    # shifted by a few characters: the short quote is right next to where it landed
    assert verdict("I trust them.", text, at + 2, at + 15) == "mismatch"
    # a long quote found far away is a quote at a wrong place
    far = text.index("Filler")
    assert verdict("They changed the worker again.", text, far, far + 30) == "mismatch"
    # a short word found only far away is taken as a label
    assert verdict("worker", text, at, at + 13) == "label"
