"""``crosscase log PROJECT``: what was done to the project, by whom and when."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from crosscase.cli.common import add_project, open_, print_json, shown

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--coder", dest="by", metavar="NAME", help="only what NAME did")
    p.add_argument("--document", metavar="DOC", help="only changes to this document (name or id)")
    p.add_argument("--code", metavar="CODE", help="only changes to this code (path or name)")
    p.add_argument("--grep", metavar="TEXT", help="only entries whose text contains TEXT")


def run(args: argparse.Namespace) -> int:
    from crosscase.services import codebook, history

    with open_(args) as project, project.session() as s:
        doc = _document(s, args.document) if args.document else None
        code = codebook.resolve(s, args.code) if args.code else None
        rows = history.entries(s, coder=args.by, document=doc, code=code, text=args.grep)
    if args.json:
        print_json([h.as_json() for h in rows])
        return 0
    for h in rows:
        named = [n.label() for n in (*h.documents, *h.codes)]
        on = "; ".join(named[:4]) + (f"; +{len(named) - 4} more" if len(named) > 4 else "")
        print(shown(f"{h.at:%Y-%m-%d %H:%M:%S}  {h.coder}  {h.what}" + (f"  [{on}]" if on else "")))
    return 0


def _document(session: Session, spec: str) -> int:
    """A document by name or id; a deleted document by its id."""
    from crosscase.domain.errors import NotFound
    from crosscase.services import documents

    try:
        return documents.resolve(session, spec)
    except NotFound:
        if spec.strip().isdigit():
            return int(spec)
        raise
