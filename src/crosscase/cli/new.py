from __future__ import annotations

import argparse

from crosscase.cli.common import location, shown, started, with_password


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project_path", metavar="PROJECT",
                   help="the new .crosscase file, or a postgresql:// URL of an empty database "
                        "to make a shared project")
    p.add_argument("--empty", action="store_true", help="no codebook (default: the study's codebook)")
    p.add_argument("--name", help="the project's title (default: the file or database name)")


def _with_password(url: str, password: str | None) -> str:
    """``url`` carrying ``password`` (typed at the prompt) for the connection only."""
    if password is None:
        return url
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    user, at, host = parts.netloc.rpartition("@")
    if not at:
        return url  # no user named: libpq's own default user, whose password the server refused
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def run(args: argparse.Namespace) -> int:
    from crosscase.services import codebook
    from crosscase.services.projects import new_project

    where = location(args.project_path)
    started()
    if isinstance(where, str):
        from crosscase.db.server import redacted

        url = where
        project = with_password(url, lambda password: new_project(
            _with_password(url, password), empty=args.empty, name=args.name))
        shown_as = redacted(url)
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

