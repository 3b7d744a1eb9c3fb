"""A framework summary being written is committed, never dropped, driven by real clicks and keys."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uihelpers import code_id

from crosscase.services import cases, framework


def case_id(window: Any, name: str) -> int:
    with window.context.project.session() as s:
        return cases.resolve(s, name)


def summary(window: Any, code: int, case: int) -> str:
    with window.context.project.session() as s:
        return framework.cell(s, code, case).summary


def open_matrix(window: Any, qtbot: Any) -> Any:
    window.resize(1366, 768)
    view = window.show_matrix()
    qtbot.waitUntil(lambda: view.settled and view.model.rowCount() > 0, timeout=20_000)
    return view


def click_cell(qtbot: Any, view: Any, code: int, case: int) -> None:
    index = view.model.index_of(code, case)
    assert index.isValid()
    view.table.scrollTo(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(index).center())
    qtbot.waitUntil(lambda: view.cell_editor.cell == (code, case))


def type_summary(qtbot: Any, view: Any, text: str) -> None:
    box = view.cell_editor.summary_edit
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton, pos=box.viewport().rect().center())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    qtbot.keyClicks(box, text)


def test_summary_is_committed_when_another_cell_is_clicked(window: Any, qtbot: Any) -> None:
    view = open_matrix(window, qtbot)
    code = code_id(window, "Hybridity/Trading income")
    other = code_id(window, "Relational orientation/Advocacy and word of mouth")
    a, b = case_id(window, "Millbrook Works"), case_id(window, "Tandem")
    click_cell(qtbot, view, code, a)
    type_summary(qtbot, view, "Trading pays for the minibus.")
    click_cell(qtbot, view, other, b)
    assert summary(window, code, a) == "Trading pays for the minibus."
    assert view.cell_editor.summary_edit.toPlainText() == ""  # the new cell's own summary
    click_cell(qtbot, view, code, a)
    assert view.cell_editor.summary_edit.toPlainText() == "Trading pays for the minibus."
    # one undoable step
    window.undo_action.trigger()
    assert summary(window, code, a) == ""
    window.redo_action.trigger()
    assert summary(window, code, a) == "Trading pays for the minibus."


def test_summary_is_committed_when_the_box_loses_focus(window: Any, qtbot: Any) -> None:
    view = open_matrix(window, qtbot)
    code = code_id(window, "Hybridity/Trading income")
    a = case_id(window, "Millbrook Works")
    click_cell(qtbot, view, code, a)
    type_summary(qtbot, view, "Income from the farm shop.")
    assert summary(window, code, a) == ""
    qtbot.mouseClick(view.quotes.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.quotes.viewport().rect().center())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not view.cell_editor.summary_edit)
    assert summary(window, code, a) == "Income from the farm shop."
    window.undo_action.trigger()
    assert summary(window, code, a) == ""


def test_summary_is_committed_when_leaving_the_matrix_tab(window: Any, qtbot: Any) -> None:
    view = open_matrix(window, qtbot)
    code = code_id(window, "Hybridity/Trading income")
    a = case_id(window, "Millbrook Works")
    click_cell(qtbot, view, code, a)
    type_summary(qtbot, view, "Written, then the tab changed.")
    window.show_search()
    assert summary(window, code, a) == "Written, then the tab changed."
