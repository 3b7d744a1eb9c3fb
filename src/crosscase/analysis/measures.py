"""What a matrix cell counts: each measure's name, label and definition.

The definitions are fixed sentences, shown under every matrix, in the CLI
table, in the workbench and in the note under an exported table, so a
reader always knows what a number means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The counting rule: codings of one code that overlap or nest in a document are one passage.
PASSAGE = (
    "A passage is a stretch of one document coded with the code: codings of the same code "
    "that nest or overlap in a document make one passage (the text they cover together), "
    "so a passage coded twice, or a part of it coded again, counts once."
)


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str
    #: how a value reads in a sentence or a cell: "{v} segments", "{v}% of text"
    unit: str
    integer: bool = True
    #: the unit for exactly one ("1 segment")
    unit_one: str = ""


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "segments",
            "Coded segments",
            "Coded segments: the number of passages coded with the code. " + PASSAGE,
            "{v} segments",
            unit_one="{v} segment",
        ),
        Measure(
            "documents",
            "Documents",
            "Documents: the number of documents in which the code occurs at least once.",
            "{v} documents",
            unit_one="{v} document",
        ),
        Measure(
            "participants",
            "Participants",
            "Participants: the number of speakers who voiced at least one passage coded with "
            "the code; a passage belongs to the speaker whose turn contains its first "
            "character, and passages outside speaker turns are not counted.",
            "{v} participants",
            unit_one="{v} participant",
        ),
        Measure(
            "words",
            "Words coded",
            "Words coded: the words in the passages coded with the code, each passage counted "
            "once (a word is a run of letters or digits, as in the documents' word counts).",
            "{v} words",
            unit_one="{v} word",
        ),
        Measure(
            "share",
            "Share of text coded (%)",
            "Share of text coded: the characters covered by passages coded with the code, as "
            "a percentage of all the characters of the column's text; where passages overlap "
            "the characters count once.",
            "{v}% of text",
            integer=False,
        ),
        Measure(
            "rate",
            "Segments per 1,000 words",
            "Rate: passages coded with the code per 1,000 words of the column's text (all its "
            "text, coded or not), so that columns with more material can be compared.",
            "{v} per 1,000 words",
            integer=False,
        ),
        Measure(
            "presence",
            "Presence",
            "Presence: 1 if the code occurs at least once in the column, 0 if it does not.",
            "{v}",
        ),
    )
}

ROLLUP_NOTE = (
    "Rolled up: a code's count includes the passages coded with any of its sub-codes "
    "(at every level below it), and codings of the code and its sub-codes that nest or "
    "overlap count once."
)

#: Said of a matrix that is not rolled up, where some rows have sub-codes.
OWN_NOTE = (
    "Not rolled up: a code's count leaves out the passages coded only with its sub-codes."
)


def measure(name: str) -> Measure:
    from crosscase.domain.errors import UsageError

    key = str(name).strip().lower()
    if key not in MEASURES:
        raise UsageError(f"no measure '{name}'; choose one of {', '.join(MEASURES)}")
    return MEASURES[key]


def format_value(name: str, value: float | None, *, unit: bool = False) -> str:
    """A value as a reader sees it: ``12``, ``4.2``, ``37.5``; with ``unit``, ``12 segments``."""
    m = MEASURES[name]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if name == "presence":
        if unit:
            return "present" if value else "absent"
        return "1" if value else "0"
    if m.integer:
        n = round(value)
        text = f"{n:,}"
        if unit:
            return (m.unit_one if n == 1 and m.unit_one else m.unit).format(v=text)
        return text
    text = f"{value:.1f}" if name == "share" else f"{value:.2f}"
    return m.unit.format(v=text) if unit else text
