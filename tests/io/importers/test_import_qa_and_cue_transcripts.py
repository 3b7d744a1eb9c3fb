"""Transcript layouts from courts, meeting software and oral-history guides,
each as a fixture written here. People, places and words are fictional; only
the layouts follow what the sources publish:

* deposition and court transcripts: a gutter of line numbers 1-25 restarting
  on every page, a page number at the top, "Q." / "A." for the examiner's
  questions and the witness's answers, "BY MR. NAME:" before a line of
  questioning, attorneys' colloquy ("MS. NAME:  Objection.");
* subtitle files written as meeting transcripts: WebVTT with voice tags
  (``<v Name>``), WebVTT with "Name: text" in each cue, SubRip;
* oral-history guides that ask for the full name the first time a speaker
  appears and initials thereafter;
* a timecode alone on its line above the turn it marks.
"""

from __future__ import annotations

from pathlib import Path

from import_fixtures import assert_well_formed

from crosscase.io.importers import extract
from crosscase.io.importers.structure import paragraphs_of, starts_turn, turns_of


def turns(text: str) -> list[tuple[str, str | None, str]]:
    paras = paragraphs_of(text)
    return [(t.speaker, t.timestamp, text[t.start : t.end]) for t in turns_of(text, paras)]


def deposition_pages(*pages: list[str], first_page: int = 14) -> str:
    """Pages as a court reporter prints them: the page number at the top right,
    every line numbered from 1 in a gutter."""
    out = []
    for n, lines in enumerate(pages):
        out.append(" " * 56 + str(first_page + n))
        out.extend(f"{i:>2}  {line}".rstrip() for i, line in enumerate(lines, start=1))
    return "\n".join(out) + "\n"


# Fictional deposition: direct examination, an objection, the witness speaking
# outside the questions, an answer running over the page break, then a cross-
# examination by the other attorney.
DEPOSITION = deposition_pages(
    [
        "              DIRECT EXAMINATION",
        "BY MR. HOLLIS:",
        "     Q.   Please state your name for the record.",
        "     A.   Marta Lindqvist.",
        "     Q.   Where were you working in March of 2019?",
        "     A.   At the Eastgate depot, on the loading bay.  I had",
        "been there about four years by then.",
        "     Q.   Who was your supervisor?",
        "          MS. VANCE:  Objection to form.",
        "          THE WITNESS:  Should I answer?",
        "          MR. HOLLIS:  You may answer.",
        "     A.   It was Dale Perrin, and before him",
        "Tomasz — I never knew his last name.",
        "     Q.   Did Mr. Perrin keep a log of the shifts?",
        "     A.   He did.  A blue binder, in the office.",
        "     Q.   Did you ever write in it?",
        "     A.   Only when he asked me to.  Mostly on",
        "weekends, when he was off.",
        "     Q.   How often was that?",
        "     A.   Once a month, maybe twice.",
        "     Q.   Was anyone else allowed to write in it?",
        "     A.   The night lead.  I don't remember who",
        "that was in 2019.",
        "     Q.   Thank you.  Let's turn to the morning of",
        "March 4th.",
    ],
    [
        "     A.   Okay.",
        "     Q.   What time did you arrive?",
        "     A.   Around six, same as always.  The gate was",
        "already open, which was unusual 😀.",
        "          MR. HOLLIS:  Nothing further.",
        "              CROSS-EXAMINATION",
        "BY MS. VANCE:",
        "     Q.   Ms. Lindqvist, who opened the gate?",
        "     A.   I don't know.",
        "     Q.   Did you ask anyone?",
        "     A.   No.",
    ],
)


def test_deposition_questions_and_answers_are_turns_past_the_gutter() -> None:
    found = turns(DEPOSITION)
    speakers = [s for s, _, _ in found]
    # Q is the attorney named in "BY ...:"; the witness answers as A
    assert speakers[:4] == ["MR. HOLLIS", "A", "MR. HOLLIS", "A"]
    # colloquy between the questions: each attorney and the witness speak once
    assert speakers[5:9] == ["MS. VANCE", "THE WITNESS", "MR. HOLLIS", "A"]
    # after "BY MS. VANCE:" the questions are hers
    assert speakers[-5:] == ["MR. HOLLIS", "MS. VANCE", "A", "MS. VANCE", "A"]
    assert speakers.count("A") == 11
    assert len(found) == 26


