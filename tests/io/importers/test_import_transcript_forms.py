"""More transcript layouts found in published collections, each as a fixture
written here. The people, places and words are fictional; only the layouts
follow what archives and transcription guides publish:

* a column of line numbers before every line, for citing a passage by line
  (guides for qualitative analysis recommend continuous line numbering), with
  "INTERVIEWER:" / "RESPONDENT:" or "Q:" / "A:" labels after the number;
* a speaker's name in capitals alone on its line, the words indented under it.
"""

from __future__ import annotations

from pathlib import Path

from crosscase.io.importers import extract
from crosscase.io.importers.structure import paragraphs_of, turns_of

# Fictional sample: a line-numbered interview, numbers right-aligned in a column,
# a wrapped answer continuing on numbered lines, and a numbered blank line.
LINE_NUMBERED = (
    "Mill Lane Memories (fictional sample transcript)\n"
    "Interview 07, recorded 3 May 2021\n"
    "\n"
    " 1   INTERVIEWER: How did you come to work at the mill?\n"
    " 2   RESPONDENT: My father worked there, and his father\n"
    " 3   before him, so it was expected 😀, really.\n"
    " 4\n"
    " 5   INTERVIEWER: And you started when?\n"
    " 6   RESPONDENT: At fourteen. [laughs] Straight from school.\n"
    " 7   INTERVIEWER: What was the first job they gave you?\n"
    " 8   RESPONDENT: Sweeping 𝒳 the carding room.\n"
    " 9   10 hours a day, six days a week.\n"
    "10   INTERVIEWER: Thank you.\n"
)

# Fictional sample: line numbers flush left with a tab, Q and A labels.
LINE_NUMBERED_QA = (
    "1\tQ: Where did the family live?\n"
    "2\tA: On Canal Street, number 12.\n"
    "3\tQ: And the neighbours?\n"
    "4\tA: Mostly mill families like us.\n"
    "5\tWe shared a yard with three houses.\n"
)

# Fictional sample: names in capitals on their own lines, speech indented under them.
CAPS_OWN_LINE = (
    "Harbour Voices (fictional sample transcript)\n"
    "\n"
    "INTERVIEWER\n"
    "    When did you first go out on the boats?\n"
    "\n"
    "ELSIE MARR\n"
    "    I was twelve. My uncle took me out\n"
    "    on the Good Intent, just for the day.\n"
    "\n"
    "INTERVIEWER\n"
    "    Were you frightened?\n"
    "\n"
    "ELSIE MARR\n"
    "    Not a bit. Seasick, though.\n"
    "\n"
    "TOM MARR\n"
    "    She was sick all the way home!\n"
)


def turns(text: str) -> list[tuple[str, str]]:
    found = turns_of(text, paragraphs_of(text))
    return [(t.speaker, text[t.start : t.end]) for t in found]


def test_line_numbered_turns_are_found_past_the_number_column() -> None:
    found = turns(LINE_NUMBERED)
    assert [s for s, _ in found] == ["INTERVIEWER", "RESPONDENT"] * 3 + ["INTERVIEWER"]
    # a turn starts where its line does, number and all, and runs over wrapped lines
    assert found[1][1].startswith("2   RESPONDENT: My father")
    assert found[1][1].endswith("so it was expected 😀, really.\n 4")
    assert found[5][1].endswith("10 hours a day, six days a week.")  # a number in the words
    # the header is nobody's turn
    assert "Mill Lane" not in "".join(body for _, body in found)


def test_line_numbered_q_and_a_with_a_tab() -> None:
    found = turns(LINE_NUMBERED_QA)
    assert [s for s, _ in found] == ["Q", "A", "Q", "A"]
    assert found[3][1] == "4\tA: Mostly mill families like us.\n5\tWe shared a yard with three houses."


def test_line_numbered_text_is_stored_exactly(tmp_path: Path) -> None:
    path = tmp_path / "mill-lane-07.txt"
    path.write_text(LINE_NUMBERED, encoding="utf-8")
    got = extract(path)
    assert got.text == LINE_NUMBERED  # the number column is kept
    assert [t.speaker for t in got.turns][:2] == ["INTERVIEWER", "RESPONDENT"]
    assert all(got.text[t.start].isdigit() for t in got.turns)


def test_names_in_capitals_on_their_own_line_with_indented_speech() -> None:
    found = turns(CAPS_OWN_LINE)
    assert [s for s, _ in found] == [
        "INTERVIEWER", "ELSIE MARR", "INTERVIEWER", "ELSIE MARR", "TOM MARR",
    ]
    assert found[1][1].endswith("on the Good Intent, just for the day.")
    assert "Harbour Voices" not in "".join(body for _, body in found)


def test_numbered_lists_and_headings_are_not_transcripts() -> None:
    listing = (
        "Items found in the loft\n"
        "1 tin box of buttons\n"
        "2 ration books: 1943 and 1944\n"
        "3 photographs: the mill outing\n"
        "4 letters\n"
    )
    assert turns(listing) == []
    years = "1998 We moved: to the coast.\n1972 Born: in Leeds.\n2004 Started: at the school.\n"
    assert turns(years) == []  # the numbers do not rise, so they are not a column
    report = (
        "INTRODUCTION\n"
        "    This report describes the archive.\n"
        "METHODS\n"
        "    Interviews were recorded in 2021.\n"
        "FINDINGS\n"
        "    Most people worked at the mill.\n"
    )
    assert turns(report) == []
