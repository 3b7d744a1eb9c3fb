from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, open_, print_json, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace) -> int:
    from crosscase.services import documents

    with open_(args) as project, project.session() as s:
        rows = documents.listing(s)
    if args.json:
        print_json([{k: r[k] for k in ("id", "name", "case", "format", "chars", "sha256", "words")}
                    for r in rows])
        return 0
    for r in rows:
        case, name = shown(r["case"]), shown(r["name"])  # a name never splits the listing
        print(f"{r['id']:>5}  {case:<30.30}  {name:<40.40}  {r['format']:<5} {r['words']:>7} words")
    return 0
