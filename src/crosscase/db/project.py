"""Open, create, back up and upgrade project files.

A project is one SQLite file. Opening it takes the writer lock first, so a
second process is refused before it touches the file. A file from an older
Crosscase is copied to a timestamped backup and then upgraded; a file from a
newer Crosscase is refused.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import stat
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
    insert,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from crosscase.db import revisions
from crosscase.db.engine import SIDE_FILES, connect, make_engine, private_side_files
from crosscase.db.failures import FULL_ERRNOS, backups, damaged, newest_backup_note, translate
from crosscase.db.lock import ProjectLock
from crosscase.db.models import Base, Coder, Event, ProjectInfo, utcnow
from crosscase.db.temporaries import remove_stale
from crosscase.domain.changes import Change
from crosscase.domain.errors import (
    CrosscaseError,
    DiskFull,
    NotAProject,
    NotARegularFile,
    ProjectBusy,
    ProjectDamaged,
    ProjectOpenError,
    ProjectReadOnly,
    SchemaTooNew,
    StaleWrite,
    UpgradeFailed,
)

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


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _create_private(path: Path) -> None:
    """Create the empty file ``path`` owner-only from its first byte (whatever the umask).

    SQLite then opens the existing file, and creates its ``-wal``, ``-shm`` and
    ``-journal`` files with the same permissions.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a umask never adds bits, but an ACL default might
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_with_side_files(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        try:
            os.unlink(p)
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _full(exc: BaseException) -> bool:
    if isinstance(exc, DiskFull):
        return True
    if isinstance(exc, OSError):
        return exc.errno in FULL_ERRNOS
    return isinstance(exc, sqlite3.Error) and isinstance(translate(Path("x"), exc), DiskFull)


def backup(path: Path, label: str = "backup") -> Path:
    """Consistent copy of a live project through SQLite's backup API.

    The copy is written owner-only under a hidden temporary name, checked
    (``quick_check`` and the schema revision), made a single self-contained file
    (rollback journal, no ``-wal``), synced, and only then renamed to its final
    name: a backup under its final name is always whole. A failure (a full disk)
    removes the temporary and leaves nothing behind.
    """
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    n = 1
    while dest.exists():
        n += 1
        dest = path.with_name(f"{path.stem}.{label}-{stamp}-{n}{path.suffix}")
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        _create_private(tmp)
        src = connect(path, readonly=not os.access(path, os.W_OK))
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise ProjectDamaged(f"{path.name}: the backup copy does not check out ({verdict})")
                ours = src.execute(f"SELECT version_num FROM {revisions.VERSION_TABLE}").fetchall()
                theirs = dst.execute(f"SELECT version_num FROM {revisions.VERSION_TABLE}").fetchall()
                if ours != theirs:
                    raise ProjectDamaged(f"{path.name}: the backup copy is not at the file's schema")
            finally:
                dst.close()
        finally:
            src.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, dest)
        _fsync_folder(dest.parent)
    except BaseException as exc:
        _remove_with_side_files(tmp)
        if _full(exc):
            raise DiskFull(f"{path.name}: the disk is full; no backup was made and the project "
                           "is unchanged (free some space, then try again)") from None
        err = translate(path, exc) if not isinstance(exc, CrosscaseError) else None
        if err is not None:
            raise err from None
        raise
    _private(dest)
    return dest


