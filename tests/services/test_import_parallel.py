"""A folder imported with worker processes stores the same documents, in the same
order, each in its own transaction, as one imported file by file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from crosscase.db.models import Document
from crosscase.db.project import Project
from crosscase.domain.progress import Progress
from crosscase.io.importers import parallel
from crosscase.services.documents import import_files
from crosscase.services.projects import new_project


def interview_docx(path: Path, i: int) -> None:
    import docx

    document = docx.Document()
    for j in range(60):
        speaker = "Interviewer" if j % 2 == 0 else f"Member {i}"
        document.add_paragraph(f"{speaker}: answer {j} of interview {i} about the café 😀")
    document.save(str(path))


def folder(tmp_path: Path) -> Path:
    src = tmp_path / "interviews"
    src.mkdir()
    for i in range(8):
        interview_docx(src / f"i{i:02}.docx", i)
    (src / "i03-notes.txt").write_text("Interviewer: notes\nP1: more 𝒳\n", encoding="utf-8")
    (src / "i05-broken.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    shutil.copy(src / "i02.docx", src / "i06-copy.docx")  # the same bytes twice
    return src


def stored(project: Project) -> list[tuple[str, str]]:
    with project.session() as s:
        return [
            (name, text)
            for name, text in s.execute(
                select(Document.name, Document.text).order_by(Document.id)
            )
        ]


def test_workers_store_what_one_file_at_a_time_stores(tmp_path: Path) -> None:
    src = folder(tmp_path)
    one = new_project(tmp_path / "one.crosscase", empty=True)
    many = new_project(tmp_path / "many.crosscase", empty=True)
    try:
        with parallel.serial():
            alone = import_files(one, [src], "Case A")
        seen: list[int] = []
        shared = import_files(
            many, [src], "Case A", progress=Progress(on_change=lambda p: seen.append(p.done))
        )
        assert [(r.path.name, r.status, r.message) for r in shared.results] == [
            (r.path.name, r.status, r.message) for r in alone.results
        ]
        assert stored(many) == stored(one)
        assert [r.status for r in shared.results].count("skipped") == 1
        assert [r.status for r in shared.results].count("failed") == 1
        assert seen == list(range(len(shared.results) + 1))
    finally:
        one.close()
        many.close()


def test_cancel_mid_folder_keeps_whole_documents_in_order(tmp_path: Path) -> None:
    src = folder(tmp_path)
    project = new_project(tmp_path / "p.crosscase", empty=True)
    try:

        def on_change(p: Progress) -> None:
            if p.done == 4:
                p.cancel()

        report = import_files(project, [src], "Case A", progress=Progress(on_change=on_change))
        assert report.cancelled and len(report.results) == 4
        names = [name for name, _ in stored(project)]
        assert names == [r.path.stem for r in report.imported]
    finally:
        project.close()


def test_the_pool_is_shut_down_after_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = folder(tmp_path)
    pools: list[parallel.Workers] = []
    real = parallel.Workers.__init__

    def spy(self: parallel.Workers, processes: int | None = None) -> None:
        real(self, processes)
        pools.append(self)

    monkeypatch.setattr(parallel.Workers, "__init__", spy)
    project = new_project(tmp_path / "p.crosscase", empty=True)
    try:
        import_files(project, [src], "Case A")
    finally:
        project.close()
    assert pools and all(not pool.started for pool in pools)
