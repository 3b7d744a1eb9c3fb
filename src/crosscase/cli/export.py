from __future__ import annotations

import argparse
from pathlib import Path

from crosscase.cli.common import add_project, open_


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--format", required=True, choices=["qdpx", "qdc", "docx", "xlsx"])
    p.add_argument("--out", required=True, type=Path, metavar="FILE")


def run(args: argparse.Namespace) -> int:
    with open_(args) as project:
        if args.format in ("qdpx", "qdc"):
            from crosscase.exchange import refi

            fn = refi.export_qdpx if args.format == "qdpx" else refi.export_qdc
            report = fn(project, args.out)
            for line in report.lines() if report is not None else []:
                print(line)
        else:
            from crosscase.exchange.reports import export_report

            export_report(project, args.out, args.format)
    print(f"wrote {args.out}")
    return 0
