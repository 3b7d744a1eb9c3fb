from __future__ import annotations

import argparse
import sys

from crosscase.cli.common import add_project, open_


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("document", metavar="DOC", help="document name, Case/Name, or id")


def run(args: argparse.Namespace) -> int:
    from crosscase.services import documents

    with open_(args) as project, project.session() as s:
        text = documents.text_of(s, documents.resolve(s, args.document))
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0
