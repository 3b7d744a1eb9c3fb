"""The contrast of two columns as a Word table: codes found only in A, only in B, in both.

Each code's passages and rate per 1,000 words in each column, the
difference of the rates, and one quote per side (the first passage in
document order), under an APA caption and note, in the report's named styles.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.analysis import frames
from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.contrast import (
    GROUPS,
    contrast,
    format_difference,
    group_title,
)
from crosscase.analysis.matrix import Layout, fetch_segments
from crosscase.analysis.measures import MEASURES, ROLLUP_NOTE, format_value
from crosscase.exchange.reports import docx_report as report
from crosscase.exchange.reports import docx_text
from crosscase.exchange.reports.cells import xml_safe
from crosscase.exchange.reports.docx_report import Para, Row, TablePlan
from crosscase.exchange.reports.docx_styles import TABLE_PT
from crosscase.exchange.reports.report_data import write_private
from crosscase.services.segments import Segment

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project


def export_contrast_docx(
    project: Project | Session,
    out: Path,
    a: int | str,
    b: int | str,
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = True,
    title: str | None = None,
    citations: str = "short",
    max_quote_words: int | None = 60,
    table_number: int = 1,
) -> Path:
    """Write the contrast of columns ``a`` and ``b`` to ``out`` and return the path."""
    with frames.use_session(project) as session:
        df = contrast(session, a, b, cols=cols, rollup=rollup)
        layout = Layout(session, cols=cols, rollup=rollup, with_ids=True)
        ia, ib = layout.column_position(a), layout.column_position(b)
        keys = (layout.cols[ia].key, layout.cols[ib].key)
        first = layout.first_codings(1) if len(layout.coding) else None
        quotes: dict[tuple[int, int | str], Segment] = {}
        if first is not None:
            pick = first[first["key"].isin(list(keys))]
            segs = {s.id: s for s in fetch_segments(session, pick["coding_id"].tolist())}
            for code_id, key, coding_id in pick.itertuples(index=False):
                if coding_id in segs:
                    quotes[(int(code_id), key)] = segs[coding_id]
        from sqlalchemy import select

        from crosscase.db.models import ProjectInfo

        name = session.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1)) or ""
    name_a, name_b = str(df.attrs["a"]), str(df.attrs["b"])
    heads = ["Code", "Passages, A", "Passages, B", "Per 1,000 words, A",
             "Per 1,000 words, B", "Difference (A − B)", "Quote, A", "Quote, B"]

    def text(value: str) -> list[Para]:
        return [Para("Table Text", [(value, None)])]

    def quote(code_id: int, key: int | str) -> list[Para]:
        seg = quotes.get((code_id, key))
        if seg is None:
            return text("\u2013")
        return [report.quote_paragraph(seg, citations, max_quote_words)]

    rows: list[Row] = []
    cited: list[Segment] = []
    for group in GROUPS:
        part = df[df["occurs"] == group]
        heading = group_title(group, name_a, name_b) + f" ({len(part)})"
        rows.append(Row([Para("Table Theme 1", [(xml_safe(heading), "Table Rating")])],
                        [[] for _ in heads[1:]]))
        for r in part.itertuples(index=False):
            code_id = int(r.code_id)
            for key in keys:
                if (code_id, key) in quotes:
                    cited.append(quotes[(code_id, key)])
            rows.append(Row(
                [Para("Table Theme 2", [(xml_safe(str(r.path).replace("/", " / ")), None)])],
                [text(f"{int(r.segments_a):,}"), text(f"{int(r.segments_b):,}"),
                 text(format_value("rate", float(r.rate_a))),
                 text(format_value("rate", float(r.rate_b))),
                 text(format_difference(float(r.difference))),
                 quote(code_id, keys[0]), quote(code_id, keys[1])],
            ))
    header = Row([Para("Table Heading", [(heads[0], None)])],
                 [[Para("Table Heading", [(xml_safe(h), None)])] for h in heads[1:]],
                 header=True)
    plan = TablePlan(header, rows)
    chosen = title or f"Codes found only in {name_a}, only in {name_b} and in both"
    today = date.today()
    doc = report.new_report(name, chosen, f"{today.day} {today:%B %Y}", theme_levels=2)
    report.fit(plan)
    plan.landscape = True  # eight columns with quotes
    width, _ = report.usable_pt(True)
    longest = max(docx_text.longest_word(h) for h in heads[1:6])
    numbers = longest * TABLE_PT * 0.55 + report.CELL_MARGIN_PT + 4
    quote_w = (width - plan.widths[0] - 5 * numbers) / 2
    if quote_w < 120:
        first = max(width - 5 * numbers - 240, 80.0)
        quote_w = (width - first - 5 * numbers) / 2
        plan.widths[0] = first
    plan.widths = [plan.widths[0]] + [numbers] * 5 + [quote_w] * 2
    section = doc.sections[0]
    report.page(section, landscape=True)
    report.footer_page_number(section)
    report.caption(doc, table_number, chosen)
    table = report.write_table(doc, plan, section)
    # a group's heading stays on the page of its first code
    for tr in table.rows[1:]:
        first = tr.cells[0].paragraphs[0]
        if first.style is not None and first.style.name == "Table Theme 1":
            for cell in tr.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
    sentences = [
        f"A = {name_a}; B = {name_b}.",
        f"Passages: {MEASURES['segments'].definition[len('Coded segments: '):]}",
        f"Per 1,000 words: {MEASURES['rate'].definition[len('Rate: '):]}",
        "Difference = the rate in A minus the rate in B. Codes found in "
        "neither are left out; within each group the largest difference comes first.",
    ]
    if rollup:
        sentences.append(ROLLUP_NOTE)
    if cited:
        sentences.append("Each quote is the first passage of the code in its column, in "
                         "document order" + (f", shortened to {max_quote_words} words (\u2026)"
                                              if max_quote_words else "") + ".")
        if citations == "short":
            legend = report.participant_legend(cited)
            if legend:
                sentences.append(legend)
    report.note(doc, sentences)
    return write_private(Path(out), lambda p: doc.save(str(p)))
