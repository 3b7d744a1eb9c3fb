"""Paragraphs and speaker turns found in normalised text.

Shared by every importer: whatever the source format, the stored text is
plain, one paragraph per line, and the structure is found here, so a ¶ number
or a speaker means the same thing for a .txt, a .docx and a .pdf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from crosscase.domain.extract import AnchoredNote, Extracted, Page, Paragraph, Turn

# A paragraph is a line with something other than white space on it; its span
# runs from the first to the last non-space character of the line.
_PARA = re.compile(r"^[^\S\n]*(\S(?:[^\n]*\S)?)", re.MULTILINE)

# --- speaker labels ---------------------------------------------------------

_TSC = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TSW = rf"(?:\[{_TSC}\]|\({_TSC}\)|{_TSC})"
# A label: starts with a letter; letters, digits, a few name signs, single spaces.
_NAME = r"[^\W\d_](?:[\w.'’&/()\-]|[ \t](?=[^\s:]))*?"
_OPT_TS1 = rf"(?:(?P<ts1>{_TSW})[ \t]*)?"

# "Name: text", "NAME [00:01:23]: text", "[00:01:23] Q: text", "Name: (00:01) text"
_COLON = re.compile(
    rf"{_OPT_TS1}(?P<name>{_NAME})(?:[ \t]*(?P<ts2>{_TSW}))?[ \t]*[:：](?![/\\\d])"
    rf"(?:[ \t]*(?P<ts3>{_TSW}))?(?P<rest>.*)",
    re.DOTALL,
)
# "Interviewer - text", "Jane – text"
_DASH = re.compile(
    rf"{_OPT_TS1}(?P<name>{_NAME})(?:[ \t]+(?P<ts2>{_TSW}))?[ \t]+[-–—](?:[ \t]+|$)"
    rf"(?:(?P<ts3>{_TSW})[ \t]*)?(?P<rest>.*)",
    re.DOTALL,
)
# "[Jane] text", "[00:01:23] [Jane]: text", "[Jane] (00:01:23) text"
_BRACKET = re.compile(
    rf"{_OPT_TS1}\[(?P<name>[^\]\n]{{1,40}})\](?:[ \t]*(?P<ts2>{_TSW}))?[ \t]*"
    rf"(?:[:\-–—][ \t]*)?(?:(?P<ts3>{_TSW})[ \t]*)?(?P<rest>.*)",
    re.DOTALL,
)
# A heading line "Jane Smith  0:03" (Otter, Teams): the turn's text follows on the next lines.
_HEADER = re.compile(rf"(?P<name>{_NAME})[ \t]+(?P<ts2>{_TSW})[ \t]*$")

# Oral-history transcripts: a column of initials, two or more spaces (or a tab),
# then the words, with an SMPTE-style timecode (03:01:06:18) where the tape was
# marked: "AK   03:01:06:18     Ah born ...". Continuation lines are indented.
_TIMECODE = r"\d{1,2}:\d{2}:\d{2}(?:[:.,;]\d{1,3})?"
_INITIALS = re.compile(
    rf"(?P<name>[A-Z][A-Z0-9]{{0,3}})(?P<gap>[ \t]{{2,}}|\t|[ ](?=\S))"
    rf"(?:[\[(]?(?P<ts>{_TIMECODE})[\])]?(?:[ \t]+|$))?(?P<rest>.*)",
    re.DOTALL,
)
# A legend in the header: "TF = Trish, AK = Anne, JH = Julie" (one or more entries).
_LEGEND_ENTRY = re.compile(
    r"(?:^|[,;]|\s)\s*(?P<ini>[A-Z][A-Z0-9]{0,3})\s*=\s*"
    r"(?P<name>[^\W\d_][\w.'’\-]*(?:[ \t]+[^\W\d_][\w.'’\-]*){0,3})"
)
_LINE_TIMECODE = re.compile(rf"^[ \t]*({_TIMECODE})(?=[ \t]|$)", re.MULTILINE)
_LEGEND_LINES = 40  # a legend sits in the header: only the first lines are searched

# Line-numbered transcripts, as archives publish them for citing by line: a
# column of numbers before every line ("12   INTERVIEWER: And then?"). The
# column is skipped when looking for speakers; the stored text keeps it.
_LINE_NUMBER = re.compile(r"(\d{1,5})(?:[ \t]+|$)")
_NUMBERED_SHARE = 0.8  # of the lines numbered, and of those, rising from the one before

# A speaker's name in capitals alone on its line, the words indented under it
# ("MARGARET HOLT" then "    My father worked there ...").
_CAPS_NAME = re.compile(r"[^\W\d_][^\W\d_.'’\-]*(?:[ .'’\-]{1,2}[^\W\d_][^\W\d_'’\-]*){0,3}\.?")

# Court and deposition transcripts: "Q." / "A." (or "Q" / "A" and a tab or two
# spaces) open the examiner's questions and the witness's answers. Two spaces or
# a tab is a sure sign; "A. " with one space could begin "A. Smith: ...", so
# that reading is only tried when no other label fits.
_QA_STRONG = re.compile(r"(?P<name>[QA])(?:\.?(?:\t|[ ]{2,})|\.[ \t]*$)(?P<rest>.*)", re.DOTALL)
_QA_WEAK = re.compile(r"(?P<name>[QA])\.[ ](?=\S)(?P<rest>.*)", re.DOTALL)
# Who asks the questions from here on: "BY MR. SMITH:", "CROSS-EXAMINATION BY MS. LEE:".
# The line is in capitals; it heads the questions and is nobody's turn.
_EXAMINER = re.compile(
    r"(?:[A-Z][A-Z\-]*[ \t]+)*?BY[ \t]+(?P<name>[A-Z][A-Z.'’\-]*(?:[ \t]+[A-Z][A-Z.'’\-]*){0,3})"
    r"[ \t]*:?"
)
# A heading of the examination ("DIRECT EXAMINATION", "CROSS-EXAMINATION"): nobody's turn.
_EXAMINATION = re.compile(r"[A-Z][A-Z \t\-]*EXAMINATION[A-Z \t\-]*")

# Subtitle files (WebVTT, SubRip), as meeting software writes transcripts: a cue
# is an optional identifier line, a timing line, then its text; the speaker is a
# voice tag ("<v Jane Doe>Hello</v>") or a label ("Jane Doe: Hello").
_CUE_TIME = r"(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}"
_CUE_TIMING = re.compile(rf"(?P<start>{_CUE_TIME})[ \t]+-->[ \t]+{_CUE_TIME}(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t]+(?P<name>[^>\n]{1,60})>")

# A timecode alone on its line ("00:00:17", "[00:00:44]"): it marks the turn below it.
_TIMECODE_LINE = re.compile(rf"[\[(]?(?P<ts>{_TSC}|{_TIMECODE})[\])]?")

# "Use the full name the first time a speaker appears, initials thereafter"
# (transcription guides of oral-history programmes): initials of two to four
# capitals stand for the one full name they abbreviate.
_INITIALS_ONLY = re.compile(r"[A-Z]{2,4}")

_MAX_WORDS_IN_NAME = 4
_MAX_NAME_CHARS = 40
_HEAD_CHARS = 120  # a label sits at the start of a line; only that much is matched


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


def _phrases(s: str) -> frozenset[str]:
    return frozenset(" ".join(part.split()) for part in s.split(","))


# Words that end in a colon at the start of a line without naming a speaker.
_NOT_SPEAKERS = _words(
    """
    note notes nb n.b. ps p.s. re fw fwd cc bcc from to date time location place venue
    setting duration length subject title project study transcript transcriber
    transcription file filename recording audio video page tel phone mobile email e-mail
    url web website link source sources figure fig table chart graph box chapter section
    part step example e.g i.e summary abstract keywords topic theme themes aim aims
    objective objectives purpose background introduction conclusion conclusions result
    results finding findings method methods methodology definition warning caution
    important tip hint attendees present apologies agenda action actions minutes reference
    references ref author authors editor version status comment comments remark remarks
    update updated edited created well so yes no and but ok okay right um er erm oh also
    however then now here there this that it because
    """
) | frozenset({"interview date", "date of interview", "key words", "see also", "for example"})

# Bracketed remarks that transcribers put at the start of a line.
_ANNOTATIONS = _phrases(
    """
    laughs, laughter, laughing, inaudible, unclear, pause, pauses, long pause, short
    pause, crosstalk, cross talk, cross-talk, silence, overlapping, overtalk, coughs,
    cough, sighs, sigh, background noise, noise, music, break, end, end of recording, end
    of interview, recording ends, recording starts, recording paused, recording resumed,
    interruption, interrupted, redacted, name redacted, place, organisation,
    organization, company, location, phone rings, applause, indistinct, unintelligible,
    inaudible speech, translation, translated, sic, blank, gap, tape ends, tape starts,
    start, start of recording, interrupts, both laugh, all laugh, talking over, audio cuts
    out, transcript ends
    """
)

# Labels that are speakers even if they speak only once.
_ROLES = _words(
    """
    q a i r p int resp iv ie interviewer interviewee respondent participant moderator
    facilitator researcher question answer
    """
)


@dataclass(frozen=True)
class _Label:
    name: str
    timestamp: str | None
    kind: str  # "colon", "dash", "bracket", "header", "qa", "qa1", "initials", "caps"
    alone: bool  # the label is all there is on its line
    body: int = 0  # where the spoken words start in the line


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _plausible_name(name: str, kind: str) -> bool:
    if not name or len(name) > _MAX_NAME_CHARS or not any(c.isalpha() for c in name):
        return False
    if name[0].islower() or len(name.split()) > _MAX_WORDS_IN_NAME:
        return False
    key = _key(name)
    if kind == "bracket":
        return key not in _ANNOTATIONS and not key.startswith(("laugh", "inaudible", "pause"))
    return key not in _NOT_SPEAKERS


def _clean_ts(*candidates: str | None) -> str | None:
    for ts in candidates:
        if ts:
            return ts.strip("[]()")
    return None


def label_at(line: str) -> _Label | None:
    """The speaker label that opens ``line`` (one paragraph), if it has one.

    The match is purely local; :func:`turns_of` decides which labels are
    really speakers by looking at the whole document.
    """
    head = line[:_HEAD_CHARS].strip()
    if not head:
        return None
    lead = len(line) - len(line.lstrip())
    first = head[0]
    if first == "[" or first == "(" or first.isdigit():
        m = _BRACKET.match(head)
        if m and _plausible_name(m.group("name").strip(), "bracket"):
            ts = _clean_ts(m.group("ts1"), m.group("ts2"), m.group("ts3"))
            return _Label(m.group("name").strip(), ts, "bracket", not m.group("rest").strip(),
                          lead + m.start("rest"))
    qa = _QA_STRONG.match(head)
    if qa is not None:
        return _Label(qa.group("name"), None, "qa", not qa.group("rest").strip(),
                      lead + qa.start("rest"))
    m = _COLON.match(head)
    kind = "colon"
    if m is None:
        m = _DASH.match(head)
        kind = "dash"
    if m is not None:
        name = m.group("name").strip()
        if _plausible_name(name, kind):
            ts = _clean_ts(m.group("ts1"), m.group("ts2"), m.group("ts3"))
            alone = not m.group("rest").strip() and len(line.strip()) <= len(head)
            return _Label(name, ts, kind, alone, lead + m.start("rest"))
        return None
    qa = _QA_WEAK.match(head)
    if qa is not None:
        return _Label(qa.group("name"), None, "qa1", False, lead + qa.start("rest"))
    m = _HEADER.match(head)
    if m is not None and len(line.strip()) <= len(head):
        name = m.group("name").strip()
        if _plausible_name(name, "header"):
            return _Label(name, _clean_ts(m.group("ts2")), "header", True, len(line))
    initials = _initials_label(head, lead)
    if initials is not None and initials.kind == "initials":
        return initials
    return None


def _initials_label(head: str, lead: int = 0) -> _Label | None:
    """An initials-column label ("AK   Ah born ..."); kind "initials" when the gap
    after the initials is two or more spaces or a tab, "initials1" for a single
    space (only trusted when a legend names the initials)."""
    m = _INITIALS.match(head)
    if m is None:
        return None
    rest = m.group("rest")
    if not rest.strip() and not m.group("ts"):
        return None
    if rest.lstrip().startswith(("=", ":")):
        return None  # a legend entry ("TF = Trish") or a colon label, not this form
    kind = "initials1" if m.group("gap") == " " else "initials"
    return _Label(m.group("name"), m.group("ts"), kind, not rest.strip(), lead + m.start("rest"))


def legend_of(text: str, paragraphs: list[Paragraph]) -> dict[str, str]:
    """Initials -> name from a legend line in the header ("TF = Trish, AK = Anne")."""
    legend: dict[str, str] = {}
    for para in paragraphs[:_LEGEND_LINES]:
        line = text[para.start : para.end]
        if "=" not in line:
            continue
        for m in _LEGEND_ENTRY.finditer(line):
            legend.setdefault(m.group("ini"), m.group("name").strip())
    return legend


def _initials_turns(text: str, paragraphs: list[Paragraph]) -> list[Turn] | None:
    """Turns of an initials-column transcript, or None if ``text`` is not one.

    It is one when at least two different initials each open two or more
    lines, or when the initials opening lines are named in a legend. Names
    from the legend replace the initials; timecodes stay with their turn.
    """
    legend = legend_of(text, paragraphs)
    found: list[tuple[int, _Label]] = []
    for index, para in enumerate(paragraphs):
        head = text[para.start : min(para.end, para.start + _HEAD_CHARS + 8)]
        label = _initials_label(head)
        if label is None:
            continue
        if label.kind == "initials1" and label.name not in legend:
            continue
        found.append((index, label))
    counts: dict[str, int] = {}
    for _, label in found:
        counts[label.name] = counts.get(label.name, 0) + 1
    in_legend = {name for name in counts if name in legend}
    repeated = {name for name, n in counts.items() if n >= 2}
    if len(in_legend) >= 2:
        speakers = in_legend | repeated
    elif len(repeated) >= 2:
        speakers = repeated
    else:
        return None
    if speakers <= {"Q", "A"} and not in_legend:
        return None  # questions and answers: read with their colloquy in _turns
    accepted = [(i, lb) for i, lb in found if lb.name in speakers]
    if len(accepted) < 2:
        return None
    turns: list[Turn] = []
    for n, (index, label) in enumerate(accepted):
        next_index = accepted[n + 1][0] if n + 1 < len(accepted) else len(paragraphs)
        start, end = paragraphs[index].start, paragraphs[next_index - 1].end
        stamp = label.timestamp
        if stamp is None:  # a timecode on a continuation line marks the turn too
            later = _LINE_TIMECODE.search(text, start, end)
            stamp = later.group(1) if later else None
        turns.append(Turn(legend.get(label.name, label.name), start, end, stamp))
    return turns


def speech_start(line: str) -> int:
    """Where the words start in a paragraph that may open with a speaker label (0 if none)."""
    label = label_at(line)
    return label.body if label is not None else 0


def starts_turn(line: str) -> bool:
    """Whether ``line`` looks as if a speaker starts talking on it.

    Importers that join wrapped lines into one paragraph (PDF, Markdown) ask
    this so that they never join two speakers' lines into one paragraph.
    """
    label = label_at(line)
    return label is not None and label.kind != "qa1"  # "A. Smith" may be wrapped prose


def paragraphs_of(text: str) -> list[Paragraph]:
    """Each line with text on it is a paragraph, numbered from 1.

    Transcripts put one turn per line, so a single newline ends a paragraph;
    blank lines are skipped and not counted. A span runs from the first to
    the last non-blank character of its line.
    """
    return [
        Paragraph(number, m.start(1), m.end(1))
        for number, m in enumerate(_PARA.finditer(text), start=1)
    ]


def _numbered_lines(text: str, paragraphs: list[Paragraph]) -> list[Paragraph] | None:
    """The paragraphs with their line-number column skipped, if ``text`` has one:
    most lines open with a number, and most numbers rise from the one before."""
    if len(paragraphs) < 3:
        return None
    views: list[Paragraph] = []
    numbers: list[int] = []
    for para in paragraphs:
        m = _LINE_NUMBER.match(text, para.start, para.end)
        if m is None:
            views.append(para)
            continue
        numbers.append(int(m.group(1)))
        views.append(Paragraph(para.number, m.end(), para.end))
    if len(numbers) < _NUMBERED_SHARE * len(paragraphs):
        return None
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b > a)
    if rising < _NUMBERED_SHARE * (len(numbers) - 1):
        return None
    return views


def _column(text: str, at: int) -> int:
    return at - (text.rfind("\n", 0, at) + 1)


def _caps_label(text: str, paragraphs: list[Paragraph], index: int) -> _Label | None:
    """A name in capitals alone on its line with the next line indented deeper."""
    para = paragraphs[index]
    line = text[para.start : para.end]
    if (
        index + 1 >= len(paragraphs)
        or len(line) > _MAX_NAME_CHARS
        or not line.isupper()
        or _CAPS_NAME.fullmatch(line) is None
    ):
        return None
    after = paragraphs[index + 1]
    if text.count("\n", para.end, after.start) > 2 or (
        _column(text, after.start) <= _column(text, para.start)
    ):
        return None
    name = line.rstrip(".")
    if not _plausible_name(name, "caps"):
        return None
    return _Label(name, None, "caps", True, len(line))


def turns_of(text: str, paragraphs: list[Paragraph]) -> list[Turn]:
    """Speaker turns: a labelled paragraph starts a turn that runs on through
    unlabelled paragraphs until the next label.

    A label counts as a speaker if it opens at least two paragraphs or names a
    usual role (Interviewer, Q, A, Respondent ...); a one-off label counts too
    once the document has shown itself to be a transcript, as long as it comes
    after the first turn and has the same form. So a report with one "Note:"
    or a few "Figure 2:" lines does not become a transcript. In a transcript
    with a column of line numbers the labels are looked for after the number;
    a turn still starts where its first line does. A subtitle file (WebVTT,
    SubRip) is read cue by cue.
    """
    if not paragraphs:
        return []
    cues = _cue_turns(text, paragraphs)
    if cues is not None:
        return cues
    views = _numbered_lines(text, paragraphs)
    if views is None:
        return _turns(text, paragraphs)
    line_start = {view.start: para.start for view, para in zip(views, paragraphs, strict=True)}
    return [replace(t, start=line_start.get(t.start, t.start)) for t in _turns(text, views)]


def _next_line(text: str, above: Paragraph, below: Paragraph) -> bool:
    """Whether ``below`` is on the line right under ``above`` (no blank line between)."""
    return text.count("\n", above.end, below.start) == 1


def _cue_turns(text: str, paragraphs: list[Paragraph]) -> list[Turn] | None:
    """Turns of a subtitle file, or None if ``text`` is not one.

    A turn starts at the cue (its identifier line, or its timing line) whose
    text opens with a speaker, takes the cue's start time as its timestamp and
    runs on through the cues that follow without a speaker or with the same one.
    A cue's text ends at the first blank line, so a NOTE block or the file's
    header is no one's turn.
    """
    timings: list[tuple[int, str]] = []
    for index, para in enumerate(paragraphs):
        if text[para.start].isdigit():
            m = _CUE_TIMING.fullmatch(text, para.start, para.end)
            if m is not None:
                timings.append((index, m.group("start")))
    if len(timings) < 2:
        return None
    firsts: list[int] = []
    for n, (index, _) in enumerate(timings):
        previous_timing = timings[n - 1][0] if n else -1
        has_id = index - 1 > previous_timing and _next_line(
            text, paragraphs[index - 1], paragraphs[index]
        )
        firsts.append(index - 1 if has_id else index)
    turns: list[Turn] = []
    display: dict[str, str] = {}
    last_key: str | None = None
    for n, (index, stamp) in enumerate(timings):
        limit = firsts[n + 1] if n + 1 < len(timings) else len(paragraphs)
        last = index
        while last + 1 < limit and _next_line(text, paragraphs[last], paragraphs[last + 1]):
            last += 1
        if last == index:
            continue  # a cue without text
        body = paragraphs[index + 1]
        head = text[body.start : min(body.end, body.start + _HEAD_CHARS + 8)]
        speaker: str | None = None
        voice = _VOICE.match(head)
        if voice is not None:
            speaker = voice.group("name").strip()
        else:
            label = label_at(head)
            if label is not None and label.kind in ("colon", "bracket"):
                speaker = label.name
        end = paragraphs[last].end
        if speaker is None or _key(speaker) == last_key:
            if turns:  # the same voice goes on
                turns[-1] = replace(turns[-1], end=end)
            continue
        last_key = _key(speaker)
        name = display.setdefault(last_key, speaker)
        turns.append(Turn(name, paragraphs[firsts[n]].start, end, stamp))
    return turns


def _initials_of(name: str) -> tuple[str, str]:
    """All the initials of a name, and those of its first and last words."""
    letters = [w[0].upper() for w in name.split() if w[0].isalpha()]
    if not letters:
        return "", ""
    return "".join(letters), letters[0] + letters[-1]


def _initial_aliases(labels: list[_Label]) -> dict[str, str]:
    """Initials that stand for one full name given elsewhere ("JH" for "Julie Hart")."""
    full_names = {_key(lb.name): lb.name for lb in labels if 2 <= len(lb.name.split()) <= 4}
    aliases: dict[str, str] = {}
    for lb in labels:
        if _INITIALS_ONLY.fullmatch(lb.name) is None or _key(lb.name) in aliases:
            continue
        matches = [k for k, full in full_names.items() if lb.name in _initials_of(full)]
        if len(matches) == 1:
            aliases[_key(lb.name)] = matches[0]
    return aliases


def _examination_headings(text: str, paragraphs: list[Paragraph]) -> dict[int, str | None]:
    """Lines in capitals that head an examination: index -> the examiner, if named."""
    found: dict[int, str | None] = {}
    for index, para in enumerate(paragraphs):
        if para.end - para.start > 80:
            continue
        line = text[para.start : para.end]
        if not line.isupper() or ("BY" not in line and "EXAMINATION" not in line):
            continue
        m = _EXAMINER.fullmatch(line)
        if m is not None:
            found[index] = m.group("name").rstrip(".:")
        elif _EXAMINATION.fullmatch(line) is not None:
            found[index] = None
    return found


def _turns(text: str, paragraphs: list[Paragraph]) -> list[Turn]:
    initials = _initials_turns(text, paragraphs)
    if initials is not None:
        return initials
    found: list[tuple[int, _Label]] = []
    for index, para in enumerate(paragraphs):
        label = label_at(text[para.start : min(para.end, para.start + _HEAD_CHARS + 8)])
        if label is None:
            label = _caps_label(text, paragraphs, index)
        if label is None or label.kind == "initials":
            continue  # the initials form was looked for above, as a whole
        if label.alone and label.kind != "header" and index + 1 >= len(paragraphs):
            continue  # a label alone on the last line has nothing after it to speak
        found.append((index, label))
    # Questions and answers: "Q." and "A." count only where both occur; then the
    # headings of an examination ("BY MR. SMITH:") are nobody's turn, but end one.
    qa_names = {lb.name for _, lb in found if lb.kind in ("qa", "qa1", "colon")}
    headings: dict[int, str | None] = {}
    if {"Q", "A"} <= qa_names:
        headings = _examination_headings(text, paragraphs)
        found = [
            (i, replace(lb, kind="qa") if lb.kind == "qa1" else lb)
            for i, lb in found
            if i not in headings
        ]
    else:
        found = [(i, lb) for i, lb in found if lb.kind not in ("qa", "qa1")]
    if len(found) < 2:
        return []
    aliases = _initial_aliases([lb for _, lb in found])
    own_keys = [_key(lb.name) for _, lb in found]
    keys = [aliases.get(k, k) for k in own_keys] if aliases else own_keys
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    accepted_keys = {k for k, c in counts.items() if c >= 2 or k in _ROLES}
    # A name with a timestamp, or alone on its line above the words, is a strong
    # sign: two of them make a transcript even if every name occurs once.
    strong = [k for k, (_, lb) in zip(keys, found, strict=True)
              if lb.timestamp or lb.kind == "header"]
    if len(strong) >= 2:
        accepted_keys |= set(strong)
    kinds: dict[str, int] = {}
    alone_style = 0
    for key, (_, label) in zip(keys, found, strict=True):
        if key in accepted_keys:
            kinds[label.kind] = kinds.get(label.kind, 0) + 1
            alone_style += label.alone
    if not kinds:
        return []
    main_kind = max(kinds, key=lambda k: kinds[k])
    accepted: list[tuple[int, _Label, str]] = []
    seen_speaker = False
    for key, (index, label) in zip(keys, found, strict=True):
        if key in accepted_keys:
            ok = not label.alone or counts[key] >= 2 or bool(label.timestamp)
            ok = ok or label.kind == "header"
        elif main_kind == "qa":
            # colloquy between the questions: "MR. JONES: Objection.", "THE WITNESS: Yes."
            ok = seen_speaker and label.kind == "colon" and not label.alone
            ok = ok and label.name == label.name.upper()
        else:
            # a one-off name, once the document has shown itself to be a transcript
            ok = seen_speaker and label.kind == main_kind and (not label.alone or alone_style >= 2)
        if ok:
            accepted.append((index, label, key))
            seen_speaker = True
    if len(accepted) < 2:
        return []
    # the name as first written; initials standing for a full name show the full name
    first_spelling: dict[str, str] = {}
    if aliases:
        for own, (_, lb) in zip(own_keys, found, strict=True):
            first_spelling.setdefault(own, lb.name)
    display: dict[str, str] = {}
    stops = sorted(headings)
    examiner: str | None = None
    starts: list[tuple[int, str | None]] = []
    previous = -1
    for index, label, _ in accepted:
        start, stamp = index, label.timestamp
        if stamp is None and index - 1 > previous:
            above = paragraphs[index - 1]
            m = _TIMECODE_LINE.fullmatch(text, above.start, above.end)
            if m is not None:  # "00:00:17" alone on the line above marks this turn
                start, stamp = index - 1, m.group("ts")
        starts.append((start, stamp))
        previous = index
    turns: list[Turn] = []
    for i, (index, label, key) in enumerate(accepted):
        start, stamp = starts[i]
        limit = starts[i + 1][0] if i + 1 < len(accepted) else len(paragraphs)
        while stops and stops[0] < index:  # headings passed: who asks from here on
            examiner = headings[stops.pop(0)] or None
        if stops and stops[0] < limit:
            limit = stops[0]  # a heading ends the turn before it
        if label.name == "Q" and examiner:
            speaker = examiner
        else:
            speaker = display.setdefault(key, first_spelling.get(key, label.name))
        turns.append(Turn(speaker, paragraphs[start].start, paragraphs[limit - 1].end, stamp))
    return turns


def build(
    text: str,
    fmt: str,
    *,
    pages: list[Page] | None = None,
    notes: list[AnchoredNote] | None = None,
    warnings: list[str] | None = None,
) -> Extracted:
    """The finished result for ``text``: paragraphs and turns found here."""
    paras = paragraphs_of(text)
    return Extracted(
        text=text,
        format=fmt,
        paragraphs=paras,
        pages=list(pages or []),
        turns=turns_of(text, paras),
        notes=list(notes or []),
        warnings=list(warnings or []),
    )
