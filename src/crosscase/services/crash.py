"""Crash reports: what went wrong inside Crosscase, kept for a bug report.

An error Crosscase did not foresee is never shown to a researcher as an
exception's name or a traceback. Instead its traceback, the version, the
platform and the command line go to a file in the user's data folder
(``$XDG_DATA_HOME/crosscase/crash-reports``, else
``~/.local/share/crosscase/crash-reports``), readable by its owner only, and
the researcher gets one line naming that file.

Interview data are confidential, so a report holds no document text: the
traceback has file names, line numbers and the program's own source lines but
no variables; quoted values in exception messages are replaced by their
length; and the values of options that carry text (``--quote``, ``--memo``,
``--password``, ...) are left out of the command line.
"""

from __future__ import annotations

import errno
import os
import platform
import re
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

#: options whose value is document text, a memo, a password or a search pattern
TEXT_OPTIONS = frozenset({
    "--quote", "--memo", "--password", "--pattern", "--title", "--definition",
    "--inclusion", "--exclusion", "--example", "--summary", "--text",
})
MAX_MESSAGE_CHARS = 300
MAX_CHAIN = 8

_QUOTED = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\"""", re.S)


def reports_folder() -> Path:
    """Where crash reports go: the user's data folder, as the XDG spec names it."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "crosscase" / "crash-reports"


def redact_message(message: str) -> str:
    """An exception's message with every quoted value replaced by its length,
    on one line, cut to :data:`MAX_MESSAGE_CHARS`."""
    message = _QUOTED.sub(lambda m: f"<{len(m.group()) - 2} characters>", message)
    message = " ".join(message.split())
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 3] + "..."
    return message


def redact_argv(argv: Sequence[str]) -> list[str]:
    """The command line with the values of :data:`TEXT_OPTIONS` left out."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        arg = arg.encode("utf-8", "backslashreplace").decode("utf-8")
        if hide_next:
            out.append("<left out>")
            hide_next = False
            continue
        option, eq, _ = arg.partition("=")
        if option in TEXT_OPTIONS:
            out.append(f"{option}=<left out>" if eq else option)
            hide_next = not eq
            continue
        out.append(arg)
    return out


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, oldest first (as Python prints them)."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen and len(chain) < MAX_CHAIN:
        chain.append(cur)
        seen.add(id(cur))
        if cur.__cause__ is not None:
            cur = cur.__cause__
        elif cur.__context__ is not None and not cur.__suppress_context__:
            cur = cur.__context__
        else:
            cur = None
    return chain[::-1]


def format_traceback(exc: BaseException) -> str:
    """The traceback without variables, with every message redacted."""
    parts: list[str] = []
    for n, e in enumerate(_chain(exc)):
        if n:
            parts.append("\nDuring handling of the above, or caused by it:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(e.__traceback__)))
        kind = f"{type(e).__module__}.{type(e).__qualname__}"
        parts.append(f"{kind}: {redact_message(str(e))}\n")
    return "".join(parts)


def report_text(exc: BaseException, argv: Sequence[str] | None = None, where: str = "") -> str:
    from crosscase import __version__

    args = list(sys.argv if argv is None else ["crosscase", *argv])
    lines = [
        "Crosscase crash report",
        "",
        f"version:  crosscase {__version__}",
        f"python:   {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
        f"time:     {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"command:  {' '.join(redact_argv(args))}",
    ]
    if where:
        lines.append(f"where:    {where}")
    lines += [
        "",
        "No document text is kept here: quoted values are replaced by their length and",
        "text options are left out. Attach this file to a bug report if you wish.",
        "",
        format_traceback(exc),
    ]
    return "\n".join(lines)


def write_report(
    exc: BaseException, argv: Sequence[str] | None = None, where: str = ""
) -> Path | None:
    """Write a crash report for ``exc`` and return its path (None if it cannot be written).

    The folder is made owner-only; the file is created owner-only, never
    replacing another report.
    """
    try:
        text = report_text(exc, argv, where)
        folder = reports_folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.chmod(folder, 0o700)
        except OSError:
            pass
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            suffix = f"-{n}" if n else ""
            path = folder / f"crash-{stamp}-{os.getpid()}{suffix}.txt"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                             0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(text)
            return path
    except Exception:  # noqa: BLE001 - a report that cannot be written must not hide the error
        return None
    return None


def environment_problem(exc: BaseException) -> str | None:
    """One line for an operating-system error a person can act on, or None."""
    if not isinstance(exc, OSError) or exc.errno is None:
        return None
    name = Path(str(exc.filename)).name if exc.filename else ""
    where = f"{name}: " if name else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{where}permission denied"
    if exc.errno == errno.EROFS:
        return f"{where}the disk is read-only"
    if exc.errno == errno.EDQUOT:
        return f"{where}the disk quota is used up"
    if exc.strerror and name:
        return f"{name}: {exc.strerror.lower()}"
    return None


def unexpected(exc: BaseException, argv: Sequence[str] | None = None, where: str = "") -> str:
    """One line for an error Crosscase did not foresee, naming the crash report.

    An operating-system error a person can act on (a full disk, a permission)
    is that line alone; anything else is written up with :func:`write_report`.
    """
    plain = environment_problem(exc)
    if plain is not None:
        return plain
    if isinstance(exc, MemoryError):
        lead = "ran out of memory"
    elif isinstance(exc, RecursionError):
        lead = "the input is nested too deeply to handle"
    else:
        lead = "something went wrong inside Crosscase"
    path = write_report(exc, argv, where)
    if path is None:
        return f"{lead} (a crash report could not be written to {reports_folder()})"
    return f"{lead}; a crash report was written to {path}"
