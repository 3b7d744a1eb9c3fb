"""A SIGKILL during a batch import never leaves a half-imported document."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crosscase.db.project import integrity_ok, open_project
from crosscase.services.projects import new_project


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_kill_mid_import_leaves_only_whole_documents(tmp_path: Path) -> None:
    src = tmp_path / "files"
    src.mkdir()
    expected = {}
    for i in range(300):
        lines = [f"Interviewer: question {i}.{j} 😀" if j % 2 == 0 else f"P{i}: answer {j} 𝒳 café"
                 for j in range(400)]
        text = "\n".join(lines) + "\n"
        (src / f"t{i:03}.txt").write_text(text, encoding="utf-8")
        expected[f"t{i:03}"] = text
    path = tmp_path / "k.crosscase"
    new_project(path, empty=True).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crosscase.cli.main", "import", str(path), str(src), "--case", "A", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # wait until some documents are in, then kill without warning
    deadline = time.time() + 120
    n = 0
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as con:
                n = con.execute("SELECT count(*) FROM document").fetchone()[0]
        except sqlite3.Error:
            continue
        if n >= 5 or proc.poll() is not None:
            break
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert integrity_ok(path)
    p = open_project(path)  # the lock died with the process
    try:
        with p.engine.connect() as c:
            rows = c.exec_driver_sql("SELECT id, name, text, chars FROM document").fetchall()
            assert 5 <= len(rows) < 300
            for did, name, text, chars in rows:
                assert text == expected[name] and chars == len(text)
                paras = c.exec_driver_sql(
                    "SELECT count(*) FROM paragraph WHERE document_id = ?", (did,)
                ).scalar()
                turns = c.exec_driver_sql(
                    "SELECT count(*) FROM turn WHERE document_id = ?", (did,)
                ).scalar()
                assert paras == 400 and turns == 400
            orphans = c.exec_driver_sql(
                "SELECT count(*) FROM paragraph WHERE document_id NOT IN (SELECT id FROM document)"
            ).scalar()
            assert orphans == 0
    finally:
        p.close()
