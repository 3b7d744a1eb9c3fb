"""One matrix as CSV, JSON or an aligned text table."""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from pathlib import Path

from crosscase.analysis.matrix import Matrix
from crosscase.analysis.measures import format_value
from crosscase.domain.errors import UsageError
from crosscase.domain.names import escaped
from crosscase.exchange.reports.cells import csv_safe
from crosscase.exchange.reports.report_data import write_private


def to_json(matrix: Matrix) -> str:
    """``{"measure", "rows": [code paths], "cols": [names], "values": [[...]], ...}``."""
    return json.dumps(matrix.as_json(), ensure_ascii=False, indent=2) + "\n"


def to_csv(matrix: Matrix) -> str:
    """A header of ``code`` and the column names, then one line per code path;
    names that a spreadsheet would run as a formula are escaped."""
    data = matrix.as_json()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in ["code", *data["cols"]]])
    for path, values in zip(data["rows"], data["values"], strict=True):
        writer.writerow([csv_safe(path), *("" if v is None else v for v in values)])
    return buf.getvalue()


def to_table(matrix: Matrix, *, width: int | None = None) -> str:
    """A readable text table: code names indented by level, values right-aligned,
    the measure's definition under it. Names are shown escaped, so a control
    character stored in one never acts on the terminal or splits a row."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    heads = ["Code"] + [escaped(c.name) for c in matrix.cols]
    base = min((r.depth for r in matrix.rows), default=0)
    lines = [["  " * (r.depth - base) + escaped(r.name)]
             + [format_value(matrix.measure, matrix.values.at[r.code_id, c.key])
                for c in matrix.cols]
             for r in matrix.rows]
    widths = [max([len(heads[i])] + [len(line[i]) for line in lines]) for i in range(len(heads))]
    def fmt(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    out = [escaped(f"{matrix.label} by {matrix.spec.text}")
           + (", rolled up" if matrix.rollup else "")]
    out.append(fmt(heads))
    out.append("  ".join("-" * w for w in widths))
    out.extend(fmt(line) for line in lines)
    if not matrix.rows:
        out.append("(no codes)")
    out.append("")
    out.extend(escaped(line)
               for line in textwrap.wrap(matrix.definition, width=max(40, min(width, 100))))
    return "\n".join(out) + "\n"


def write_matrix(matrix: Matrix, out: Path, fmt: str) -> Path:
    if fmt == "json":
        text = to_json(matrix)
    elif fmt == "csv":
        text = to_csv(matrix)
    elif fmt == "table":
        text = to_table(matrix)
    else:
        raise UsageError(f"cannot write a matrix as '{fmt}'")

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8", newline="")

    return write_private(Path(out), write)
