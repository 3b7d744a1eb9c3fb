"""Co-occurrence as a text table, CSV, Excel or a Word table in the report's styles.

Every export lists the pairs of codes that meet in some column, most
co-occurrences overall first, with each column's count and c coefficient
side by side and the overall ones last; a pair whose codes' frequencies
differ more than fivefold is marked, since c misleads there.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crosscase.analysis.cooccurrence import SKEW, Cooccurrence, c_coefficient, skewed
from crosscase.domain.errors import UsageError
from crosscase.exchange.reports.cells import csv_safe, excel_text, xml_safe
from crosscase.exchange.reports.report_data import write_private

if TYPE_CHECKING:
    from crosscase.db.project import Project

FORMATS = ("csv", "xlsx", "docx")
SKEW_MARK = "\u2020"  # dagger


def rows(co: Cooccurrence) -> list[dict[str, Any]]:
    """One entry per pair that meets somewhere: names, per-column and overall numbers."""
    nr = len(co.rows)
    if nr < 2:
        return []
    per_col = [co.counts(c.key) for c in co.cols]
    per_n = [co.n[:, i] for i in range(len(co.cols))]
    total = co.counts()
    n_all = co.frequencies()
    iu, ju = np.triu_indices(nr, k=1)
    keep = total[iu, ju] > 0
    iu, ju = iu[keep], ju[keep]
    order = np.lexsort((ju, iu, -total[iu, ju]))
    out = []
    for k in order:
        i, j = int(iu[k]), int(ju[k])
        cols = []
        for counts, n in zip(per_col, per_n, strict=True):
            n12 = int(counts[i, j])
            cols.append({
                "count": n12, "c": float(c_coefficient(np.array(n12), n[i], n[j])),
                "skewed": bool(skewed(np.array(n[i]), np.array(n[j]))),
            })
        n12 = int(total[i, j])
        out.append({
            "a": co.rows[i], "b": co.rows[j], "cols": cols, "count": n12,
            "c": float(c_coefficient(np.array(n12), n_all[i], n_all[j])),
            "n_a": int(n_all[i]), "n_b": int(n_all[j]),
            "skewed": bool(skewed(np.array(n_all[i]), np.array(n_all[j]))),
        })
    return out


def c_text(value: float) -> str:
    return f"{value:.2f}"


def to_json(co: Cooccurrence) -> str:
    return json.dumps(co.as_json(), ensure_ascii=False, indent=2) + "\n"


def to_csv(co: Cooccurrence) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["code a", "code b"]
    for c in co.cols:
        head += [f"{c.name}: count", f"{c.name}: c"]
    head += ["all: count", "all: c", "passages a", "passages b", "skewed"]
    w.writerow([csv_safe(h) for h in head])
    for r in rows(co):
        line: list[object] = [csv_safe(r["a"].path), csv_safe(r["b"].path)]
        for col in r["cols"]:
            line += [col["count"], round(col["c"], 4)]
        line += [r["count"], round(r["c"], 4), r["n_a"], r["n_b"], "yes" if r["skewed"] else ""]
        w.writerow(line)
    return buf.getvalue()


def to_table(co: Cooccurrence, *, width: int | None = None) -> str:
    """Pairs down, one "count (c)" column per column and one for all, side by side."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    heads = ["Codes"] + [c.name for c in co.cols] + ["All"]
    lines = []
    for r in rows(co):
        label = f"{r['a'].name} + {r['b'].name}" + (f" {SKEW_MARK}" if r["skewed"] else "")
        cells = [f"{c['count']} ({c_text(c['c'])})" if c["count"] else "\u2013"
                 for c in r["cols"]]
        lines.append([label, *cells, f"{r['count']} ({c_text(r['c'])})"])
    widths = [max([len(heads[i])] + [len(x[i]) for x in lines]) for i in range(len(heads))]

    def fmt(cells: list[str]) -> str:
        return "  ".join([cells[0].ljust(widths[0])]
                         + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
                         ).rstrip()

    out = [f"Co-occurrence by {co.spec.text}: count (c)", fmt(heads),
           "  ".join("-" * w for w in widths)]
    out.extend(fmt(x) for x in lines)
    if not lines:
        out.append("(no codes meet)")
    out.append("")
    note = co.definition + (f" {SKEW_MARK} = skewed pair." if any(r["skewed"] for r in rows(co))
                            else "")
    out.extend(textwrap.wrap(note, width=max(40, min(width, 100))))
    return "\n".join(out) + "\n"


