"""``crosscase contrast PROJECT A B``: codes in one column only, the other only, or both."""

from __future__ import annotations

import argparse
import json
import sys

from crosscase.cli.common import add_project, open_


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("a", metavar="A", help="first column (a case name, document or attribute value)")
    p.add_argument("b", metavar="B", help="second column")
    p.add_argument("--cols", default="cases",
                   help="what the columns are: cases (default), documents, or an attribute")
    p.add_argument("--rollup", action="store_true", help="codes also count their sub-codes")
    p.add_argument("--json", action="store_true", help="JSON output")


GROUPS = (("only_a", "Only in {a}"), ("only_b", "Only in {b}"), ("both", "In both"))


def run(args: argparse.Namespace) -> int:
    from crosscase.analysis.contrast import contrast

    with open_(args) as project:
        df = contrast(project, args.a, args.b, cols=args.cols, rollup=args.rollup)
    a, b = df.attrs["a"], df.attrs["b"]
    if args.json:
        rows = [
            {"code": r.path, "occurs": r.occurs, "segments_a": int(r.segments_a),
             "segments_b": int(r.segments_b), "rate_a": round(float(r.rate_a), 4),
             "rate_b": round(float(r.rate_b), 4), "difference": round(float(r.difference), 4)}
            for r in df.itertuples()
        ]
        sys.stdout.write(json.dumps({"a": a, "b": b, "definition": df.attrs["definition"],
                                     "rows": rows}, ensure_ascii=False, indent=2) + "\n")
        return 0
    width = max([len(p) for p in df["path"]] + [20])
    for key, title in GROUPS:
        part = df[df["occurs"] == key]
        print(title.format(a=a, b=b) + f" ({len(part)})")
        if part.empty:
            print("  (none)")
        for r in part.itertuples():
            print(f"  {r.path:<{width}}  {r.segments_a:>4} | {r.segments_b:<4}"
                  f"  per 1,000 words {r.rate_a:5.2f} | {r.rate_b:<5.2f}  diff {r.difference:+.2f}")
        print()
    print(df.attrs["definition"])
    return 0
