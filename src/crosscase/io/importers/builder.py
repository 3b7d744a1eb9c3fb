"""Text assembled piece by piece, with offsets that never move.

Structured formats (docx, odt) walk their XML and append text here. Nothing is
ever taken back, so a position recorded while walking (where a Word comment
starts, say) is already its final offset in the stored text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_WS_RUN = re.compile(r"[ \t\r\n\f]+")


class TextBuilder:
    """One line per paragraph; at most one blank line in a row; no trailing newline."""

    __slots__ = ("_blank", "_parts", "_soft_space", "block_start", "line_start", "pos")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.pos = 0  # offset of the next character
        self.line_start = 0  # offset where the current line began
        self.block_start = 0  # offset where the current block (paragraph) began
        self._blank = True  # the last finished line was blank (or nothing yet)
        self._soft_space = False  # the last character added is a collapsible space

    def add(self, s: str) -> None:
        """Append ``s`` as is; it must already be in the stored form (no ``\\r``)."""
        if not s:
            return
        self._parts.append(s)
        nl = s.rfind("\n")
        if nl >= 0:
            self.line_start = self.pos + nl + 1
        self.pos += len(s)
        self._soft_space = False

    def add_collapsed(self, s: str) -> None:
        """Append with white-space runs collapsed to one space and none at a line start
        (HTML and OpenDocument rules)."""
        if not s:
            return
        s = _WS_RUN.sub(" ", s)
        if s[0] == " " and (self._soft_space or self.line_empty()):
            s = s[1:]
        if s:
            self.add(s)
            self._soft_space = s[-1] == " "

    def line_empty(self) -> bool:
        return self.pos == self.line_start

    def newline(self) -> None:
        """A line break inside a paragraph."""
        self.add("\n")

    def end_block(self) -> None:
        """End the current paragraph; an empty one leaves (at most) one blank line."""
        if self.line_empty():
            if not self._blank:
                self.add("\n")
                self._blank = True
        else:
            self.add("\n")
            self._blank = False
        self.block_start = self.pos

    def blank_line(self) -> None:
        """Make sure what comes next is set off by a blank line."""
        if not self.line_empty():
            self.end_block()
        if not self._blank:
            self.add("\n")
            self._blank = True
        self.block_start = self.pos

    def text(self) -> str:
        """The finished text (trailing line breaks dropped)."""
        return "".join(self._parts).rstrip("\n")


def roman(n: int) -> str:
    """Lower-case roman numeral, as Word numbers endnotes."""
    out = []
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


class TableRows:
    """The table layout shared by the docx and odt walkers.

    A row is one line with its cells joined by " | "; a table nested in a
    cell stays on its cell's line. The walker provides ``b``, ``cell_depth``,
    ``cell_start``, ``pending_sep`` and ``end_paragraph``.
    """

    b: TextBuilder
    cell_depth: int
    cell_start: int
    pending_sep: str

    def end_paragraph(self) -> None:
        raise NotImplementedError

    def walk_cells(self, cells: Iterable[Callable[[], None]]) -> None:
        """Write one row: each callable walks one cell's content."""
        for i, walk_cell in enumerate(cells):
            if i:
                self.pending_sep = ""
                self.b.add(" | ")
            self.cell_depth += 1
            outer_start, self.cell_start = self.cell_start, self.b.pos
            walk_cell()
            self.cell_start = outer_start
            self.cell_depth -= 1
            self.pending_sep = ""
        if self.cell_depth:
            self.pending_sep = " "
        else:
            self.end_paragraph()
