from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.cli.common import add_project, open_, print_json, shown

if TYPE_CHECKING:
    from crosscase.commands.base import Command, StepFactory


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--load", type=Path, metavar="FILE",
                   help="add the codes of a codebook file (.json or REFI-QDA .qdc)")
    p.add_argument("--add", metavar="PATH", help="add a code by path, e.g. 'Innovation/Digital'")
    p.add_argument("--color", metavar="HEX", help="colour of the added code, e.g. #cc5500")


def run(args: argparse.Namespace) -> int:
    from crosscase.commands.base import Sequence
    from crosscase.domain.errors import UsageError
    from crosscase.services import codebook

    with open_(args) as project:
        if args.load:
            from crosscase.exchange.codebook import read_codebook, report

            book = read_codebook(args.load)
            load = book.command()
            load.do(project)  # one transaction, one change
            for line in report(book, load).lines():
                print(shown(line))
        if args.add:
            if args.color and not _is_hex(args.color):
                raise UsageError(f"colour '{args.color}' is not a hex colour like #cc5500")
            parts = [x.strip() for x in args.add.split(codebook.SEP) if x.strip()]
            if not parts:
                raise UsageError("--add needs a code path")
            parent = None
            with project.session() as s:
                nodes = codebook.tree(s)
            steps: list[StepFactory] = []
            for depth, name in enumerate(parts):
                path = codebook.SEP.join(parts[: depth + 1])
                existing = next((n.id for n in nodes.values() if n.path == path), None)
                last = depth == len(parts) - 1
                if existing is not None and not last:
                    parent = existing
                    continue
                if existing is not None:
                    raise UsageError(f"code '{path}' already exists")
                steps.append(_under_last(name, parent, args.color if last else None))
            # the missing levels are created together: all of them or none
            Sequence(f"New code '{args.add}'", steps).do(project)
            print(shown(f"added {args.add}"))
        if not (args.load or args.add) or args.json:
            with project.session() as s:
                nodes = codebook.tree(s)
                counts = codebook.counts(s)
            if args.json:
                print_json([n.as_json() for n in nodes.values()])
            else:
                for n in nodes.values():
                    print(f"{'  ' * n.depth}{shown(n.name)}  ({counts.get(n.id, 0)})")
    return 0


def _under_last(name: str, parent: int | None, color: str | None) -> StepFactory:
    """A step creating ``name`` under the code the step before created (or ``parent``)."""
    from crosscase.commands.codebook import CreateCode

    def make(done: list[Command]) -> Command:
        before = done[-1] if done else None
        under = before.id if isinstance(before, CreateCode) else parent
        return CreateCode(name, under, color=color)

    return make


def _is_hex(s: str) -> bool:
    h = s.lstrip("#")
    return len(h) in (6, 8) and all(c in "0123456789abcdefABCDEF" for c in h)
