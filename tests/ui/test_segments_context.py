"""Coded segments read in context: the sentence or paragraph around, dimmed, and the speaker."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from uihelpers import code_id, doc_id, select_text


def colour_at(browser: Any, needle: str) -> str:
    """The text colour where ``needle`` is drawn in the browser."""
    plain = browser.toPlainText()
    pos = plain.index(needle)
    cur = QTextCursor(browser.document())
    cur.setPosition(pos + 1)
    return cur.charFormat().foreground().color().name()


def open_segments_with_enter(window: Any, qtbot: Any, code: int) -> Any:
    panel = window.codebook_panel
    index = panel.proxy.mapFromSource(panel.model.index_of(code))
    panel.tree.setFocus()
    panel.tree.setCurrentIndex(index)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    view = window.segments_view
    assert view is not None and view.code_id == code
    return view


def test_segments_show_the_sentence_or_paragraph_around_dimmed(window: Any, qtbot: Any) -> None:
    doc = window.open_document(doc_id(window, "A-manager"))
    select_text(doc, "pays for the minibus")
    code = code_id(window, "Hybridity/Trading income")
    assert window.coding.apply_code(code)
    view = open_segments_with_enter(window, qtbot, code)
    text = view.browser.toPlainText()
    # the sentence around, by default
    assert "Trading income from the farm shop pays for the minibus." in text
    assert "Word of mouth again." not in text
    dim, plain = colour_at(view.browser, "farm shop"), colour_at(view.browser, "minibus")
    assert dim != plain  # the context is dimmed, the coded words are not
    # the paragraph around: the speaker and the next sentence too
    view.context_box.setFocus()
    qtbot.keyClick(view.context_box, Qt.Key.Key_Down)
    assert view.context_box.currentData() == "paragraph"
    text = view.browser.toPlainText()
    assert "Manager: Trading income from the farm shop pays for the minibus. Word of mouth again." in text
    # none: the passage alone
    qtbot.keyClick(view.context_box, Qt.Key.Key_Up)
    qtbot.keyClick(view.context_box, Qt.Key.Key_Up)
    assert view.context_box.currentData() == "none"
    text = view.browser.toPlainText()
    assert "pays for the minibus" in text and "farm shop" not in text
