"""The Ctrl+K palette driven by real keys: Return and keypad Enter, no match, autocode target."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from uihelpers import code_id, codings, doc_id, select_text


def open_doc(window: Any, name: str) -> Any:
    view = window.open_document(doc_id(window, name))
    assert view is not None
    return view


def focused() -> Any:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def drawn_selection(view: Any) -> QRect:
    """Where the selected words are drawn on screen, measured from the editor itself."""
    cur = view.editor.textCursor()
    first, last = QTextCursor(cur), QTextCursor(cur)
    first.setPosition(cur.selectionStart())
    last.setPosition(cur.selectionEnd())
    rect = view.editor.cursorRect(first).united(view.editor.cursorRect(last))
    assert rect.width() > 50
    return QRect(view.editor.viewport().mapToGlobal(rect.topLeft()), rect.size())


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_ctrl_k_then_enter_codes_the_selection(window: Any, qtbot: Any, key: Qt.Key) -> None:
    view = open_doc(window, "A-manager")
    span = select_text(view, "Trading income from the farm shop")
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.coding.palette
    assert palette is not None and palette.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is palette.search)
    qtbot.keyClicks(focused(), "trading inc")
    mod = Qt.KeyboardModifier.KeypadModifier if key == Qt.Key.Key_Enter else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(focused(), key, mod)
    assert not palette.isVisible()
    target = code_id(window, "Hybridity/Trading income")
    rows = codings(window)
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [(view.document_id, target, *span)]


def test_ctrl_k_with_no_match_offers_and_creates_the_code(window: Any, qtbot: Any) -> None:
    view = open_doc(window, "A-manager")
    span = select_text(view, "pays for the minibus")
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.coding.palette
    qtbot.waitUntil(lambda: QApplication.focusWidget() is palette.search)
    qtbot.keyClicks(focused(), "Hybridity/Transport")
    assert "New code" in palette.list.currentItem().text()
    qtbot.keyClick(focused(), Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert not palette.isVisible()
    new = code_id(window, "Hybridity/Transport")
    assert [(r[2], r[3], r[4]) for r in codings(window)] == [(new, *span)]


def test_palette_leaves_the_selected_text_visible(window: Any, qtbot: Any) -> None:
    window.resize(1366, 768)
    view = open_doc(window, "A-manager")
    select_text(view, "Trading income from the farm shop")
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.coding.palette
    qtbot.waitUntil(lambda: palette.isVisible())
    selected = drawn_selection(view)
    assert not palette.frameGeometry().intersects(selected), (palette.frameGeometry(), selected)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)


def _search_hits(window: Any, qtbot: Any) -> Any:
    search = window.show_search()
    search.scope.setCurrentIndex(search.scope.findData("sentence"))
    qtbot.keyClicks(search.pattern, "word of mouth")
    qtbot.keyClick(search.pattern, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not search.searching, timeout=10000)
    assert len(search.model.hits) == 3
    return search


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_autocode_target_is_chosen_with_enter(window: Any, qtbot: Any, key: Qt.Key) -> None:
    search = _search_hits(window, qtbot)
    qtbot.mouseClick(search.autocode_button, Qt.MouseButton.LeftButton)
    chooser = window._chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.search)
    qtbot.keyClicks(focused(), "advocacy")
    mod = Qt.KeyboardModifier.KeypadModifier if key == Qt.Key.Key_Enter else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(focused(), key, mod)
    assert not chooser.isVisible()
    target = code_id(window, "Relational orientation/Advocacy and word of mouth")
    assert [r[2] for r in codings(window)] == [target] * 3


def test_autocode_target_with_no_match_creates_the_code(window: Any, qtbot: Any) -> None:
    search = _search_hits(window, qtbot)
    qtbot.mouseClick(search.autocode_button, Qt.MouseButton.LeftButton)
    chooser = window._chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.search)
    qtbot.keyClicks(focused(), "Recommendation")
    assert "New code" in chooser.list.currentItem().text()
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert not chooser.isVisible()
    new = code_id(window, "Recommendation")
    assert [r[2] for r in codings(window)] == [new] * 3
    window.undo_action.trigger()  # one step takes back the codings and the code
    assert codings(window) == []
    assert new not in window.context.nodes
