from __future__ import annotations

import argparse

from crosscase.cli.common import location, shown, started, with_password


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project_path", metavar="PROJECT",
                   help="the new .crosscase file, or a postgresql:// URL of an empty database "
                        "to make a shared project")
    p.add_argument("--empty", action="store_true", help="no codebook (default: the study's codebook)")
    p.add_argument("--name", help="the project's title (default: the file or database name)")


def run(args: argparse.Namespace) -> int:
    from crosscase.services import codebook
    from crosscase.services.projects import new_project

    where = location(args.project_path)
    started()
    if isinstance(where, str):
        from crosscase.db import server

        url = where
        project = with_password(url, lambda password: new_project(
            server.with_password(url, password), empty=args.empty, name=args.name))
        shown_as = server.redacted(url)
    else:
        path = where
        if path.suffix != ".crosscase":
            path = path.with_name(path.name + ".crosscase")
        project = new_project(path, empty=args.empty, name=args.name)
        shown_as = str(path)
    with project as p, p.session() as s:
        n = len(codebook.tree(s))
    print(shown(f"created {shown_as} with {n} codes"))
    return 0