def test_deposition_turns_keep_their_continuation_lines_and_page_breaks() -> None:
    bodies = [body for _, _, body in turns(DEPOSITION)]
    # a turn starts at its line's number and runs over the unlabelled lines under it
    assert bodies[3] == (
        "6       A.   At the Eastgate depot, on the loading bay.  I had\n"
        " 7  been there about four years by then."
    )
    # a question running to the foot of the page keeps the next page's number;
    # the answer at the top of the new page is a turn of its own
    assert bodies[17].endswith("25  March 4th.\n" + " " * 56 + "15")
    assert bodies[18] == "1       A.   Okay."
    assert bodies[20].endswith(" 4  already open, which was unusual 😀.")
    # the headings of an examination are nobody's turn, and end the turn before them
    assert not any("EXAMINATION" in b or "BY M" in b for b in bodies)
    assert bodies[21] == "5            MR. HOLLIS:  Nothing further."
    # the first page number is before the first turn, in no turn
    assert DEPOSITION.index(bodies[0]) > DEPOSITION.index("14")


def test_deposition_is_stored_exactly_with_turns_over_it(tmp_path: Path) -> None:
    path = tmp_path / "lindqvist-deposition.txt"
    path.write_text(DEPOSITION, encoding="utf-8")
    got = extract(path)
    assert_well_formed(got)
    assert got.text == DEPOSITION  # gutter, page numbers and all
    assert [t.speaker for t in got.turns] == [s for s, _, _ in turns(DEPOSITION)]
    # every turn starts at the first character of a numbered line
    for t in got.turns:
        assert got.text[t.start].isdigit()
        assert t.start == 0 or got.text[t.start - 1] in " \n"


def test_question_and_answer_marks_without_an_examiner() -> None:
    colon = "Q: Where did you grow up?\nA: In Tarrow, by the river.\nQ: And school?\nA: The village school.\n"
    assert [s for s, _, _ in turns(colon)] == ["Q", "A", "Q", "A"]
    period = (
        "Q. Where did you grow up?\n"
        "A. In Tarrow, by the river. We left\n"
        "when I was nine.\n"
        "Q. Why?\n"
        "A. Work.\n"
    )
    found = turns(period)
    assert [s for s, _, _ in found] == ["Q", "A", "Q", "A"]
    assert found[1][2] == "A. In Tarrow, by the river. We left\nwhen I was nine."
    tab = "Q\tWhere did you grow up?\nA\tIn Tarrow.\nQ\tAnd then?\nA\tThe city.\n"
    assert [b for _, _, b in turns(tab)] == [
        "Q\tWhere did you grow up?", "A\tIn Tarrow.", "Q\tAnd then?", "A\tThe city.",
    ]
    spaces = "Q.  Where?\nA.  There.\n          THE COURT:  Go on.\nQ.  When?\nA.  Then.\n"
    assert [s for s, _, _ in turns(spaces)] == ["Q", "A", "THE COURT", "Q", "A"]


def test_lettered_outlines_and_initials_in_prose_are_not_questions_and_answers() -> None:
    outline = (
        "A. Background\n"
        "The depot opened in 1988.\n"
        "B. Methods\n"
        "We read the shift logs.\n"
        "A. Sources (continued)\n"
        "Two binders survive.\n"
    )
    assert turns(outline) == []
    # "A. Smith:" is a speaker with an initial, not an answer
    names = "A. Smith: We met on Tuesday.\nB. Okafor: Yes, at noon.\nA. Smith: Good.\nB. Okafor: Fine.\n"
    assert [s for s, _, _ in turns(names)] == ["A. Smith", "B. Okafor", "A. Smith", "B. Okafor"]
    # a wrapped line of prose that starts "A. " is not a new turn for PDF joining
    assert not starts_turn("A. Lindqvist and others (2019) describe the depot.")
    assert starts_turn("A.   I don't know.")


