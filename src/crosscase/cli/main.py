"""The ``crosscase`` command: a registry of subcommands with exit codes.

Each subcommand lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``. Modules keep their top-level imports light; heavy
libraries (Qt, pandas, pdfminer) load only in the command that needs them.

Exit codes: 0 success; 1 some inputs failed (each named on stderr, the
rest done); 2 usage error; 3 the project cannot be opened.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from crosscase import __version__
from crosscase.cli import common

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "gui": ("crosscase.cli.gui", "open the workbench"),
    "demo": ("crosscase.cli.demo", "build the coded demo project from the sample data and open it"),
    "new": ("crosscase.cli.new", "start a project from the default codebook, or empty"),
    "import": ("crosscase.cli.import_files", "import documents into a case"),
    "case": ("crosscase.cli.case", "add, rename or delete a case"),
    "doc": ("crosscase.cli.doc", "rename, move to another case, or delete a document"),
    "docs": ("crosscase.cli.docs", "list the documents"),
    "text": ("crosscase.cli.text", "print a document's stored text exactly"),
    "codebook": ("crosscase.cli.codebook", "show, load or extend the codebook"),
    "code": ("crosscase.cli.code", "code a passage by offsets or by quote, or many from a file"),
    "autocode": ("crosscase.cli.autocode", "code every match of a pattern"),
    "segments": ("crosscase.cli.segments", "list coded segments with citations"),
    "matrix": ("crosscase.cli.matrix", "the cross-case matrix"),
    "cooccur": ("crosscase.cli.cooccur", "which codes meet in the same passages, by case"),
    "chart": ("crosscase.cli.chart", "draw a chart (heatmap, cooccur, profiles, portrait) as SVG, PNG or PDF"),
    "contrast": ("crosscase.cli.contrast", "codes found in one column only, the other only, or both"),
    "export": ("crosscase.cli.export", "export the report (docx, xlsx) or REFI-QDA (qdpx, qdc)"),
    "import-qdpx": ("crosscase.cli.import_qdpx", "a new project from a REFI-QDA .qdpx file"),
    "log": ("crosscase.cli.log", "the change history: who did what, when"),
    "agreement": ("crosscase.cli.agreement", "how far two or more coders agree, per code"),
    "query": ("crosscase.cli.query", "a coding query: where codes meet, with citations"),
    "coders": ("crosscase.cli.coders", "list the project's coders, or add one"),
    "sample": ("crosscase.cli.sample", "open a reliability round on a stratified sample, or close one"),
    "disagreements": ("crosscase.cli.disagreements", "where two coders' codings differ, to review"),
    "merge": ("crosscase.cli.merge", "merge coders' copies of a project into a new project"),
    "push": ("crosscase.cli.push", "copy a project file to a PostgreSQL server, or merge it into the one there"),
    "pull": ("crosscase.cli.pull", "copy a shared project from its server into a new project file"),
    "members": ("crosscase.cli.members", "who may do what in a shared project: roles on its server"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        self.exit(2, f"crosscase: {message} (see: {self.prog} --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` just that command's part.

    ``only`` is for a run whose first argument names the command: it imports
    one command module instead of all of them (the start-up every command pays).
    """
    parser = _Parser(prog="crosscase", description="Comparative qualitative case studies.")
    parser.add_argument("--version", action="version", version=f"crosscase {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_) in COMMANDS.items():
        if only is not None and name != only:
            continue
        p = sub.add_parser(name, help=help_, description=help_)
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue  # a command whose module is not installed is left out
        mod.add_arguments(p)
        if name in common.CHANGING_COMMANDS:
            common.add_coder(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; with no ``argv``, as the program (``sys.argv``)."""
    program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            # a name that is not valid UTF-8 is shown escaped, never an encoding error
            stream.reconfigure(  # type: ignore[union-attr]  # TextIO lacks it
                encoding="utf-8", errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    if not argv:
        argv = ["gui"]
    if program:
        common.pause_collector()  # until the command has loaded what it needs
    try:
        return _run(argv)
    finally:
        common.started()


def _run(argv: list[str]) -> int:
    parser = build_parser(argv[0] if argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    from crosscase.domain.errors import CrosscaseError

    try:
        mod = importlib.import_module(args._module)
        return int(mod.run(args) or 0)
    except CrosscaseError as exc:
        print(f"crosscase: {common.shown(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("crosscase: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("CROSSCASE_DEBUG"):
            raise
        from crosscase.services.crash import unexpected

        print(f"crosscase: {common.shown(unexpected(exc, argv))}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
