"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project_path", metavar="PROJECT", help="the .crosscase project file")


def open_(args: argparse.Namespace) -> Any:
    from crosscase.db.project import open_project

    return open_project(Path(args.project_path))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def err(line: str) -> None:
    print(line, file=sys.stderr)
