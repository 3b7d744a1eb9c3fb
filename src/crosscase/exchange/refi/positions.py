"""Selection positions in REFI-QDA files, read the way the writing program counted.

The standard counts Unicode code points from the start of the plain-text file.
Real programs differ: NVivo for Windows counts UTF-16 code units with CRLF as
two (and no BOM); ATLAS.ti writes CRLF files but counts a line break as one.
Crosscase stores the text normalised (``\\n`` line endings, no BOM, no NULs),
so a position in the raw file has to be carried over to the stored text.

:class:`SourceText` holds both texts. Its maps only record the few characters
where the readings differ (CR, NUL, characters outside the Basic Multilingual
Plane), so conversion is a binary search and plain ASCII costs nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from crosscase.io.importers.text import normalise

READINGS: dict[str, str] = {
    "codepoints": "Unicode code points, CRLF counted as two (the REFI-QDA standard)",
    "codepoints-crlf1": "Unicode code points, a CRLF line break counted as one (ATLAS.ti)",
    "utf16": "UTF-16 code units, CRLF counted as two (NVivo for Windows)",
    "utf16-crlf1": "UTF-16 code units, a CRLF line break counted as one",
}
OFFSET_CHOICES = ("auto", *READINGS)

_SPECIAL = re.compile("[\r\x00\U00010000-\U0010ffff]")
_SPACE = re.compile(r"\s+")
_ELLIPSES = ("…", "...")


def reading_for_origin(origin: str | None) -> str:
    """The reading to expect from the program named in ``Project/@origin``."""
    o = (origin or "").lower()
    if "nvivo" in o:
        return "utf16"
    if "atlas" in o:
        return "codepoints-crlf1"
    return "codepoints"


@dataclass(frozen=True)
class _Map:
    unit_starts: list[int]
    unit_widths: list[int]
    norm_starts: list[int]
    norm_widths: list[int]
    total_units: int


class SourceText:
    """The raw text of a source file and the normalised text Crosscase stores."""

    def __init__(self, raw: str) -> None:
        raw = raw.removeprefix("\ufeff")  # a BOM is not text and no program counts it
        self.raw = raw
        self.text = normalise(raw)
        self._specials = [(m.start(), m.group()) for m in _SPECIAL.finditer(raw)]
        self._maps: dict[str, _Map] = {}

    @property
    def plain(self) -> bool:
        """True when every reading gives the same positions."""
        return not self._specials

    def _map(self, reading: str) -> _Map:
        if reading in self._maps:
            return self._maps[reading]
        utf16 = reading.startswith("utf16")
        crlf1 = reading.endswith("crlf1")
        raw = self.raw
        us: list[int] = []
        uw: list[int] = []
        ns: list[int] = []
        nw: list[int] = []
        du = dn = 0  # running (width - 1) totals before the current special
        for k, ch in self._specials:
            if ch == "\r":
                crlf = raw.startswith("\n", k + 1)
                w, n = (0 if crlf and crlf1 else 1), (0 if crlf else 1)
            elif ch == "\x00":
                w, n = 1, 0
            else:  # astral
                w, n = (2 if utf16 else 1), 1
            us.append(k + du)
            uw.append(w)
            ns.append(k + dn)
            nw.append(n)
            du += w - 1
            dn += n - 1
        m = _Map(us, uw, ns, nw, len(raw) + du)
        if __debug__:
            assert len(raw) + dn == len(self.text)
        self._maps[reading] = m
        return m

    def to_text(self, pos: int, reading: str) -> int | None:
        """A position in the file, as ``reading`` counts, in the stored text.

        None if the position lies outside the text or inside one character
        (between the two UTF-16 halves of an emoji, say).
        """
        if not self._specials:
            return pos if 0 <= pos <= len(self.text) else None
        m = self._map(reading)
        if not 0 <= pos <= m.total_units:
            return None
        i = bisect_left(m.unit_starts, pos) - 1  # last special starting before pos
        if i < 0:
            return pos
        end_of_special = m.unit_starts[i] + m.unit_widths[i]
        if pos < end_of_special:
            return None
        return m.norm_starts[i] + m.norm_widths[i] + (pos - end_of_special)

    def span(self, start: int, end: int, reading: str) -> tuple[int, int] | None:
        s, e = self.to_text(start, reading), self.to_text(end, reading)
        if s is None or e is None or e <= s:
            return None
        return s, e


def squash(text: str) -> str:
    """Text compared as people read it: runs of white space as one space."""
    return _SPACE.sub(" ", text).strip()


def claimed_matches(claimed: str, actual: str) -> bool:
    """Does a selection's stated text (often cut short with '…') fit the text found?"""
    c = squash(claimed)
    a = squash(actual)
    if not c:
        return False
    for mark in _ELLIPSES:
        if c.endswith(mark):
            head = c[: -len(mark)].rstrip()
            if head and a.startswith(head):
                return True
    if a == c:
        return True
    # Some programs cut the text short without marking it.
    return len(c) >= 20 and a.startswith(c)


def _core(claimed: str) -> str:
    c = squash(claimed)
    for mark in _ELLIPSES:
        if c.endswith(mark):
            return c[: -len(mark)].rstrip()
    return c


def claimed_elsewhere(claimed: str, squashed_text: str) -> bool:
    """Does the stated text occur in the document at all?"""
    c = _core(claimed)
    return bool(c) and c in squashed_text


NEAR = 300  # characters either side of a selection searched for its misplaced quote
LONG_QUOTE = 20  # a stated text this long found anywhere else is a quote, not a label


def verdict(claimed: str | None, text: str, start: int, end: int,
            squashed_text: str | None = None) -> str:
    """``match``, ``mismatch`` or ``label`` for a selection's stated text at ``start:end``.

    A selection's ``name`` is often its quoted text (perhaps cut short with
    '…'), but may be a label ("Quotation 6:1", "Reference 2"). It is a
    ``mismatch`` (the selection would land at a wrong place) when the stated
    text is not at the position but is found close by, or, if it is long, anywhere
    in the document; otherwise it is taken as a ``label`` and cannot check
    the position.
    """
    if not claimed or not claimed.strip():
        return "label"
    found = text[start:end]
    if claimed_matches(claimed, found):
        return "match"
    c = _core(claimed)
    if not c or c in squash(found):
        return "label"
    near = squash(text[max(0, start - NEAR): end + NEAR])
    if c in near:
        return "mismatch"
    if len(c) >= LONG_QUOTE:
        whole = squashed_text if squashed_text is not None else squash(text)
        if c in whole:
            return "mismatch"
    return "label"
