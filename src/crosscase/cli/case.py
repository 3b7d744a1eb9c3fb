"""``crosscase case add|rename|delete PROJECT NAME [NEW]``."""

from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, check_rename_args, open_, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("add", "rename", "delete"), help="what to do")
    add_project(p)
    p.add_argument("name", metavar="NAME", help="the case (name or id)")
    p.add_argument("new", metavar="NEW", nargs="?", help="the new name (rename only)")
    p.add_argument("--parent", metavar="CASE", help="add: the case the new case sits under")


def run(args: argparse.Namespace) -> int:
    from crosscase.commands.cases import CreateCase, DeleteCase, EditCase
    from crosscase.domain.errors import UsageError
    from crosscase.services import cases

    check_rename_args("case", args, "NAME")
    if args.parent and args.action != "add":
        raise UsageError("--parent goes with case add")
    with open_(args) as project:
        if args.action == "add":
            parent = None
            if args.parent:
                with project.session() as s:
                    parent = cases.resolve(s, args.parent)
            CreateCase(args.name, parent).do(project)
            print(shown(f"added case {args.name.strip()}"))
            return 0
        with project.session() as s:
            case_id = cases.resolve(s, args.name)
            old = dict(cases.case_names(s))[case_id]
        if args.action == "rename":
            EditCase(case_id, name=args.new).do(project)
            print(shown(f"renamed case {old} to {args.new.strip()}"))
            return 0
        cmd = DeleteCase(case_id)
        cmd.do(project)
        print(shown(f"deleted case {old} with {_n(cmd.documents, 'document')} and "
                    f"{_n(cmd.codings, 'coding')}"))
    return 0


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
