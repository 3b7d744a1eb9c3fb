"""File → Merge… in the workbench: a second coder's copy merged into a new project,
the report shown in full, and the merged project opened from it."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_refi_menu import menu_action
from uihelpers import INTERVIEW_A, code_id, doc_id

from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import open_project
from crosscase.services.coding import CodingSpec


def _coded_copy(original: Path, folder: Path, coder: str, quote: str, code: str) -> Path:
    """A copy of ``original`` in which ``coder`` coded ``quote`` with ``code``."""
    from crosscase.services import codebook

    folder.mkdir()
    copy = folder / original.name
    shutil.copy(original, copy)
    project = open_project(copy)
    try:
        project.coder_name = coder
        with project.session() as s:
            from sqlalchemy import select

            from crosscase.db.models import Document

            did = s.scalar(select(Document.id).where(Document.name == "A-manager"))
            cid = codebook.resolve(s, code)
        start = INTERVIEW_A.index(quote)
        ApplyCodings([CodingSpec(int(did), cid, start, start + len(quote))]).do(project)
    finally:
        project.close()
    return copy


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.execute(sql))
    finally:
        con.close()


def test_merge_a_second_coders_copy_and_open_the_result(
    window: Any, qtbot: Any, tmp_path: Path, shown_messages: list[Any]
) -> None:
    base = window.context.project.path
    ben = _coded_copy(base, tmp_path / "ben", "Ben", "Word of mouth brought people in.",
                      "Trust")
    # the base's own coding, by the workbench's coder
    quote = "Word of mouth brought people in."
    start = INTERVIEW_A.index(quote)
    assert window.context.push(ApplyCodings([CodingSpec(
        doc_id(window, "A-manager"), code_id(window, "Co-production/Co-design"),
        start, start + len(quote))]))

    # File → Merge… opens the dialog on the open project
    menu_action(window, "Merge…").trigger()
    dialog = window.exchange.merge_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.base == base
    # Merge with nothing chosen says what is missing and stays open
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Add at least one project" in dialog.message.text()
    # the file chooser's answer, then the new file's name typed (the suffix is added)
    dialog.add_projects([ben, base])  # the base itself is never merged into itself
    assert dialog.projects() == [ben]
    out_stem = tmp_path / "merged"
    dialog.out.setFocus()
    qtbot.keyClick(dialog.out, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.out, str(out_stem))
    qtbot.keyClick(dialog.out, Qt.Key.Key_Return)  # Return merges
    out = tmp_path / "merged.crosscase"
    qtbot.waitUntil(lambda: bool(window.exchange.report_dialog is not None or shown_messages),
                    timeout=30000)
    assert not shown_messages
    assert window.exchange.merge_dialog is None
    assert not window.exchange.busy

    # the report, in full
    report = window.exchange.report_dialog
    text = report.text()
    assert text.startswith(f"Merged into merged.crosscase, starting from a copy of {base.name}")
    assert f"From {ben.name}:" in text
    assert "codings: 1 added" in text
    assert "No conflicts." in text
    assert "with no conflicts" in report.headline.text()
    assert out.exists() and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    # the copy of the open project merged from is gone
    assert [p.name for p in base.parent.iterdir() if "merge" in p.name] == []

    # the merged file's tables: each coding with its coder, the merge in the history
    codings = _rows(out, "SELECT coder.name, code.name, coding.start, coding.end FROM coding "
                         "JOIN coder ON coder.id = coding.coder_id "
                         "JOIN code ON code.id = coding.code_id ORDER BY coder.name")
    assert codings == [("Ben", "Trust", start, start + len(quote)),
                       ("tester", "Co-design", start, start + len(quote))]
    docs = _rows(out, "SELECT COUNT(*) FROM document")
    assert docs == [(2,)]  # matched by their text, not added twice
    assert window.context.project.path == base  # not yet: the report comes first

    # the report offers to open the merged project: one click
    button = window.exchange.open_merged_button
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.context is not None
                    and window.context.project.path == out.resolve())
    assert window.exchange.report_dialog is None
    assert not shown_messages
    QApplication.processEvents()


def test_a_failed_merge_is_one_message_and_leaves_nothing(
    window: Any, qtbot: Any, tmp_path: Path, shown_messages: list[Any]
) -> None:
    bad = tmp_path / "notes.crosscase"
    bad.write_text("not a project", encoding="utf-8")
    worker = window.exchange.start_merge(window.context.project.path, [bad],
                                         tmp_path / "never.crosscase")
    assert worker is not None
    qtbot.waitUntil(lambda: not window.exchange.busy, timeout=30000)
    assert shown_messages and shown_messages[-1][:2] == ("error", "Cannot merge the projects")
    assert "Traceback" not in shown_messages[-1][2]
    assert window.exchange.report_dialog is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.crosscase", "study"]
    assert [p.name for p in (tmp_path / "study").iterdir() if "merge" in p.name] == []


def test_merge_needs_an_open_project(qtbot: Any) -> None:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    w = MainWindow(Settings())
    qtbot.addWidget(w)
    assert not menu_action(w, "Merge…").isEnabled()
