"""PostgreSQL fixtures, registered by tests/conftest.py.

``pg_server`` starts one private server for the whole run, the first time a
test asks for it (runs that need no PostgreSQL never start one). ``pg_url``
is a fresh empty database on it for one test, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from pgserver import PostgresError, PostgresServer


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The run's PostgreSQL server. Fails (never skips) when it cannot be started."""
    server = PostgresServer()
    problem = None
    try:
        server.start()
    except PostgresError as exc:
        problem = str(exc)
    if problem is not None:  # outside the except block: the one line, without the chain
        pytest.fail(problem, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """The superuser's URL of a new, empty database, dropped after the test."""
    url = pg_server.create_database()
    try:
        yield url
    finally:
        pg_server.drop_database(urlsplit(url).path.lstrip("/"))


def reopenable(project: Any) -> Any:
    """Where ``project`` can be opened again: its file, or the shared project's URL
    with the password (which the project itself never shows)."""
    if project.shared:
        return project.engine.url.render_as_string(hide_password=False)
    return project.path


def snapshot(project: Any) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Every row of every table of ``project``, parents first (for :func:`restore`)."""
    from crosscase.db.models import Base

    with project.engine.connect() as conn:
        return [(table, [dict(r._mapping) for r in conn.execute(table.select())])
                for table in Base.metadata.sorted_tables]


def restore(project: Any, rows: list[tuple[Any, list[dict[str, Any]]]]) -> None:
    """Put a :func:`snapshot` back into a shared project: every table emptied and refilled,
    ids kept, each id sequence set past the largest id."""
    from sqlalchemy import text

    with project.engine.begin() as conn:
        names = ", ".join(f'"{table.name}"' for table, _ in rows)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for table, values in rows:
            if values:
                conn.execute(table.insert(), values)
            if "id" in table.c and table.c.id.primary_key:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
