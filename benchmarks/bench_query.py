"""Coding queries at scale.

On the matrix benchmark's project (500 codes, 100 cases, 1,000 documents,
200,000 codings), times queries from expression to segments with their
exact text and citations, and a "query by case" matrix. Writes Markdown.

    .venv/bin/python benchmarks/bench_query.py [--out docs/PERFORMANCE-query.md]
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from bench_matrix import CASES, CODES, CODINGS, DOCS_PER_CASE, _time, generate
from machine import machine, main_in_temp_folder  # benchmarks/machine.py

from crosscase.db.project import open_project

GOAL_AND = 0.3

QUERIES = [
    ("two codes, AND", '"Theme 1/Code 1.1" AND "Theme 2/Code 2.1"', GOAL_AND),
    ("two codes, OR", '"Theme 1/Code 1.1" OR "Theme 2/Code 2.1"', None),
    ("two codes, NOT", '"Theme 1/Code 1.1" NOT "Theme 2/Code 2.1"', None),
    ("two codes, NEAR/10", '"Theme 1/Code 1.1" NEAR/10 "Theme 2/Code 2.1"', None),
    ("two codes, SAME paragraph", '"Theme 1/Code 1.1" SAME paragraph "Theme 2/Code 2.1"', None),
    ("two codes, FOLLOWED BY/20", '"Theme 1/Code 1.1" FOLLOWED BY/20 "Theme 2/Code 2.1"', None),
    ("AND, managers in care cases",
     '"Theme 1/Code 1.1" AND "Theme 2/Code 2.1" WHERE sector = "care" WHERE role = "manager"',
     None),
    ("four codes, (A OR B) AND (C OR D)",
     '("Theme 1/Code 1.1" OR "Theme 1/Code 1.2") AND ("Theme 2/Code 2.1" OR "Theme 2/Code 2.2")',
     None),
]


def run(out: Path | None, workdir: Path) -> str:
    from crosscase.analysis import query

    path = workdir / "bench.crosscase"
    t0 = time.perf_counter()
    generate(path)
    gen = time.perf_counter() - t0
    lines = [
        "# Coding query performance",
        "",
        f"Measured {date.today().isoformat()} on {machine()}.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/bench_query.py`",
        "",
        (f"Project: the matrix benchmark's, {CODES} codes, {CASES} cases, "
         f"{CASES * DOCS_PER_CASE:,} documents, {CODINGS:,} codings; generated in {gen:.1f} s. "
         "Each code has about 400 codings spread over the documents."),
        "",
        "Each time is from the expression to the list of segments with their exact text and",
        "citations (`analysis.query.run`, what `crosscase query` prints). First run = right",
        "after opening the project; warm = median of the next three runs.",
        "",
        "| query | segments | first run (s) | warm (s) | goal |",
        "|---|---:|---:|---:|---|",
    ]
    with open_project(path) as project:
        for label, expr, goal in QUERIES:
            n = len(query.run(project, expr).segments)
            first, warm = _time(lambda expr=expr: query.run(project, expr))
            verdict = "" if goal is None else (
                f"{goal} s: met" if warm < goal else f"{goal} s: **missed**")
            lines.append(f"| {label}: `{expr}` | {n:,} | {first:.3f} | {warm:.3f} | {verdict} |")
            print(lines[-1], file=sys.stderr)
        exprs = [q[1] for q in QUERIES[:3]]
        first, warm = _time(lambda: query.query_matrix(project, exprs, cols="cases"))
        lines += [
            "",
            "| query by case matrix | first run (s) | warm (s) |",
            "|---|---:|---:|",
            f"| 3 query rows (AND, OR, NOT above) x {CASES} cases, segments | "
            f"{first:.3f} | {warm:.3f} |",
            "",
        ]
    text = "\n".join(lines)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    return main_in_temp_folder(run, __doc__, Path("docs/PERFORMANCE-query.md"), argv)


if __name__ == "__main__":
    raise SystemExit(main())
