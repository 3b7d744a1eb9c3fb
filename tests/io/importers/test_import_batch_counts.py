"""A batch import counts words and hashes where it reads each file (a worker
process, when there is one): what is stored must be what storing one file
computes, and a file already in the project, or twice in the batch, is still
skipped with the name it was stored under."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from sqlalchemy import select

from crosscase.db.models import Document
from crosscase.io.importers import parallel
from crosscase.services.documents import import_files, word_count
from crosscase.services.projects import new_project


def interview(path: Path, n: int) -> None:
    lines = [f"{'Interviewer' if j % 2 == 0 else 'Ruth'}: answer {j} of {n}, café 😀" for j in range(40)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_stored_counts_and_hashes_match_the_text_and_duplicates_are_skipped(
    tmp_path: Path,
) -> None:
    src = tmp_path / "batch"
    src.mkdir()
    for n in range(5):
        interview(src / f"t{n}.txt", n)
    shutil.copy(src / "t1.txt", src / "t4-copy.txt")  # twice in this batch
    earlier = tmp_path / "earlier.txt"
    shutil.copy(src / "t3.txt", earlier)
    project = new_project(tmp_path / "p.crosscase", empty=True)
    try:
        first = import_files(project, [earlier], "Ward A")
        assert [r.status for r in first.results] == ["imported"]
        report = import_files(project, [src], "Ward B")
        status = {r.path.name: (r.status, r.message) for r in report.results}
        assert status["t3.txt"] == (
            "skipped", "t3.txt: already imported as 'earlier' in Ward A; skipped"
        )
        assert status["t4-copy.txt"] == (
            "skipped", "t4-copy.txt: already imported as 't1' in Ward B; skipped"
        )
        assert sorted(n for n, (st, _) in status.items() if st == "imported") == [
            "t0.txt", "t1.txt", "t2.txt", "t4.txt",
        ]
        with project.session() as s:
            rows = s.execute(
                select(Document.name, Document.text, Document.words, Document.sha256,
                       Document.original, Document.original_sha256)
            ).all()
        assert len(rows) == 5
        for name, text, words, sha, original, original_sha in rows:
            assert words == word_count(text) > 0, name
            assert sha == hashlib.sha256(text.encode("utf-8")).hexdigest(), name
            assert original_sha == hashlib.sha256(original).hexdigest(), name
    finally:
        project.close()


def test_the_fork_server_is_given_the_scripts_imports(tmp_path: Path) -> None:
    script = tmp_path / "tool.py"
    script.write_text(
        "import json, os.path\nfrom crosscase.io import importers\nfrom . import nothing\n"
        "def f():\n    import email\n",
        encoding="utf-8",
    )
    main = sys.modules["__main__"]
    had = hasattr(main, "__file__")
    before = getattr(main, "__file__", None)
    main.__file__ = str(script)
    try:
        # top-level imports only; relative ones and those inside functions are not
        assert parallel._main_imports() == ["json", "os.path", "crosscase.io"]
    finally:
        if had:
            main.__file__ = before
        else:
            del main.__file__
