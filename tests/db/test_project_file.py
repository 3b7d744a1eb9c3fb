"""Project files: create, reopen, upgrade with backup, refuse newer, lock."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from crosscase.db.models import Base, FrameworkCell, ProjectInfo
from crosscase.db.project import (
    _alembic_config,
    create_project,
    head_revision,
    integrity_ok,
    open_project,
)
from crosscase.domain.errors import NotAProject, ProjectLocked, SchemaTooNew


def _pragma(project, name: str):  # type: ignore[no-untyped-def]
    with project.engine.connect() as c:
        return c.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_new_project_is_stamped_at_head_with_pragmas(tmp_path: Path) -> None:
    p = create_project(tmp_path / "a.crosscase")
    try:
        assert _pragma(p, "journal_mode") == "wal"
        assert _pragma(p, "foreign_keys") == 1
        assert _pragma(p, "synchronous") == 2  # FULL
        with p.engine.connect() as c:
            assert c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    finally:
        p.close()
    assert stat.S_IMODE(os.stat(tmp_path / "a.crosscase").st_mode) == 0o600


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _project_at_first_revision(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.exec_driver_sql("INSERT INTO project (id, name, created, memo) VALUES (1, 'old', '2025-01-01', '')")
        conn.exec_driver_sql("INSERT INTO \"case\" (id, name, memo, position) VALUES (1, 'Case A', 'kept', 0)")
    engine.dispose()


def test_an_older_file_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.crosscase"
    _project_at_first_revision(path)
    p = open_project(path)
    try:
        assert p.backup_path is not None and p.backup_path.exists()
        assert stat.S_IMODE(os.stat(p.backup_path).st_mode) == 0o600
        with sqlite3.connect(p.backup_path) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
            assert con.execute('SELECT memo FROM "case"').fetchone()[0] == "kept"
        with p.session() as s:
            info = s.get(ProjectInfo, 1)
            assert info is not None and info.name == "old"
            assert info.rating_scale.startswith('["absent"')  # added by 0002
            assert s.scalars(select(FrameworkCell)).all() == []  # the new table exists
        with p.engine.connect() as c:
            assert c.exec_driver_sql("SELECT memo FROM \"case\"").scalar() == "kept"
            assert c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    finally:
        p.close()


def test_a_file_from_a_newer_crosscase_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.crosscase"
    create_project(path).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNew, match="newer Crosscase"):
        open_project(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("content", [b"", b"hello, not a database", b"SQLite format 3\x00" + b"\x00" * 200])
def test_not_a_project(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.crosscase"
    path.write_bytes(content)
    with pytest.raises(NotAProject):
        open_project(path)


def test_a_plain_sqlite_database_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(NotAProject, match="not a Crosscase project"):
        open_project(path)


def test_second_opener_in_this_process_is_refused(tmp_path: Path) -> None:
    p = create_project(tmp_path / "l.crosscase")
    try:
        with pytest.raises(ProjectLocked, match="open in another"):
            open_project(tmp_path / "l.crosscase")
    finally:
        p.close()
    open_project(tmp_path / "l.crosscase").close()  # free again after close


def test_second_process_gets_exit_3_and_the_file_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "busy.crosscase"
    p = create_project(path)
    try:
        with p.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        files = {f: f.read_bytes() for f in tmp_path.iterdir() if f.is_file() and not f.name.startswith(".")}
        r = subprocess.run(
            [sys.executable, "-m", "crosscase.cli.main", "docs", str(path)],
            capture_output=True, text=True, timeout=60,
        )
        assert r.returncode == 3
        assert "open in another" in r.stderr
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        after = {f: f.read_bytes() for f in tmp_path.iterdir() if f.is_file() and not f.name.startswith(".")}
        assert after == files
    finally:
        p.close()


def test_integrity_ok_on_new_project(tmp_path: Path) -> None:
    create_project(tmp_path / "i.crosscase").close()
    assert integrity_ok(tmp_path / "i.crosscase")
