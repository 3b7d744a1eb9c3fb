"""Open, create, back up and upgrade project files.

A project is one SQLite file. Opening it takes the writer lock first, so a
second process is refused before it touches the file. A file from an older
Crosscase is copied to a timestamped backup and then upgraded; a file from a
newer Crosscase is refused.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from crosscase.db import revisions
from crosscase.db.engine import make_engine
from crosscase.db.lock import ProjectLock
from crosscase.db.models import Base, Coder, Event, ProjectInfo
from crosscase.domain.changes import Change
from crosscase.domain.errors import NotAProject, ProjectOpenError, SchemaTooNew

if TYPE_CHECKING:
    from alembic.config import Config

SUFFIX = ".crosscase"
SQLITE_MAGIC = b"SQLite format 3\x00"

log = logging.getLogger("crosscase")

#: called with each command's (or import's) :class:`Change`, once, after its commit
Listener = Callable[[Change], None]


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision (from crosscase.db.revisions: no alembic import)."""
    return revisions.HEAD


def known_revisions() -> set[str]:
    """Every schema revision this Crosscase can open or upgrade from."""
    return set(revisions.REVISIONS)


def _stamp_head(conn: Connection) -> None:
    """Record the head revision as alembic's ``stamp`` does, without importing alembic.

    The table matches the one alembic creates (tests/db/test_revisions.py
    checks that alembic reads the result as its head).
    """
    name = revisions.VERSION_TABLE
    table = Table(name, MetaData(), Column("version_num", String(32), nullable=False),
                  PrimaryKeyConstraint("version_num", name=f"{name}_pkc"))
    table.create(conn)
    conn.execute(table.insert().values(version_num=revisions.HEAD))


def _private(path: Path) -> None:
    """Project files, backups and exports are readable by their owner only."""
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


def backup(path: Path, label: str = "backup") -> Path:
    """Consistent copy of a live project through SQLite's backup API."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    n = 1
    while dest.exists():
        n += 1
        dest = path.with_name(f"{path.stem}.{label}-{stamp}-{n}{path.suffix}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    _private(dest)
    return dest


class Project:
    """An open project: engine, sessions, writer lock and change listeners."""

    def __init__(self, path: Path, engine: Engine, lock: ProjectLock | None) -> None:
        self.path = path
        self.engine = engine
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.coder_name = os.environ.get("CROSSCASE_CODER") or _default_coder()
        self._coder_id: int | None = None
        self._listeners: list[Listener] = []
        self.backup_path: Path | None = None

    # -- sessions --------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work, committed on success and rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def session(self) -> Session:
        """A session for reading (caller closes it)."""
        return self._sessions()

    @property
    def coder_id(self) -> int:
        if self._coder_id is None:
            with self.transaction() as s:
                coder = s.scalar(select(Coder).where(Coder.name == self.coder_name))
                if coder is None:
                    coder = Coder(name=self.coder_name)
                    s.add(coder)
                    s.flush()
                self._coder_id = coder.id
        return self._coder_id

    def log(self, session: Session, action: str, **detail: Any) -> None:
        """Append to the event log, in the caller's transaction."""
        session.add(Event(coder=self.coder_name, action=action, detail=json.dumps(detail, default=str)))

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear every :class:`Change`; returns a call that stops it (safe to call twice)."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        """Deliver ``change`` to every listener, once, after its commit.

        The change is already committed, so a listener that fails is logged and
        the others still hear it: a view's bug can never undo a commit.
        """
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # noqa: BLE001 - a listener must not break a committed command
                log.exception("a listener failed on the change %r", change.label)

    @property
    def name(self) -> str:
        with self.session() as s:
            info = s.get(ProjectInfo, 1)
            return info.name if info else self.path.stem

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _default_coder() -> str:
    try:
        import getpass

        return getpass.getuser() or "researcher"
    except Exception:  # noqa: BLE001 - any failure means no login name
        return "researcher"


def create_project(path: Path, *, name: str | None = None) -> Project:
    """A new, empty project file at the current schema (no codebook)."""
    path = Path(path)
    if path.exists():
        raise ProjectOpenError(f"{path.name}: already exists; open it or choose another name")
    if not path.parent.exists():
        raise ProjectOpenError(f"{path.parent}: no such folder")
    lock = ProjectLock(path)
    lock.acquire()
    try:
        engine = make_engine(path)
        with engine.begin() as conn:  # tables and stamp in one transaction
            Base.metadata.create_all(conn)
            _stamp_head(conn)
        _private(path)
        project = Project(path, engine, lock)
        with project.transaction() as s:
            s.add(ProjectInfo(id=1, name=name or path.stem))
            project.log(s, "project.create", name=name or path.stem)
        return project
    except BaseException:
        lock.release()
        raise


def _current_revision(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise NotAProject(f"{path.name}: is not a Crosscase project ({exc})") from None
    finally:
        con.close()


def open_project(path: Path, *, upgrade: bool = True) -> Project:
    """Open an existing project for writing, upgrading an older file."""
    path = Path(path)
    if not path.exists():
        raise NotAProject(f"{path.name}: no such project file")
    if path.is_dir():
        raise NotAProject(f"{path.name}: is a folder, not a project file")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise NotAProject(f"{path.name}: is not a Crosscase project")
    lock = ProjectLock(path)
    lock.acquire()
    try:
        rev = _current_revision(path)
        if rev is None:
            raise NotAProject(f"{path.name}: is a database but not a Crosscase project")
        engine = make_engine(path)
        project = Project(path, engine, lock)
        if rev != head_revision():
            if rev not in known_revisions():
                engine.dispose()
                raise SchemaTooNew(
                    f"{path.name}: was written by a newer Crosscase (schema {rev}); "
                    "update Crosscase to open it"
                )
            if not upgrade:
                raise SchemaTooNew(f"{path.name}: needs an upgrade from schema {rev}")
            project.backup_path = backup(path, "before-upgrade")
            from alembic import command

            with engine.begin() as conn:
                command.upgrade(_alembic_config(conn), "head")
            with project.transaction() as s:
                project.log(s, "project.upgrade", from_revision=rev, to=head_revision())
        return project
    except BaseException:
        lock.release()
        raise


def integrity_ok(path: Path) -> bool:
    con = sqlite3.connect(path)
    try:
        verdict: str = con.execute("PRAGMA integrity_check").fetchone()[0]
        return verdict == "ok"
    finally:
        con.close()
