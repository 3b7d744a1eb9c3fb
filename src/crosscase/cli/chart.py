"""``crosscase chart KIND PROJECT --out FILE``: a chart as SVG, PNG or PDF, its numbers as CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crosscase.cli.common import add_project, open_, shown

KINDS = ("heatmap", "cooccur", "profiles", "portrait")
MEASURE_NAMES = ("segments", "documents", "participants", "words", "share", "rate", "presence")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=KINDS,
                   help="heatmap: codes by cases; cooccur: codes by codes; profiles: one bar "
                   "chart per case; portrait: the codes along one document")
    add_project(p)
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="FILE.svg, FILE.png or FILE.pdf; the numbers drawn go to FILE.csv")
    p.add_argument("--codes", nargs="+", action="extend", metavar="CODE",
                   help="only these codes (paths or unique names)")
    p.add_argument("--case", action="append", metavar="CASE", help="only this case; may be repeated")
    p.add_argument("--cols", default="cases", metavar="COLS",
                   help="columns: cases, documents or an attribute (heatmap, profiles, cooccur)")
    p.add_argument("--measure", default="segments", choices=MEASURE_NAMES,
                   help="heatmap and profiles: what the cells count (default: segments)")
    p.add_argument("--no-rollup", action="store_true",
                   help="heatmap and profiles: count each code's own passages only")
    p.add_argument("--order", choices=("codebook", "clustered"), default="codebook",
                   help="heatmap: rows in codebook order or clustered by profile")
    p.add_argument("--column", metavar="NAME",
                   help="cooccur: only this column (a case's name); default: all")
    p.add_argument("--value", choices=("count", "c"), default="count",
                   help="cooccur: co-occurrences or the c coefficient")
    p.add_argument("--document", metavar="DOC", help="portrait: the document (name or id)")
    p.add_argument("--dpi", type=int, default=300, help="PNG resolution (default 300)")


def run(args: argparse.Namespace) -> int:
    from crosscase.domain.errors import UsageError

    if args.kind == "portrait" and not args.document:
        raise UsageError("a portrait needs --document DOC")
    if not 30 <= args.dpi <= 1200:
        raise UsageError("--dpi must be between 30 and 1200")
    with open_(args) as project:
        from crosscase.exchange import charts
        from crosscase.services import cases, codebook

        with project.session() as s:
            code_ids = [codebook.resolve(s, c) for c in args.codes] if args.codes else None
            case_ids = [cases.resolve(s, c) for c in args.case] if args.case else None
        options: dict[str, Any] = {"code_ids": code_ids}
        if args.kind in ("heatmap", "profiles"):
            options.update(measure=args.measure, cols=args.cols, rollup=not args.no_rollup,
                           case_ids=case_ids)
            if args.kind == "heatmap":
                options["order"] = args.order
        elif args.kind == "cooccur":
            options.update(cols=args.cols, column=args.column, value=args.value,
                           case_ids=case_ids)
        else:
            options["document"] = args.document
        chart = charts.build(args.kind, project, **options)
    out, beside = charts.write_chart(chart, args.out, dpi=args.dpi)
    print(shown(f"wrote {out} and {beside}"))
    return 0
