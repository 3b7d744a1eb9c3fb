"""Paragraphs and speaker turns, with properties checked by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscase.io.importers.structure import label_at, paragraphs_of, turns_of


def turns(text: str) -> list[tuple[str, str | None, str]]:
    paras = paragraphs_of(text)
    return [(t.speaker, t.timestamp, text[t.start : t.end]) for t in turns_of(text, paras)]


@pytest.mark.parametrize(
    ("line", "speaker", "timestamp"),
    [
        ("Interviewer: How did it start?", "Interviewer", None),
        ("INTERVIEWER: How?", "INTERVIEWER", None),
        ("[Jane] We began.", "Jane", None),
        ("Interviewer - So tell me.", "Interviewer", None),
        ("Interviewer – So tell me.", "Interviewer", None),
        ("Q: What?", "Q", None),
        ("A: That.", "A", None),
        ("00:01:23 Jane: ok", "Jane", "00:01:23"),
        ("[00:01:23] Jane: ok", "Jane", "00:01:23"),
        ("(00:01:23) Jane: ok", "Jane", "00:01:23"),
        ("Jane [00:01:23]: ok", "Jane", "00:01:23"),
        ("Jane (00:01:23): ok", "Jane", "00:01:23"),
        ("Jane: [00:01:23] ok", "Jane", "00:01:23"),
        ("[00:01:23] [Jane] ok", "Jane", "00:01:23"),
        ("Jane Smith  0:03", "Jane Smith", "0:03"),
        ("Service user 1: Five years.", "Service user 1", None),
        ("Dr. Ng: Yes.", "Dr. Ng", None),
        ("Interviewer (JS): Hm.", "Interviewer (JS)", None),
        ("Ζωή: γεια", "Ζωή", None),
        ("李明：你好", "李明", None),
    ],
)
def test_label_forms(line: str, speaker: str, timestamp: str | None) -> None:
    label = label_at(line)
    assert label is not None
    assert (label.name, label.timestamp) == (speaker, timestamp)


@pytest.mark.parametrize(
    "line",
    [
        "[laughs] yes",
        "[Inaudible] then",
        "Note: this is prose",
        "https://example.org/page",
        "Meeting at 10:30 today",
        "he said: no",
        "Well - I think so",
        "A sentence that is far too long to be a name: really",
        "",
        "   ",
    ],
)
def test_not_labels(line: str) -> None:
    assert label_at(line) is None


def test_turns_run_on_through_unlabelled_paragraphs() -> None:
    text = "Title line\nInterviewer: One?\nP1: Two.\nMore from P1.\n\nInterviewer: Three?\n"
    assert turns(text) == [
        ("Interviewer", None, "Interviewer: One?"),
        ("P1", None, "P1: Two.\nMore from P1."),
        ("Interviewer", None, "Interviewer: Three?"),
    ]


def test_same_speaker_in_different_case_is_one_participant() -> None:
    text = "INTERVIEWER: a\nJo: b\nInterviewer: c\nJO: d\n"
    assert [s for s, _, _ in turns(text)] == ["INTERVIEWER", "Jo", "INTERVIEWER", "Jo"]


def test_one_off_labels_count_only_inside_a_transcript() -> None:
    transcript = "Date: 3 May\nInterviewer: a\nJo: b\nInterviewer: c\nJo: d\nSam: e\n"
    assert [s for s, _, _ in turns(transcript)] == ["Interviewer", "Jo", "Interviewer", "Jo", "Sam"]
    report = "Summary: income rose.\nRecommendation 1: keep going.\nIt grew.\n"
    assert turns(report) == []
    repeated_notes = "Note: a\nNote: b\nSource: c\nSource: d\n"
    assert turns(repeated_notes) == []


def test_header_line_turns() -> None:
    text = "Jane Smith  0:03\nHello there.\n\nSpeaker 2  0:09\nHi.\nMore.\n"
    assert turns(text) == [
        ("Jane Smith", "0:03", "Jane Smith  0:03\nHello there."),
        ("Speaker 2", "0:09", "Speaker 2  0:09\nHi.\nMore."),
    ]


def test_label_alone_on_its_line() -> None:
    text = "INTERVIEWER:\nHow did it start?\nMANAGER:\nWith a table.\nINTERVIEWER:\nThen?\n"
    assert [s for s, _, _ in turns(text)] == ["INTERVIEWER", "MANAGER", "INTERVIEWER"]


def test_paragraph_spans() -> None:
    text = "  one  \n\n\t two\tthree \n😀\n"
    assert [(p.number, text[p.start : p.end]) for p in paragraphs_of(text)] == [
        (1, "one"),
        (2, "two\tthree"),
        (3, "😀"),
    ]


# --- properties -------------------------------------------------------------------

LINES = st.sampled_from(
    [
        "Interviewer: How did it start?",
        "P1: We began 😀.",
        "[Jane] yes",
        "Q: why?",
        "A: because",
        "[00:01:02] Jo: ok",
        "Jo [00:01:02]: ok",
        "Jane Smith  0:03",
        "Interviewer -  so",
        "INTERVIEWER:",
        "plain text 𝒳",
        "",
        "   ",
        "\t",
        "Note: x",
        "[laughs]",
        "a: b",
        "Ünïcödé: line",
        "Name:",
        "-",
        ":",
        "[",
        "]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=40),
    st.sampled_from(["\n", "\n\n"]),
)
def test_structure_spans_lie_in_the_text_ordered_and_disjoint(lines: list[str], sep: str) -> None:
    text = sep.join(line.replace("\r", "").replace("\n", " ") for line in lines)
    paras = paragraphs_of(text)
    found = turns_of(text, paras)
    for group in (paras, found):
        last = 0
        for item in group:
            assert 0 <= last <= item.start < item.end <= len(text)
            last = item.end
    for para in paras:
        chunk = text[para.start : para.end]
        assert chunk == chunk.strip() and "\n" not in chunk
    assert [p.number for p in paras] == list(range(1, len(paras) + 1))
    starts = {p.start for p in paras}
    ends = {p.end for p in paras}
    for turn in found:
        assert turn.start in starts and turn.end in ends and turn.speaker


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_paragraphs_cover_every_non_blank_line(text: str) -> None:
    text = text.replace("\r", "\n")
    paras = paragraphs_of(text)
    assert [text[p.start : p.end] for p in paras] == [
        line.strip() for line in text.split("\n") if line.strip()
    ]
