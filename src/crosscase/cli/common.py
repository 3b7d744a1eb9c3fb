"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from crosscase.db.project import Project

T = TypeVar("T")

PROJECT_HELP = "the .crosscase project file or a postgresql:// URL"


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project_path", metavar="PROJECT", help=PROJECT_HELP)


def location(value: str) -> Path | str:
    """A PROJECT argument as the core takes it: a shared project's URL stays a
    string (it must never pass through ``Path``), anything else is a file."""
    from crosscase.db.server import is_url

    return value if is_url(value) else Path(value)


def with_password(url: str, attempt: Callable[[str | None], T]) -> T:
    """``attempt(None)``; when the server asks for a password that the URL,
    ``PGPASSWORD`` and ``~/.pgpass`` do not give and a person sits at the
    terminal, ask once (not echoed) and ``attempt(password)``. The password is
    only passed on: never printed, logged or kept."""
    import getpass
    from urllib.parse import urlsplit

    from crosscase.db.server import PasswordNeeded, redacted

    try:
        return attempt(None)
    except PasswordNeeded:
        if urlsplit(url).password is not None or not sys.stdin.isatty():
            raise
    try:
        password = getpass.getpass(f"Password for {redacted(url)}: ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        password = ""
    if not password:
        from crosscase.domain.errors import ProjectOpenError

        raise ProjectOpenError(f"{redacted(url)}: no password given") from None
    return attempt(password)


def open_location(value: str, *, readonly: bool) -> Project:
    """Open the project file, or the shared project at a URL (asking for its password
    at the terminal when the server wants one that nothing else gives)."""
    from crosscase.db.project import open_project

    where = location(value)
    if isinstance(where, str):
        from crosscase.db.server import open_shared

        return with_password(where, lambda password: open_shared(
            where, readonly=readonly, password=password))
    return open_project(where, readonly=readonly)


_paused = False


def pause_collector() -> None:
    """Hold Python's cyclic collector off while a command loads its modules.

    Start-up allocates a great many long-lived objects (modules, classes,
    SQLAlchemy's mappers), and every collection during it walks them all
    again, for nothing: most of a short command's CPU time. ``main()`` calls
    this when it runs as the program; :func:`started` ends it.
    """
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def started() -> None:
    """Start-up is over: what it loaded stays for the whole run, so it is frozen
    out of the collector's sight (``gc.freeze``) and the collector runs again.

    A command calls this (or :func:`open_`, which does) before its real work,
    so a long import or export collects its garbage as usual.
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


#: commands that only read the project: they open it read-only, so they work on a
#: read-only file or folder and while another program holds SQLite's write lock
READ_ONLY_COMMANDS = frozenset({"docs", "text", "segments", "matrix", "contrast", "export",
                                "cooccur", "chart"})


def reads_only(args: argparse.Namespace) -> bool:
    """Whether the command in ``args`` never writes to its project."""
    command = getattr(args, "command", None)
    if command == "codebook":
        return not (getattr(args, "load", None) or getattr(args, "add", None))
    return command in READ_ONLY_COMMANDS


#: commands that change their project: each takes ``--coder NAME`` (added by the registry)
CHANGING_COMMANDS = frozenset({
    "import", "case", "doc", "codebook", "code", "autocode", "coders", "sample", "query",
    "push",
})


def add_coder(parser: argparse.ArgumentParser) -> None:
    """``--coder NAME``: who makes the change (once per changing command, from the registry)."""
    if any("--coder" in a.option_strings for a in parser._actions):
        return  # the command has its own
    parser.add_argument(
        "--coder", metavar="NAME",
        help="who makes the change (default: the last coder named on this machine, "
             "else CROSSCASE_CODER or your login); remembered for next time",
    )


def coder_name(args: argparse.Namespace) -> str:
    """Who runs the command: ``--coder NAME`` (then remembered as this machine's
    coder), else ``CROSSCASE_CODER``, the machine's last coder or the login name."""
    from crosscase.services import coders

    given = getattr(args, "coder", None)
    name = coders.default_name(given if isinstance(given, str) else None)
    if isinstance(given, str) and given and getattr(args, "command", None) in CHANGING_COMMANDS:
        coders.remember(name)
    return name


def open_(args: argparse.Namespace) -> Project:
    """Open the command's project: read-only for a command that only reads.

    Every failure is a :class:`~crosscase.domain.errors.ProjectOpenError` (exit 3)
    or :class:`~crosscase.domain.errors.DiskFull` with one line naming the file
    (or the shared project's URL, without its password): locked by Crosscase,
    busy in another program, damaged, read-only, not a regular file, newer, an
    upgrade that failed, a server that cannot be reached or refuses the password.
    """
    project = open_location(args.project_path, readonly=reads_only(args))
    try:
        project.coder_name = coder_name(args)
    except BaseException:
        project.close()
        raise
    started()
    return project


def check_rename_args(command: str, args: argparse.Namespace, what: str) -> None:
    """``command ACTION PROJECT WHAT [NEW]``: only ``rename`` takes NEW, and needs it."""
    from crosscase.domain.errors import UsageError

    if args.action != "rename" and args.new is not None:
        raise UsageError(f"{command} {args.action} takes one {what}; only rename takes NEW")
    if args.action == "rename" and not args.new:
        raise UsageError(f"give the new name: crosscase {command} rename PROJECT {what} NEW")


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def err(line: str) -> None:
    print(line, file=sys.stderr)


def shown(text: object) -> str:
    """A name, message or line as the terminal should show it: a line break,
    an escape sequence or a byte that is not UTF-8 appears escaped (``\\n``,
    ``\\x1b``, ``\\udcfc``) instead of acting on the terminal."""
    from crosscase.domain.names import escaped

    return escaped(str(text))
