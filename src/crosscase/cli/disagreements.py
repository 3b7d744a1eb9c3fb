"""``crosscase disagreements PROJECT --coders A B``: where two coders' codings differ."""

from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, open_, print_json, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"),
                   help="the two coders to compare")
    p.add_argument("--codes", nargs="+", metavar="CODE", help="only these codes (default: all)")
    p.add_argument("--all-documents", action="store_true",
                   help="also documents only one of the two coded (default: those both coded)")
    p.add_argument("--json", action="store_true", help="JSON output")


def _short(text: str, width: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def run(args: argparse.Namespace) -> int:
    from crosscase.analysis.disagreements import disagreements
    from crosscase.services import codebook

    coders = (args.coders[0], args.coders[1])
    with open_(args) as project, project.session() as s:
        code_ids = None
        if args.codes:
            nodes = codebook.tree(s)
            code_ids = [codebook.resolve(s, c, nodes) for c in args.codes]
        docs = None
        if not args.all_documents:
            from crosscase.analysis.agreement import double_coded

            docs = double_coded(s, coders)
        found = disagreements(s, coders, code_ids=code_ids, document_ids=docs)
    if args.json:
        print_json([d.as_json(coders) for d in found])
        print()
        return 0
    kinds = {"only_a": f"only {coders[0]}", "only_b": f"only {coders[1]}",
             "boundaries": "boundaries differ"}
    for d in found:
        print(shown(f"{d.case} / {d.document}  {d.code}  {d.start}-{d.end}  {kinds[d.kind]}"))
        for name, segs in ((coders[0], d.a), (coders[1], d.b)):
            for seg in segs:
                print(shown(f"    {name}: {seg.start}-{seg.end}  “{_short(seg.text)}”"))
    print(shown(f"{len(found)} disagreement(s) between {coders[0]} and {coders[1]}"))
    return 0
