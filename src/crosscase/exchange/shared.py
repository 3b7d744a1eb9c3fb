"""Copying a project between a file and a shared project: ``push`` and ``pull``.

``push(FILE, URL)`` puts a project file on a PostgreSQL server. Into an empty
database it copies every table row for row (ids, coders, the event log and the
change log included) after making the schema, all in one transaction: a push
that fails at any point (a refused value, a lost connection, a cancel) leaves
the database empty. Each table's id sequence is then set past its largest id,
so the shared project's new rows get fresh ids. Into a database that already
holds a project (typically the one a copy was pulled from) the file's new work
is merged through :func:`crosscase.exchange.merge.merge_into`, with its
conflict report; nothing is resolved silently.

``pull(URL, FILE)`` is the way back: a new project file holding exactly the
server's rows, read from one consistent snapshot, built under a hidden
temporary name and renamed into place only when whole. An existing file is
never written over.

PostgreSQL cannot store the NUL character in text. The importers never store
it, but a file from elsewhere might hold one; such a push is refused when the
row comes up, naming it, and the transaction leaves the database empty.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Integer, Table, func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from crosscase.db import roles, server
from crosscase.db.engine import make_engine as file_engine
from crosscase.db.lock import ProjectLock
from crosscase.db.models import Base
from crosscase.db.project import Project, _create_private, _stamp_head, open_project
from crosscase.domain.errors import CrosscaseError, ProjectOpenError, UsageError
from crosscase.domain.progress import Progress
from crosscase.exchange.files import check_target, move_new_project_into_place, remove_project_files
from crosscase.exchange.merge import MergeReport, merge_into

#: rows per batch (one COPY into the server, one executemany into a file)
BATCH_ROWS = 1000
#: a batch is sent early once its texts and binaries reach this many bytes
BATCH_BYTES = 16 * 1024 * 1024


class PushRefused(CrosscaseError):
    """The file holds something the server cannot store, or the server refused a row."""


@dataclass
class CopyReport:
    """What a push into an empty database or a pull copied."""

    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def text(self) -> str:
        total = sum(self.rows.values())
        parts = ", ".join(f"{self.rows.get(t, 0)} {label}" for t, label in
                          (("document", "documents"), ("code", "codes"),
                           ("coding", "codings"), ("coder", "coders")))
        return (f"Copied {self.source} to {self.target}: {total} rows in "
                f"{len(self.rows)} tables ({parts}), ids kept.")


@dataclass
class PushReport:
    """A push: copied into an empty database, or merged into the project there."""

    copy: CopyReport | None = None
    merge: MergeReport | None = None
    seconds: float = 0.0

    def text(self) -> str:
        if self.merge is not None:
            return self.merge.text()
        assert self.copy is not None
        return self.copy.text()


# -- copying tables ---------------------------------------------------------------


def _ordered_tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _self_parent(table: Table) -> str | None:
    """The column of ``table`` that refers to another row of the same table (a tree)."""
    for fk in table.foreign_keys:
        if fk.column.table is table:
            return str(fk.parent.name)
    return None


def _parents_first(rows: list[dict[str, Any]], parent: str) -> list[dict[str, Any]]:
    """Rows of a tree ordered so that every parent comes before its children (ids
    need not say so: a code moved under a later one has a smaller id)."""
    by_id = {r["id"]: r for r in rows}
    depth: dict[Any, int] = {}

    def depth_of(row_id: Any) -> int:
        chain: list[Any] = []
        seen: set[Any] = set()
        current = row_id
        while current in by_id and current not in depth and current not in seen:
            seen.add(current)
            chain.append(current)
            current = by_id[current][parent]
        base = depth.get(current, -1)
        for i, item in enumerate(reversed(chain), start=1):
            depth[item] = base + i
        return depth[row_id]

    return sorted(rows, key=lambda r: (depth_of(r["id"]), r["id"]))


def _size(row: dict[str, Any]) -> int:
    return sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        batch.append(row)
        size += _size(row)
        if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _read(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` in primary-key order (parents first in a tree), streamed."""
    query = select(table).order_by(*table.primary_key.columns)
    parent = _self_parent(table)
    if parent is not None:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        yield from _parents_first(rows, parent)
        return
    for r in conn.execute(query.execution_options(yield_per=BATCH_ROWS)).mappings():
        yield dict(r)


