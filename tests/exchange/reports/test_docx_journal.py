"""What a journal needs of the Word export, read from the document's XML:
named styles everywhere, APA rules, right-to-left quotes, honest counts, rows that break."""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stress import Stress, stress_project

from crosscase.db.project import Project
from crosscase.exchange.reports.contrast_docx import export_contrast_docx
from crosscase.exchange.reports.docx_report import export_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Stress]]:
    p, st = stress_project(tmp_path_factory.mktemp("stress") / "stress.crosscase")
    yield p, st
    p.close()


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


VARIANTS: dict[str, dict[str, Any]] = {
    "default": {"quotes_per_cell": 2},
    "no-rollup": {"quotes_per_cell": 1, "rollup": False},
    "short-quotes": {"quotes_per_cell": 2, "max_quote_words": 25},
    "counts": {"content": ("counts",)},
    "transposed": {"quotes_per_cell": 1, "transpose": True, "max_quote_words": 30},
    "full-citations": {"quotes_per_cell": 1, "citations": "full", "drop_empty": True},
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_is_styled_not_hand_formatted(stress: Any, tmp_path: Path,
                                                    name: str) -> None:
    project, st = stress
    options = dict(VARIANTS[name])
    if name == "transposed":
        options["code_ids"] = st.themes[:3]
    out = export_docx(project, tmp_path / f"{name}.docx", **options)
    xml = _xml(out)
    doc = Document(str(out))
    for table in doc.tables:  # a named table style on every table
        assert table.style is not None and table.style.name == "Crosscase Table"
    for run in doc.element.body.iter(qn("w:r")):  # no font size outside styles
        rpr = run.find(qn("w:rPr"))
        assert rpr is None or (rpr.find(qn("w:sz")) is None and rpr.find(qn("w:szCs")) is None)
    assert "<w:shd" not in xml and "<w:tcBorders" not in xml and "<w:tblBorders" not in xml
    for tbl in doc.element.body.iter(qn("w:tbl")):  # every table paragraph has a style
        for p in tbl.iter(qn("w:p")):
            assert p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None


def test_default_table_style_is_apa(stress: Any, tmp_path: Path) -> None:
    project, _ = stress
    out = export_docx(project, tmp_path / "s.docx", content=("counts",))
    doc = Document(str(out))
    style = doc.styles["Crosscase Table"].element
    borders = style.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    vals = {el.tag.replace(W, ""): el.get(qn("w:val")) for el in borders}
    assert vals == {"top": "single", "bottom": "single", "left": "nil", "right": "nil",
                    "insideH": "nil", "insideV": "nil"}
    first = style.find(qn("w:tblStylePr"))
    assert first.get(qn("w:type")) == "firstRow"
    assert first.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}/{qn('w:bottom')}") is not None
    assert style.find(f".//{qn('w:shd')}") is None
    size = doc.styles["Table Text"].font.size
    assert size is not None and size.pt >= 9


def test_caption_two_paragraphs_with_seq_and_note(stress: Any, tmp_path: Path) -> None:
    project, _ = stress
    doc = Document(str(export_docx(project, tmp_path / "c.docx", title="themes by case",
                                   quotes_per_cell=1, max_quote_words=20)))
    body = list(doc.paragraphs)
    assert [p.style.name for p in body[:2]] == ["Caption", "Caption"]
    assert body[0].text == "Table 1" and body[1].text == "Themes by Case"
    assert any("SEQ Table" in (el.text or "") for el in body[0]._p.iter(qn("w:instrText")))
    assert doc.styles["Table Number"].font.bold and doc.styles["Table Title"].font.italic
    note = next(p for p in body if p.text.startswith("Note."))
    assert note.runs[0].text == "Note." and doc.styles["Note Label"].font.italic
    # the legend of short citations: each cited ID with its role and document
    assert re.search(r"Participants: .*\bP\d+ = (manager|service user|practitioner)", note.text)


def test_no_rating_beside_a_count_that_leaves_out_sub_codes(stress: Any, tmp_path: Path) -> None:
    project, st = stress
    for rollup in (True, False):
        doc = Document(str(export_docx(project, tmp_path / f"r{rollup}.docx",
                                       rollup=rollup, appendix=False)))
        themes = {n for n in ("Co-production", "Innovation", "Hybridity")}
        for row in doc.tables[0].rows[1:]:
            if row.cells[0].text not in themes:
                continue
            for cell in row.cells[1:]:
                texts = [p.text for p in cell.paragraphs]
                count = texts[-1]
                # codings sit only on sub-codes: a theme's count is never a bare 0
                assert not re.fullmatch(r"0 segments", count), (rollup, texts)
                if not rollup:
                    assert "incl. sub-codes" in count


