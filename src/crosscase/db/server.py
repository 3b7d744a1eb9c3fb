"""Shared projects on a PostgreSQL server.

A shared project is one PostgreSQL database holding the same tables as a
project file, reached through a ``postgresql://`` URL. The password comes from
the URL, ``PGPASSWORD``, ``~/.pgpass`` or a prompt (libpq reads the first
three itself); Crosscase never stores it. Differences from a file:

- no file lock: several people write at once. Codings are inserts and deletes;
  rows edited in place carry a version (``models.Versioned``), so a stale write
  is refused, never silently applied.
- every command's :class:`~crosscase.domain.changes.Change` is appended to
  ``change_log`` in the command's own transaction and announced with
  ``NOTIFY`` on commit; :meth:`SharedProject.listen` hears the other clients'
  changes and publishes them to this client's listeners.
- a schema upgrade takes an advisory lock and runs in one transaction, so two
  clients never migrate at once and a failed upgrade leaves nothing half done.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crosscase.db import revisions
from crosscase.db.models import Base, ChangeRecord, Coder, Event, ProjectInfo, utcnow
from crosscase.db.project import (
    SUFFIX,
    Project,
    _alembic_config,
    _default_coder,
    _stamp_head,
    log_upgrade,
)
from crosscase.domain.changes import Change
from crosscase.domain.errors import (
    CrosscaseError,
    NotAProject,
    PermissionRefused,
    ProjectOpenError,
    ProjectReadOnly,
    SchemaTooNew,
    StaleWrite,
    UpgradeFailed,
)

log = logging.getLogger("crosscase")

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")

#: the channel every change is announced on
CHANNEL = "crosscase_changes"

#: the advisory lock held while a client creates or upgrades a shared project's schema
SCHEMA_LOCK = 0x63726F7373636173  # "crosscas"

#: seconds a client waits to connect before it says the server cannot be reached
CONNECT_TIMEOUT = 10


def is_url(location: object) -> bool:
    """Whether ``location`` names a shared project on a server (not a file)."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL as it may be shown or remembered: any password left out."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")) or "postgres"


def with_password(url: str, password: str | None) -> str:
    """``url`` carrying ``password`` (typed at a prompt) for the connection only; as it
    is when it names a password already, or no user (libpq's default user then)."""
    parts = urlsplit(url)
    if password is None or parts.password is not None:
        return url
    user, at, host = parts.netloc.rpartition("@")
    if not at:
        return url
    from urllib.parse import quote

    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _driver_url(url: str, password: str | None) -> str:
    parts = urlsplit(with_password(url, password))
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, parts.query, parts.fragment))


class PasswordNeeded(ProjectOpenError):
    """The server asks for a password that the URL, PGPASSWORD and ~/.pgpass do not give."""


class ServerUnreachable(ProjectOpenError):
    """The server cannot be reached or refuses the connection."""


def translate(url: str, exc: BaseException) -> CrosscaseError | None:
    """The one line a person should see for a server's failure, or None.

    Told apart by psycopg's error classes (a killed connection is an
    ``AdminShutdown``, a kind of ``OperationalError``), never shown by class name.
    """
    import psycopg
    from psycopg import errors

    orig = getattr(exc, "orig", None) or exc
    said = str(orig).strip()
    message = said.splitlines()[0] if said else "no reason given"
    where = redacted(url)
    if isinstance(orig, errors.InsufficientPrivilege):
        return PermissionRefused(f"{where}: your role on this shared project does not allow "
                                 f"that ({message})")
    if isinstance(orig, (errors.SerializationFailure, errors.DeadlockDetected,
                         errors.LockNotAvailable)):
        return StaleWrite(f"{where}: a colleague's change collided with yours; yours was not "
                          "saved (try again)")
    if isinstance(orig, psycopg.OperationalError):
        low = said.lower()
        if "password" in low and ("no password supplied" in low or "fe_sendauth" in low):
            return PasswordNeeded(f"{where}: the server asks for a password (give it in "
                                  "PGPASSWORD or ~/.pgpass, or type it when asked)")
        if "password authentication failed" in low:
            return PasswordNeeded(f"{where}: the server refused the password")
        if "does not exist" in low and "database" in low:
            return NotAProject(f"{where}: the server has no database "
                               f"{database_name(url)!r} (create it first: createdb)")
        if isinstance(orig, errors.AdminShutdown) or "closed the connection" in low \
                or "terminating connection" in low:
            return ServerUnreachable(f"{where}: the connection to the server was lost; "
                                     "what was not yet saved was not saved (open it again)")
        return ServerUnreachable(f"{where}: the server cannot be reached ({message})")
    return None


def make_engine(url: str, *, password: str | None = None, readonly: bool = False) -> Engine:
    """An engine on the shared project at ``url`` (psycopg 3)."""
    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT,
                                    "application_name": "crosscase"}
    if readonly:
        connect_args["options"] = "-c default_transaction_read_only=on"
    engine = create_engine(_driver_url(url, password), future=True, pool_pre_ping=True,
                           connect_args=connect_args)

    def handle_error(context: ExceptionContext) -> None:
        err = translate(url, context.original_exception)
        if err is not None:
            raise err from None

    event.listen(engine, "handle_error", handle_error)
    return engine


