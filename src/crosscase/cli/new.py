from __future__ import annotations

import argparse
from pathlib import Path

from crosscase.cli.common import shown, started


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project_path", metavar="PROJECT", help="the new .crosscase file")
    p.add_argument("--empty", action="store_true", help="no codebook (default: the study's codebook)")
    p.add_argument("--name", help="the project's title (default: the file name)")


def run(args: argparse.Namespace) -> int:
    from crosscase.services import codebook
    from crosscase.services.projects import new_project

    path = Path(args.project_path)
    if path.suffix != ".crosscase":
        path = path.with_name(path.name + ".crosscase")
    started()
    with new_project(path, empty=args.empty, name=args.name) as p, p.session() as s:
        n = len(codebook.tree(s))
    print(shown(f"created {path} with {n} codes"))
    return 0
