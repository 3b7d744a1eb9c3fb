"""Excel sheets laid out for reading and printing.

The framework sheet is shaped as researchers print a framework matrix:
themes down the side, cases across, each cell the rating (as the project's
scale spells it), the summary and the pinned quotes. Excel does not grow a
row for wrapped text written by a program, and a row is at most 409 points
tall, so each row's height is set here from the text's wrapped lines at the
column's width. Quotes that would take a cell past that limit go, whole and
in order, to a linked sheet; the cell says how many and links to their first
row, and each row there links back to its cell.

Every sheet gets the same print set-up: landscape, fitted to the page's
width, the header row repeated on every page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crosscase.exchange.reports.cells import excel_text
from crosscase.services.segments import Segment

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from crosscase.services.framework import CellView

#: Excel's tallest row, in points
MAX_ROW_PT = 409.0
#: one wrapped line of 11-point Calibri (Excel's default font), in points
LINE_PT = 14.5
#: top and bottom padding of a cell, in points
PAD_PT = 3.0
#: the lines a framework cell may hold: its row stays within Excel's tallest row
CELL_LINES = int((MAX_ROW_PT - PAD_PT) // LINE_PT)
THEME_WIDTH = 30.0
#: characters of running text per unit of column width (the unit is one "0" wide)
CHARS_PER_UNIT = 1.15
#: a landscape page, fitted to its width, shows about this many character widths
PAGE_CHARS = 150.0
HEADER_FILL = "D9D9D9"


def text_width(text: str) -> int:
    """Character widths of ``text``: wide (East Asian, emoji) characters count two."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide.

    Greedy wrapping at spaces, as a spreadsheet wraps; a word longer than the
    line is broken. The usable width leaves room for the cell's margins, so
    the estimate errs towards a taller row, never an overlap.
    """
    chars = max(1, int(width * CHARS_PER_UNIT) - 1)
    total = 0
    for line in str(text).split("\n"):
        rows, used = 1, 0
        for word in line.split(" "):
            w = text_width(word)
            if used and used + 1 + w > chars:
                rows += 1
                used = 0
            elif used:
                used += 1
            if used + w > chars:  # a word longer than a line
                rows += (used + w - 1) // chars
                w = (used + w) % chars or chars
                used = 0
            used += w
        total += rows
    return total


def row_height(lines: int) -> float:
    return min(MAX_ROW_PT, max(LINE_PT, lines * LINE_PT + PAD_PT))


def print_setup(ws: Worksheet, *, title_cols: str | None = None) -> None:
    """Landscape, fitted to the page's width (as many pages down as needed), the
    header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    props = ws.sheet_properties
    if props.pageSetUpPr is None:
        props.pageSetUpPr = PageSetupProperties()
    props.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if title_cols:
        ws.print_title_cols = title_cols
    ws.print_options.gridLines = True


def fit_rows(ws: Worksheet, widths: dict[int, float], first_row: int = 2) -> None:
    """Wrap every text cell from ``first_row`` on and set each row's height to its
    tallest cell's wrapped lines (columns by number, widths in characters)."""
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not value:
                continue
            width = widths.get(cell.column or 0, 10.0)
            n = wrapped_lines(value, width)
            if n > 1 or text_width(value) > width:
                cell.alignment = wrap
            lines = max(lines, n)
        at = row[0].row
        if lines > 1 and at is not None:
            ws.row_dimensions[at].height = row_height(lines)
            for cell in row:  # every cell of a tall row reads from its top
                if not cell.alignment.wrap_text:
                    cell.alignment = top


def scale_spelling(rating: str | None, scale: list[str]) -> str:
    """The rating as the project's scale spells it (a stored rating may predate a
    rename of the scale's labels); a rating no longer on the scale as stored."""
    if not rating:
        return ""
    wanted = rating.strip().casefold()
    return next((label for label in scale if label.casefold() == wanted), rating.strip())


def quote_text(seg: Segment) -> str:
    """A quote in full, with its full citation: a spreadsheet row is read on its own."""
    cite = seg.citation("full")
    return f"\u201c{seg.text.strip()}\u201d" + (f" {cite}" if cite else "")


