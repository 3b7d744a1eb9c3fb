"""The Excel framework sheet as researchers print it, and print set-up on every sheet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stress import Stress, stress_project

from crosscase.analysis.matrix import cell_coding_ids
from crosscase.commands.framework import PinQuote, SetFrameworkCell, SetRatingScale
from crosscase.db.project import Project
from crosscase.exchange.reports.xlsx_layout import (
    CELL_LINES,
    LINE_PT,
    MAX_ROW_PT,
    wrapped_lines,
)
from crosscase.exchange.reports.xlsx_report import export_xlsx
from crosscase.services import framework


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Stress]]:
    p, st = stress_project(tmp_path_factory.mktemp("stress") / "stress.crosscase")
    theme = st.themes[0]
    for case in st.cases.values():  # more long quotes than a cell holds
        for cid in cell_coding_ids(p, theme, case, rollup=True)[:8]:
            PinQuote(theme, case, cid).do(p)
    yield p, st
    p.close()


def test_wrapped_lines_counts_words_breaks_and_wide_characters() -> None:
    assert wrapped_lines("", 20) == 1
    assert wrapped_lines("one two three", 40) == 1
    assert wrapped_lines("a\n\nb", 40) == 3
    assert wrapped_lines("word " * 20, 10) >= 10  # ten characters a line: two words
    assert wrapped_lines("x" * 50, 12) == 5  # a word longer than the line is broken
    assert wrapped_lines("🌱" * 10, 12) == 2  # wide characters count two


def test_framework_sheet_themes_down_cases_across_overflow_linked(
        stress: tuple[Project, Stress], tmp_path: Path) -> None:
    project, st = stress
    out = export_xlsx(project, tmp_path / "stress.xlsx", rollup=True)
    wb = openpyxl.load_workbook(out)
    assert {"Framework", "Framework quotes"} <= set(wb.sheetnames)
    fw, linked = wb["Framework"], wb["Framework quotes"]
    assert [c.value for c in fw[1]] == ["Theme", *st.cases]
    # the themes with a rating, in codebook order
    themes = [c.value for c in fw["A"][1:] if c.value and not c.value.startswith("Note")]
    paths = {cid: path for path, cid in st.codes.items()}
    assert themes == [paths[t] for t in st.themes]
    first = fw["B2"]
    text = str(first.value)
    assert text.splitlines()[0] in ("absent", "weak", "moderate", "strong")
    assert "<markup> & \"quotes\"" in text
    # the cell stops within Excel's tallest row and points to the linked sheet
    width = fw.column_dimensions["B"].width
    assert wrapped_lines(text, width) <= CELL_LINES
    # the line under the cell links to the first row of what it could not hold
    link = fw["B3"]
    assert link.value.startswith("\u2192 ") and "more quote" in link.value
    assert fw["A3"].value is None and first.hyperlink is None
    target = link.hyperlink.location
    assert target.startswith("'Framework quotes'!A")
    row = int(target.rsplit("A", 1)[1])
    assert linked.cell(row=row, column=1).value == paths[st.themes[0]]
    assert linked.cell(row=row, column=2).value == next(iter(st.cases))
    assert linked.cell(row=row, column=3).value in ("quote", "summary")
    # each linked row links back to its cell
    back = linked.cell(row=row, column=6)
    assert back.value == "B2" and back.hyperlink.location == "'Framework'!B2"
    # nothing lost: every pinned quote is in its cell or on the linked sheet, whole
    with project.session() as s:
        pinned = framework.pinned_segments(s, st.themes[0], next(iter(st.cases.values())))
    moved = [r for r in linked.iter_rows(min_row=2, values_only=True)
             if r[0] == paths[st.themes[0]] and r[1] == next(iter(st.cases)) and r[2] == "quote"]
    shown = text.count("\u201c")
    assert shown + len(moved) == len(pinned) and moved
    # in pin order, whole, with their citations
    assert [r[3] for r in moved] == [f"\u201c{q.text.strip()}\u201d" for q in pinned[shown:]]
    assert [r[4] for r in moved] == [q.citation("full") for q in pinned[shown:]]
    # row heights fit the wrapped text and stay within Excel's limit
    for i in [c.row for c in fw["A"][1:] if c.value and not c.value.startswith("Note")]:
        height = fw.row_dimensions[i].height
        assert height is not None and height <= MAX_ROW_PT
        for cell in fw[i][1:]:
            if cell.value:
                lines = wrapped_lines(str(cell.value), fw.column_dimensions[cell.column_letter].width)
                assert height >= min(MAX_ROW_PT, lines * LINE_PT)
        assert fw[i][1].alignment.wrap_text


def test_print_set_up_on_every_sheet_and_a_filter_on_segments(
        stress: tuple[Project, Stress], tmp_path: Path) -> None:
    project, _st = stress
    out = export_xlsx(project, tmp_path / "print.xlsx", rollup=True)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    segs = wb["Segments"]
    assert segs.auto_filter.ref == f"A1:M{segs.max_row}"
    # long text wraps and its row is tall enough
    text_col = [c.value for c in segs[1]].index("text") + 1
    long_row = next(r for r in range(2, segs.max_row + 1)
                    if len(str(segs.cell(row=r, column=text_col).value)) > 1000)
    assert segs.cell(row=long_row, column=text_col).alignment.wrap_text
    assert segs.row_dimensions[long_row].height >= 10 * LINE_PT


def test_ratings_as_the_scale_spells_them(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    code, a = st.codes["Co-production"], st.cases["Case A"]
    # the scale's labels renamed after the rating was given
    SetRatingScale(["Absent", "Weak", "Moderate", "Strong"]).do(project)
    out = export_xlsx(project, tmp_path / "scale.xlsx", measures=["segments"])
    fw = openpyxl.load_workbook(out)["Framework"]
    assert str(fw["B2"].value).splitlines()[0] == "Strong"
    assert "Absent, Weak, Moderate, Strong" in str(fw["A4"].value)
    SetFrameworkCell(code, a, summary="", rating=None).do(project)


def test_no_framework_cells_says_so(tmp_path: Path) -> None:
    from crosscase.services.projects import new_project

    p = new_project(tmp_path / "empty.crosscase")
    try:
        out = export_xlsx(p, tmp_path / "empty.xlsx", measures=["segments"])
        wb = openpyxl.load_workbook(out)
        fw = wb["Framework"]
        assert [c.value for c in fw[1]][:1] == ["Theme"]
        assert "no framework cell" in str(fw["A3"].value)
        assert "Framework quotes" not in wb.sheetnames
    finally:
        p.close()
