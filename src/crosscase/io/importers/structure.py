"""Paragraphs and speaker turns found in normalised text.

Shared by every importer: whatever the source format, the stored text is
plain and the structure is found (or refined) here.
"""

from __future__ import annotations

import re

from crosscase.domain.extract import Paragraph, Turn

_TS = r"(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?)"
# "Name:", "NAME:", "Q:", "Interviewer -", "[Name]", each optionally with a timestamp
# before or after the label.
_TURN = re.compile(
    rf"""^[ \t]*(?:(?P<ts1>{_TS})[ \t]*)?
    (?:
        \[(?P<br>[^\]\n:]{{1,40}})\]                          # [Name]
      | (?P<name>[^\W\d_][\w.'’ ()-]{{0,38}}?)                  # Name / NAME / Q / P3
        (?:[ \t]*(?P<ts2>{_TS}))?
        [ \t]*(?::|[ \t]-|[ \t]–)                               # ':' or ' -'
    )
    (?:[ \t]*(?P<ts3>{_TS}))?[ \t]*""",
    re.VERBOSE,
)
_MAX_WORDS_IN_NAME = 4


def paragraphs_of(text: str) -> list[Paragraph]:
    """Each non-blank line block separated by newlines is a paragraph.

    Transcripts put one turn per line, so a single newline ends a paragraph;
    runs of blank lines are skipped and not counted.
    """
    paras: list[Paragraph] = []
    pos = 0
    n = len(text)
    number = 0
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        if line.strip():
            lead = len(line) - len(line.lstrip())
            trail = len(line.rstrip())
            number += 1
            paras.append(Paragraph(number, pos + lead, pos + trail))
        pos = end + 1
    return paras


def _speaker_at(line: str) -> tuple[str, str | None] | None:
    m = _TURN.match(line)
    if not m:
        return None
    name = (m.group("br") or m.group("name") or "").strip()
    if not name or len(name.split()) > _MAX_WORDS_IN_NAME:
        return None
    rest = line[m.end():]
    if m.group("br") is None and not rest.strip():
        return None  # "Note:" alone on a line is a heading, not a turn
    ts = m.group("ts1") or m.group("ts2") or m.group("ts3")
    if ts:
        ts = ts.strip("[]()")
    return name, ts


def turns_of(text: str, paragraphs: list[Paragraph]) -> list[Turn]:
    """Speaker turns: a labelled paragraph starts a turn that runs on through
    unlabelled paragraphs until the next label.

    A label only counts if the same speaker opens at least two paragraphs or
    at least two different labels occur, so prose with one "Note:" is not a
    transcript.
    """
    found: list[tuple[int, str, str | None]] = []
    for para in paragraphs:
        hit = _speaker_at(text[para.start:para.end])
        if hit:
            found.append((para.start, hit[0], hit[1]))
    if len(found) < 2:
        return []
    turns: list[Turn] = []
    para_ends = {p.start: p.end for p in paragraphs}
    starts = [f[0] for f in found]
    last_end = paragraphs[-1].end
    for i, (start, speaker, ts) in enumerate(found):
        if i + 1 < len(found):
            # end at the end of the last paragraph before the next label
            nxt = starts[i + 1]
            end = max(e for s, e in para_ends.items() if start <= s < nxt)
        else:
            end = last_end
        turns.append(Turn(speaker, start, end, ts))
    return turns