# Fictional meeting transcript as WebVTT with voice tags; the same speaker's
# cues in a row are one turn; a NOTE block belongs to no turn.
VTT_VOICES = (
    "WEBVTT\n"
    "\n"
    "NOTE recorded for the Eastgate depot study (fictional)\n"
    "\n"
    "3f1a2c4e-1\n"
    "00:00:02.120 --> 00:00:05.400\n"
    "<v Priya Nair>Thanks for joining. Can you hear me?</v>\n"
    "\n"
    "3f1a2c4e-2\n"
    "00:00:05.900 --> 00:00:08.010\n"
    "<v Owen Hale>Yes, loud and clear.</v>\n"
    "\n"
    "3f1a2c4e-3\n"
    "00:00:08.500 --> 00:00:12.250\n"
    "<v Owen Hale>I was on the early shift that week,\n"
    "so I can tell you about the gate.</v>\n"
    "\n"
    "3f1a2c4e-4\n"
    "00:00:12.800 --> 00:00:15.000\n"
    "<v Priya Nair>Please do — start with Monday.</v>\n"
)

# Fictional meeting transcript as WebVTT with the name at the start of each cue,
# and one cue that carries on without a name.
VTT_LABELS = (
    "WEBVTT\n"
    "\n"
    "1\n"
    "00:00:01.000 --> 00:00:04.500\n"
    "Priya Nair: Let's begin with the rota.\n"
    "\n"
    "2\n"
    "00:00:04.900 --> 00:00:09.000\n"
    "Dale Perrin: The rota was on the office door.\n"
    "\n"
    "3\n"
    "00:00:09.100 --> 00:00:11.000\n"
    "Everyone could see it.\n"
    "\n"
    "4\n"
    "00:00:11.400 --> 00:00:13.000\n"
    "Priya Nair: Even the night lead?\n"
)

SRT = (
    "1\n"
    "00:00:00,500 --> 00:00:03,000\n"
    "INTERVIEWER: When did the depot close?\n"
    "\n"
    "2\n"
    "00:00:03,400 --> 00:00:07,900\n"
    "MARTA: In the spring of 2021,\n"
    "just before Easter.\n"
    "\n"
    "3\n"
    "00:00:08,200 --> 00:00:09,000\n"
    "INTERVIEWER: Were you there?\n"
)


def test_webvtt_voice_tags_are_speakers_and_cue_starts_are_timestamps() -> None:
    found = turns(VTT_VOICES)
    assert [(s, ts) for s, ts, _ in found] == [
        ("Priya Nair", "00:00:02.120"),
        ("Owen Hale", "00:00:05.900"),
        ("Priya Nair", "00:00:12.800"),
    ]
    # a turn starts at its cue's identifier; Owen's two cues make one turn
    assert found[1][2].startswith("3f1a2c4e-2\n00:00:05.900 --> ")
    assert found[1][2].endswith("so I can tell you about the gate.</v>")
    assert "3f1a2c4e-3" in found[1][2]
    assert not any("NOTE" in body or "WEBVTT" in body for _, _, body in found)


def test_webvtt_and_subrip_with_names_in_the_cue_text() -> None:
    found = turns(VTT_LABELS)
    assert [(s, ts) for s, ts, _ in found] == [
        ("Priya Nair", "00:00:01.000"),
        ("Dale Perrin", "00:00:04.900"),
        ("Priya Nair", "00:00:11.400"),
    ]
    assert found[1][2].endswith("3\n00:00:09.100 --> 00:00:11.000\nEveryone could see it.")
    srt = turns(SRT)
    assert [(s, ts) for s, ts, _ in srt] == [
        ("INTERVIEWER", "00:00:00,500"),
        ("MARTA", "00:00:03,400"),
        ("INTERVIEWER", "00:00:08,200"),
    ]
    assert srt[1][2].endswith("MARTA: In the spring of 2021,\njust before Easter.")


