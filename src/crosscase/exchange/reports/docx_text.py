"""Text for Word cells: direction of Arabic and Hebrew, shortened quotes, estimated heights.

None of this changes a quote's characters: a shortened quote is an exact
prefix of the quote with an ellipsis after it, and right-to-left text is
marked by paragraph and run properties, never by inserting characters into
the quote (directional isolates go only around the citation that follows).
"""

from __future__ import annotations

import math
import re
import unicodedata

RLI, LRI, PDI = "\u2067", "\u2066", "\u2069"
ELLIPSIS = "\u2026"

_STRONG_RTL = ("R", "AL")
_SENTENCE_END = re.compile(r"[.!?\u2026\u061f\u06d4][\"'\u201d\u2019)\]]*\s")


def direction(text: str) -> str | None:
    """``"rtl"`` or ``"ltr"``: the direction of the first strong character; None if none."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in _STRONG_RTL:
            return "rtl"
        if bidi == "L":
            return "ltr"
    return None


def is_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left: more of its letters are Arabic or Hebrew
    (or another right-to-left script) than not."""
    rtl = ltr = 0
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in _STRONG_RTL:
            rtl += 1
        elif bidi == "L":
            ltr += 1
    return rtl > ltr


def direction_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into runs, each ``(piece, right_to_left)``; neutral characters
    (spaces, punctuation, digits) stay with the run before them."""
    runs: list[tuple[str, bool]] = []
    current: list[str] = []
    rtl: bool | None = None
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        strong = True if bidi in _STRONG_RTL else False if bidi == "L" else None
        if strong is not None and rtl is not None and strong != rtl and current:
            runs.append(("".join(current), rtl))
            current = []
        if strong is not None:
            rtl = strong
        current.append(ch)
    if current:
        runs.append(("".join(current), bool(rtl)))
    return runs


def shorten(text: str, max_words: int | None) -> tuple[str, bool]:
    """At most ``max_words`` words of ``text``, cut after the last whole sentence that
    fits (if it keeps at least half of them) or else after a word, with an ellipsis.
    Returns the text and whether it was cut; the kept part is ``text``'s own prefix."""
    if not max_words or max_words <= 0:
        return text, False
    words = list(re.finditer(r"\S+", text))
    if len(words) <= max_words:
        return text, False
    limit = words[max_words - 1].end()
    best = None
    for m in _SENTENCE_END.finditer(text, 0, limit + 1):
        best = m.end()
    if best is not None and len(re.findall(r"\S+", text[:best])) >= max_words / 2:
        return text[:best].rstrip() + " " + ELLIPSIS, True
    return text[:limit].rstrip(",;:\u2013\u2014-") + " " + ELLIPSIS, True


def lines(text: str, width_pt: float, size_pt: float) -> int:
    """Lines ``text`` takes in a column ``width_pt`` wide at ``size_pt`` (Times-like font:
    an average character is about half the size wide; words wrap whole)."""
    per_line = max(int(width_pt / (size_pt * 0.48)), 4)
    total = 0
    for para in text.split("\n"):
        used, n = 0, 1
        for word in para.split():
            need = len(word) + (1 if used else 0)
            if used + need > per_line and used:
                n += 1
                used = len(word)
                while used > per_line:  # a word longer than the line
                    n += 1
                    used -= per_line
            else:
                used += need
        total += n
    return total


def height(text: str, width_pt: float, size_pt: float, *, after_pt: float = 0.0,
           line: float = 1.15) -> float:
    """Estimated height in points of a paragraph of ``text``."""
    return lines(text, width_pt, size_pt) * size_pt * line + after_pt


def longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def word_width(chars: int, size_pt: float, *, bold: bool = False) -> float:
    """Width in points of a word of ``chars`` characters (generously, so it never breaks)."""
    return math.ceil(chars * size_pt * (0.58 if bold else 0.52)) + 10.0
