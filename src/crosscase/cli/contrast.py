"""``crosscase contrast PROJECT A B``: codes in one column only, the other only, or both."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crosscase.cli.common import add_project, open_, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("a", metavar="A", help="first column (a case name, document or attribute value)")
    p.add_argument("b", metavar="B", help="second column")
    p.add_argument("--cols", default="cases",
                   help="what the columns are: cases (default), documents, or an attribute")
    p.add_argument("--rollup", action="store_true", help="codes also count their sub-codes")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--format", choices=["text", "json", "docx"], default="text",
                   help="docx: a Word table with rates and a quote per side (needs --out)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the Word table to FILE")
    p.add_argument("--citations", choices=["short", "full", "none"], default="short")
    p.add_argument("--title", metavar="T", help="the Word table's title")


GROUPS = (("only_a", "Only in {a}"), ("only_b", "Only in {b}"), ("both", "In both"))


def run(args: argparse.Namespace) -> int:
    from crosscase.analysis.contrast import contrast
    from crosscase.domain.errors import UsageError

    if args.format == "docx" or args.out is not None:
        if args.out is None:
            raise UsageError("--format docx needs --out FILE")
        from crosscase.exchange.reports.contrast_docx import export_contrast_docx

        with open_(args) as project:
            export_contrast_docx(project, args.out, args.a, args.b, cols=args.cols,
                                 rollup=args.rollup, citations=args.citations,
                                 title=args.title)
        print(shown(f"wrote {args.out}"))
        return 0
    with open_(args) as project:
        df = contrast(project, args.a, args.b, cols=args.cols, rollup=args.rollup)
    a, b = df.attrs["a"], df.attrs["b"]
    if args.json or args.format == "json":
        rows = [
            {"code": r.path, "occurs": r.occurs, "segments_a": int(r.segments_a),
             "segments_b": int(r.segments_b), "rate_a": round(float(r.rate_a), 4),
             "rate_b": round(float(r.rate_b), 4), "difference": round(float(r.difference), 4)}
            for r in df.itertuples()
        ]
        sys.stdout.write(json.dumps({"a": a, "b": b, "definition": df.attrs["definition"],
                                     "rows": rows}, ensure_ascii=False, indent=2) + "\n")
        return 0
    width = max([len(shown(p)) for p in df["path"]] + [20])
    for key, title in GROUPS:
        part = df[df["occurs"] == key]
        print(shown(title.format(a=a, b=b) + f" ({len(part)})"))
        if part.empty:
            print("  (none)")
        for r in part.itertuples():
            print(f"  {shown(r.path):<{width}}  {r.segments_a:>4} | {r.segments_b:<4}"
                  f"  per 1,000 words {r.rate_a:5.2f} | {r.rate_b:<5.2f}  diff {r.difference:+.2f}")
        print()
    print(shown(df.attrs["definition"]))
    return 0
