"""The History tab, driven by keys and clicks: opened from the View menu's shortcut, it
lists who did what to which document or code, follows new changes, filters by typed
text, person and kind, opens a document on Return, and exports what it lists as CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from uihelpers import code_id, doc_id

from crosscase.commands.coding import ApplyCodings
from crosscase.commands.documents import RenameDocument
from crosscase.commands.memo import SetMemo
from crosscase.services.coding import CodingSpec


def focused() -> Any:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def test_history_lists_changes_follows_new_ones_filters_and_exports(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crosscase.ui import messages
    from crosscase.ui.views.history_view import HistoryView

    a = doc_id(window, "A-manager")
    project = window.context.project
    project.coder_name = "Ann"
    window.context.push(ApplyCodings([CodingSpec(a, code_id(window, "Co-design"), 0, 12)]))
    window.cases_panel.tree.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_H,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.history_view
    assert isinstance(view, HistoryView) and window.tabs.currentWidget() is view
    assert focused() is view.filter
    qtbot.waitUntil(lambda: not view.busy)  # the log is read off the GUI thread
    rows = view.shown()
    # newest first: the coding, then the imports and the project's creation
    assert rows[0].coder == "Ann" and rows[0].what == "Coded 1 passage: 'Co-design'"
    assert view.model.index(0, 3).data() == "A-manager"
    assert view.model.index(0, 4).data() == "Co-design"
    assert any(r.what == "Imported document 'B-service-user'" for r in rows)
    assert rows[-1].what.startswith("Created the project")

    # a change made elsewhere appears on its own
    project.coder_name = "Ben"
    window.context.push(RenameDocument(a, "Manager, March"))
    qtbot.waitUntil(lambda: view.shown()[0].what.startswith("Renamed document"))
    qtbot.waitUntil(lambda: not view.busy)
    # a memo is new rows only: read at once, no whole reload
    window.context.push(SetMemo("document", a, "check the date"))
    qtbot.waitUntil(lambda: view.shown()[0].action == "SetMemo")
    assert not view.busy
    assert view.shown()[0].coder == "Ben"
    assert view.model.index(0, 3).data() == "Manager, March"

    # typed text filters
    QTest.keyClicks(view.filter, "manager, march")
    assert {r.action for r in view.shown()} >= {"RenameDocument", "ApplyCodings", "SetMemo"}
    assert all("manager, march" in r.text() for r in view.shown())
    QTest.keyClick(view.filter, Qt.Key.Key_Escape)  # clears the filter
    assert view.filter.text() == ""
    everything = len(view.shown())

    # the person filter, by keyboard
    view.coder.setFocus()
    QTest.keyClicks(view.coder, "Ben")
    qtbot.waitUntil(lambda: view.coder.currentText() == "Ben")
    assert [r.action for r in view.shown()] == ["SetMemo", "RenameDocument"]
    assert {r.coder for r in view.shown()} == {"Ben"}
    QTest.keyClick(view.coder, Qt.Key.Key_Home)  # Everyone
    qtbot.waitUntil(lambda: len(view.shown()) == everything)

    # the kind filter
    view.kind.setFocus()
    QTest.keyClicks(view.kind, "Cod")
    qtbot.waitUntil(lambda: view.kind.currentText() == "Coding")
    assert [r.action for r in view.shown()] == ["ApplyCodings"]

    # Return on a row opens its document
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 2))
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert window.current_document() is not None and window.current_document().document_id == a

    # export what is listed
    window.tabs.setCurrentWidget(view)
    out = tmp_path / "history.csv"
    monkeypatch.setattr(messages, "ask_save_file", lambda *a, **k: out)
    QTest.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][:5] == ["id", "when", "coder", "action", "what"]
    assert [row[3] for row in table[1:]] == ["ApplyCodings"]
    assert table[1][5] == "Manager, March" and table[1][6] == "Co-design"
    assert out.stat().st_mode & 0o077 == 0  # owner only, like every export


def test_history_of_one_document_from_the_case_tree_menu(window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QMenu

    a = doc_id(window, "A-manager")
    window.context.push(ApplyCodings([CodingSpec(a, code_id(window, "Co-design"), 0, 12)]))
    tree = window.cases_panel.tree
    index = window.cases_panel.model.index_of_document(a)
    pos = tree.visualRect(index).center()
    clicked: list[str] = []

    def on_menu() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, on_menu)
            return
        action = next(x for x in menu.actions() if x.text() == "History of this document")
        clicked.append(action.text())
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())

    QTimer.singleShot(10, on_menu)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(lambda: bool(clicked))
    view = window.history_view
    assert view is not None and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: not view.busy)
    assert view.only_label.text() == "Only changes to the document 'A-manager'"
    shown = view.shown()
    assert [r.action for r in shown] == ["ApplyCodings", "document.import"]
    assert all(a in {d.id for d in r.documents} for r in shown)
    QTest.mouseClick(view.only_clear, Qt.MouseButton.LeftButton)
    assert len(view.shown()) > len(shown) and not view.only_label.isVisible()
