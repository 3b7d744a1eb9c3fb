"""Running headers, footers and page numbers on PDF pages.

Page furniture is whatever a layout program prints on every page around the
text: a report title at the top, "Page 2 of 3" at the bottom. Left in the
stored text it lands between the two halves of a paragraph that runs over a
page break, so a quote from that paragraph would carry it.

A line is furniture if it lies in the top or bottom band of its page (the
outer :data:`BAND` of the page height) and either

* lies in a text box that is all in that band (the first lines of a
  paragraph at the top of a page are not furniture, however alike), and
  repeats, with every run of digits read as one placeholder, on at least half
  of the pages that have text (and on at least two), at about the same
  distance from the same edge of the page; or
* is a lone page number ("4", "- 4 -", "Page 4", "Page 4 of 12", "p. 4",
  "iv") and, apart from other furniture, the outermost line on its side of
  the page, alone in its text box, with nothing else beside it; or
* lies in a text box that is all in that band, on one level with a page
  number found by one of the rules above ("Chapter 3: Utilities      7"),
  so that a running head that changes with the chapter goes too.

A document with one page of text keeps all of its lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

BAND = 0.12  # the top and bottom 12 % of a page's height
# Repeats of one running header sit at the same place; a title on the first
# page that happens to read the same sits elsewhere and is kept.
_SAME_PLACE = 10.0  # points

_DIGITS = re.compile(r"\d+")
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(
    r"[-–—\s]*(?:(?i:page|pg\.?|p\.)\s*)?"
    rf"(?:\d{{1,5}}|{_ROMAN})"
    r"(?:\s*(?:(?i:of)|/)\s*\d{1,5})?[-–—\s]*"
)


class Line(NamedTuple):
    """One text line of a page, already cleaned (never empty), with its box in points."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class PageLines:
    """The text lines of one page, grouped as pdfminer grouped them into text boxes."""

    number: int
    bottom: float
    top: float
    boxes: list[list[Line]] = field(default_factory=list)
    has_image: bool = False


# (box index, line index) of a line on its page
LineId = tuple[int, int]


def is_page_number(text: str) -> bool:
    return _PAGE_NUMBER.fullmatch(text) is not None


def _shape(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()))


def _side(line: Line, page: PageLines) -> tuple[str, float] | None:
    """("top" | "bottom", distance from that edge) for a line in a band, else None."""
    band = (page.top - page.bottom) * BAND
    middle = (line.y0 + line.y1) / 2
    if middle >= page.top - band:
        return "top", page.top - line.y1
    if middle <= page.bottom + band:
        return "bottom", line.y0 - page.bottom
    return None


def _repeated(pages: list[PageLines], texted: list[int], drop: list[set[LineId]]) -> None:
    need = max(2, (len(texted) + 1) // 2)
    groups: dict[tuple[str, str], list[tuple[float, int, LineId]]] = {}
    for i in texted:
        page = pages[i]
        for b, box in enumerate(page.boxes):
            places = [_side(line, page) for line in box]
            sides = {where[0] if where else None for where in places}
            if len(sides) != 1 or None in sides:
                continue  # a box that reaches into the body is body text
            for k, line in enumerate(box):
                where = places[k]
                assert where is not None
                groups.setdefault((where[0], _shape(line.text)), []).append((where[1], i, (b, k)))
    for found in groups.values():
        if len(found) < need or len({i for _, i, _ in found}) < need:
            continue
        # the place (distance from the edge) shared by the most pages
        found.sort()
        on_pages: Counter[int] = Counter()
        best = (0, 0, 0)  # pages, first, end
        lo = 0
        for hi, (d, i, _) in enumerate(found):
            on_pages[i] += 1
            while d - found[lo][0] > _SAME_PLACE:
                gone = found[lo][1]
                on_pages[gone] -= 1
                if not on_pages[gone]:
                    del on_pages[gone]
                lo += 1
            if len(on_pages) > best[0]:
                best = (len(on_pages), lo, hi + 1)
        if best[0] >= need:
            for _, i, line_id in found[best[1] : best[2]]:
                drop[i].add(line_id)


def _page_numbers(page: PageLines, drop: set[LineId]) -> None:
    rest = [
        (line, (b, k))
        for b, box in enumerate(page.boxes)
        for k, line in enumerate(box)
        if (b, k) not in drop
    ]
    if not rest:
        return
    found = []
    bottom = min(rest, key=lambda item: item[0].y0)
    top = max(rest, key=lambda item: item[0].y1)
    for (line, line_id), side in ((bottom, "bottom"), (top, "top")):
        where = _side(line, page)
        if where is None or where[0] != side or not is_page_number(line.text):
            continue
        middle = (line.y0 + line.y1) / 2
        beside = any(
            other_id != line_id
            and (other_id[0] == line_id[0] or other.y0 <= middle <= other.y1)
            for other, other_id in rest
        )
        if not beside:  # alone in its text box and on its level of the page
            found.append(line_id)
    drop.update(found)


def _beside_page_numbers(page: PageLines, drop: set[LineId]) -> None:
    """A running head that changes from chapter to chapter ("Chapter 3: Utilities",
    then "Chapter 4: Function reference") rarely repeats on half of the pages, but it
    is printed on one level with the page number."""
    numbers = [
        page.boxes[b][k]
        for b, k in drop
        if is_page_number(page.boxes[b][k].text) and _side(page.boxes[b][k], page)
    ]
    if not numbers:
        return
    for b, box in enumerate(page.boxes):
        places = [_side(line, page) for line in box]
        sides = {where[0] if where else None for where in places}
        if len(sides) != 1 or None in sides:
            continue
        for k, line in enumerate(box):
            if (b, k) in drop:
                continue
            middle = (line.y0 + line.y1) / 2
            if any(n.y0 <= middle <= n.y1 for n in numbers):
                drop.add((b, k))


def find_furniture(pages: list[PageLines]) -> list[set[LineId]]:
    """For each page, the lines that are running headers, footers or page numbers."""
    drop: list[set[LineId]] = [set() for _ in pages]
    texted = [i for i, page in enumerate(pages) if page.boxes]
    if len(texted) < 2:
        return drop
    _repeated(pages, texted, drop)
    for i in texted:
        _page_numbers(pages[i], drop[i])
        _beside_page_numbers(pages[i], drop[i])
    return drop