def _revision(conn: Connection) -> tuple[str | None, set[str]]:
    tables = set(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
    rev = None
    if revisions.VERSION_TABLE in tables:
        rev = conn.execute(text(f"SELECT version_num FROM {revisions.VERSION_TABLE}")).scalar()
    return rev, tables


class SharedProject(Project):
    """A project in a PostgreSQL database, shared by a team."""

    def __init__(self, url: str, engine: Engine, *, readonly: bool = False) -> None:
        # a stand-in path: default names for exports, and the key of per-project settings
        super().__init__(Path.home() / f"{database_name(url)}{SUFFIX}", engine, None,
                         readonly=readonly)
        self.url = redacted(url)
        self.shared = True
        #: this program instance: it ignores the announcements of its own changes
        self.client = uuid.uuid4().hex
        self._listen_thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._last_seen = 0
        self._seen_lock = threading.Lock()

    @property
    def location(self) -> str:
        return self.url or str(self.path)

    #: the coder tied to the database login (``roles.login_coder``): it is who works
    #: here, whatever coder is named (``--coder``, the workbench's choice)
    login_coder: str | None = None

    @property
    def coder_name(self) -> str:
        return self.login_coder or self._named_coder

    @coder_name.setter
    def coder_name(self, name: str) -> None:
        self._named_coder = name

    def record(self, session: Session, change: Change) -> int | None:
        """Append ``change`` to the change log and announce it on commit."""
        row_id = session.scalar(insert(ChangeRecord).values(
            at=utcnow(), coder_id=self.coder_id_in(session), client=self.client,
            change=change.to_json()).returning(ChangeRecord.id))
        session.execute(text("SELECT pg_notify(:c, :p)"),
                        {"c": CHANNEL, "p": json.dumps({"id": row_id, "client": self.client})})
        return row_id

    def check_undo(self, session: Session, command: Any, direction: str) -> None:
        """Undo stays per user: refused when a colleague's change committed after this
        command's touches what it touched (their work would be undone with it)."""
        mine = command.change()
        rows = session.execute(
            select(ChangeRecord.change, Coder.name)
            .outerjoin(Coder, Coder.id == ChangeRecord.coder_id)
            .where(ChangeRecord.id > command.logged, ChangeRecord.client != self.client)
            .order_by(ChangeRecord.id)).all()
        for raw, coder in rows:
            theirs = Change.from_json(raw)
            if mine.overlaps(theirs):
                who = coder or theirs.initiator or "a colleague"
                what = "undo" if direction == "undo" else "redo"
                raise StaleWrite(f"cannot {what} {mine.label!r}: {who} has since changed the same "
                                 f"things ({theirs.label!r}), and {what}ing it would remove their work")

    def coder_id_in(self, session: Session) -> int | None:
        if self._coder_id is not None:
            return self._coder_id
        return session.scalar(select(Coder.id).where(Coder.name == self.coder_name))

    def later_changes(self, after: int) -> list[tuple[int, str, str, Change]]:
        """The change log after ``after``: (id, client, coder name, change), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ChangeRecord.id, ChangeRecord.client, Coder.name, ChangeRecord.change)
                .outerjoin(Coder, Coder.id == ChangeRecord.coder_id)
                .where(ChangeRecord.id > after).order_by(ChangeRecord.id)).all()
        return [(r[0], r[1], r[2] or "", Change.from_json(r[3])) for r in rows]

    def last_change_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(ChangeRecord.id).order_by(ChangeRecord.id.desc())
                                   .limit(1)) or 0)

    # -- hearing the others ----------------------------------------------------
    def listen(self, on_error: Callable[[str], None] | None = None,
               on_back: Callable[[], None] | None = None) -> None:
        """Start hearing other clients' changes: each is published to this
        project's listeners (from a background thread), in commit order.
        ``on_error`` hears a lost connection, ``on_back`` its return."""
        if self._listen_thread is not None:
            return
        self._last_seen = self.last_change_id()
        self._stop.clear()
        thread = threading.Thread(target=self._listen_loop, args=(on_error, on_back),
                                  name="crosscase-listen", daemon=True)
        self._listen_thread = thread
        thread.start()

    def hearing(self) -> bool:
        """Whether the caller runs on the thread that publishes other clients' changes."""
        return threading.current_thread() is self._listen_thread

    def _listen_loop(self, on_error: Callable[[str], None] | None,
                     on_back: Callable[[], None] | None = None) -> None:
        lost = False
        import psycopg

        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.catch_up()  # what was committed while (re)connecting
                    if lost and on_back is not None:
                        on_back()
                    lost = False
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.25, stop_after=1):
                            if not self._own(note.payload):
                                self.catch_up()
            except Exception as exc:  # noqa: BLE001 - a lost connection is retried
                if self._stop.is_set():
                    return
                log.warning("shared project: listening failed (%s); retrying", exc)
                lost = True
                if on_error is not None:
                    on_error(f"{self.url}: lost the connection to the server; reconnecting")
                self._stop.wait(1.0)

    def _own(self, payload: str) -> bool:
        """Whether an announcement is of this client's own change (nothing to catch up)."""
        try:
            return bool(json.loads(payload).get("client") == self.client)
        except ValueError:
            return False

    def catch_up(self) -> int:
        """Publish every change committed by another client since the last one seen;
        returns how many."""
        with self._seen_lock:
            news = self.later_changes(self._last_seen)
            count = 0
            for row_id, client, coder, change in news:
                self._last_seen = row_id
                if client == self.client:
                    continue
                count += 1
                self.publish(change.with_direction(change.direction, coder or change.initiator))
            return count

    def close(self) -> None:
        self._stop.set()
        thread, self._listen_thread = self._listen_thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        super().close()


