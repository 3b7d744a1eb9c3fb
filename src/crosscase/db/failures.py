"""What went wrong with a project file, in one line a researcher understands.

SQLite reports a held lock, a full disk, a damaged file or a read-only file
as result codes; :func:`translate` turns each into the matching
:class:`~crosscase.domain.errors.CrosscaseError` naming the file (and, for a
damaged file, its newest backup), so no command and no dialog ever shows an
``OperationalError``.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from crosscase.domain.errors import (
    CrosscaseError,
    DiskFull,
    ProjectBusy,
    ProjectDamaged,
    ProjectOpenError,
    ProjectReadOnly,
)
from crosscase.domain.limits import LOCK_WAIT_SECONDS

# SQLite's primary result codes (sqlite3.h)
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def backups(path: Path) -> list[Path]:
    """The backups Crosscase made of ``path``, newest last (by name: the stamp sorts)."""
    found = [p for p in path.parent.glob(f"{path.stem}.*-????????-??????*{path.suffix}")
             if p != path and p.is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def newest_backup_note(path: Path) -> str:
    """``; the newest backup is NAME`` or nothing."""
    try:
        found = backups(path)
    except OSError:
        return ""
    return f"; the newest backup is {found[-1].name}" if found else ""


def busy(path: Path) -> ProjectBusy:
    return ProjectBusy(
        f"{path.name}: is busy in another program (it has held the database lock for "
        f"{LOCK_WAIT_SECONDS:g} s); close the project there, then try again"
    )


def damaged(path: Path, why: str) -> ProjectDamaged:
    wal = path.with_name(path.name + "-wal")
    hint = ""
    if wal.exists() and wal.stat().st_size:
        hint = f" (or {wal.name} beside it belongs to another file)"
    return ProjectDamaged(f"{path.name}: is damaged{hint}: {why}{newest_backup_note(path)}")


def disk_full(path: Path) -> DiskFull:
    return DiskFull(f"{path.name}: the disk is full; nothing was saved by this command "
                    "(free some space, then try again)")


def read_only(path: Path) -> ProjectReadOnly:
    return ProjectReadOnly(f"{path.name}: is read-only (the file or its folder cannot be written); "
                           "it can only be read")


def translate(path: Path, exc: BaseException) -> CrosscaseError | None:
    """The user's error for ``exc`` raised while using the project at ``path``, if it is one."""
    if isinstance(exc, CrosscaseError):
        return exc
    if isinstance(exc, OSError):
        if exc.errno in FULL_ERRNOS:
            return disk_full(path)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return read_only(path)
        return None
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc).lower()
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text:
        return busy(path)
    if primary == SQLITE_FULL or "database or disk is full" in text:
        return disk_full(path)
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return damaged(path, str(exc))
    if primary == SQLITE_READONLY or "readonly database" in text:
        return read_only(path)
    if primary == SQLITE_IOERR or "disk i/o error" in text:
        return ProjectOpenError(f"{path.name}: cannot be read or written (a disk error: {exc})")
    if primary == SQLITE_CANTOPEN or "unable to open database" in text:
        return ProjectOpenError(f"{path.name}: cannot be opened (SQLite cannot open the file "
                                "or create its -wal file beside it)")
    return None
