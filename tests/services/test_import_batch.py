"""Batch import through the Qt-free progress object: cancel keeps what is in."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from crosscase.db.models import Document
from crosscase.db.project import Project
from crosscase.domain.progress import Progress
from crosscase.services.documents import import_files


def test_cancel_keeps_the_files_already_imported(project: Project, tmp_path: Path) -> None:
    files = []
    for i in range(6):
        f = tmp_path / f"t{i}.txt"
        f.write_text(f"Interviewer: question {i}\nP1: answer {i} 😀\n", encoding="utf-8")
        files.append(f)
    seen: list[int] = []

    def on_change(p: Progress) -> None:
        seen.append(p.done)
        if p.done == 3:
            p.cancel()

    report = import_files(project, files, "Case A", progress=Progress(on_change=on_change))
    assert report.cancelled
    assert len(report.imported) == 3
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 3
    assert seen[0] == 0 and max(seen) == 3


def test_an_encrypted_pdf_is_flagged_for_a_password(project: Project, tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Board paper: commissioning.")
    path = tmp_path / "board.pdf"
    pdf.output(str(path))
    first = import_files(project, [path], "Case B")
    assert first.failed[0].needs_password and "password" in first.failed[0].message
    second = import_files(project, [path], "Case B", password="secret")
    assert len(second.imported) == 1