def _check_server(url: str, engine: Engine) -> tuple[str | None, set[str]]:
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version_num")).scalar()
        if version is not None and int(version) < 150000:
            raise ProjectOpenError(f"{redacted(url)}: the server runs PostgreSQL "
                                   f"{int(version) // 10000}; shared projects need 15 or newer")
        return _revision(conn)


def create_schema(url: str, conn: Connection) -> None:
    """In ``conn``'s transaction, under the schema lock: a shared project's tables and
    schema stamp in the database at ``url``, with no rows. Refused when the database
    already holds a Crosscase project or a table of the same name as one of ours.
    The caller adds the rows, then calls ``roles.install``, before it commits."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
    rev, tables = _revision(conn)
    if rev is not None or "project" in tables:
        raise ProjectOpenError(f"{redacted(url)}: already holds a Crosscase project; "
                               "open it instead")
    clash = sorted(set(Base.metadata.tables) & tables)
    if clash:
        raise ProjectOpenError(f"{redacted(url)}: already has a table {clash[0]!r} that is not "
                               "part of a Crosscase project; use an empty database")
    Base.metadata.create_all(conn)
    _stamp_head(conn)


def create_shared(url: str, *, name: str | None = None, password: str | None = None) -> SharedProject:
    """Make the empty database at ``url`` a new shared project (no codebook).

    The database must exist and hold no Crosscase project. Tables, the schema
    stamp and the project row are made in one transaction under the schema lock.
    """
    engine = make_engine(url, password=password)
    try:
        with engine.begin() as conn:
            create_schema(url, conn)
            conn.execute(insert(ProjectInfo).values(id=1, name=name or database_name(url),
                                                   memo="", created=utcnow()))
            conn.execute(insert(Event).values(
                at=utcnow(), coder=_default_coder(),
                action="project.create", detail=json.dumps({"name": name or database_name(url)})))
            from crosscase.db import roles

            roles.install(conn)
        return SharedProject(url, engine)
    except BaseException:
        engine.dispose()
        raise


def open_shared(url: str, *, readonly: bool = False, upgrade: bool = True,
                password: str | None = None) -> SharedProject:
    """Open the shared project at ``url``, upgrading an older schema first."""
    engine = make_engine(url, password=password, readonly=readonly)
    try:
        rev, tables = _check_server(url, engine)
        if rev is None:
            raise NotAProject(f"{redacted(url)}: holds no Crosscase project (put one there with: "
                              "crosscase push FILE.crosscase URL)")
        if rev not in revisions.REVISIONS:
            raise SchemaTooNew(f"{redacted(url)}: was written by a newer Crosscase (schema {rev}); "
                               "update Crosscase to open it")
        if rev != revisions.HEAD:
            if not upgrade:
                raise SchemaTooNew(f"{redacted(url)}: needs an upgrade from schema {rev}")
            if readonly:
                raise ProjectReadOnly(f"{redacted(url)}: needs an upgrade from schema {rev}; "
                                      "open it once with a command that writes")
            _upgrade(url, engine, rev)
        else:
            missing = sorted(set(Base.metadata.tables) - tables)
            if missing:
                raise NotAProject(f"{redacted(url)}: the table {missing[0]!r} is missing; "
                                  "this is not a whole Crosscase project")
        project = SharedProject(url, engine, readonly=readonly)
        from crosscase.db import roles

        with engine.connect() as conn:
            project.login_coder = roles.login_coder(conn)
        return project
    except BaseException:
        engine.dispose()
        raise


def _upgrade(url: str, engine: Engine, rev: str) -> None:
    """Upgrade to head in one transaction under the schema lock (PostgreSQL rolls DDL back)."""
    from alembic import command

    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
            now, _tables = _revision(conn)  # another client may have upgraded meanwhile
            if now == revisions.HEAD:
                return
            command.upgrade(_alembic_config(conn), "head")
            log_upgrade(conn, rev)
            from crosscase.db import roles

            roles.install(conn)
    except CrosscaseError:
        raise
    except DBAPIError as exc:
        said = str(exc.orig).strip() if exc.orig else ""
        reason = said.splitlines()[0][:200] if said else "the server refused a schema change"
        raise UpgradeFailed(f"{redacted(url)}: the upgrade from schema {rev} failed ({reason}); "
                            "the project is unchanged") from None
