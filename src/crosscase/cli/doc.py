"""``crosscase doc rename|delete PROJECT DOC [NEW]``, ``crosscase doc move PROJECT DOC --case NAME``."""

from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, check_rename_args, open_, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("rename", "move", "delete"), help="what to do")
    add_project(p)
    p.add_argument("document", metavar="DOC", help="document name, Case/Name, or id")
    p.add_argument("new", metavar="NEW", nargs="?", help="the new name (rename only)")
    p.add_argument("--case", metavar="NAME", help="move: the case the document goes to")


def run(args: argparse.Namespace) -> int:
    from crosscase.commands.documents import DeleteDocument, MoveDocument, RenameDocument
    from crosscase.domain.errors import UsageError
    from crosscase.services import cases, documents

    check_rename_args("doc", args, "DOC")
    if args.action == "move" and not args.case:
        raise UsageError("give the case to move it to: crosscase doc move PROJECT DOC --case NAME")
    if args.case and args.action != "move":
        raise UsageError("--case goes with doc move")
    with open_(args) as project:
        with project.session() as s:
            doc = documents.resolve(s, args.document)
            info = documents.document_info(s, doc)
            target = cases.resolve(s, args.case) if args.case else None
        where = f"{info.case}/{info.name}"
        if args.action == "rename":
            RenameDocument(doc, args.new).do(project)
            print(shown(f"renamed {where} to {args.new.strip()}"))
        elif args.action == "move":
            assert target is not None
            move = MoveDocument(doc, target)
            move.do(project)
            to = move.details()["case_name"]
            print(shown(f"moved {info.name} from {info.case} to {to}"))
            if move.unpinned:
                print(shown(f"{move.unpinned} pinned quote(s) left the framework cells "
                            f"of {info.case}"))
        else:
            cmd = DeleteDocument(doc)
            cmd.do(project)
            n = cmd.codings
            print(shown(f"deleted {where} with {n} coding{'' if n == 1 else 's'}"))
    return 0
