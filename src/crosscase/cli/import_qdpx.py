"""``crosscase import-qdpx FILE --out PROJECT``: a new project from a REFI-QDA file.

The new project holds what FILE holds, nothing more: no default codebook.
What came in is printed on stdout; what had to be skipped, each with its
reason, on stderr. Exit code 0 when everything came in, 1 when something was
skipped (the rest is imported).

Selection positions are counted differently by different programs; the
``--offsets`` choices are:

- ``auto`` (default): from the program named in the file (NVivo: UTF-16;
  ATLAS.ti: code points with CRLF as one; others: the standard), confirmed
  source by source against the quoted text the file gives;
- ``codepoints``: Unicode code points, CRLF as two (the REFI-QDA standard);
- ``codepoints-crlf1``: code points, a CRLF line break as one (ATLAS.ti);
- ``utf16``: UTF-16 code units, CRLF as two (NVivo for Windows);
- ``utf16-crlf1``: UTF-16 code units, a CRLF line break as one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crosscase.cli.common import shown, started

HELP = "create a new project from a REFI-QDA project file (.qdpx)"

# Kept here (not imported) so that building the parser loads nothing heavy;
# a test checks they match crosscase.exchange.refi.positions.OFFSET_CHOICES.
OFFSET_CHOICES = ("auto", "codepoints", "codepoints-crlf1", "utf16", "utf16-crlf1")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", type=Path, help="the .qdpx file to import")
    parser.add_argument(
        "--out", metavar="PROJECT", type=Path, required=True,
        help="the new project file to create (it must not exist yet)",
    )
    parser.add_argument(
        "--offsets", choices=OFFSET_CHOICES, default="auto",
        help=(
            "how the file counts selection positions: auto (from the program that wrote it, "
            "checked against quoted text), codepoints (the standard), codepoints-crlf1 "
            "(ATLAS.ti), utf16 (NVivo for Windows), utf16-crlf1; default: auto"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from crosscase.exchange.refi import import_qdpx

    started()
    report = import_qdpx(Path(args.file), Path(args.out), offsets=args.offsets)
    for line in report.summary_lines():
        print(shown(line))
    for line in report.skipped_lines():
        print(shown(line), file=sys.stderr)
    return 0 if report.ok else 1