@dataclass
class Overflow:
    """What a framework cell could not hold: its quotes past the limit (and its summary,
    when even that is too long for a cell)."""

    code_path: str
    case_name: str
    cell: str  # the framework cell's coordinate
    link: str = ""  # the coordinate of the line under it that links to the linked sheet
    summary: str = ""
    quotes: list[Segment] = field(default_factory=list)
    first_row: int = 0  # its first row on the linked sheet


@dataclass
class FrameworkCellText:
    rating: str
    body: str  # summary and the quotes that fit, each after a blank line
    overflow: Overflow | None = None

    @property
    def text(self) -> str:
        return "\n".join(x for x in (self.rating, self.body) if x)


def more_text(overflow: Overflow) -> str:
    """The one short line under a cell that links to what it could not hold."""
    n = len(overflow.quotes)
    quotes = f"{n} more quote{'s' if n != 1 else ''}" if n else ""
    if overflow.summary:
        return "\u2192 summary" + (f" and {quotes}" if quotes else " in full")
    return f"\u2192 {quotes}"


def fill_cell(rating: str, summary: str, quotes: list[Segment], width: float, *,
              path: str, case: str, coordinate: str) -> FrameworkCellText:
    """The text of one framework cell within :data:`CELL_LINES` lines at ``width``; the
    rest in an :class:`Overflow` for the linked sheet."""
    budget = CELL_LINES
    used = 1 if rating else 0
    blocks: list[str] = []
    overflow = Overflow(path, case, coordinate)
    if summary:
        n = wrapped_lines(summary, width)
        if used + n <= budget:
            blocks.append(summary)
            used += n
        else:  # cut at a word, in full on the linked sheet
            overflow.summary = summary
            words = summary.split(" ")
            while words and wrapped_lines(" ".join(words) + "\u2026", width) > budget - used:
                words = words[: max(0, len(words) - max(1, len(words) // 8))]
            blocks.append(" ".join(words) + "\u2026")
            used += wrapped_lines(blocks[-1], width)
    for seg in quotes:
        text = quote_text(seg)
        n = wrapped_lines(text, width) + (1 if blocks else 0)
        if overflow.quotes or overflow.summary or used + n > budget:
            overflow.quotes.append(seg)  # this one and the rest, in pin order
            continue
        blocks.append(text)
        used += n
    body = "\n\n".join(blocks)
    return FrameworkCellText(rating, body,
                             overflow if overflow.summary or overflow.quotes else None)


@dataclass
class FrameworkRow:
    code_id: int
    path: str
    depth: int


def write_framework(
    book: Workbook,
    name: str,
    linked_name: str,
    rows: list[FrameworkRow],
    cases: list[tuple[int, str]],
    cells: dict[tuple[int, int], CellView],
    pins: dict[tuple[int, int], list[Segment]],
    scale: list[str],
) -> tuple[Worksheet, Worksheet | None]:
    """The framework sheet (themes down, cases across) and, when some cell's quotes do
    not fit, the linked sheet holding them; returns both (the second may be None)."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = book.create_sheet(name)
    width = max(32.0, min(60.0, (PAGE_CHARS - THEME_WIDTH) / max(1, len(cases))))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    top = Alignment(wrap_text=True, vertical="top")
    header = ["Theme", *[excel_text(c[1]) for c in cases]]
    for j, text in enumerate(header, 1):
        cell = ws.cell(row=1, column=j, value=text)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = bold, fill, top
    ws.column_dimensions["A"].width = THEME_WIDTH
    for j in range(2, len(cases) + 2):
        ws.column_dimensions[get_column_letter(j)].width = width
    shown = [r for r in rows
             if any(not _empty(cells.get((r.code_id, c))) for c, _n in cases)]
    overflows: list[Overflow] = []
    base = min((r.depth for r in shown), default=0)
    at = 2
    for r in shown:
        theme = ws.cell(row=at, column=1, value=excel_text(r.path))
        theme.data_type = "s"
        theme.alignment = Alignment(wrap_text=True, vertical="top", indent=r.depth - base)
        if r.depth == base:
            theme.font = bold
        lines = wrapped_lines(r.path, THEME_WIDTH - 2 * (r.depth - base))
        spilled: list[tuple[int, Overflow]] = []
        for j, (case_id, case_name) in enumerate(cases, 2):
            view = cells.get((r.code_id, case_id))
            if _empty(view):
                continue
            assert view is not None
            laid = fill_cell(scale_spelling(view.rating, scale), view.summary.strip(),
                             pins.get((r.code_id, case_id), []), width, path=r.path,
                             case=case_name, coordinate=f"{get_column_letter(j)}{at}")
            cell = ws.cell(row=at, column=j)
            if laid.rating:
                rich = CellRichText(TextBlock(InlineFont(b=True), excel_text(laid.rating)))
                if laid.body:
                    rich.append("\n" + excel_text(laid.body))
                cell.value = rich
            else:
                cell.value = excel_text(laid.body)
                cell.data_type = "s"
            cell.alignment = top
            lines = max(lines, wrapped_lines(laid.text, width))
            if laid.overflow is not None:
                spilled.append((j, laid.overflow))
        ws.row_dimensions[at].height = row_height(lines)
        at += 1
        # what a cell could not hold: a short line under it links to the linked sheet
        # (a line of its own: a spreadsheet may show a linked cell's text on one line)
        for j, ov in spilled:
            ov.link = f"{get_column_letter(j)}{at}"
            ws[ov.link] = more_text(ov)
            ws[ov.link].alignment = Alignment(vertical="top")
            overflows.append(ov)
        if spilled:
            at += 1
    note_row = at + 1
    scale_text = ", ".join(scale)
    note = (f"Note: each cell holds the researchers' rating (scale, lowest first: {scale_text}), "
            "their summary and the quotes they pinned, cited by case, document, speaker and "
            "paragraph or page.")
    if not shown:
        note = "Note: no framework cell has a summary, rating or pinned quote yet."
    elif overflows:
        note += (f" Quotes that do not fit a cell are on the sheet \u2018{linked_name}\u2019, "
                 "whole and in order; the line under the cell links to them.")
    note_cell = ws.cell(row=note_row, column=1, value=excel_text(note))
    note_cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row,
                   end_column=len(cases) + 1)
    ws.row_dimensions[note_row].height = row_height(
        wrapped_lines(note, THEME_WIDTH + width * len(cases)))
    ws.freeze_panes = "B2"
    print_setup(ws, title_cols="A:A")
    if not overflows:
        return ws, None
    linked = book.create_sheet(linked_name)
    columns = [("theme", THEME_WIDTH), ("case", 22.0), ("what", 10.0), ("text", 80.0),
               ("citation", 36.0), ("cell", 10.0)]
    for j, (text, w) in enumerate(columns, 1):
        cell = linked.cell(row=1, column=j, value=text)
        cell.font, cell.fill, cell.alignment = bold, fill, top
        linked.column_dimensions[get_column_letter(j)].width = w
    at = 2
    for ov in overflows:
        ov.first_row = at
        entries: list[tuple[str, str, str]] = []
        if ov.summary:
            entries.append(("summary", ov.summary, ""))
        for seg in ov.quotes:
            entries.append(("quote", f"\u201c{seg.text.strip()}\u201d", seg.citation("full")))
        for what, text, cite in entries:
            values = [ov.code_path, ov.case_name, what, text, cite, ov.cell]
            for j, value in enumerate(values, 1):
                c = linked.cell(row=at, column=j, value=excel_text(value))
                c.data_type = "s"
                c.alignment = top
            back = linked.cell(row=at, column=len(values))
            back.hyperlink = Hyperlink(ref=back.coordinate, location=f"{_quoted(name)}!{ov.cell}",
                                       tooltip="Back to the framework cell")
            lines = max(wrapped_lines(v, w) for v, (_t, w) in zip(values, columns, strict=True))
            linked.row_dimensions[at].height = row_height(lines)
            at += 1
        ws[ov.link].hyperlink = Hyperlink(
            ref=ov.link, location=f"{_quoted(linked_name)}!A{ov.first_row}",
            tooltip="What does not fit the cell above, on the linked sheet")
    linked.freeze_panes = "A2"
    linked.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{at - 1}"
    print_setup(linked)
    return ws, linked


def _empty(view: CellView | None) -> bool:
    return view is None or view.empty


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"

