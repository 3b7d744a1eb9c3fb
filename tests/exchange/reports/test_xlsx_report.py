"""The Excel workbook: a sheet per measure, contrast, segments, codebook, framework, notes."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from crosscase.analysis.contrast import BOTH, DEFINITION, ONLY_A, ONLY_B, contrast
from crosscase.analysis.matrix import compute_matrix
from crosscase.analysis.measures import MEASURES, ROLLUP_NOTE
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.framework import SetFrameworkCell
from crosscase.exchange.reports.xlsx_report import (
    CODEBOOK_COLUMNS,
    CONTRAST_COLUMNS,
    SEGMENT_COLUMNS,
    export_xlsx,
)
from crosscase.services import segments
from crosscase.services.coding import CodingSpec


def test_sheets_and_columns(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    out = export_xlsx(project, tmp_path / "numbers.xlsx")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    wb = openpyxl.load_workbook(out)
    labels = [m.label for m in MEASURES.values()]
    assert wb.sheetnames == labels + ["Contrast", "Segments", "Codebook", "Framework", "Notes"]
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
        all_segs = segments.fetch(s, per_passage=True)  # one row per passage
    assert len(segs) == len(all_segs)
    first = all_segs[0]
    row = segs[segs["id"] == first.id].iloc[0]
    assert row["citation"] == first.citation() and row["text"] == first.text
    book = pd.read_excel(out, sheet_name="Codebook")
    assert list(book.columns) == CODEBOOK_COLUMNS
    assert "Hybridity/Trading income/Café" in set(book["path"])
    # the framework as researchers print it: themes down, cases across
    fw = wb["Framework"]
    assert [c.value for c in fw[1]] == ["Theme", "Case A", "Case B", "Case C"]
    assert fw["A2"].value == "Co-production"
    a_cell = str(fw["B2"].value)
    assert a_cell.startswith("strong\nMembers shape what the shop sells.")
    assert a_cell.count("\u201c") == 2 and "(Case A, " in a_cell
    assert str(fw["C2"].value).startswith("weak\nService users lead their reviews.")
    assert fw["D2"].value is None


def test_one_measure_by_attribute_and_formula_text(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    SetFrameworkCell(st.codes["Relational"], st.cases["Case A"], summary="=SUM(A1:A9)").do(project)
    out = export_xlsx(project, tmp_path / "role.xlsx", measures=["share"], cols="role",
                      rollup=True, segments_sheet=False)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Share of text coded (%)", "Codebook", "Framework", "Notes"]
    assert [c.value for c in wb["Framework"][1]][:1] == ["Theme"]  # still cases across
    header = [c.value for c in wb["Share of text coded (%)"][1]]
    assert header[:2] == ["code", "level"] and "service user" in header
    cell = next(c for c in wb["Framework"]["B"] if c.value == "=SUM(A1:A9)")
    assert cell.data_type == "s"  # text, not a formula


def _new_code(project: Any, name: str) -> int:
    cmd = CreateCode(name)
    cmd.do(project)
    assert cmd.id is not None
    return cmd.id


def test_contrast_sheet_of_the_first_two_cases(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    only_a = _new_code(project, "Trading income only")
    only_b = _new_code(project, "Relationship self-management")
    both = _new_code(project, "Volunteers")
    a_doc, b_doc = st.docs["manager interview"], st.docs["service user interview"]
    ApplyCodings([
        CodingSpec(a_doc, only_a, 0, 30), CodingSpec(a_doc, only_a, 40, 90),
        CodingSpec(b_doc, only_b, 0, 25),
        CodingSpec(a_doc, both, 100, 140), CodingSpec(b_doc, both, 30, 70),
    ]).do(project)
    out = export_xlsx(project, tmp_path / "contrast.xlsx", measures=["segments"])
    wb = openpyxl.load_workbook(out)
    assert "Contrast" in wb.sheetnames
    want = contrast(project, "Case A", "Case B")
    got = pd.read_excel(out, sheet_name="Contrast", nrows=len(want))
    assert list(got.columns) == CONTRAST_COLUMNS
    assert list(got["code"]) == list(want["path"])
    assert list(got["occurs"]) == list(want["occurs"])
    assert list(got["segments_a"]) == list(want["segments_a"])
    assert list(got["segments_b"]) == list(want["segments_b"])
    for col in ("rate_a", "rate_b", "difference"):
        assert got[col].to_numpy(float) == pytest.approx(want[col].to_numpy(float), nan_ok=True)
    rows = got.set_index("code")
    assert rows.loc["Trading income only", "occurs"] == ONLY_A
    assert (rows.loc["Trading income only", "segments_a"],
            rows.loc["Trading income only", "segments_b"]) == (2, 0)
    assert rows.loc["Relationship self-management", "occurs"] == ONLY_B
    assert rows.loc["Relationship self-management", "segments_b"] == 1
    assert rows.loc["Volunteers", "occurs"] == BOTH
    # the definition in a note row under the table
    note = wb["Contrast"].cell(row=len(want) + 3, column=1).value
    assert note == f"Note: A is Case A and B is Case B. {DEFINITION}"
    notes = pd.read_excel(out, sheet_name="Notes").set_index("item")
    assert notes.loc["Contrast", "note"] == note[len("Note: "):]


def test_contrast_sheet_follows_the_chosen_cases(rated: Any, tmp_path: Path) -> None:
    project, st = rated
    b, c = st.cases["Case B"], st.cases["Case C"]
    out = export_xlsx(project, tmp_path / "bc.xlsx", measures=["rate"], case_ids=[b, c],
                      rollup=True, segments_sheet=False)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Segments per 1,000 words", "Contrast", "Codebook", "Framework",
                             "Notes"]
    want = contrast(project, "Case B", "Case C", rollup=True)
    got = pd.read_excel(out, sheet_name="Contrast", nrows=len(want))
    assert list(got["code"]) == list(want["path"]) and len(want) > 0
    assert set(got["occurs"]) == {ONLY_A}  # Case C has no codings
    note = wb["Contrast"].cell(row=len(want) + 3, column=1).value
    assert note.startswith("Note: A is Case B and B is Case C.") and ROLLUP_NOTE in note
    # one case, or columns that are not cases: no contrast sheet
    one = export_xlsx(project, tmp_path / "one.xlsx", measures=["rate"], case_ids=[b],
                      segments_sheet=False)
    assert "Contrast" not in openpyxl.load_workbook(one).sheetnames
    docs = export_xlsx(project, tmp_path / "docs.xlsx", measures=["rate"], cols="documents",
                       segments_sheet=False)
    assert "Contrast" not in openpyxl.load_workbook(docs).sheetnames
