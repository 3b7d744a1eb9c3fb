"""Query by case in Word and Excel: a matrix whose rows are coding queries.

NVivo calls it a matrix coding query. Each row is one query, named by its
expression; its cells count the passages the query finds, by the same rules
and through the same writers as the code matrix (``docx_report`` lays the
Word table out, with its caption and note). The Excel workbook has one sheet
per measure, a sheet of every passage found with its citation, and notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crosscase.analysis import frames, query
from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.matrix import Matrix, compute_span_rows
from crosscase.analysis.measures import MEASURES, format_value
from crosscase.analysis.measures import measure as lookup_measure
from crosscase.domain.errors import UsageError
from crosscase.exchange.reports.cells import excel_text
from crosscase.exchange.reports.report_data import ReportCell, ReportData, write_private

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project
    from crosscase.services.rounds import Blind

SEGMENT_COLUMNS = ["query", "case", "document", "speaker", "paragraph", "page", "start", "end",
                   "text", "citation"]


def _evaluated(session: Session, expressions: Sequence[str], blind: Blind | None = None
               ) -> list[tuple[str, dict[int, list[tuple[int, int]]]]]:
    if not expressions:
        raise UsageError("give at least one query")
    rows = []
    for expr in expressions:
        query.check(session, expr)
        rows.append((expr, query.evaluate(session, expr, blind=blind)))
    return rows


def _project_name(session: Session) -> str:
    from sqlalchemy import select

    from crosscase.db.models import ProjectInfo

    return str(session.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1)) or "")


def query_report_data(
    project: Project | Session,
    expressions: Sequence[str],
    *,
    measure: str = "segments",
    cols: str | ColumnSpec = "cases",
    case_ids: list[int] | None = None,
    drop_empty: bool = False,
    blind: Blind | None = None,
) -> ReportData:
    """The report's data for query rows: counts only (framework summaries, ratings
    and pinned quotes belong to codes, not to queries); with ``blind``, the queries
    read the codings its viewer sees."""
    m = lookup_measure(measure)
    with frames.use_session(project) as session:
        mx = compute_span_rows(session, _evaluated(session, expressions, blind), cols=cols,
                               measure=m.name, case_ids=case_ids)
        name = _project_name(session)
    cells: dict[tuple[int, int | str], ReportCell] = {}
    for row in mx.rows:
        for col in mx.cols:
            v = mx.values.at[row.code_id, col.key]
            cells[(row.code_id, col.key)] = ReportCell(float(v),
                                                       format_value(m.name, v, unit=True))
    rows = list(mx.rows)
    if drop_empty:
        rows = [r for r in rows if not all(cells[(r.code_id, c.key)].empty for c in mx.cols)]
    return ReportData(
        project_name=name, matrix=mx, cells=cells, nodes={}, scale=[], content=("counts",),
        quotes_per_cell=0, framework=False, rows=rows, row_heading="Query",
    )


def default_title(mx: Matrix) -> str:
    across = {"cases": "the cases", "documents": "the documents"}.get(
        mx.spec.by, f"{mx.spec.scope} {mx.spec.attribute}")
    return f"{MEASURES[mx.measure].label} for each coding query across {across}"


def export_query_docx(
    project: Project | Session,
    out: Path,
    expressions: Sequence[str],
    *,
    measure: str = "segments",
    cols: str | ColumnSpec = "cases",
    case_ids: list[int] | None = None,
    title: str | None = None,
    table_number: int = 1,
    drop_empty: bool = False,
    transpose: bool = False,
    blind: Blind | None = None,
    **_ignored: Any,
) -> Path:
    """The query-by-case table as a Word document (caption, table, note), written
    readable by its owner only."""
    from crosscase.exchange.reports.docx_report import build_document

    data = query_report_data(project, expressions, measure=measure, cols=cols,
                             case_ids=case_ids, drop_empty=drop_empty, blind=blind)
    doc = build_document(data, title=title or default_title(data.matrix),
                         table_number=table_number, appendix=False, transpose=transpose)
    return write_private(Path(out), lambda p: doc.save(str(p)))


def export_query_xlsx(
    project: Project | Session,
    out: Path,
    expressions: Sequence[str],
    *,
    measures: Iterable[str] | None = None,
    measure: str | None = None,
    cols: str | ColumnSpec = "cases",
    case_ids: list[int] | None = None,
    segments_sheet: bool = True,
    blind: Blind | None = None,
    **_ignored: Any,
) -> Path:
    """The query-by-case tables in Excel: a sheet per measure (queries down, columns
    across, the definition under the table), the passages found, and notes."""
    from crosscase.exchange.reports.xlsx_report import sheet_name

    if measures is None:
        names = [lookup_measure(measure).name] if measure else list(MEASURES)
    else:
        names = [lookup_measure(m).name for m in measures]
    with frames.use_session(project) as session:
        rows = _evaluated(session, expressions, blind)
        matrices = [compute_span_rows(session, rows, cols=cols, measure=n, case_ids=case_ids)
                    for n in names]
        found: list[dict[str, Any]] = []
        if segments_sheet:
            allowed = ({int(c.key) for c in matrices[0].cols}
                       if matrices and matrices[0].spec.by == "cases" else None)
            for expr, spans in rows:
                for seg in query._results(session, expr, spans).segments:
                    if case_ids is not None and seg.case_id not in case_ids:
                        continue
                    if allowed is not None and seg.case_id not in allowed:
                        continue
                    d = {"query": expr, "case": seg.case, "document": seg.document,
                         "speaker": seg.speaker, "paragraph": seg.paragraph, "page": seg.page,
                         "start": seg.start, "end": seg.end, "text": seg.text,
                         "citation": seg.citation()}
                    found.append(d)
    taken: set[str] = set()
    sheets: list[tuple[str, pd.DataFrame, Matrix | None]] = []
    for mx in matrices:
        frame = mx.values.copy()
        frame.columns = pd.Index([c.name for c in mx.cols])
        frame.insert(0, "query", [r.path for r in mx.rows])
        sheets.append((sheet_name(MEASURES[mx.measure].label, taken),
                       frame.reset_index(drop=True), mx))
    if segments_sheet:
        sheets.append((sheet_name("Segments", taken),
                       pd.DataFrame(found, columns=SEGMENT_COLUMNS), None))
    notes = [("Exported", date.today().isoformat()),
             ("Rows", "coding queries: a passage is a stretch of text the query finds"),
             ("Columns", matrices[0].spec.description if matrices else "")]
    notes += [(f"Query {i}", expr) for i, (expr, _) in enumerate(rows, 1)]
    notes += [(MEASURES[m.measure].label, m.definition) for m in matrices]
    sheets.append((sheet_name("Notes", taken), pd.DataFrame(notes, columns=["item", "note"]),
                   None))

    def write(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, df, mx in sheets:
                df = df.map(_clean) if not df.empty else df
                df.columns = pd.Index([_clean(str(c)) for c in df.columns])
                df.to_excel(writer, sheet_name=name, index=False)
                _format(writer.sheets[name], df, mx)

    return write_private(Path(out), write)


def _clean(value: object) -> object:
    return excel_text(value) if isinstance(value, str) else value


def _format(ws: Any, df: pd.DataFrame, mx: Matrix | None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from crosscase.exchange.reports.xlsx_layout import HEADER_FILL, print_setup, text_width

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in ws.iter_rows(min_row=1):  # text that starts with "=" stays text
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    for i, col in enumerate(df.columns, 1):
        sample = [str(col)] + [str(v) for v in df[col].head(200).tolist()]
        width = min(max(8, max(text_width(s) for s in sample) + 2), 60)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2" if mx is not None else "A2"
    if mx is not None:
        integer = MEASURES[mx.measure].integer
        for i in range(2, len(mx.rows) + 2):
            for j in range(2, 2 + len(mx.cols)):
                ws.cell(row=i, column=j).number_format = "0" if integer else "0.00"
        cell = ws.cell(row=len(df) + 3, column=1, value="Note: " + mx.definition)
        cell.alignment = Alignment(wrap_text=False, vertical="top")
    print_setup(ws, title_cols="A:A" if mx is not None else None)
