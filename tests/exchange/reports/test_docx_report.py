"""The Word report's structure: what a journal editor and Word itself rely on."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from crosscase.analysis.matrix import cell_segments, compute_matrix
from crosscase.analysis.measures import MEASURES
from crosscase.domain.errors import UsageError
from crosscase.exchange.reports import export_report
from crosscase.exchange.reports.docx_report import export_docx
from crosscase.services import framework


def _body_paragraphs(doc: Any) -> list[Any]:
    return list(doc.paragraphs)


def _rows(table: Any) -> list[Any]:
    """The header and the first piece of each theme's row (a tall row continues
    in pieces under "Theme (continued)")."""
    return [r for r in table.rows if not r.cells[0].text.endswith("(continued)")]


def _pieces(table: Any, first: Any, col: int) -> list[Any]:
    """The paragraphs of one theme's cell in column ``col``, across its pieces."""
    rows = list(table.rows)
    i = [r._tr for r in rows].index(first._tr)
    out = list(rows[i].cells[col].paragraphs)
    for r in rows[i + 1:]:
        if not r.cells[0].text.endswith("(continued)"):
            break
        out.extend(p for p in r.cells[col].paragraphs if p.text)
    return out


def test_layout_caption_header_and_appendix(rated: Any, tmp_path: Path) -> None:
    project, _ = rated
    out = export_docx(project, tmp_path / "report.docx", title="co-production in two cases")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    doc = Document(str(out))
    # portrait when the table fits; the appendix portrait too
    first, last = doc.sections[0], doc.sections[-1]
    assert first.orientation == WD_ORIENT.PORTRAIT and first.page_width < first.page_height
    assert abs(first.page_width.mm - 210) < 1 and abs(first.page_height.mm - 297) < 1
    assert last.orientation == WD_ORIENT.PORTRAIT
    # APA caption: "Table 1" bold on its own line, the title in italic title case
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert [p.text for p in captions] == ["Table 1", "Co-production in Two Cases"]
    instr = [el.text for el in captions[0]._p.iter(qn("w:instrText"))]
    assert any("SEQ Table" in t for t in instr)
    kinds = [el.get(qn("w:fldCharType")) for el in captions[0]._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert {r.style.name for r in captions[0].runs} == {"Table Number"}
    assert {r.style.name for r in captions[1].runs} == {"Table Title"}
    # project name and date are properties, not paragraphs above the table
    assert doc.core_properties.subject == "" or "Co-production" not in doc.paragraphs[0].text
    assert doc.paragraphs[0].style.name == "Caption"
    # the table: header row repeated on every page
    table = doc.tables[0]
    mx = compute_matrix(project)
    assert len(_rows(table)) == 1 + len(mx.rows)
    assert len(table.columns) == 1 + len(mx.cols)
    assert table.style.name == "Crosscase Table"
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells] == ["Theme", "Case A", "Case B", "Case C"]
    # code hierarchy by theme styles, one level each
    names = [r.cells[0].paragraphs[0] for r in _rows(table)[1:]]
    assert names[0].text == "Co-production" and names[0].style.name == "Table Theme 1"
    assert names[1].text == "Co-design" and names[1].style.name == "Table Theme 2"
    cafe = names[[r.name for r in mx.rows].index("Café")]
    assert cafe.style.name == "Table Theme 3"
    # the note defines the measure; the appendix holds the codebook
    texts = [p.text for p in doc.paragraphs]
    note = next(p for p in doc.paragraphs if p.text.startswith("Note."))
    assert note.style.name == "Table Note" and note.runs[0].style.name == "Note Label"
    assert MEASURES["segments"].definition in note.text
    assert "includes the passages coded with any of its sub-codes" in note.text
    assert "absent, weak, moderate, strong" in note.text
    assert "Appendix. Codebook" in texts
    appendix = texts[texts.index("Appendix. Codebook"):]
    assert "Co-production / Co-design" in appendix
    assert any(t.startswith("Definition. Definition of Hybridity/Mission drift") for t in appendix)
    assert any(t.startswith("Exclude. ") for t in appendix)
    body = doc.element.body
    assert len(list(body.iter(qn("w:sectPr")))) == 2


