"""Oral-history transcripts written as a column of initials (fixtures built here,
in the layouts oral-history archives use: a legend in the header, initials,
spaces or a tab, the words, continuation lines indented to the text column,
SMPTE timecodes where the tape was marked)."""

from __future__ import annotations

from pathlib import Path

from import_fixtures import assert_well_formed, docx_package, p, run

from crosscase.io.importers import extract
from crosscase.io.importers.structure import legend_of, paragraphs_of, speech_start, turns_of

HEADER = (
    "Millbrook Valley Oral History (fictional sample)\n"
    "Interviewee: Anne Kelly\n"
    "Interviewer: Trish Foster\n"
    "Also present: Julie Hart\n"
    "TF = Trish, AK = Anne, JH = Julie\n"
    "\n"
)
BODY = (
    "TF   Can you tell me where you were born?\n"
    "AK   03:01:06:18     Ah born in Leeds 😀, in the\n"
    "                     old part of town, near the market.\n"
    "TF   And your parents?\n"
    "AK   My father worked on the railways.\n"
    "     03:01:09:02     He was a signalman 𝒳.\n"
    "JH   [laughs] He did.\n"
    "TF   Thank you.\n"
)


def turns(text: str) -> list[tuple[str, str | None, str]]:
    paras = paragraphs_of(text)
    return [(t.speaker, t.timestamp, text[t.start : t.end]) for t in turns_of(text, paras)]


def test_initials_are_mapped_to_the_names_in_the_legend() -> None:
    text = HEADER + BODY
    found = turns(text)
    assert [s for s, _, _ in found] == ["Trish", "Anne", "Trish", "Anne", "Julie", "Trish"]
    # the header (with its "Interviewer:" lines) is no one's turn
    assert not any("Interviewee" in body for _, _, body in found)


def test_continuation_lines_stay_in_the_turn_and_timecodes_are_metadata() -> None:
    found = turns(HEADER + BODY)
    speaker, stamp, body = found[1]
    assert (speaker, stamp) == ("Anne", "03:01:06:18")
    assert body.endswith("old part of town, near the market.")
    # a timecode on a continuation line marks its turn; it is never a speaker
    assert found[3][1] == "03:01:09:02"
    assert "He was a signalman 𝒳." in found[3][2]
    assert all(not s[0].isdigit() for s, _, _ in found)


def test_without_a_legend_repeated_initials_are_the_speakers() -> None:
    found = turns(BODY)
    assert [s for s, _, _ in found] == ["TF", "AK", "TF", "AK", "TF"]
    # JH speaks once and no legend names them: their line stays in AK's turn
    assert "[laughs] He did." in found[3][2]


def test_legend_entries_are_read_from_the_header() -> None:
    text = "Project X\nTF = Trish Foster; AK = Anne\n\nTF   Hello.\nAK   Hi.\n"
    assert legend_of(text, paragraphs_of(text)) == {"TF": "Trish Foster", "AK": "Anne"}


def test_a_tab_after_the_initials_and_a_single_space_when_the_legend_names_them() -> None:
    text = "TF = Trish, AK = Anne\nTF\tWhere?\nAK Here, by the café.\nTF\tWhen?\nAK Then.\n"
    assert [(s, b) for s, _, b in turns(text)] == [
        ("Trish", "TF\tWhere?"),
        ("Anne", "AK Here, by the café."),
        ("Trish", "TF\tWhen?"),
        ("Anne", "AK Then."),
    ]


def test_prose_with_double_spaces_is_not_a_transcript() -> None:
    text = (
        "The day service opened in 2019.  It grew.\n"
        "I  think the café helped, as the report says.\n"
        "A  second site opened later.\n"
        "I  am told the caravan park pays for the van.\n"
    )
    assert turns(text) == []


def test_speech_starts_after_the_initials_and_the_timecode() -> None:
    line = "AK   03:01:06:18     Ah born in Leeds"
    assert line[speech_start(line):] == "Ah born in Leeds"


def test_the_transcript_imports_with_its_turns_from_txt_and_docx(tmp_path: Path) -> None:
    text = HEADER + BODY
    path = tmp_path / "kelly.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    result = extract(path)
    assert result.text == text
    assert [t.speaker for t in result.turns][:3] == ["Trish", "Anne", "Trish"]
    assert_well_formed(result)

    lines = (HEADER + BODY).splitlines()
    docx = docx_package("".join(p(run(line)) if line else p() for line in lines))
    result = extract(Path("kelly.docx"), data=docx)
    assert [t.speaker for t in result.turns] == ["Trish", "Anne", "Trish", "Anne", "Julie", "Trish"]
    assert result.turns[1].timestamp == "03:01:06:18"
    assert_well_formed(result)
