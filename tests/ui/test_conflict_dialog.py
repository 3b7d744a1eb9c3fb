"""Two people edit one memo of a shared project (a real PostgreSQL server): the second
save shows both texts side by side; Return saves the merged text, Escape keeps theirs;
the refused save never sits on the undo stack."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from crosscase.commands.cases import CreateCase
from crosscase.commands.memo import SetMemo
from crosscase.db.models import Case
from crosscase.db.project import Project, open_project
from crosscase.services.projects import new_project

WAIT = 10_000  # the write crosses a real server; not a timing assertion
FIRST = "Met the manager; the café pays for the minibus."
THEIRS = FIRST + "\nAna: the farm shop pays too (board minutes, March)."
MINE = "\nWord of mouth brought the first members in."


@pytest.fixture
def shared(pg_url: str) -> tuple[str, int]:
    with new_project(pg_url, name="Team study") as p:
        made = CreateCase("Millbrook Works", memo=FIRST)
        made.do(p)
        assert made.id is not None
        return pg_url, made.id


@pytest.fixture
def colleague(shared: tuple[str, int]) -> Iterator[Project]:
    other = open_project(shared[0])
    other.coder_name = "Ana"
    yield other
    other.close()


@pytest.fixture
def window(qtbot: Any, shared: tuple[str, int]) -> Iterator[Any]:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(shared[0])
    yield w
    w.close_project()


def memo_in_db(url: str, case_id: int) -> str:
    with open_project(url, readonly=True) as p, p.session() as s:
        return str(s.scalar(select(Case.memo).where(Case.id == case_id)))


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type ``text`` key by key; a line break is the Return key."""
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(widget, line)


def type_memo_while_ana_writes(qtbot: Any, window: Any, colleague: Project, case_id: int) -> Any:
    """Open the case memo, type at its end; Ana saves her memo meanwhile; save ours."""
    dlg = window.edit_memo("case", case_id)  # what the case's "Case memo…" menu item does
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.editor, timeout=WAIT)
    qtbot.keyClick(dlg.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, dlg.editor, MINE)
    SetMemo("case", case_id, THEIRS).do(colleague)  # Ana, on her laptop, saves first
    qtbot.keyClick(dlg.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return conflict_dialog(qtbot)


def conflict_dialog(qtbot: Any) -> Any:
    from crosscase.ui.dialogs.conflict import ConflictDialog

    found: list[Any] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, ConflictDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=WAIT)
    dlg = found[0]
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is dlg, timeout=WAIT)
    return dlg


def test_return_saves_the_merged_text_over_the_colleagues(
        qtbot: Any, window: Any, colleague: Project, shared: tuple[str, int],
        tmp_path: Path) -> None:
    url, case_id = shared
    dlg = type_memo_while_ana_writes(qtbot, window, colleague, case_id)
    assert memo_in_db(url, case_id) == THEIRS  # ours was refused, nothing overwritten
    assert dlg.theirs.toPlainText() == THEIRS and dlg.theirs.isReadOnly()
    assert dlg.editor.toPlainText() == FIRST + MINE and not dlg.editor.isReadOnly()
    assert window.context.undo_stack.count() == 0  # the refused save is no step

    picture = Path(os.environ.get("CROSSCASE_SCREENSHOTS", tmp_path)) / "conflict-dialog.png"
    assert dlg.grab().save(str(picture))
    assert picture.stat().st_size > 0

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # "Save merged"
    qtbot.waitUntil(lambda: memo_in_db(url, case_id) == FIRST + MINE, timeout=WAIT)
    assert not dlg.isVisible()
    assert window.context.undo_stack.count() == 1
    assert window.context.undo_stack.undoText() == "Edit case memo"


def test_a_merge_typed_in_the_dialog_is_what_is_saved(
        qtbot: Any, window: Any, colleague: Project, shared: tuple[str, int]) -> None:
    url, case_id = shared
    dlg = type_memo_while_ana_writes(qtbot, window, colleague, case_id)
    dlg.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.editor, timeout=WAIT)
    qtbot.keyClick(dlg.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dlg.editor, Qt.Key.Key_End)
    type_text(qtbot, dlg.editor, "\n" + THEIRS.split("\n")[1])
    qtbot.keyClick(dlg.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    merged = THEIRS + MINE
    qtbot.waitUntil(lambda: memo_in_db(url, case_id) == merged, timeout=WAIT)
    assert window.context.undo_stack.count() == 1


def test_escape_keeps_theirs_and_leaves_nothing_to_undo(
        qtbot: Any, window: Any, colleague: Project, shared: tuple[str, int]) -> None:
    url, case_id = shared
    dlg = type_memo_while_ana_writes(qtbot, window, colleague, case_id)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # "Keep theirs"
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=WAIT)
    assert memo_in_db(url, case_id) == THEIRS
    assert window.context.undo_stack.count() == 0


def test_a_colleagues_later_save_while_merging_brings_the_dialog_again(
        qtbot: Any, window: Any, colleague: Project, shared: tuple[str, int]) -> None:
    url, case_id = shared
    first = type_memo_while_ana_writes(qtbot, window, colleague, case_id)
    later = THEIRS + "\nAna: and the caravan park."
    SetMemo("case", case_id, later).do(colleague)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT)
    second = conflict_dialog(qtbot)
    assert second is not first and second.theirs.toPlainText() == later
    assert memo_in_db(url, case_id) == later
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: memo_in_db(url, case_id) == FIRST + MINE, timeout=WAIT)
    assert window.context.undo_stack.count() == 1
