from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.cli.common import add_project, open_, shown

if TYPE_CHECKING:
    from crosscase.domain.progress import Progress
    from crosscase.services.documents import FileResult


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("files", metavar="FILE", nargs="+", type=Path, help="files or folders")
    p.add_argument("--case", required=True, help="the case the documents belong to (made if new)")
    p.add_argument("--password", help="password of protected PDFs")
    p.add_argument("--keep-duplicates", action="store_true",
                   help="import a file even if the same file is already in the project")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _bar(show: bool) -> Callable[[Progress], None]:
    def draw(progress: Progress) -> None:
        if not show or not progress.total:
            return
        width = 30
        filled = int(width * progress.done / progress.total)
        label = progress.label[:40]
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} {label:<40}"
        )
        if progress.done == progress.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return draw


def run(args: argparse.Namespace) -> int:
    from crosscase.domain.progress import Progress
    from crosscase.services.documents import import_files

    show = not args.quiet and sys.stderr.isatty()
    progress = Progress(on_change=_bar(show))

    def report(result: FileResult) -> None:
        if result.status != "imported":
            if show:
                sys.stderr.write("\r" + " " * 80 + "\r")
            print(shown(result.message), file=sys.stderr)

    with open_(args) as project:
        rep = import_files(project, args.files, args.case, password=args.password,
                           allow_duplicates=args.keep_duplicates, progress=progress,
                           on_result=report)
    n_ok, n_skip, n_fail = len(rep.imported), len(rep.skipped), len(rep.failed)
    print(shown(f"imported {n_ok}, skipped {n_skip}, failed {n_fail} into case '{args.case}'"))
    return 1 if n_fail else 0