def _count(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in _ordered_tables()}


def _describe(table: Table, row: dict[str, Any], column: str) -> str:
    """A row as a person knows it: the document by name, else the table's own name."""
    if table.name == "document":
        where = f"the document {row.get('name')!r}"
        return where if column == "text" else f"{where} (its {column})"
    if "name" in row and column != "name":
        return f"the {table.name} {row['name']!r} (its {column})"
    key = ", ".join(str(row[c.name]) for c in table.primary_key.columns)
    return f"the {column} of row {key} of the table {table.name!r}"


def _check_storable(table: Table, batch: list[dict[str, Any]], file_name: str) -> None:
    """Refuse text PostgreSQL cannot store (a NUL character), naming its row."""
    for row in batch:
        for column, value in row.items():
            if isinstance(value, str) and "\x00" in value:
                raise PushRefused(
                    f"{file_name}: {_describe(table, row, column)} holds a NUL character, "
                    "which a PostgreSQL server cannot store; remove it, then push again "
                    "(nothing was pushed)")


def _insert(target: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """Insert a batch of rows: PostgreSQL's COPY (several times faster than many
    INSERTs), or an executemany into a file."""
    if target.dialect.name != "postgresql":
        target.execute(table.insert(), batch)
        return
    import psycopg

    columns = [c.name for c in table.columns]
    quote = target.dialect.identifier_preparer.quote
    raw = target.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in batch:
                copy.write_row([row[c] for c in columns])
    except psycopg.Error as exc:
        # as SQLAlchemy reports a driver's failure, so one handler puts it in words
        if isinstance(exc, psycopg.OperationalError) or raw.closed:
            target.invalidate()
        raise DBAPIError(statement, None, exc, connection_invalidated=raw.closed) from None


def _failure(url: str, exc: DBAPIError, table: str, outcome: str) -> CrosscaseError:
    """The one line for a server's failure while copying ``table``."""
    known = server.translate(url, exc)
    reason = str(exc.orig).strip().splitlines()[0][:200] if str(exc.orig).strip() else "refused"
    where = server.redacted(url)
    if isinstance(known, server.ServerUnreachable) or (
            known is None and (exc.connection_invalidated or isinstance(exc, OperationalError))):
        return server.ServerUnreachable(f"{where}: the connection to the server was lost while "
                                        f"copying the table {table!r} ({reason}); {outcome}")
    if known is not None:
        return known
    return PushRefused(f"{where}: the server refused a row of the table {table!r} ({reason}); "
                       f"{outcome}")


def _copy(source: Connection, target: Connection, counts: dict[str, int], url: str,
          progress: Progress | None, *, outcome: str, check: str | None = None
          ) -> dict[str, int]:
    """Copy every table's rows from ``source`` to ``target`` (its tables made, empty);
    with ``check`` (the file's name), text a server cannot store is refused first.
    A failure of the server at ``url`` is one line ending in ``outcome``."""
    if progress is not None:
        progress.start(sum(counts.values()), "copying")
    copied: dict[str, int] = {}
    for table in _ordered_tables():
        copied[table.name] = 0
        try:
            for batch in _batches(_read(source, table)):
                if check is not None:
                    _check_storable(table, batch, check)
                _insert(target, table, batch)
                copied[table.name] += len(batch)
                if progress is not None:
                    progress.advance(table.name, steps=len(batch))
        except DBAPIError as exc:
            raise _failure(url, exc, table.name, outcome) from None
        except server.ServerUnreachable as exc:  # already put in words by the engine
            reason = str(exc).rpartition(" (")[2].rstrip(")")
            raise server.ServerUnreachable(
                f"{server.redacted(url)}: the connection to the server was lost while copying "
                f"the table {table.name!r} ({reason}); {outcome}") from None
    return copied


def _reset_sequences(conn: Connection) -> None:
    """Each table with an integer ``id`` key: its sequence goes on after the largest id."""
    quote = conn.dialect.identifier_preparer.quote
    for table in _ordered_tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].name != "id" or not isinstance(keys[0].type, Integer):
            continue
        name = quote(table.name)
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, 'id'), max(id)) "  # noqa: S608
                          f"FROM {name} HAVING max(id) IS NOT NULL"), {"t": name})