def write_cooccurrence(co: Cooccurrence, out: Path, fmt: str, *, project_name: str = "",
                       title: str | None = None, table_number: int = 1) -> Path:
    """Write ``co`` to ``out`` as csv, xlsx or docx (owner-only, whole or not at all)."""
    if fmt in ("csv", "json"):
        text = to_csv(co) if fmt == "csv" else to_json(co)

        def write(p: Path) -> None:
            p.write_text(text, encoding="utf-8", newline="")

        return write_private(Path(out), write)
    if fmt == "xlsx":
        return _xlsx(co, Path(out))
    if fmt == "docx":
        return _docx(co, Path(out), project_name, title, table_number)
    raise UsageError(f"cannot write co-occurrence as '{fmt}'; choose one of {', '.join(FORMATS)}")


def _xlsx(co: Cooccurrence, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Co-occurrence"
    reader = csv.reader(io.StringIO(to_csv(co)))
    for n, line in enumerate(reader):
        values: list[object] = []
        for k, v in enumerate(line):
            if n > 0 and 2 <= k < len(line) - 1:
                values.append(float(v) if "." in v else int(v))
            else:
                values.append(excel_text(v))
        ws.append(values)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "C2"
    notes = wb.create_sheet("Definition")
    notes.append([excel_text(co.definition)])
    return write_private(out, lambda p: wb.save(str(p)))


def _docx(co: Cooccurrence, out: Path, project_name: str, title: str | None,
          table_number: int) -> Path:
    from crosscase.exchange.reports import docx_report as report
    from crosscase.exchange.reports.docx_report import Para, Row, TablePlan

    data = rows(co)
    heads = ["Codes"] + [c.name for c in co.cols] + ["All"]

    def text(value: str) -> list[Para]:
        return [Para("Table Text", [(value, None)])]

    body = []
    for r in data:
        label = [Para("Table Theme 1", [(xml_safe(r["a"].name), None)]),
                 Para("Table Theme 2", [(xml_safe("+ " + r["b"].name)
                                         + (f" {SKEW_MARK}" if r["skewed"] else ""), None)])]
        cells = [text(f"{c['count']} ({c_text(c['c'])})" if c["count"] else "\u2013")
                 for c in r["cols"]]
        cells.append(text(f"{r['count']} ({c_text(r['c'])})"))
        body.append(Row(label, cells))
    header = Row([Para("Table Heading", [(heads[0], None)])],
                 [[Para("Table Heading", [(xml_safe(h), None)])] for h in heads[1:]],
                 header=True)
    plan = TablePlan(header, body, centred=True)
    across = {"cases": "the cases", "documents": "the documents"}.get(
        co.spec.by, f"{co.spec.scope} {co.spec.attribute}")
    chosen = title or f"Co-occurrence of codes across {across}"
    today = date.today()
    doc = report.new_report(project_name, chosen, f"{today.day} {today:%B %Y}", theme_levels=2)
    report.fit(plan)
    section = doc.sections[0]
    report.page(section, landscape=plan.landscape)
    report.footer_page_number(section)
    report.caption(doc, table_number, chosen)
    report.write_table(doc, plan, section)
    sentences = ["Each cell gives the number of co-occurrences and, in parentheses, "
                 "the c coefficient.", co.definition]
    if any(r["skewed"] for r in data):
        sentences.append(f"{SKEW_MARK} One code of the pair has more than {SKEW:g} times as "
                         "many passages as the other overall.")
    if any(not c["count"] for r in data for c in r["cols"]):
        sentences.append("\u2013 = the codes do not meet in that column.")
    report.note(doc, sentences)
    return write_private(out, lambda p: doc.save(str(p)))


def export_cooccurrence(project: Project, out: Path, fmt: str, **options: Any) -> Path:
    """Compute and write (options of :func:`~crosscase.analysis.cooccurrence.compute_cooccurrence`)."""
    from sqlalchemy import select

    from crosscase.analysis.cooccurrence import compute_cooccurrence
    from crosscase.db.models import ProjectInfo

    co = compute_cooccurrence(project, **options)
    with project.session() as s:
        name = s.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1)) or ""
    return write_cooccurrence(co, out, fmt, project_name=name)
