from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crosscase.cli.common import started


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("demo"), help="folder for the demo (default: ./demo)")
    p.add_argument("--no-gui", action="store_true",
                   help="print the matrix and write the Word report instead of opening the workbench")


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    from crosscase.demo import build_demo

    started()
    path = build_demo(args.out)
    print(f"built the demo project: {path}")
    if not args.no_gui and has_display():
        from crosscase.ui.app import run as run_gui

        return run_gui(str(path))
    if not args.no_gui:
        print("no display found: printing the matrix and writing the Word report instead")
    from crosscase.db.project import open_project

    with open_project(path) as project:
        from crosscase.analysis.matrix import compute_matrix
        from crosscase.exchange.reports import export_report, matrix_files

        print()
        for measure in ("segments", "rate"):
            matrix = compute_matrix(project, cols="cases", measure=measure, rollup=True)
            sys.stdout.write(matrix_files.to_table(matrix))
            print()
        report = args.out / "Co-production study report.docx"
        export_report(project, report, "docx", rollup=True)
        print(f"wrote the Word report: {report.resolve()}")
    return 0
