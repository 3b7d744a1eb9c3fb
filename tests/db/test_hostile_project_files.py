"""Project files that are busy, damaged, odd, read-only, on a full disk or mid-write.

Each test builds its own fixture. The promise: one line naming the file and
the reason (exit 3 for a project that cannot be opened), never a traceback or
an exception's name, never a hang, nothing half-written.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.db.conftest import fill_disk, make_old_project

from crosscase.cli.main import main
from crosscase.db import lock as lock_module
from crosscase.db.lock import lock_path
from crosscase.db.project import create_project, integrity_ok, open_project
from crosscase.db.temporaries import remove_stale
from crosscase.domain import limits
from crosscase.domain.errors import (
    DiskFull,
    NotARegularFile,
    ProjectBusy,
    ProjectDamaged,
    ProjectReadOnly,
    UnsafeLockFile,
    UpgradeFailed,
)
from crosscase.services.projects import new_project


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "unexpected error" not in err and "Error:" not in err, err
    return lines[0]


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _dump(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "study.crosscase"
    text = tmp_path / "interview.txt"
    text.write_text("Q: Why?\nA: Trust matters here.\n", encoding="utf-8")
    new_project(path).close()
    assert main(["import", str(path), str(text), "--case", "Case A", "-q"]) == 0
    assert main(["code", str(path), "interview", "Co-production", "--quote", "Trust"]) == 0
    text.unlink()
    return path


# -- another program holds SQLite's lock -----------------------------------------------


def test_a_write_lock_held_by_another_program_lets_reads_and_exports_run(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = sqlite3.connect(project, isolation_level=None)  # a database browser mid-edit
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE \"case\" SET memo = 'edited elsewhere'")
    try:
        before = _dump_committed(project)
        assert main(["docs", str(project)]) == 0
        assert main(["segments", str(project)]) == 0
        assert main(["codebook", str(project)]) == 0
        assert main(["export", str(project), "--format", "qdpx", "--out", str(tmp_path / "o.qdpx")]) == 0
        assert main(["export", str(project), "--format", "qdc", "--out", str(tmp_path / "o.qdc")]) == 0
        assert (tmp_path / "o.qdpx").stat().st_size > 0
        assert _dump_committed(project) == before  # exports wrote nothing to the project
    finally:
        other.execute("ROLLBACK")
        other.close()


def _dump_committed(path: Path) -> str:
    return _dump(path)


def test_a_write_while_another_program_holds_the_lock_waits_then_says_busy(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        capsys.readouterr()
        started = time.monotonic()
        code = main(["codebook", str(project), "--add", "New/Code"])
        waited = time.monotonic() - started
        assert code == 3
        line = _one_line(capsys.readouterr().err)
        assert "study.crosscase" in line and "busy in another program" in line
        assert limits.LOCK_WAIT_SECONDS - 0.5 <= waited < limits.LOCK_WAIT_SECONDS + 10
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert main(["codebook", str(project), "--add", "New/Code"]) == 0  # free again


def test_an_exclusive_lock_makes_reads_wait_and_say_busy(project: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("SELECT count(*) FROM document").fetchone()
    try:
        capsys.readouterr()
        assert main(["docs", str(project)]) == 3
        assert "busy in another program" in _one_line(capsys.readouterr().err)
        with pytest.raises(ProjectBusy):
            open_project(project)
    finally:
        other.execute("ROLLBACK")
        other.close()


# -- damaged and odd files ---------------------------------------------------------------


def test_a_page_of_random_bytes_is_damaged_and_names_the_newest_backup(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rand.crosscase"
    path.write_bytes(os.urandom(4096))
    capsys.readouterr()
    assert main(["docs", str(path)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "rand.crosscase" in line and "damaged" in line and "backup" not in line
    (tmp_path / "rand.before-upgrade-20240101-101010.crosscase").write_bytes(b"x")
    newest = tmp_path / "rand.backup-20250101-101010.crosscase"
    newest.write_bytes(b"x")
    assert main(["code", str(path), "d", "c", "--start", "0", "--end", "1"]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "damaged" in line and newest.name in line


def test_sqlite_header_then_random_pages_is_damaged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "half.crosscase"
    create_project(path).close()
    data = bytearray(path.read_bytes())
    data[100:] = os.urandom(len(data) - 100)
    path.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["docs", str(path)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "half.crosscase" in line and ("damaged" in line or "not a Crosscase project" in line)


def test_a_missing_table_is_damaged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(project) as con:
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute("DROP TABLE paragraph")
    capsys.readouterr()
    assert main(["docs", str(project)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "damaged" in line and "paragraph" in line
    with pytest.raises(ProjectDamaged):
        open_project(project)


def test_a_stale_wal_from_another_file_is_refused_and_not_merged(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("PRAGMA page_size=1024")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [("y" * 500,)] * 300)
    con.commit()
    wal = project.with_name(project.name + "-wal")
    wal.write_bytes(other.with_name("other.db-wal").read_bytes())
    con.close()
    before = project.read_bytes()
    capsys.readouterr()
    assert main(["docs", str(project)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "damaged" in line and wal.name in line
    assert project.read_bytes() == before  # the foreign -wal was not checkpointed into it
    wal.unlink()
    project.with_name(project.name + "-shm").unlink(missing_ok=True)
    assert main(["docs", str(project)]) == 0


def test_a_failed_upgrade_leaves_the_file_and_no_backups(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.crosscase"
    make_old_project(path)
    with sqlite3.connect(path) as con:  # 0002 creates this table: the upgrade fails half-way
        con.execute("CREATE TABLE framework_pin (x)")
    before_bytes = path.read_bytes()
    before = _dump(path)
    for _ in range(3):
        with pytest.raises(UpgradeFailed, match="the file is unchanged"):
            open_project(path)
    capsys.readouterr()
    assert main(["docs", str(path)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "old.crosscase" in line and "upgrade" in line and "unchanged" in line
    assert _dump(path) == before
    assert path.read_bytes() == before_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.crosscase"]


@pytest.mark.parametrize("kind", ["fifo", "folder", "loop", "dangling"])
def test_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "odd.crosscase"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        os.symlink(tmp_path / "b.crosscase", path)
        os.symlink(path, tmp_path / "b.crosscase")
    else:
        os.symlink(tmp_path / "gone.crosscase", path)
    with pytest.raises(NotARegularFile):
        open_project(path)
    r = subprocess.run([sys.executable, "-m", "crosscase.cli.main", "docs", str(path)],
                       capture_output=True, text=True, timeout=60)  # a pipe must not hang it
    assert r.returncode == 3
    line = _one_line(r.stderr)
    assert "odd.crosscase" in line
    assert {"fifo": "named pipe", "folder": "folder", "loop": "loop",
            "dangling": "symbolic link"}[kind] in line


def test_a_read_only_folder_reads_but_refuses_writes(
        read_only_folder: tuple[Path, Callable[[], bool]], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, freeze = read_only_folder
    path = folder / "ro.crosscase"
    new_project(path).close()
    if not freeze():  # no mount here: pretend nothing can be written
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m, **k: False if m & os.W_OK else real(p, m, **k))
    capsys.readouterr()
    assert main(["codebook", str(path)]) == 0
    assert "Co-production" in capsys.readouterr().out
    assert main(["codebook", str(path), "--add", "New"]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "ro.crosscase" in line and "read-only" in line
    p = open_project(path, allow_readonly=True)  # what the workbench does
    try:
        assert p.readonly
        assert p.name == "ro"
    finally:
        p.close()


def test_an_older_read_only_project_says_it_needs_an_upgrade(
        read_only_folder: tuple[Path, Callable[[], bool]], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, freeze = read_only_folder
    path = folder / "old.crosscase"
    make_old_project(path)
    if not freeze():
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m, **k: False if m & os.W_OK else real(p, m, **k))
    with pytest.raises(ProjectReadOnly, match="needs an upgrade"):
        open_project(path, allow_readonly=True)


# -- a full disk -------------------------------------------------------------------------


def test_new_on_a_full_disk_leaves_nothing(small_disk: Path | None, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_disk if small_disk is not None else tmp_path / "sim"
    folder.mkdir(exist_ok=True)
    if small_disk is not None:
        fill_disk(folder, 48 * 1024)
    else:  # simulate: every write to a file of the project fails with ENOSPC
        real = os.write

        def full(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(os, "write", full)
        monkeypatch.setattr(lock_module.os, "write", real)
    before = _listing(folder)
    capsys.readouterr()
    code = main(["new", str(folder / "full.crosscase")])
    err = capsys.readouterr().err
    assert code in (1, 3)
    line = _one_line(err)
    assert "full.crosscase" in line and "the disk is full" in line
    assert _listing(folder) == before
    assert sorted(os.listdir(folder)) == sorted(before)


def test_an_upgrade_on_a_full_disk_leaves_the_project_and_no_partial_backup(
        small_disk: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_disk if small_disk is not None else tmp_path
    path = folder / "old.crosscase"
    make_old_project(path, rows=300)
    before = _dump(path)
    if small_disk is not None:
        fill_disk(folder, 8 * 1024)
    else:
        import crosscase.db.project as project_module

        def full(*_a: object, **_k: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")
        monkeypatch.setattr(project_module.sqlite3.Connection, "backup", full, raising=False)
    names = sorted(os.listdir(folder))
    with pytest.raises(DiskFull, match="the disk is full"):
        open_project(path)
    assert sorted(os.listdir(folder)) == names
    assert _dump(path) == before


def test_disk_full_during_an_import_is_one_line_and_changes_nothing(
        small_disk: Path | None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_disk if small_disk is not None else tmp_path
    path = folder / "busy.crosscase"
    new_project(path, empty=True).close()
    big = tmp_path / "long.txt"
    big.write_text("A: " + "words of an answer " * 60000 + "\n", encoding="utf-8")
    before = _dump(path)
    if small_disk is not None:
        fill_disk(folder, 64 * 1024)
    else:
        from crosscase.db import failures

        err = sqlite3.OperationalError("database or disk is full")
        err.sqlite_errorcode = 13  # type: ignore[attr-defined]
        assert isinstance(failures.translate(path, err), DiskFull)
        return
    capsys.readouterr()
    code = main(["import", str(path), str(big), "--case", "A", "-q"])
    out = capsys.readouterr()
    assert code in (1, 3)
    assert "the disk is full" in out.err and "Traceback" not in out.err
    assert "unexpected error" not in out.err
    with sqlite3.connect(path) as con:  # the document's transaction rolled back whole
        assert con.execute("SELECT count(*) FROM document").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM paragraph").fetchone()[0] == 0
    assert integrity_ok(path)
    assert before


# -- a hot journal -----------------------------------------------------------------------


def test_an_interrupted_write_in_rollback_mode_is_rolled_back_not_refused(project: Path) -> None:
    with sqlite3.connect(project) as con:
        con.execute("PRAGMA journal_mode=DELETE")
    before = _dump(project)
    script = (
        "import sqlite3, os, sys\n"
        "con = sqlite3.connect(sys.argv[1])\n"
        "con.execute('PRAGMA cache_size=1')\n"
        "con.execute('BEGIN')\n"
        "con.execute(\"UPDATE document SET text = text || ?\", ('x' * 200000,))\n"
        "con.execute('INSERT INTO \"case\" (name, memo, position) VALUES (?, ?, 9)', ('gone', 'y' * 100000))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(project)], check=True, timeout=60)
    assert project.with_name(project.name + "-journal").exists()  # a hot journal
    p = open_project(project)
    p.close()
    assert _dump(project) == before
    assert integrity_ok(project)


# -- owner-only from the first byte --------------------------------------------------


def test_everything_created_is_owner_only_under_any_umask(tmp_path: Path) -> None:
    seen: dict[str, int] = {}
    stop = threading.Event()

    def watch() -> None:  # look at the files while they are being written
        while not stop.is_set():
            for f in tmp_path.iterdir():
                try:
                    seen[f.name] = seen.get(f.name, 0) | stat.S_IMODE(os.lstat(f).st_mode)
                except OSError:
                    pass

    old = os.umask(0)
    t = threading.Thread(target=watch)
    t.start()
    try:
        p = new_project(tmp_path / "new.crosscase")
        with p.engine.connect() as c:  # -wal and -shm exist while open
            c.exec_driver_sql("SELECT count(*) FROM code").scalar()
            for suffix in ("-wal", "-shm"):
                side = tmp_path / f"new.crosscase{suffix}"
                assert stat.S_IMODE(side.stat().st_mode) == 0o600, suffix
        assert stat.S_IMODE(lock_path(p.path).stat().st_mode) == 0o600
        p.close()
        make_old_project(tmp_path / "old.crosscase")
        os.chmod(tmp_path / "old.crosscase", 0o600)
        seen.clear()
        q = open_project(tmp_path / "old.crosscase")
        assert q.backup_path is not None
        assert stat.S_IMODE(q.backup_path.stat().st_mode) == 0o600
        q.close()
    finally:
        stop.set()
        t.join()
        os.umask(old)
    leaky = {n: oct(m) for n, m in seen.items() if m & 0o077 and n != "old.crosscase"}
    assert leaky == {}


# -- the lock file -----------------------------------------------------------------------


def test_a_symbolic_link_as_the_lock_file_is_refused_and_not_followed(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    lock = lock_path(project)
    os.symlink(target, lock)
    capsys.readouterr()
    assert main(["docs", str(project)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "symbolic link" in line and str(lock.name) in line
    assert target.read_text() == "keep me"
    lock.unlink()
    os.symlink(tmp_path / "nowhere.txt", lock)  # a dangling link: its target is not created
    with pytest.raises(UnsafeLockFile):
        open_project(project)
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_folder_as_the_lock_file_is_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock_path(project).mkdir()
    capsys.readouterr()
    assert main(["docs", str(project)]) == 3
    line = _one_line(capsys.readouterr().err)
    assert "is a folder" in line and "lock" in line


def test_a_released_lock_is_not_shared_by_two_openers(project: Path) -> None:
    a = open_project(project)
    a.close()
    b = open_project(project)
    try:
        with pytest.raises(Exception, match="open in another"):
            open_project(project)
    finally:
        b.close()


# -- stale temporaries --------------------------------------------------------------------


def test_stale_temporaries_are_removed_on_the_next_run(project: Path, tmp_path: Path) -> None:
    folder = project.parent
    killed_import = folder / ".copy.crosscase.1a2b3c4d.part"
    killed_import.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    (folder / ".copy.crosscase.1a2b3c4d.part-wal").write_bytes(b"w")
    lock_path(killed_import).write_text("99999999")  # its process is gone: the lock is free
    live_import = folder / ".live.crosscase.5e6f7a8b.part"
    live_import.write_bytes(b"x")
    holder = create_project(folder / "holder.crosscase")  # stands for a live import's lock
    holder.close()
    live_lock = lock_module.ProjectLock(live_import)
    live_lock.acquire()
    old_export = folder / ".out.qdpx.0a1b2c3d.part"
    old_export.write_bytes(b"PK")
    long_ago = time.time() - limits.STALE_TEMPORARY_SECONDS - 60
    os.utime(old_export, (long_ago, long_ago))
    fresh_export = folder / ".fresh.docx.abcd_123.tmp"
    fresh_export.write_bytes(b"PK")
    old_report = folder / ".report.docx.crosscase-part-k2_x9q0z"
    old_report.write_bytes(b"PK")
    os.utime(old_report, (long_ago, long_ago))
    half_backup = folder / ".study.before-upgrade-20250101-101010.crosscase.part"
    half_backup.write_bytes(b"half")
    unrelated = folder / ".notes.part.txt"
    unrelated.write_bytes(b"mine")
    try:
        p = open_project(project)
        p.close()
        names = set(os.listdir(folder))
        assert killed_import.name not in names and killed_import.name + "-wal" not in names
        assert lock_path(killed_import).name not in names
        assert old_export.name not in names and old_report.name not in names
        assert live_import.name in names and fresh_export.name in names and unrelated.name in names
    finally:
        live_lock.release()
    assert remove_stale(folder, now=time.time() + limits.STALE_TEMPORARY_SECONDS + 120)
    assert not fresh_export.exists()
