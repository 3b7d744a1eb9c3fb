"""``crosscase pull URL FILE.crosscase``: a shared project copied into a new project file.

The file holds exactly the server's rows (ids, coders, history), read from one
consistent snapshot while colleagues may go on working; it is written under a
hidden temporary name and appears only when whole. An existing file is never
written over. Work done in the copy goes back with ``crosscase push``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.cli.common import shown, started

if TYPE_CHECKING:
    from crosscase.domain.progress import Progress


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL", help="postgresql://USER@HOST[:PORT]/DATABASE")
    p.add_argument("file", metavar="FILE",
                   help="the new .crosscase file to write (it must not exist yet)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress line")


def progress_line(verb: str, show: bool) -> Progress:
    """A progress line on stderr (rows copied), redrawn in place; nothing when not ``show``."""
    from crosscase.domain.progress import Progress

    def draw(progress: Progress) -> None:
        if not show or not progress.total:
            return
        sys.stderr.write(f"\r{verb}: {progress.done}/{progress.total} rows "
                         f"{shown(progress.label)[:30]:<30}")
        if progress.done >= progress.total:
            clear_line(show)
        sys.stderr.flush()

    return Progress(on_change=draw)


def clear_line(show: bool) -> None:
    """Take the progress line away (before the report, or an error's one line)."""
    if show:
        sys.stderr.write("\r" + " " * 70 + "\r")
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from crosscase.db.server import is_url
    from crosscase.exchange.shared import pull

    path = args.file
    if not is_url(path) and Path(path).suffix != ".crosscase":
        path = Path(path).with_name(Path(path).name + ".crosscase")
    started()
    show = not args.quiet and sys.stderr.isatty()
    try:
        report = pull(args.url, path, progress_line("pulling", show))
    finally:
        clear_line(show)
    print(shown(report.text()))
    return 0
