"""Fixtures for project-file tests: old projects, small filesystems."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from crosscase.db.project import _alembic_config


def make_old_project(path: Path, *, rows: int = 0, revision: str = "0001") -> None:
    """A project at ``revision`` (older than head), with ``rows`` codings to carry."""
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)
        conn.exec_driver_sql("INSERT INTO project (id, name, created, memo) VALUES (1, 'old', '2025-01-01', '')")
        conn.exec_driver_sql("INSERT INTO \"case\" (id, name, memo, position) VALUES (1, 'Case A', 'kept', 0)")
        if rows:
            _fill(conn, "coder", 1)
            _fill(conn, "code", 1)
            _fill(conn, "document", 1)
            _fill(conn, "coding", rows)
    engine.dispose()


def _fill(conn, table: str, n: int) -> None:  # type: ignore[no-untyped-def]
    cols = [r for r in conn.exec_driver_sql(f'PRAGMA table_info("{table}")') if not r[5]]
    values = []
    for _cid, name, ctype, _notnull, _default, _pk in cols:
        t = (ctype or "").upper()
        if name.endswith("_id") or name == "start":
            values.append(1)
        elif name == "end":
            values.append(2)
        elif "INT" in t or "BOOL" in t:
            values.append(1)
        elif "DATE" in t:
            values.append("2025-01-01 00:00:00")
        elif "BLOB" in t or "BINARY" in t:
            values.append(b"")
        else:
            values.append("x" * 40)
    names = ", ".join(f'"{c[1]}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [tuple(values)] * n)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 1 MiB tmpfs (a disk that fills up), or None where mounting is impossible
    (the tests then simulate ENOSPC at the write call instead)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
                       capture_output=True)
    if r.returncode != 0:
        yield None
        return
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], bool]]]:
    """A tmpfs folder and a call that makes it read-only (remount; root cannot write either).

    The call returns False where remounting is impossible."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mnt)],
                       capture_output=True)
    mounted = r.returncode == 0

    def freeze() -> bool:
        if not mounted:
            return False
        return subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True).returncode == 0

    try:
        yield mnt, freeze
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill_disk(mnt: Path, leave: int) -> None:
    """Fill ``mnt`` until about ``leave`` bytes are free."""
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    with open(mnt / "filler.bin", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