def test_cells_hold_rating_summary_quotes_and_counts(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    out = export_docx(project, tmp_path / "r.docx", citations="full")
    doc = Document(str(out))
    table = doc.tables[0]
    mx = compute_matrix(project, rollup=True)
    code, a = st.codes["Co-production"], st.cases["Case A"]
    r = [row.code_id for row in mx.rows].index(code) + 1
    rows = _rows(table)
    paras = _pieces(table, rows[r], 1)
    first = paras[0]
    assert first.runs[0].text == "Strong." and first.runs[0].style.name == "Table Rating"
    assert first.text == "Strong. Members shape what the shop sells."
    with project.session() as s:
        pinned = framework.pinned_segments(s, code, a)
    assert len(pinned) == 2
    for para, seg in zip(paras[1:3], pinned, strict=True):
        assert para.style.name in ("Table Quote", "Table Quote RTL")
        assert para.text.startswith("\u201c") and para.text.endswith(seg.citation() + ".")
        assert seg.citation().startswith("(Case A, ")
    # rolled up by default: the theme's count includes its sub-codes
    count = paras[-1]
    assert count.text == f"{int(mx.value(code, a))} segments"
    assert rows[r].cells[2].paragraphs[0].text.startswith("Weak. Service users")


def test_content_options(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    mx = compute_matrix(project, measure="rate", rollup=True)
    out = export_docx(project, tmp_path / "c.docx", measure="rate", content=("counts",))
    table = Document(str(out)).tables[0]
    for i, row in enumerate(mx.rows, 1):
        for j, col in enumerate(mx.cols, 1):
            assert table.rows[i].cells[j].text == f"{mx.value(row.code_id, col.key):.2f}"
    assert table.rows[0].cells[0].text == "Code"
    # first N segments fill cells without pins; pinned quotes come first
    out = export_docx(project, tmp_path / "q.docx", content=("quotes",), quotes_per_cell=1)
    table = Document(str(out)).tables[0]
    code_b = st.codes["Relational"]
    r = [row.code_id for row in mx.rows].index(code_b) + 1
    segs = cell_segments(project, code_b, st.cases["Case B"], rollup=True)
    cell = _rows(table)[r].cells[2]
    assert len(cell.paragraphs) == 1
    assert cell.paragraphs[0].text.endswith(segs[0].citation("short") + ".")
    r0 = [row.code_id for row in mx.rows].index(st.codes["Co-production"]) + 1
    assert len(_pieces(table, _rows(table)[r0], 1)) == 2  # two pins (more than N)
    # summaries and ratings belong to cases: by role they are left out
    out = export_docx(project, tmp_path / "role.docx", cols="role", rollup=True)
    doc = Document(str(out))
    assert "Strong." not in "\n".join(c.text for r in doc.tables[0].rows for c in r.cells)
    # only some codes
    out = export_docx(project, tmp_path / "few.docx", code_ids=[st.codes["Hybridity"]],
                      case_ids=[st.cases["Case A"]], content=("counts",), appendix=False)
    doc = Document(str(out))
    assert len(doc.tables[0].rows) == 2 and len(doc.tables[0].columns) == 2
    assert len(doc.sections) == 1
    with pytest.raises(UsageError):
        export_docx(project, tmp_path / "bad.docx", content=("colours",))
    with pytest.raises(UsageError):
        export_docx(project, tmp_path / "no-such-folder" / "x.docx")


def test_export_report_dispatch(rated: Any, tmp_path: Path) -> None:
    project, _ = rated
    import json

    for fmt in ("docx", "xlsx", "csv", "json"):
        out = export_report(project, tmp_path / f"r.{fmt}", fmt)
        assert out.exists() and stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["measure"] == "segments" and data["cols"] == ["Case A", "Case B", "Case C"]
    head = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head == "code,Case A,Case B,Case C"
    with pytest.raises(UsageError):
        export_report(project, tmp_path / "r.pdf", "pdf")
    # nothing half-written is left behind
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_demo_report_quotes_are_the_documents_own_words(demo_project: Any,
                                                         tmp_path: Path) -> None:
    """Every quote in the demo report is a coded passage, cited in its own case's column."""
    import re

    from sqlalchemy import select

    from crosscase.db.models import Coding

    out = export_docx(demo_project, tmp_path / "demo.docx", quotes_per_cell=2, citations="full")
    doc = Document(str(out))
    table = doc.tables[0]
    heads = [c.text for c in table.rows[0].cells]
    with demo_project.session() as s:
        snippets = {" ".join(t.split()) for t in s.scalars(select(Coding.snippet))}
    quotes = 0
    for row in table.rows[1:]:
        for head, cell in zip(heads[1:], row.cells[1:], strict=True):
            for para in cell.paragraphs:
                m = re.fullmatch(r"\u201c(.*)\u201d \((.+)\)\.", para.text, flags=re.S)
                if m is None:
                    continue
                quotes += 1
                quote = " ".join(m.group(1).split())
                assert any(quote in snip for snip in snippets)
                assert m.group(2).startswith(head + ", ")
    assert quotes > 20
