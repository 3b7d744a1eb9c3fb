"""``crosscase push FILE.crosscase URL``: put a project file on a PostgreSQL server.

Into an empty database the whole project is copied (every table, ids, coders
and the history), in one transaction: a failed push leaves the database empty.
Into a database holding a project (the one a copy was pulled from) the file's
new work is merged and the merge's report, with every conflict, is printed.
The password comes from the URL, PGPASSWORD or ~/.pgpass; Crosscase never
stores it.
"""

from __future__ import annotations

import argparse
import sys

from crosscase.cli.common import shown, started


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the .crosscase project file (only read)")
    p.add_argument("url", metavar="URL",
                   help="postgresql://USER@HOST[:PORT]/DATABASE: an empty database, or the "
                        "shared project to merge the file's work into")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress line")


def run(args: argparse.Namespace) -> int:
    from crosscase.cli.common import coder_name
    from crosscase.cli.pull import clear_line, progress_line
    from crosscase.exchange.shared import push

    coder = coder_name(args)
    started()
    show = not args.quiet and sys.stderr.isatty()
    try:
        report = push(args.file, args.url, progress_line("pushing", show), coder=coder)
    finally:
        clear_line(show)
    for line in report.text().split("\n"):
        print(shown(line))
    return 0
