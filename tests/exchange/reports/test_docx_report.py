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


def test_layout_caption_header_and_appendix(rated: Any, tmp_path: Path) -> None:
    project, _ = rated
    out = export_docx(project, tmp_path / "report.docx", title="Co-production in two cases")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    doc = Document(str(out))
    # landscape section for the table, portrait for the appendix
    first, last = doc.sections[0], doc.sections[-1]
    assert first.orientation == WD_ORIENT.LANDSCAPE and first.page_width > first.page_height
    assert last.orientation == WD_ORIENT.PORTRAIT and last.page_width < last.page_height
    assert abs(first.page_width.mm - 297) < 1 and abs(first.page_height.mm - 210) < 1
    # numbered caption with a real SEQ field
    caption = next(p for p in doc.paragraphs if p.style.name == "Caption")
    assert caption.text.startswith("Table 1. Co-production in two cases")
    instr = [el.text for el in caption._p.iter(qn("w:instrText"))]
    assert any("SEQ Table" in t for t in instr)
    kinds = [el.get(qn("w:fldCharType")) for el in caption._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    # the table: header row repeated on every page and shaded
    table = doc.tables[0]
    mx = compute_matrix(project)
    assert len(table.rows) == 1 + len(mx.rows)
    assert len(table.columns) == 1 + len(mx.cols)
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    for cell in header.cells:
        shd = cell._tc.tcPr.find(qn("w:shd"))
        assert shd is not None and shd.get(qn("w:fill")) not in (None, "auto", "FFFFFF")
    assert [c.text for c in header.cells] == ["Theme", "Case A", "Case B", "Case C"]
    # code hierarchy by indentation
    names = [r.cells[0].paragraphs[0] for r in table.rows[1:]]
    assert names[0].text == "Co-production" and not names[0].paragraph_format.left_indent
    assert names[1].text == "Co-design" and names[1].paragraph_format.left_indent > 0
    café = names[[r.name for r in mx.rows].index("Café")]
    assert café.paragraph_format.left_indent > names[4].paragraph_format.left_indent > 0
    # the note defines the measure; the appendix holds the codebook
    texts = [p.text for p in doc.paragraphs]
    note = next(t for t in texts if t.startswith("Note."))
    assert MEASURES["segments"].definition in note
    assert "absent, weak, moderate, strong" in note
    assert "Appendix. Codebook" in texts
    appendix = texts[texts.index("Appendix. Codebook"):]
    assert "Co-production / Co-design" in appendix
    assert any(t.startswith("Definition. Definition of Hybridity/Mission drift") for t in appendix)
    assert any(t.startswith("Exclude. ") for t in appendix)
    # the appendix paragraphs live in the portrait section (after the section break)
    body = doc.element.body
    breaks = [el for el in body.iter(qn("w:sectPr"))]
    assert len(breaks) == 2


def test_cells_hold_rating_summary_quotes_and_counts(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    out = export_docx(project, tmp_path / "r.docx")
    doc = Document(str(out))
    table = doc.tables[0]
    mx = compute_matrix(project)
    code, a = st.codes["Co-production"], st.cases["Case A"]
    r = [row.code_id for row in mx.rows].index(code) + 1
    cell_a = table.rows[r].cells[1]
    first = cell_a.paragraphs[0]
    assert first.runs[0].text == "Strong." and first.runs[0].bold
    assert first.text == "Strong. Members shape what the shop sells."
    with project.session() as s:
        pinned = framework.pinned_segments(s, code, a)
    assert len(pinned) == 2
    for para, seg in zip(cell_a.paragraphs[1:3], pinned, strict=True):
        assert para.text.startswith("\u201c") and para.text.endswith(seg.citation())
        assert seg.citation().startswith("(Case A, ")
    assert cell_a.paragraphs[-1].text == f"{int(mx.value(code, a))} segments"
    assert table.rows[r].cells[2].paragraphs[0].text.startswith("Weak. Service users")


def test_content_options(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    mx = compute_matrix(project, measure="rate")
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
    segs = cell_segments(project, code_b, st.cases["Case B"])
    cell = table.rows[r].cells[2]
    assert len(cell.paragraphs) == 1 and cell.paragraphs[0].text.endswith(segs[0].citation())
    r0 = [row.code_id for row in mx.rows].index(st.codes["Co-production"]) + 1
    assert len(table.rows[r0].cells[1].paragraphs) == 2  # two pins (more than N)
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

    out = export_docx(demo_project, tmp_path / "demo.docx", quotes_per_cell=2, rollup=True)
    doc = Document(str(out))
    table = doc.tables[0]
    heads = [c.text for c in table.rows[0].cells]
    with demo_project.session() as s:
        snippets = {" ".join(t.split()) for t in s.scalars(select(Coding.snippet))}
    quotes = 0
    for row in table.rows[1:]:
        for head, cell in zip(heads[1:], row.cells[1:], strict=True):
            for para in cell.paragraphs:
                m = re.fullmatch(r"\u201c(.*)\u201d \((.+)\)", para.text, flags=re.S)
                if m is None:
                    continue
                quotes += 1
                assert " ".join(m.group(1).split()) in snippets
                assert m.group(2).startswith(head + ", ")
    assert quotes > 20