def test_subtitle_files_are_stored_exactly(tmp_path: Path) -> None:
    for name, text in (("meeting.vtt", VTT_VOICES), ("rota.vtt", VTT_LABELS), ("depot.srt", SRT)):
        path = tmp_path / name
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        got = extract(path)
        assert_well_formed(got)
        assert got.text == text
        assert [(t.speaker, t.timestamp) for t in got.turns] == [
            (s, ts) for s, ts, _ in turns(text)
        ]


def test_subtitles_without_speakers_have_no_turns() -> None:
    captions = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nThe depot opened in 1988.\n\n"
        "00:00:03.500 --> 00:00:06.000\nIt closed in 2021.\n"
    )
    assert turns(captions) == []


# Fictional oral history in the layout guides ask for: full name in capitals the
# first time a speaker appears, initials afterwards.
FULL_THEN_INITIALS = (
    "Interview with Edna Price, 12 June 2018 (fictional sample)\n"
    "\n"
    "JACQUELYN MORROW: This is Jacquelyn Morrow, and I'm with Edna Price in\n"
    "Tarrow. Mrs. Price, where were you born?\n"
    "EDNA PRICE: Right here, in the house on Mill Row.\n"
    "JM: Were you the eldest?\n"
    "EP: The youngest of five. [laughs]\n"
    "JM: What did your father do?\n"
    "EP: He drove for the depot.\n"
)


def test_initials_after_a_full_name_are_that_speaker() -> None:
    found = turns(FULL_THEN_INITIALS)
    assert [s for s, _, _ in found] == ["JACQUELYN MORROW", "EDNA PRICE"] * 3
    assert found[0][2].endswith("Tarrow. Mrs. Price, where were you born?")
    assert found[3][2] == "EP: The youngest of five. [laughs]"


def test_initials_matching_two_full_names_stay_initials() -> None:
    text = (
        "JANE MORROW: Hello.\nJOHN MILLS: Hi.\nJM: Which of us?\nEP: Both.\nJM: Fine.\nEP: Yes.\n"
    )
    # "JM" could be either: it stays as written; the one-off full names open no turn
    assert [s for s, _, _ in turns(text)] == ["JM", "EP", "JM", "EP"]


# Fictional interview with each timecode on its own line above the turn it marks.
TIMECODES_ABOVE = (
    "Depot interview 3 (fictional sample)\n"
    "0:00:00\n"
    "Speaker 1: Could you say your name and your job?\n"
    "00:00:06\n"
    "SPEAKER 2:\n"
    "Owen Hale, shift lead.\n"
    "I started in 2015.\n"
    "[00:00:19]\n"
    "Speaker 1: And in 2019?\n"
    "00:00:22\n"
    "SPEAKER 2: Still shift lead.\n"
)


def test_a_timecode_alone_on_its_line_marks_the_turn_below() -> None:
    found = turns(TIMECODES_ABOVE)
    assert [(s, ts) for s, ts, _ in found] == [
        ("Speaker 1", "0:00:00"),
        ("SPEAKER 2", "00:00:06"),
        ("Speaker 1", "00:00:19"),
        ("SPEAKER 2", "00:00:22"),
    ]
    assert found[1][2] == "00:00:06\nSPEAKER 2:\nOwen Hale, shift lead.\nI started in 2015."
    assert found[2][2] == "[00:00:19]\nSpeaker 1: And in 2019?"
    assert "Depot interview" not in "".join(b for _, _, b in found)


def test_forms_are_stored_exactly_from_a_file(tmp_path: Path) -> None:
    for name, text in (("morrow.txt", FULL_THEN_INITIALS), ("hale.txt", TIMECODES_ABOVE)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        got = extract(path)
        assert_well_formed(got)
        assert got.text == text
        assert [(t.speaker, t.timestamp) for t in got.turns] == [
            (s, ts) for s, ts, _ in turns(text)
        ]
