"""Engine creation with the project's pragmas on every connection.

Every engine turns SQLite's own failures (a lock held by another program, a
full disk, a damaged or read-only file) into the user's one-line errors
(``crosscase.db.failures``) wherever they happen, in a command or the
workbench. SQLite's side files (``-wal``, ``-shm``) take the project file's
permissions when SQLite creates them; those of a project whose side files
were left readable by others are made owner-only on connect.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from crosscase.db.failures import translate
from crosscase.domain.limits import LOCK_WAIT_SECONDS

SIDE_FILES = ("-wal", "-shm", "-journal")


def private_side_files(path: Path) -> None:
    """Make SQLite's side files of ``path`` owner-only (those this user owns)."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        try:
            st = os.stat(side, follow_symlinks=False)
            if st.st_mode & 0o077 and (uid is None or st.st_uid == uid):
                os.chmod(side, 0o600)
        except OSError:
            pass


def _pragmas(path: Path, readonly: bool) -> Callable[[DBAPIConnection, ConnectionPoolEntry], None]:
    def set_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_SECONDS * 1000)}")
        cur.close()
        if not readonly:
            private_side_files(path)

    return set_pragmas


def sqlite_uri(path: Path, *, readonly: bool = False, immutable: bool = False) -> str:
    uri = "file:" + quote(str(Path(path).absolute()), safe="/")
    if immutable:
        return uri + "?immutable=1"
    return uri + ("?mode=ro" if readonly else "?mode=rw")


def connect(path: Path, *, readonly: bool = False, immutable: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection to an existing project file (never creates one)."""
    return sqlite3.connect(sqlite_uri(path, readonly=readonly, immutable=immutable), uri=True,
                           timeout=LOCK_WAIT_SECONDS, check_same_thread=False)


def make_engine(path: Path, *, readonly: bool = False, immutable: bool = False) -> Engine:
    """An engine on the existing file ``path``; read-only ones never write to it."""
    path = Path(path)
    engine = create_engine(
        f"sqlite:///{path}", future=True,
        creator=lambda: connect(path, readonly=readonly or immutable, immutable=immutable),
    )
    event.listen(engine, "connect", _pragmas(path, readonly or immutable))

    def handle_error(context: ExceptionContext) -> None:
        err = translate(path, context.original_exception)
        if err is not None:
            raise err from None

    event.listen(engine, "handle_error", handle_error)
    return engine
