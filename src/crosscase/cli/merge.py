"""``crosscase merge BASE OTHER... --out MERGED``: coders' copies into one new project.

MERGED starts as a copy of BASE; each OTHER adds what BASE lacks (documents
matched by their text, codes by GUID and path, cases and coders by name; each
coding keeps its coder). The report (what came from each file, and every
conflict, with BASE's value kept and the other listed) is printed; the
inputs are only read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crosscase.cli.common import shown, started


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("base", metavar="BASE", type=Path,
                   help="the project to start from; its values win a conflict")
    p.add_argument("others", metavar="OTHER", type=Path, nargs="+",
                   help="the projects whose work is added, in this order")
    p.add_argument("--out", metavar="MERGED", type=Path, required=True,
                   help="the new project file to write (it must not exist yet)")
    p.add_argument("--coder", metavar="NAME", help="who merges (recorded in the change history)")


def run(args: argparse.Namespace) -> int:
    from crosscase.cli.common import coder_name
    from crosscase.exchange.merge import merge_projects

    started()
    report = merge_projects(args.base, list(args.others), args.out, coder=coder_name(args))
    for line in report.text().split("\n"):
        print(shown(line))
    return 0
