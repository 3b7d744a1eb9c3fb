"""Stale temporary files of Crosscase's own naming, removed on the next run.

Every file Crosscase writes is first written under a hidden temporary name
beside its target and renamed into place when whole: a QDPX import builds its
project as ``.NAME.XXXXXXXX.part`` (with its lock file ``..NAME.XXXXXXXX.part.lock``
and SQLite's side files), an export writes ``.NAME.XXXXXXXX.part`` or
``.NAME.XXXXXXXX.tmp`` or (through ``crosscase.exchange.files.replacing``)
``.NAME.crosscase-part-XXXXXXXX``, an upgrade's backup is written as
``.NAME.before-upgrade-STAMP.crosscase.part``. A process killed while writing
leaves its temporary behind; opening or creating a project removes those in
its folder that nobody is writing:

- a temporary project whose lock no process holds is removed at once (the lock
  dies with its process, so a free lock proves the writer is gone);
- any other temporary is removed when no process holds an OS lock on it and it
  has not changed for :data:`~crosscase.domain.limits.STALE_TEMPORARY_SECONDS`.

Only regular files owned by this user are removed; links are never followed.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import sys
import time
from pathlib import Path

from crosscase.db.lock import is_locked, lock_path
from crosscase.domain.limits import STALE_TEMPORARY_SECONDS

log = logging.getLogger("crosscase")

#: hidden names Crosscase gives its temporaries (an export's, an import's, a backup's)
TEMPORARY = re.compile(r"^\..+(\.part|\.[A-Za-z0-9_]{8}\.tmp|\.crosscase-part-[A-Za-z0-9_]{8})$")
SIDE = ("-wal", "-shm", "-journal")


def _mine(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode) and (not hasattr(os, "getuid") or st.st_uid == os.getuid())


def _unlink(path: Path) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False


def _flock_free(path: Path) -> bool:
    """Whether no process holds an OS lock on ``path`` (a writer that locks its file)."""
    if sys.platform == "win32":  # pragma: no cover - an open file cannot be removed there anyway
        return True
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def remove_stale(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove stale temporaries in ``folder``; returns what was removed (never raises)."""
    removed: list[Path] = []
    now = time.time() if now is None else now
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not TEMPORARY.match(name):
            continue
        path = Path(folder) / name
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            continue
        if not _mine(st):
            continue
        lock = lock_path(path)
        if lock.exists():
            if is_locked(path):
                continue  # a live import or upgrade is writing it
        elif now - st.st_mtime < STALE_TEMPORARY_SECONDS or not _flock_free(path):
            continue
        if _unlink(path):
            removed.append(path)
            for suffix in SIDE:
                _unlink(path.with_name(name + suffix))
            _unlink(lock)
    if removed:
        log.info("removed %d stale temporary files in %s", len(removed), folder)
    return removed
