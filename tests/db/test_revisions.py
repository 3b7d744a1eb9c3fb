"""The fast paths that avoid importing alembic agree with alembic.

Opening a project reads the head and the known revisions from
crosscase.db.revisions, and a new project is stamped without alembic; these
tests hold both to what alembic itself reports and does.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from crosscase.db import revisions
from crosscase.db.models import Base
from crosscase.db.project import (
    _alembic_config,
    create_project,
    head_revision,
    known_revisions,
    open_project,
)
from crosscase.domain.errors import SchemaTooNew


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config())


def test_the_listed_revisions_are_alembics_in_order() -> None:
    scripts = _scripts()
    oldest_first = [s.revision for s in scripts.walk_revisions()][::-1]
    assert list(revisions.REVISIONS) == oldest_first, (
        "crosscase/db/revisions.py must list every migration, oldest first"
    )
    assert scripts.get_heads() == [revisions.HEAD]
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == set(oldest_first)


def test_alembic_keeps_its_revision_in_the_table_named_here(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'v.db'}")
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).version_table == revisions.VERSION_TABLE
    engine.dispose()


def _version_table_sql(path: Path) -> str:
    with sqlite3.connect(path) as con:
        row = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (revisions.VERSION_TABLE,)).fetchone()
    assert row is not None
    return str(row[0])


def test_a_new_project_is_at_alembics_head_as_alembic_stamps_it(tmp_path: Path) -> None:
    path = tmp_path / "new.crosscase"
    create_project(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (_scripts().get_current_head(),)
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
    # the same version table alembic's own stamp writes
    stamped = tmp_path / "stamped.db"
    engine = create_engine(f"sqlite:///{stamped}")
    with engine.begin() as conn:
        command.stamp(_alembic_config(conn), "head")
    engine.dispose()
    assert _version_table_sql(path) == _version_table_sql(stamped)


def test_alembic_finds_nothing_to_upgrade_in_a_new_project(tmp_path: Path) -> None:
    path = tmp_path / "new.crosscase"
    create_project(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")  # a no-op at head
    engine.dispose()
    p = open_project(path)
    try:
        assert p.backup_path is None
    finally:
        p.close()
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(revisions.HEAD,)]


@pytest.mark.parametrize("old", revisions.REVISIONS[:-1])
def test_a_file_at_every_older_revision_is_backed_up_and_upgraded(tmp_path: Path, old: str) -> None:
    path = tmp_path / f"at-{old}.crosscase"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), old)
    engine.dispose()
    p = open_project(path)
    try:
        assert p.backup_path is not None and p.backup_path.exists()
        with sqlite3.connect(p.backup_path) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == old
        with p.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (_scripts().get_current_head(),)
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        p.close()


def test_an_unknown_revision_is_refused_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "future.crosscase"
    create_project(path).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = 'ffff_later'")
    with pytest.raises(SchemaTooNew, match="newer Crosscase"):
        open_project(path)
    assert [f.name for f in tmp_path.iterdir() if "before-upgrade" in f.name] == []


def _loaded_after(script: str) -> list[str]:
    probe = (
        f"{script}\n"
        "import json, sys\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako'})))\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return list(json.loads(r.stdout.strip().splitlines()[-1]))


def test_creating_and_opening_a_project_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    path = tmp_path / "fast.crosscase"
    script = (
        "from crosscase.db.project import create_project, open_project\n"
        f"create_project({str(path)!r}).close()\n"
        f"open_project({str(path)!r}).close()\n"
    )
    assert _loaded_after(script) == []


def test_the_read_and_write_commands_do_not_load_alembic(tmp_path: Path) -> None:
    path = tmp_path / "cli.crosscase"
    script = (
        "import contextlib, io\n"
        "from crosscase.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['new', {str(path)!r}]) == 0\n"
        f"    assert main(['docs', {str(path)!r}]) == 0\n"
    )
    assert _loaded_after(script) == []
