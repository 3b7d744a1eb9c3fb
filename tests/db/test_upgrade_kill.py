"""A SIGKILL at any moment of an upgrade leaves the old project, the old project
with a whole backup, or the upgraded project with a whole backup."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.db.conftest import make_old_project

from crosscase.db.project import head_revision, integrity_ok, open_project

SCRIPT = "import sys; from crosscase.db.project import open_project; open_project(sys.argv[1]).close()"


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
@pytest.mark.parametrize("delay", [0.3, 0.45, 0.6, 0.75, 0.9, 1.5])
def test_kill_during_an_upgrade(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "old.crosscase"
    make_old_project(path, rows=150_000)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert integrity_ok(path)
    rev = _revision(path)
    assert rev in ("0001", head_revision())
    backups = sorted(tmp_path.glob("old.before-upgrade-*.crosscase"))
    for b in backups:  # a backup under its final name is always whole
        assert integrity_ok(b) and _revision(b) == "0001"
        with sqlite3.connect(b) as con:
            assert con.execute("SELECT count(*) FROM coding").fetchone()[0] == 150_000
    if rev != "0001":
        assert backups, "upgraded without a whole backup"
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM coding").fetchone()[0] == 150_000
        assert con.execute('SELECT memo FROM "case"').fetchone()[0] == "kept"
    p = open_project(path)  # opens (upgrading now if it was not done), never "duplicate column"
    p.close()
    assert _revision(path) == head_revision()
    leftovers = [n for n in os.listdir(tmp_path) if n.endswith(".part")]
    assert leftovers == []
