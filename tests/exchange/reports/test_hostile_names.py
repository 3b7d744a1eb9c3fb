"""Names from other people's files never become live formulas, and characters
XML cannot hold never fail an export."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document as open_docx

from crosscase.analysis.matrix import compute_matrix
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.framework import SetFrameworkCell
from crosscase.db.project import Project
from crosscase.exchange.refi import import_qdpx
from crosscase.exchange.reports.cells import EXCEL_CELL_LIMIT, csv_safe, excel_text, xml_safe
from crosscase.exchange.reports.docx_report import export_docx
from crosscase.exchange.reports.matrix_files import to_csv
from crosscase.exchange.reports.xlsx_report import export_xlsx
from crosscase.services import cases, documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

FORMULAS = ['=HYPERLINK("mailto:x@example.invalid","open")', "+1+1", "-2+3", "@SUM(1)"]


def hostile_project(tmp_path: Path) -> Project:
    """Codes and cases named like formulas, a summary holding control characters."""
    project = new_project(tmp_path / "h.crosscase", empty=True)
    src = tmp_path / "interview.txt"
    src.write_text("Manager: The café 𝒳 pays for the van 😀.\n", encoding="utf-8")
    documents.import_files(project, [src], case="=1+2")
    with project.session() as s:
        case_id = cases.resolve(s, "=1+2")
        doc_id = documents.resolve(s, "interview")
    code_ids = []
    for name in FORMULAS:
        cmd = CreateCode(name)
        cmd.do(project)
        assert cmd.id is not None
        code_ids.append(cmd.id)
    ApplyCodings([CodingSpec(doc_id, c, 0, 20) for c in code_ids]).do(project)
    SetFrameworkCell(code_ids[0], case_id, summary="Strong\x01 link\x0b here \ufffe").do(project)
    return project


def test_no_xlsx_cell_is_a_formula(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    out = export_xlsx(project, tmp_path / "h.xlsx")
    project.close()
    wb = openpyxl.load_workbook(out)
    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.add(cell.value)
    # the names are there, as text: in the body (codes) and in a header (the case)
    assert set(FORMULAS) <= seen and "=1+2" in seen
    with zipfile.ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert any("Strong link here" in v for v in seen)


def test_csv_cells_a_spreadsheet_would_run_are_escaped(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    matrix = compute_matrix(project)
    project.close()
    rows = list(csv.reader(io.StringIO(to_csv(matrix))))
    assert rows[0] == ["code", "'=1+2"]
    assert sorted(r[0] for r in rows[1:]) == sorted("'" + f for f in FORMULAS)
    assert all(r[1] == "1" for r in rows[1:])  # numbers stay numbers


def test_word_export_drops_what_xml_cannot_hold(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    out = export_docx(project, tmp_path / "h.docx")
    project.close()
    text = "\n".join(p.text for p in open_docx(str(out)).paragraphs)
    cells = "\n".join(c.text for t in open_docx(str(out)).tables for r in t.rows for c in r.cells)
    assert "Strong link here" in cells
    assert FORMULAS[0] in cells and "=1+2" in cells + text


def test_names_from_a_qdpx_stay_text_in_every_export(tmp_path: Path) -> None:
    guid = "7A1C2B3D-0000-4000-8000-00000000C001"
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        f'<CodeBook><Codes><Code guid="{guid}" name="=cmd|&apos; /C calc&apos;!A0" isCodable="true"/>'
        "</Codes></CodeBook></Project>"
    )
    archive = tmp_path / "in.qdpx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("project.qde", qde)
    project_path = tmp_path / "from-qdpx.crosscase"
    import_qdpx(archive, project_path)
    from crosscase.db.project import open_project

    with open_project(project_path) as project:
        out = export_xlsx(project, tmp_path / "q.xlsx")
        rows = list(csv.reader(io.StringIO(to_csv(compute_matrix(project)))))
    wb = openpyxl.load_workbook(out)
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
    assert rows[1][0].startswith("'=")


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\tx", "\rx"])
def test_csv_safe_escapes_every_formula_start(value: str) -> None:
    assert csv_safe(value) == "'" + value
    assert csv_safe(-1.5) == -1.5 and csv_safe("plain") == "plain"


def test_excel_text_cuts_long_cells_with_a_marker_and_drops_illegal_characters() -> None:
    long = "x" * (EXCEL_CELL_LIMIT + 100)
    cut = excel_text(long)
    assert EXCEL_CELL_LIMIT - 10 <= len(cut) <= EXCEL_CELL_LIMIT
    assert "cut: " in cut and cut.startswith("x" * 1000)
    assert xml_safe("a\x00b\x1fc\ud800d\uffffe 😀") == "abcde 😀"
