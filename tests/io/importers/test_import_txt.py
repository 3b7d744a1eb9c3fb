"""Plain text: encodings, line endings, characters outside the BMP, turns."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_fixtures import assert_well_formed, para_texts, turn_texts

from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import extract
from crosscase.io.importers.text import decode_bytes, extract_text, normalise

TRANSCRIPT = (
    "Interview with the manager, 14 March 2024\n"
    "\n"
    "Interviewer: How did the café start? 😀\n"
    "Manager: With a kitchen table and 𝒳 members.\n"
    "We sold soup.\n"
    "\n"
    "Interviewer: And now?\n"
    "Manager: “Hybrid” – it’s both.\n"
)


def expected_turns() -> list[tuple[str, str]]:
    return [
        ("Interviewer", "Interviewer: How did the café start? 😀"),
        ("Manager", "Manager: With a kitchen table and 𝒳 members.\nWe sold soup."),
        ("Interviewer", "Interviewer: And now?"),
        ("Manager", "Manager: “Hybrid” – it’s both."),
    ]


@pytest.mark.parametrize(
    ("label", "raw"),
    [
        ("utf-8", TRANSCRIPT.encode("utf-8")),
        ("utf-8 BOM", codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8")),
        ("utf-16-le BOM", codecs.BOM_UTF16_LE + TRANSCRIPT.encode("utf-16-le")),
        ("utf-16-be BOM", codecs.BOM_UTF16_BE + TRANSCRIPT.encode("utf-16-be")),
        ("utf-16-le", TRANSCRIPT.encode("utf-16-le")),
        ("utf-16-be", TRANSCRIPT.encode("utf-16-be")),
        ("utf-32 BOM", codecs.BOM_UTF32_LE + TRANSCRIPT.encode("utf-32-le")),
        ("utf-8 CRLF", TRANSCRIPT.replace("\n", "\r\n").encode("utf-8")),
        (
            "utf-16-le BOM CRLF",
            codecs.BOM_UTF16_LE + TRANSCRIPT.replace("\n", "\r\n").encode("utf-16-le"),
        ),
        ("utf-8 CR", TRANSCRIPT.replace("\n", "\r").encode("utf-8")),
    ],
)
def test_unicode_encodings_and_line_endings_give_the_same_text(label: str, raw: bytes) -> None:
    result = extract(Path("interview.txt"), data=raw)
    assert result.format == "txt"
    assert result.text == TRANSCRIPT, label
    assert_well_formed(result)
    assert turn_texts(result) == expected_turns()
    assert para_texts(result)[1] == "Interviewer: How did the café start? 😀"


def test_offsets_count_code_points_outside_the_bmp() -> None:
    result = extract(Path("a.txt"), data=TRANSCRIPT.encode("utf-8"))
    emoji_at = result.text.index("😀")
    para = result.paragraphs[1]
    assert para.end == emoji_at + 1  # one code point, not two UTF-16 units
    assert result.text[result.turns[1].start : result.turns[1].end].count("𝒳") == 1


def test_windows_1252_curly_quotes() -> None:
    text = "Interviewer: “So what’s the café like?” – she said…\nP1: It’s naïve, but €5 a day.\n"
    result = extract(Path("cp1252.txt"), data=text.replace("\n", "\r\n").encode("cp1252"))
    assert result.text == text
    assert any("Windows-1252" in w for w in result.warnings)


def test_latin_1() -> None:
    text = "Entrevue à São Paulo: très bien, la façade est naïve.\nÇa va? Ñandú, Ålborg, Øresund.\n"
    assert extract(Path("latin1.txt"), data=text.encode("latin-1")).text == text


def test_short_windows_1252() -> None:
    assert decode_bytes("it’s".encode("cp1252"), "x.txt") == "it’s"


def test_utf8_with_a_stray_byte_is_kept_with_a_warning() -> None:
    data = "Café society, naïve views, and more ünïcödé text here.\n".encode() + b"\xff end\n"
    result = extract_text(data, "mixed.txt")
    assert result.text.startswith("Café society")
    assert "\ufffd" in result.text
    assert result.warnings and "not valid UTF-8" in result.warnings[0]


def test_normalise_is_length_preserving_but_for_bom_crlf_and_nul() -> None:
    raw = "\ufeffa\r\nb\rc\x00d\x0ce\x01f\u2028g"
    assert normalise(raw) == "a\nb\ncd\ne f\ng"
    assert normalise(normalise(raw)) == normalise(raw)


def test_tabs_are_kept_and_whitespace_lines_are_not_paragraphs() -> None:
    result = extract(Path("t.txt"), data=b"  first\tline  \n \t \n\nsecond\n")
    assert para_texts(result) == ["first\tline", "second"]
    assert [p.number for p in result.paragraphs] == [1, 2]


def test_text_without_speakers_has_no_turns() -> None:
    prose = "Note: this report covers 2023.\nThe café grew.\nFigure 1: income by source\n"
    assert extract(Path("r.txt"), data=prose.encode()).turns == []


def test_timestamped_transcript() -> None:
    text = (
        "[00:00:05] Interviewer: Welcome.\n"
        "[00:00:09] Jo: Thanks.\n"
        "00:01:02 Interviewer: Tell me more.\n"
        "Jo [00:01:10]: Well, it grew.\n"
    )
    result = extract(Path("t.txt"), data=text.encode())
    assert [(t.speaker, t.timestamp) for t in result.turns] == [
        ("Interviewer", "00:00:05"),
        ("Jo", "00:00:09"),
        ("Interviewer", "00:01:02"),
        ("Jo", "00:01:10"),
    ]
    assert_well_formed(result)


def test_reading_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "interview.txt"
    path.write_bytes(TRANSCRIPT.encode("utf-16"))
    assert extract(path).text == TRANSCRIPT
    assert extract(str(path)).text == TRANSCRIPT


def test_five_megabytes_of_text_keeps_every_turn() -> None:
    # how fast this is belongs to benchmarks/bench_import.py, not to a test
    line = "Interviewer: What did the service users say about the café and the farm shop?\n"
    answer = "P1: " + "We upcycle furniture and deliver leaflets, and it matters to us. " * 4 + "\n"
    copies = 5_000_000 // len(line + answer) + 1
    data = ((line + answer) * copies).encode()
    result = extract(Path("big.txt"), data=data)
    assert len(result.turns) == 2 * copies
    assert result.text == data.decode()


# --- UTF-16 without a byte-order mark --------------------------------------------

PLAIN_ASCII = (
    "Interviewer: How did the day service start?\r\n"
    "Manager: We had a shed, some tools and six service users.\r\n"
)
NO_BOM_CASES = [
    ("ascii", PLAIN_ASCII),
    ("cyrillic", "Интервьюер: Как всё началось?\nМенеджер: С кухонного стола.\n"),
    ("arabic", "المحاور: كيف بدأ المقهى؟\nالمدير: بطاولة مطبخ.\n"),
    ("greek and emoji", "Συνέντευξη 😀 με τον διευθυντή\nΝαι 𝒳.\n"),
]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(("label", "text"), NO_BOM_CASES, ids=[c[0] for c in NO_BOM_CASES])
def test_utf16_without_a_byte_order_mark_is_text(label: str, text: str, encoding: str) -> None:
    # as some transcription and spreadsheet tools write it: no BOM at all
    data = text.encode(encoding)
    assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    result = extract(Path("notes.txt"), data=data)
    assert result.text == normalise(text)
    assert "\x00" not in result.text
    assert_well_formed(result)


def test_utf16_without_bom_keeps_its_speaker_turns() -> None:
    result = extract(Path("t.txt"), data=PLAIN_ASCII.encode("utf-16-le"))
    assert [t.speaker for t in result.turns] == ["Interviewer", "Manager"]


def test_nuls_in_both_byte_lanes_are_still_binary() -> None:
    data = bytes(range(256)) * 64
    with pytest.raises(ImportRefused, match="binary"):
        extract(Path("data.txt"), data=data)


# --- properties -------------------------------------------------------------------

TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")


@settings(max_examples=150, deadline=None)
@given(
    st.text(TEXT_CHARS, min_size=1, max_size=400),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_text_round_trips_through_normalise(text: str, encoding: str, eol: str) -> None:
    text = text.replace("\r", "").replace("\ufeff", "")
    raw = text.replace("\n", eol).encode(encoding)
    expected = normalise(text)
    try:
        result = extract(Path("x.txt"), data=raw)
    except ImportRefused as exc:
        # nothing but white space (or something too much like binary data) is refused
        assert not expected.strip() or "binary" in str(exc) or "encoding" in str(exc)
        return
    assert result.text == expected
    assert_well_formed(result)
