"""Migrations on PostgreSQL, held to the same rules as on SQLite.

The migrations build exactly the models' schema; a shared project at an older
schema is upgraded with its data in one transaction under the schema lock,
and a second client that opens it meanwhile waits and finds it upgraded.
"""

from __future__ import annotations

import threading

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from crosscase.db import revisions
from crosscase.db.models import Base
from crosscase.db.project import _alembic_config, open_project
from crosscase.db.server import SCHEMA_LOCK, SharedProject


def _engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def test_migrations_build_exactly_the_models_schema_on_postgresql(pg_url: str) -> None:
    engine = _engine(pg_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def _at_0004_with_data(url: str) -> None:
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0004")
            conn.execute(text("INSERT INTO project (id, name, created, memo, rating_scale) "
                              "VALUES (1, 'Two enterprises 𝒳', now(), 'kept', '[]')"))
            conn.execute(text('INSERT INTO "case" (id, name, memo, position) '
                              "VALUES (1, 'Café 😀', 'memo kept', 0)"))
            conn.execute(text("INSERT INTO code (id, name, color, definition, inclusion, exclusion,"
                              " example, memo, position) VALUES (7, 'Trust', '#123456', '', '', '',"
                              " '', '', 0)"))
    finally:
        engine.dispose()


def test_an_older_shared_project_is_upgraded_with_its_data(pg_url: str) -> None:
    _at_0004_with_data(pg_url)
    p = open_project(pg_url)
    try:
        assert isinstance(p, SharedProject)
        with p.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == revisions.HEAD
            assert conn.execute(text('SELECT name, memo, version FROM "case"')).one() \
                == ("Café 😀", "memo kept", 1)
            assert conn.execute(text("SELECT name FROM code WHERE id = 7")).scalar() == "Trust"
            actions = list(conn.execute(text("SELECT action FROM event")).scalars())
        assert "project.upgrade" in actions
    finally:
        p.close()


def test_two_clients_never_migrate_at_once(pg_url: str) -> None:
    """While one client holds the schema lock, another that opens the project waits,
    then finds it upgraded (and does not upgrade it a second time)."""
    _at_0004_with_data(pg_url)
    holder = _engine(pg_url)
    opened: list[SharedProject] = []
    failed: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(open_project(pg_url))  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    try:
        with holder.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
            first = threading.Thread(target=open_it)
            second = threading.Thread(target=open_it)
            first.start()
            second.start()
            first.join(timeout=1.0)
            # both wait on the lock this transaction holds: neither has upgraded
            assert first.is_alive() and second.is_alive()
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
        first.join(timeout=60)
        second.join(timeout=60)
        assert failed == []
        assert len(opened) == 2
        with opened[0].engine.connect() as c:
            upgrades = c.execute(text(
                "SELECT count(*) FROM event WHERE action = 'project.upgrade'")).scalar()
        assert upgrades == 1
    finally:
        for p in opened:
            p.close()
        holder.dispose()