class Project:
    """An open project: engine, sessions, writer lock and change listeners."""

    def __init__(self, path: Path, engine: Engine, lock: ProjectLock | None, *,
                 readonly: bool = False) -> None:
        self.path = path
        self.engine = engine
        self._lock = lock
        #: opened for reading only (the file or its folder cannot be written)
        self.readonly = readonly
        #: created by this process and still to be removed if its setting-up fails
        self._created = False
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.coder_name = _default_coder()
        self._coder_id: int | None = None
        self._listeners: list[Listener] = []
        self.backup_path: Path | None = None

    # -- sessions --------------------------------------------------------
    #: a project on a shared server (``crosscase.db.server.SharedProject``)
    shared = False
    #: the shared project's URL (without a password); None for a file
    url: str | None = None

    @property
    def location(self) -> str:
        """Where the project is, as it may be shown: its file, or its server's URL."""
        return str(self.path)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work, committed on success and rolled back on error.

        A row edited in place whose version moved on since it was read (another
        writer changed it) fails the flush; that is the one-line
        :class:`~crosscase.domain.errors.StaleWrite`, and nothing is written.
        """
        from sqlalchemy.orm.exc import StaleDataError

        try:
            with self._sessions() as session, session.begin():
                yield session
        except StaleDataError:
            raise StaleWrite(f"{self.location}: someone else changed this since it was read; "
                             "the change was not saved (reload, then make it again)") from None

    def record(self, session: Session, change: Change) -> int | None:
        """Keep ``change`` in the change log, in ``session``'s transaction; returns its id.

        A file has one writer at a time, so it keeps none (None); a shared
        project keeps every change for its other clients.
        """
        return None

    def check_undo(self, session: Session, command: Any, direction: str) -> None:
        """Refuse to undo (or redo) ``command`` when that would undo a colleague's later
        work; a file has one writer, so there is nothing to refuse."""

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

    def created(self) -> None:
        """Setting up a new project is done: :meth:`discard` no longer removes it."""
        self._created = False

    def discard(self) -> None:
        """Close; a new project whose setting-up failed is removed with its side files,
        so a failed ``new`` (a full disk) leaves nothing that was not there before."""
        engine_files = self._created
        self.engine.dispose()
        if engine_files:
            _remove_with_side_files(self.path)
        self.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _default_coder() -> str:
    """Who works when nobody said: ``CROSSCASE_CODER``, else the login name."""
    named = os.environ.get("CROSSCASE_CODER")
    if named:
        return named
    try:
        import getpass

        return getpass.getuser() or "researcher"
    except Exception:  # noqa: BLE001 - any failure means no login name
        return "researcher"


def log_upgrade(conn: Connection, rev: str) -> None:
    """Record in the event log, in ``conn``'s transaction, that the schema went from
    ``rev`` to head (a file's upgrade and a shared project's alike)."""
    conn.execute(insert(Event).values(
        at=utcnow(), coder=_default_coder(), action="project.upgrade",
        detail=json.dumps({"from_revision": rev, "to": head_revision()}),
    ))


def create_project(path: Path | str, *, name: str | None = None) -> Project:
    """A new, empty project file at the current schema (no codebook); a
    ``postgresql://`` URL makes its empty database a new shared project.

    The file is owner-only from its first byte. If anything fails (a full disk)
    the file, its side files and its lock file are removed again. The caller
    that goes on setting the project up calls :meth:`Project.discard` if that
    fails, and :meth:`Project.created` when it is done.
    """
    from crosscase.db import server

    if server.is_url(path):
        return server.create_shared(str(path), name=name)
    path = Path(path)
    if os.path.lexists(path):
        raise ProjectOpenError(f"{path.name}: already exists; open it or choose another name")
    if not path.parent.is_dir():
        raise ProjectOpenError(f"{path.parent}: no such folder")
    remove_stale(path.parent)
    lock = ProjectLock(path)
    lock.acquire()
    engine: Engine | None = None
    made = False
    try:
        _create_private(path)
        made = True
        engine = make_engine(path)
        with engine.begin() as conn:  # tables, stamp and the project row in one transaction
            Base.metadata.create_all(conn)
            _stamp_head(conn)
        project = Project(path, engine, lock)
        project._created = True
        with project.transaction() as s:
            s.add(ProjectInfo(id=1, name=name or path.stem))
            project.log(s, "project.create", name=name or path.stem)
        return project
    except BaseException as exc:
        if engine is not None:
            engine.dispose()
        if made:
            _remove_with_side_files(path)
        lock.release()
        if isinstance(exc, OSError):
            if exc.errno in FULL_ERRNOS:
                raise DiskFull(f"{path.name}: the disk is full; no project was created") from None
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise ProjectReadOnly(f"{path.name}: cannot be created (the folder "
                                      f"{path.parent} cannot be written)") from None
        if isinstance(exc, DiskFull):
            raise DiskFull(f"{path.name}: the disk is full; no project was created") from None
        raise


def _check_file(path: Path) -> bytes:
    """Refuse what is not a regular, readable file before SQLite sees it; returns
    its first 100 bytes (SQLite's header).

    The type is checked on the open file, and the file is opened without
    blocking, so a named pipe given as the project never hangs a command.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise NotARegularFile(f"{path.name}: is a symbolic link to nothing, not a project file") from None
        raise NotAProject(f"{path.name}: no such project file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotARegularFile(f"{path.name}: is a loop of symbolic links, not a project file") from None
        raise ProjectOpenError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotARegularFile(f"{path.name}: is a folder, not a project file")
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(f"{path.name}: is not a regular file ({_kind(st.st_mode)}), not a project file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | _CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise ProjectOpenError(f"{path.name}: cannot be read (permission denied)") from None
        raise ProjectOpenError(f"{path.name}: cannot be read ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check
            raise NotARegularFile(f"{path.name}: is not a regular file, not a project file")
        head = os.read(fd, 100)
    except OSError as exc:
        raise ProjectOpenError(f"{path.name}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if not head:
        raise NotAProject(f"{path.name}: is empty, not a Crosscase project")
    if not head.startswith(SQLITE_MAGIC):
        if path.suffix == SUFFIX:
            raise ProjectDamaged(f"{path.name}: is damaged (it is not an SQLite database)"
                                 f"{newest_backup_note(path)}")
        raise NotAProject(f"{path.name}: is not a Crosscase project")
    return head


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "a special file"


def _writable(path: Path) -> bool:
    """Whether the file and its folder (for SQLite's -wal, -shm and the lock) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _inspect(path: Path, writable: bool) -> tuple[str | None, set[str], bool]:
    """The file's schema revision, its tables, and whether it must be opened immutable.

    A writable file is opened for writing (we hold its lock), so SQLite rolls
    back an interrupted write (a hot journal) instead of refusing it. A leftover
    ``-wal`` (a crash, or a file copied from elsewhere) gets a quick check.
    """
    leftover_wal = _leftover_wal(path)
    immutable = False
    try:
        try:
            # with a leftover -wal, read-only: closing a writer's connection would
            # checkpoint that -wal into the file before it is known to belong to it
            con = connect(path, readonly=not writable or leftover_wal)
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            if writable or "unable to open" not in str(exc) or os.access(path.parent, os.W_OK):
                raise
            # a WAL project in a read-only folder without its -shm: nobody can be
            # writing it, so it is read as an unchanging file
            immutable = True
            con = connect(path, immutable=True)
        try:
            if not writable and path.with_name(path.name + "-journal").exists():
                raise ProjectReadOnly(
                    f"{path.name}: was interrupted while saving and must be repaired by opening it "
                    "where it can be written (it is read-only here)"
                )
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            rev: str | None = None
            if revisions.VERSION_TABLE in tables:
                row = con.execute(f"SELECT version_num FROM {revisions.VERSION_TABLE}").fetchone()
                rev = row[0] if row else None
            if leftover_wal and rev is not None:
                verdict = con.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise damaged(path, f"quick check: {verdict}")
            return rev, tables, immutable
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        err = translate(path, exc)
        if isinstance(err, ProjectDamaged) and path.suffix != SUFFIX and not backups(path):
            raise NotAProject(f"{path.name}: is not a Crosscase project ({exc})") from None
        if err is not None:
            raise err from None
        raise NotAProject(f"{path.name}: is not a Crosscase project ({exc})") from None


def _leftover_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _current_revision(path: Path) -> str | None:
    return _inspect(path, _writable(path))[0]


def open_project(path: Path | str, *, upgrade: bool = True, readonly: bool = False,
                 allow_readonly: bool = False) -> Project:
    """Open an existing project, upgrading an older file (or a shared project's
    database, given a ``postgresql://`` URL).

    ``readonly``: the caller only reads (the file is opened read-only and never
    written, so it works on a read-only file or folder). ``allow_readonly``: open
    for writing where possible, else read-only (the workbench); without either a
    file that cannot be written is refused with :class:`ProjectReadOnly`.
    """
    from crosscase.db import server

    if server.is_url(path):
        return server.open_shared(str(path), readonly=readonly, upgrade=upgrade)
    path = Path(path)
    _check_file(path)
    writable = _writable(path)
    if not writable and not (readonly or allow_readonly):
        raise ProjectReadOnly(
            f"{path.name}: is read-only (the file or its folder {path.parent} cannot be written); "
            "commands that change it cannot run"
        )
    lock: ProjectLock | None = ProjectLock(path)
    assert lock is not None
    try:
        lock.acquire()
    except ProjectReadOnly:
        if writable:
            raise
        lock = None  # a read-only folder: no lock file, and no writer either
    try:
        if lock is not None and writable:
            remove_stale(path.parent)
        leftover_wal = _leftover_wal(path)
        rev, tables, immutable = _inspect(path, writable)
        if rev is None:
            if leftover_wal:
                raise damaged(path, "it does not read as a Crosscase project")
            raise NotAProject(f"{path.name}: is a database but not a Crosscase project")
        if rev != head_revision() and rev not in known_revisions():
            raise SchemaTooNew(
                f"{path.name}: was written by a newer Crosscase (schema {rev}); "
                "update Crosscase to open it"
            )
        backup_path: Path | None = None
        if rev != head_revision():
            if not upgrade:
                raise SchemaTooNew(f"{path.name}: needs an upgrade from schema {rev}")
            if not writable:
                raise ProjectReadOnly(
                    f"{path.name}: is from an older Crosscase and needs an upgrade, but it is "
                    "read-only here; copy it to a folder you can write to"
                )
            backup_path = _upgrade(path, rev)
        else:
            missing = sorted(set(Base.metadata.tables) - tables)
            if missing:
                raise damaged(path, f"the table {missing[0]!r} is missing")
        ro = not writable or readonly
        engine = make_engine(path, readonly=ro, immutable=immutable)
        project = Project(path, engine, lock, readonly=ro)
        project.backup_path = backup_path
        return project
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _upgrade(path: Path, rev: str) -> Path:
    """Back ``path`` up, then upgrade it to head in one transaction: all or nothing.

    SQLite rolls schema changes back like any other, so a failure or a kill
    at any moment leaves the old project (with or without a whole backup) or
    the upgraded one with a whole backup. A failed upgrade removes the backup
    it made (the file is as it was), so retries do not pile up backups.
    """
    for stale in path.parent.glob(f".{path.stem}.before-upgrade-*{path.suffix}.part*"):
        _remove_with_side_files(stale)  # a killed upgrade's half backup (we hold the lock)
    backup_path = backup(path, "before-upgrade")
    try:
        _migrate(path, rev)
    except BaseException as exc:
        _remove_with_side_files(backup_path)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        if _full(exc):
            raise DiskFull(f"{path.name}: the disk is full, so the upgrade from schema {rev} "
                           "could not be done; the file is unchanged") from None
        err = translate(path, exc)
        if isinstance(err, ProjectBusy):
            raise err from None
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise UpgradeFailed(f"{path.name}: the upgrade from schema {rev} failed ({reason}); "
                            f"the file is unchanged{newest_backup_note(path)}") from None
    return backup_path


def _migrate(path: Path, rev: str) -> None:
    """Run every migration from ``rev`` to head, and log it, in one SQLite transaction.

    Python's sqlite3 module would commit before each schema statement on its
    own; here it is put in autocommit mode and the transaction is begun
    explicitly (``BEGIN IMMEDIATE``), so alembic's statements all run inside
    it. Foreign keys are off during the migration (batch mode copies and
    replaces tables, and dropping a table must not cascade) and checked before
    the commit.
    """
    from alembic import command
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool,
                           creator=lambda: connect(path))

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")  # the journal mode stays the file's until the commit
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()
        private_side_files(path)

    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ProjectDamaged(f"{path.name}: after the upgrade, rows in {problems[0][0]!r} "
                                     "refer to rows that do not exist")
            log_upgrade(conn, rev)
    finally:
        engine.dispose()


def integrity_ok(path: Path) -> bool:
    con = connect(Path(path))
    try:
        verdict: str = con.execute("PRAGMA integrity_check").fetchone()[0]
        return verdict == "ok"
    finally:
        con.close()