# -- push -------------------------------------------------------------------------


def _url(url: str, what: str) -> str:
    if not server.is_url(url):
        raise UsageError(f"{url}: {what} must be a postgresql:// URL")
    return url


def push(file: Path | str, url: str, progress: Progress | None = None, *,
         coder: str | None = None) -> PushReport:
    """Put the project ``file`` on the server at ``url`` (see the module).

    The file is opened as any open does (an older one is upgraded first) and
    only read. ``coder`` is who merges, when the database already holds a project.
    """
    _url(url, "where to push")
    path = Path(file)
    if server.is_url(str(file)):
        raise UsageError(f"{file}: push copies a project file; give its path first, then the URL")
    started = time.perf_counter()
    src = open_project(path, readonly=True)
    try:
        engine = server.make_engine(url)
        try:
            rev, tables = server._check_server(url, engine)
        finally:
            engine.dispose()
        if rev is not None or "project" in tables:
            report = PushReport(merge=_merge(src, path, url, coder))
        else:
            report = PushReport(copy=_push_copy(src, path, url, progress))
    finally:
        src.close()
    report.seconds = time.perf_counter() - started
    return report


def _push_copy(src: Project, path: Path, url: str, progress: Progress | None) -> CopyReport:
    where = server.redacted(url)
    with src.engine.connect() as read:
        counts = _count(read)
        engine = server.make_engine(url)
        try:
            with engine.begin() as conn:
                server.create_schema(url, conn)
                copied = _copy(read, conn, counts, url, progress, check=path.name,
                               outcome="nothing was pushed, the database is as it was")
                _reset_sequences(conn)
                roles.install(conn)
        finally:
            engine.dispose()
    return CopyReport(path.name, where, copied)


def _merge(src: Project, path: Path, url: str, coder: str | None) -> MergeReport:
    target = server.open_shared(url)
    try:
        if coder:
            target.coder_name = coder
        report = MergeReport(path, path, into=target.location)
        report.sources.append(merge_into(target, src, path, report.conflicts))
        return report
    finally:
        target.close()


# -- pull -------------------------------------------------------------------------


def pull(url: str, file: Path | str, progress: Progress | None = None) -> CopyReport:
    """A new project file ``file`` holding exactly the shared project at ``url``."""
    _url(url, "where to pull from")
    out = Path(file)
    if server.is_url(str(file)):
        raise UsageError(f"{file}: pull writes a project file; give the URL first, then its path")
    if os.path.lexists(out):
        raise ProjectOpenError(f"{out.name}: already exists; a pull writes a new project file, "
                               "choose another name")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    check_target(out)
    started = time.perf_counter()
    shared = server.open_shared(url, readonly=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    lock = ProjectLock(tmp)
    engine = None
    try:
        lock.acquire()
        _create_private(tmp)
        engine = file_engine(tmp)
        with shared.engine.connect() as read:
            # one snapshot: colleagues may be writing while the copy is read
            read = read.execution_options(isolation_level="REPEATABLE READ")
            with read.begin(), engine.begin() as conn:
                Base.metadata.create_all(conn)
                _stamp_head(conn)
                copied = _copy(read, conn, _count(read), url, progress,
                               outcome=f"{out.name} was not written")
        engine.dispose()
        engine = None
        lock.release()
        move_new_project_into_place(tmp, out)
    except BaseException:
        if engine is not None:
            engine.dispose()
        lock.release()
        remove_project_files(tmp)
        raise
    finally:
        shared.close()
    return CopyReport(shared.location, out.name, copied, time.perf_counter() - started)
