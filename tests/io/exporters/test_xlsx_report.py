"""The Excel workbook: a sheet per measure, segments, codebook, framework, notes."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from crosscase.analysis.matrix import compute_matrix
from crosscase.analysis.measures import MEASURES
from crosscase.commands.framework import SetFrameworkCell
from crosscase.io.exporters.xlsx_report import (
    CODEBOOK_COLUMNS,
    FRAMEWORK_COLUMNS,
    SEGMENT_COLUMNS,
    export_xlsx,
)
from crosscase.services import segments


def test_sheets_and_columns(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    out = export_xlsx(project, tmp_path / "numbers.xlsx")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    wb = openpyxl.load_workbook(out)
    labels = [m.label for m in MEASURES.values()]
    assert wb.sheetnames == labels + ["Segments", "Codebook", "Framework", "Notes"]
    for name, m in zip(labels, MEASURES, strict=True):
        df = pd.read_excel(out, sheet_name=name, nrows=len(st.codes))
        assert list(df.columns) == ["code", "level", "Case A", "Case B", "Case C"]
        mx = compute_matrix(project, measure=m)
        assert list(df["code"]) == [r.path for r in mx.rows]
        got = df[["Case A", "Case B", "Case C"]].to_numpy(dtype=float)
        want = mx.values.to_numpy(dtype=float)
        assert ((abs(got - want) < 1e-9) | (pd.isna(got) & pd.isna(want))).all()
        ws = wb[name]
        note = ws.cell(row=len(mx.rows) + 3, column=1).value
        assert note == "Note: " + mx.definition
    segs = pd.read_excel(out, sheet_name="Segments")
    assert list(segs.columns) == SEGMENT_COLUMNS
    with project.session() as s:
        all_segs = segments.fetch(s)
    assert len(segs) == len(all_segs)
    first = all_segs[0]
    row = segs[segs["id"] == first.id].iloc[0]
    assert row["citation"] == first.citation() and row["text"] == first.text
    book = pd.read_excel(out, sheet_name="Codebook")
    assert list(book.columns) == CODEBOOK_COLUMNS
    assert "Hybridity/Trading income/Café" in set(book["path"])
    fw = pd.read_excel(out, sheet_name="Framework")
    assert list(fw.columns) == FRAMEWORK_COLUMNS
    strong = fw[fw["rating"] == "strong"].iloc[0]
    assert strong["code"] == "Co-production" and strong["case"] == "Case A"
    assert strong["pins"] == 2 and "(Case A, " in strong["pinned quotes"]


def test_one_measure_by_attribute_and_formula_text(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    SetFrameworkCell(st.codes["Relational"], st.cases["Case A"], summary="=SUM(A1:A9)").do(project)
    out = export_xlsx(project, tmp_path / "role.xlsx", measures=["share"], cols="role",
                      rollup=True, segments_sheet=False)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Share of text coded (%)", "Codebook", "Framework", "Notes"]
    header = [c.value for c in wb["Share of text coded (%)"][1]]
    assert header[:2] == ["code", "level"] and "service user" in header
    cell = next(c for c in wb["Framework"]["D"] if c.value == "=SUM(A1:A9)")
    assert cell.data_type == "s"  # text, not a formula
