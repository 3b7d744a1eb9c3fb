"""Memos, coded segments, and search with autocoding."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from sqlalchemy import select
from uihelpers import code_id, codings, doc_id, select_text

from crosscase.db.models import Document


def write_memo(qtbot: Any, dlg: Any, text: str) -> None:
    """Type the memo and press Save, as a person does."""
    dlg.editor.setFocus()
    dlg.editor.selectAll()
    qtbot.keyClicks(dlg.editor, text)
    assert dlg.editor.toPlainText() == text
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()


def click_link(qtbot: Any, browser: Any, href: str) -> None:
    """Click the link ``href`` where the browser drew it."""
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cur = QTextCursor(browser.document())
                cur.setPosition(fragment.position() + 1)
                browser.ensureCursorVisible()
                pos = browser.cursorRect(cur).center()
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=pos)
                return
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href}")


def test_memo_on_coding_and_document(window: Any, qtbot: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    select_text(view, "Word of mouth brought people in.")
    window.coding.apply_code(code_id(window, "Relational orientation/Trust"))
    cid = codings(window)[0][0]
    view.select_coding(cid)
    dlg = window.coding.memo_selected()
    assert dlg is not None and "Trust" in dlg.windowTitle()
    write_memo(qtbot, dlg, "contrast with B's practitioner interview")
    assert codings(window)[0][6] == "contrast with B's practitioner interview"
    assert view.span(cid).memo == "contrast with B's practitioner interview"
    assert "contrast with B" in view.coding_tooltip([view.span(cid)])
    window.undo_action.trigger()
    assert codings(window)[0][6] == ""

    dlg = window.edit_memo("document", view.document_id)
    write_memo(qtbot, dlg, "Recorded in the barn office.")
    with window.context.project.session() as s:
        assert s.scalar(select(Document.memo).where(Document.id == view.document_id)) == \
            "Recorded in the barn office."
    assert "has a memo" in view.subtitle.text()


def test_segments_view_lists_and_jumps(window: Any, qtbot: Any) -> None:
    a = window.open_document(doc_id(window, "A-manager"))
    code = code_id(window, "Relational orientation/Advocacy and word of mouth")
    select_text(a, "Word of mouth brought people in.")
    window.coding.apply_code(code)
    b = window.open_document(doc_id(window, "B-service-user"))
    select_text(b, "Friends heard by word of mouth and joined.")
    window.coding.apply_code(code)
    seg = window.show_segments(code_id(window, "Relational orientation"))
    assert [s.text for s in seg.shown] == ["Word of mouth brought people in.",
                                           "Friends heard by word of mouth and joined."]
    page = seg.browser.toPlainText()
    assert "Millbrook Works" in page and "Tandem" in page and "Manager" in page
    # per case
    seg.case_box.setCurrentIndex(seg.case_box.findText("Tandem"))
    assert [s.case for s in seg.shown] == ["Tandem"]
    click_link(qtbot, seg.browser, f"seg:{seg.shown[0].id}")
    assert window.current_document() is b
    assert b.editor.textCursor().selectedText() == "Friends heard by word of mouth and joined."


def test_search_and_autocode_hits(window: Any, qtbot: Any) -> None:
    search = window.show_search()
    search.scope.setCurrentIndex(search.scope.findData("sentence"))
    search.pattern.setFocus()
    qtbot.keyClicks(search.pattern, "word of mouth")
    qtbot.keyClick(search.pattern, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not search.searching, timeout=10000)
    hits = search.model.hits
    assert len(hits) == 3
    assert {h.case for h in hits} == {"Millbrook Works", "Tandem"}
    assert all("word of mouth" in h.text.lower() for h in hits)
    # leave one out, autocode the rest
    search.model.setData(search.model.index(2, 0), 0, role=10)  # Qt.CheckStateRole
    target = code_id(window, "Relational orientation/Advocacy and word of mouth")
    assert search.autocode(target) == 2
    rows = codings(window)
    assert len(rows) == 2 and {r[2] for r in rows} == {target}
    assert rows[0][5] == "Word of mouth brought people in."
    window.undo_action.trigger()
    assert codings(window) == []


def test_bad_regular_expression_is_reported(window: Any, qtbot: Any) -> None:
    search = window.show_search()
    search.regex.setChecked(True)
    search.pattern.setFocus()
    qtbot.keyClicks(search.pattern, "([unclosed")
    qtbot.keyClick(search.pattern, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not search.searching, timeout=10000)
    assert "regular expression" in search.status.text()
