from __future__ import annotations

import argparse

from crosscase.cli.common import started


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project_path", metavar="PROJECT", nargs="?",
                   help="the .crosscase project file or a postgresql:// URL to open")
    p.add_argument("--screenshot", metavar="PNG",
                   help="render the main window on PROJECT, save it as PNG and exit")


def run(args: argparse.Namespace) -> int:
    from crosscase.ui.app import run as run_gui

    started()
    return run_gui(args.project_path, screenshot=args.screenshot)
