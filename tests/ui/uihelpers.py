"""Helpers for the workbench tests: a small project, database look-ups, selecting text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crosscase.services import codebook, documents
from crosscase.services.projects import new_project

INTERVIEW_A = (
    "Interviewer: How did the café start?\n"
    "Manager: The members wanted a café, so we opened one. Word of mouth brought people in.\n"
    "Interviewer: And the farm shop?\n"
    "Manager: Trading income from the farm shop pays for the minibus. Word of mouth again.\n"
)
INTERVIEW_B = (
    "Interviewer: Tell me about your review meetings 😀 and how they work.\n"
    "P5: I run my own review meeting; the social worker comes to me. 𝒳 marks the plan.\n"
    "P5: Friends heard by word of mouth and joined. Café visits are a treat 😀😀 now.\n"
)


def build_small_project(folder: Path) -> Path:
    """Two cases with one transcript each (one full of astral characters)."""
    folder.mkdir(parents=True, exist_ok=True)
    a = folder / "A-manager.txt"
    a.write_text(INTERVIEW_A, encoding="utf-8")
    b = folder / "B-service-user.txt"
    b.write_text(INTERVIEW_B, encoding="utf-8")
    path = folder / "study.crosscase"
    with new_project(path) as project:
        for f, case in ((a, "Millbrook Works"), (b, "Tandem")):
            report = documents.import_files(project, [f], case)
            assert not report.failed, report.failed
    return path


def doc_id(window: Any, name: str) -> int:
    with window.context.project.session() as s:
        return documents.resolve(s, name)


def code_id(window: Any, spec: str) -> int:
    with window.context.project.session() as s:
        return codebook.resolve(s, spec)


def codings(window: Any) -> list[tuple[int, int, int, int, str, str]]:
    """(id, document, code, start, end, snippet, memo) of every coding, from the database."""
    from sqlalchemy import select

    from crosscase.db.models import Coding

    with window.context.project.session() as s:
        return [
            tuple(r) for r in s.execute(
                select(Coding.id, Coding.document_id, Coding.code_id, Coding.start, Coding.end,
                       Coding.snippet, Coding.memo).order_by(Coding.id)
            )
        ]


def select_utf16(view: Any, start: int, end: int) -> None:
    """Select text in the real widget by Qt (UTF-16) positions, as a mouse would."""
    from PySide6.QtGui import QTextCursor

    cur = QTextCursor(view.editor.document())
    cur.setPosition(start)
    cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.editor.setTextCursor(cur)


def select_text(view: Any, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Select ``needle`` in the widget by searching Qt's own text; returns the code-point span."""
    qt_text = view.editor.toPlainText()
    pos = -1
    for _ in range(occurrence):
        pos = qt_text.index(needle, pos + 1)
    # Qt's positions are UTF-16 units: count them the way Qt does
    u16 = len(qt_text[:pos].encode("utf-16-le")) // 2
    select_utf16(view, u16, u16 + len(needle.encode("utf-16-le")) // 2)
    start = len(qt_text[:pos])
    return start, start + len(needle)