def test_max_quote_words_rtl_and_continued_rows(stress: Any, tmp_path: Path) -> None:
    project, _ = stress
    out = export_docx(project, tmp_path / "q.docx", quotes_per_cell=2, max_quote_words=40)
    doc = Document(str(out))
    quotes = [p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs
              if p.style.name.startswith("Table Quote")]
    assert quotes
    for p in quotes:
        m = re.match(r"\u201c(.*)\u201d", p.text, flags=re.S)
        assert m is not None and len(m.group(1).split()) <= 41  # 40 words and "…"
    rtl = [p for p in quotes if p.style.name == "Table Quote RTL"]
    assert rtl and doc.styles["Table Quote RTL"].element.find(
        f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
    for p in rtl:
        assert any(r._r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in p.runs)
        assert "\u2066" in p.text  # the citation isolated left to right
    names = [r.cells[0].text for r in doc.tables[0].rows]
    assert any(n.endswith("(continued)") for n in names)
    # the Hebrew and Arabic case names in the header are marked right to left
    header = doc.tables[0].rows[0].cells
    assert any(p._p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
               for c in header for p in c.paragraphs)


def test_contrast_in_word(stress: Any, tmp_path: Path) -> None:
    project, st = stress
    a, b = list(st.cases)[:2]
    out = export_contrast_docx(project, tmp_path / "contrast.docx", a, b)
    doc = Document(str(out))
    table = doc.tables[0]
    assert table.style.name == "Crosscase Table"
    assert [c.text for c in table.rows[0].cells][:3] == ["Code", "Passages, A", "Passages, B"]
    groups = [r.cells[0].text for r in table.rows if r.cells[0].paragraphs[0].style.name
              == "Table Theme 1"]
    assert [g.split(" (")[0] for g in groups] == [f"Only in {a}", f"Only in {b}", "In both"]
    assert any(p.text.startswith("Note.") and f"A = {a}" in p.text for p in doc.paragraphs)


def _lines(text: str, width_pt: float) -> int:
    """Lines of 10-point text in a column: a pessimistic count of its own (characters
    taken as wider than the report's estimate takes them, so fewer fit to a line)."""
    per_line = max(int(width_pt / 5.2), 4)
    total = 0
    for para in text.split("\n"):
        used, n = 0, 1
        for word in para.split():
            if used and used + 1 + len(word) > per_line:
                n, used = n + 1, len(word)
            else:
                used += len(word) + (1 if used else 0)
        total += n
    return total


def test_rows_kept_whole_fit_in_a_quarter_of_the_page(stress: Any, tmp_path: Path) -> None:
    """No page is left more than a quarter empty for a row kept whole: every row
    marked cantSplit takes at most a quarter of the text area (counted pessimistically
    here, at 11.5 points a line), and only rows too tall for that may break."""
    project, _ = stress
    out = export_docx(project, tmp_path / "pages.docx", quotes_per_cell=2, appendix=False)
    doc = Document(str(out))
    section = doc.sections[0]
    text_area = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    table = doc.tables[0]
    widths = [int(g.get(qn("w:w"))) / 20 for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    kept = broken = continued = 0
    for i, tr in enumerate(table._tbl.tr_lst):
        tr_pr = tr.trPr
        whole = tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None
        if i == 0:
            assert whole and tr_pr.find(qn("w:tblHeader")) is not None
            continue
        cells = tr.findall(qn("w:tc"))
        tall = max(
            sum(_lines("".join(t.text or "" for t in p.iter(qn("w:t"))), w - 8.5) * 11.5 + 3
                for p in tc.iter(qn("w:p")))
            for tc, w in zip(cells, widths, strict=True))
        label = "".join(t.text or "" for t in cells[0].iter(qn("w:t")))
        continued += label.endswith("(continued)")
        if whole:
            kept += 1
            assert tall <= text_area / 4, (label, tall, text_area)
        else:
            broken += 1
            assert tall > text_area / 5, (label, tall, text_area)  # only tall rows break
    assert kept and broken and continued
