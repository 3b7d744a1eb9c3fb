"""The matrix in Excel, for the co-author who wants the numbers.

One sheet per measure (codes down, columns across, the definition under the
table), when the columns are cases and there are two or more a contrast of
the first two (codes only in A, only in B, in both; the definition in a note
under it), a sheet of every coded segment with its citation, the codebook,
the framework cells (rating, summary, pinned quotes) and a sheet of notes.
Text that looks like a formula is written as text, never as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Required, TypedDict

import pandas as pd

from crosscase.analysis import frames
from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.contrast import contrast
from crosscase.analysis.matrix import Layout, Matrix, validate_cases
from crosscase.analysis.measures import MEASURES, ROLLUP_NOTE
from crosscase.analysis.measures import measure as lookup_measure
from crosscase.exchange.reports.cells import excel_text
from crosscase.exchange.reports.report_data import (
    coder_names,
    coders_sentence,
    only_by,
    write_private,
)
from crosscase.exchange.reports.xlsx_layout import (
    HEADER_FILL,
    FrameworkRow,
    fit_rows,
    print_setup,
    row_height,
    text_width,
    wrapped_lines,
    write_framework,
)
from crosscase.services import codebook, framework, segments

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")

SEGMENT_COLUMNS = [
    "id", "case", "document", "code", "speaker", "paragraph", "page", "start", "end",
    "text", "citation", "coder", "memo",
]
CODEBOOK_COLUMNS = [
    "path", "name", "level", "color", "definition", "inclusion", "exclusion", "example", "memo",
]
CONTRAST_COLUMNS = [
    "code", "occurs", "segments_a", "segments_b", "rate_a", "rate_b", "difference",
]


class SheetMeta(TypedDict, total=False):
    """How a sheet is laid out: a matrix (with its matrix), a contrast (with its note), text."""

    kind: Required[Literal["matrix", "contrast", "text"]]
    matrix: Matrix
    note: str
    filter: bool  # an autofilter on the header row


def sheet_name(text: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub("-", text).strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _clean(value: object) -> object:
    if isinstance(value, str):
        return excel_text(value)
    return value


def export_xlsx(
    project: Project | Session,
    out: Path,
    *,
    measures: Iterable[str] | None = None,
    measure: str | None = None,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    segments_sheet: bool = True,
    coder_ids: list[int] | None = None,
    **_ignored: Any,
) -> Path:
    """Write the workbook to ``out`` (readable by its owner only) and return the path.

    ``measures`` (or one ``measure``) chooses the measure sheets; all by default.
    With ``coder_ids`` the measures, the contrast, the segments and the framework's
    pinned quotes come from those coders' codings only, and the notes say whose.
    Options meant for the Word report (``content``, ``title`` ...) are ignored.
    """
    if measures is None:
        names = [lookup_measure(measure).name] if measure else list(MEASURES)
    else:
        names = [lookup_measure(m).name for m in measures]
    with frames.use_session(project) as session:
        validate_cases(session, case_ids)
        layout = Layout(session, cols=cols, rollup=rollup, code_ids=code_ids, case_ids=case_ids,
                        need_speakers="participants" in names, coder_ids=coder_ids)
        matrices = [layout.matrix(n) for n in names]
        contrast_df: pd.DataFrame | None = None
        if layout.spec.by == "cases" and len(layout.cols) >= 2:
            contrast_df = contrast(session, layout.cols[0].key, layout.cols[1].key,
                                   cols=layout.spec, rollup=rollup, code_ids=code_ids,
                                   coder_ids=coder_ids)
        row_ids = [r.code_id for r in layout.rows]
        nodes = codebook.tree(session)
        seg_rows: list[dict[str, Any]] = []
        if segments_sheet and row_ids:
            wanted = (
                sorted({d for c in row_ids for d in codebook.descendants(nodes, c)})
                if rollup else row_ids
            )
            for seg in segments.fetch(session, code_ids=wanted, case_ids=case_ids,
                                      per_passage=True, coder_ids=coder_ids):
                d = seg.as_json()
                d["citation"] = seg.citation()
                seg_rows.append({k: d.get(k) for k in SEGMENT_COLUMNS})
        cells = framework.cells(session, row_ids, case_ids)
        pins = framework.pinned(session, row_ids, case_ids)
        whose = coder_names(session, coder_ids)
        if coder_ids is not None:
            pins = only_by(pins, whose)
        if layout.spec.by == "cases":
            fw_cases = [(int(c.key), c.name) for c in layout.cols]
        else:
            names_frame = frames.cases_frame(session, case_ids)["name"]
            fw_cases = [(int(k), str(v)) for k, v in names_frame.items()]
        scale = framework.rating_scale(session)
    fw_rows = [FrameworkRow(r.code_id, r.path, r.depth) for r in layout.rows]
    taken: set[str] = set()
    sheets: list[tuple[str, pd.DataFrame, SheetMeta]] = []
    filtered = coders_sentence(whose)
    for mx in matrices:
        sheets.append((sheet_name(MEASURES[mx.measure].label, taken), _matrix_frame(mx),
                       {"kind": "matrix", "matrix": mx, "note": filtered}))
    contrast_note = ""
    if contrast_df is not None:
        contrast_note = " ".join(
            x for x in (contrast_definition(contrast_df, rollup), filtered) if x)
        frame = contrast_df.rename(columns={"path": "code"})[CONTRAST_COLUMNS]
        sheets.append((sheet_name("Contrast", taken), frame.reset_index(drop=True),
                       {"kind": "contrast", "note": contrast_note}))
    if segments_sheet:
        sheets.append((sheet_name("Segments", taken),
                       pd.DataFrame(seg_rows, columns=SEGMENT_COLUMNS),
                       {"kind": "text", "filter": True}))
    sheets.append((sheet_name("Codebook", taken), _codebook_frame(nodes), {"kind": "text"}))
    notes = [
        ("Exported", date.today().isoformat()),
        ("Columns", matrices[0].spec.description if matrices else ""),
        ("Roll-up", "yes" if rollup else "no"),
        ("Rating scale", ", ".join(scale) + " (lowest first)"),
    ] + [(MEASURES[m.measure].label, m.definition) for m in matrices]
    if filtered:
        notes.insert(1, ("Coders", filtered))
    if contrast_note:
        notes.append(("Contrast", contrast_note))
    sheets.append((sheet_name("Notes", taken), pd.DataFrame(notes, columns=["item", "note"]),
                   {"kind": "text"}))

    framework_at = len(sheets) - 1  # before the notes
    framework_name = sheet_name("Framework", taken)
    linked_name = sheet_name("Framework quotes", taken)

    def write(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for k, (name, df, meta) in enumerate(sheets):
                if k == framework_at:
                    write_framework(writer.book, framework_name, linked_name, fw_rows,
                                    fw_cases, cells, pins, scale)
                df = df.map(_clean) if not df.empty else df
                df.columns = pd.Index([_clean(str(c)) for c in df.columns])
                df.to_excel(writer, sheet_name=name, index=False)
                _format(writer.sheets[name], df, meta)

    return write_private(Path(out), write)


def _matrix_frame(mx: Matrix) -> pd.DataFrame:
    df = mx.values.copy()
    df.columns = pd.Index([c.name for c in mx.cols])
    df.insert(0, "level", [r.depth for r in mx.rows])
    df.insert(0, "code", [r.path for r in mx.rows])
    return df.reset_index(drop=True)


def contrast_definition(df: pd.DataFrame, rollup: bool) -> str:
    """The note under the Contrast sheet: which cases A and B are and what the numbers mean."""
    parts = [f"A is {df.attrs['a']} and B is {df.attrs['b']}.", str(df.attrs["definition"])]
    if rollup:
        parts.append(ROLLUP_NOTE)
    return " ".join(parts)


def _codebook_frame(nodes: dict[int, codebook.CodeNode]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"path": n.path, "name": n.name, "level": n.depth, "color": n.color,
          "definition": n.definition, "inclusion": n.inclusion, "exclusion": n.exclusion,
          "example": n.example, "memo": n.memo} for n in nodes.values()],
        columns=CODEBOOK_COLUMNS,
    )


def _format(ws: Worksheet, df: pd.DataFrame, meta: SheetMeta) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "B2" if meta["kind"] == "matrix" else "A2"
    # text that starts with "=" stays text, in the header (names) as in the body
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    widths: dict[int, float] = {}
    for i, col in enumerate(df.columns, 1):
        sample = [str(col)] + [str(v) for v in df[col].head(200).tolist()]
        longest = max(text_width(s) for s in sample) if sample else 8
        widths[i] = min(max(8, longest + 2), 60)
        ws.column_dimensions[get_column_letter(i)].width = widths[i]
    last = get_column_letter(max(1, len(df.columns)))
    note = ""
    if meta["kind"] == "matrix":
        mx: Matrix = meta["matrix"]
        integer = MEASURES[mx.measure].integer
        base = min((r.depth for r in mx.rows), default=0)
        for i, r in enumerate(mx.rows, 2):
            ws.cell(row=i, column=1).alignment = Alignment(indent=r.depth - base)
            for j in range(3, 3 + len(mx.cols)):
                ws.cell(row=i, column=j).number_format = "0" if integer else "0.00"
        note = " ".join(x for x in (mx.definition, meta.get("note", "")) if x)
    elif meta["kind"] == "contrast":
        ws.freeze_panes = "B2"
        for i in range(2, len(df) + 2):
            ws.cell(row=i, column=3).number_format = "0"
            ws.cell(row=i, column=4).number_format = "0"
            for j in (5, 6, 7):
                ws.cell(row=i, column=j).number_format = "0.00"
        note = meta["note"]
    else:
        fit_rows(ws, widths)
    if note:
        # the note spans the table's width, wrapped, so it prints within the page
        at = len(df) + 3
        cell = ws.cell(row=at, column=1, value="Note: " + note)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if len(df.columns) > 1:
            ws.merge_cells(f"A{at}:{last}{at}")
        ws.row_dimensions[at].height = row_height(
            wrapped_lines("Note: " + note, sum(widths.values())))
    if meta.get("filter"):
        ws.auto_filter.ref = f"A1:{last}{max(1, len(df) + 1)}"
    print_setup(ws, title_cols="A:A" if meta["kind"] != "text" else None)
