from __future__ import annotations

import argparse
from pathlib import Path

from crosscase.cli.common import add_project, open_, print_json


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--load", type=Path, metavar="FILE",
                   help="add the codes of a codebook file (.json or REFI-QDA .qdc)")
    p.add_argument("--add", metavar="PATH", help="add a code by path, e.g. 'Innovation/Digital'")
    p.add_argument("--color", metavar="HEX", help="colour of the added code, e.g. #cc5500")


def run(args: argparse.Namespace) -> int:
    from crosscase.commands.codebook import CreateCode
    from crosscase.domain.errors import UsageError
    from crosscase.services import codebook

    with open_(args) as project:
        if args.load:
            if args.load.suffix.lower() == ".qdc":
                from crosscase.exchange.refi import load_qdc

                report = load_qdc(project, args.load)
                for line in report.lines():
                    print(line)
            else:
                loaded = codebook.read_codebook_file(args.load)
                with project.transaction() as s:
                    added = codebook.add_tree(s, loaded)
                    project.log(s, "codebook.load", source=str(args.load.name), codes=added)
                print(f"added {added} codes from {args.load.name}")
        if args.add:
            if args.color and not _is_hex(args.color):
                raise UsageError(f"colour '{args.color}' is not a hex colour like #cc5500")
            parts = [x.strip() for x in args.add.split(codebook.SEP) if x.strip()]
            if not parts:
                raise UsageError("--add needs a code path")
            parent = None
            with project.session() as s:
                nodes = codebook.tree(s)
            for depth, name in enumerate(parts):
                path = codebook.SEP.join(parts[: depth + 1])
                existing = next((n.id for n in nodes.values() if n.path == path), None)
                last = depth == len(parts) - 1
                if existing is not None and not last:
                    parent = existing
                    continue
                if existing is not None:
                    raise UsageError(f"code '{path}' already exists")
                cmd = CreateCode(name, parent, color=args.color if last else None)
                cmd.do(project)
                parent = cmd.id
            print(f"added {args.add}")
        if not (args.load or args.add) or args.json:
            with project.session() as s:
                nodes = codebook.tree(s)
                counts = codebook.counts(s)
            if args.json:
                print_json([n.as_json() for n in nodes.values()])
            else:
                for n in nodes.values():
                    print(f"{'  ' * n.depth}{n.name}  ({counts.get(n.id, 0)})")
    return 0


def _is_hex(s: str) -> bool:
    h = s.lstrip("#")
    return len(h) in (6, 8) and all(c in "0123456789abcdefABCDEF" for c in h)
