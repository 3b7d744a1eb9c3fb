"""Coding in the document viewer: palette, drag and drop, shortcuts, undo, redo, remove, resize."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from uihelpers import code_id, codings, doc_id, select_text


def open_doc(window: Any, name: str) -> Any:
    view = window.open_document(doc_id(window, name))
    assert view is not None
    return view


def drop_code(view: Any, code: int) -> None:
    """A code dragged from the codebook and dropped on the text, as Qt delivers it."""
    from PySide6.QtCore import QByteArray, QMimeData, QPointF
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from crosscase.ui.models.codebook_model import CODE_MIME

    mime = QMimeData()
    mime.setData(CODE_MIME, QByteArray(str([code]).encode()))
    target = view.editor.viewport()
    pos = target.rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()


def test_palette_codes_the_selection_and_undo_redo(window: Any, qtbot: Any) -> None:
    view = open_doc(window, "A-manager")
    span = select_text(view, "Trading income from the farm shop")
    palette = window.coding.quick_code()
    assert palette is not None
    palette.search.setFocus()
    qtbot.keyClicks(palette.search, "trading inc")
    target = code_id(window, "Hybridity/Trading income")
    assert palette.current_code() == target
    assert "Trading income" in palette.definition.text()
    assert codings(window) == []
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert not palette.isVisible()

    rows = codings(window)
    assert len(rows) == 1
    cid, did, code, start, end, snippet, _memo = rows[0]
    assert (did, code, (start, end)) == (view.document_id, target, span)
    assert snippet == "Trading income from the farm shop"
    # the viewer shows it at once: a highlight and a stripe
    assert [s.id for s in view.spans] == [cid]
    assert any(sel.cursor.selectedText() == snippet for sel in view.editor.extraSelections())
    assert view.visible_stripes()
    assert "Apply code" in window.undo_action.text() or "Code to" in window.undo_action.text()

    window.undo_action.trigger()
    assert codings(window) == []
    assert view.spans == []
    window.redo_action.trigger()
    assert [r[0] for r in codings(window)] == [cid]  # the same row comes back
    assert window.context.recent_codes[0] == target


def test_drag_selection_onto_code_tree(window: Any) -> None:
    view = open_doc(window, "A-manager")
    select_text(view, "The members wanted a café")
    mime = view.editor.createMimeDataFromSelection()
    model = window.codebook_panel.model
    target = code_id(window, "Co-production/Co-design")
    ok = model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, model.index_of(target))
    assert ok
    rows = codings(window)
    assert [(r[2], r[5]) for r in rows] == [(target, "The members wanted a café")]
    # through the filter proxy the tree view uses, onto the row of another code
    proxy = window.codebook_panel.proxy
    other = code_id(window, "Hybridity/Trading income/Café")
    pidx = proxy.mapFromSource(model.index_of(other))
    assert proxy.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, pidx)
    assert sorted(r[2] for r in codings(window)) == sorted([target, other])
    assert model.own[other] == 1


def test_drop_code_on_text_and_recent_shortcut(window: Any, qtbot: Any) -> None:
    view = open_doc(window, "A-manager")
    target = code_id(window, "Relational orientation/Advocacy and word of mouth")
    select_text(view, "Word of mouth brought people in.")
    drop_code(view, target)
    assert [(r[2], r[5]) for r in codings(window)] == [
        (target, "Word of mouth brought people in.")]
    select_text(view, "Word of mouth again.")
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    snippets = [r[5] for r in codings(window)]
    assert snippets == ["Word of mouth brought people in.", "Word of mouth again."]


def test_remove_with_delete_key_and_resize(window: Any, qtbot: Any) -> None:
    view = open_doc(window, "A-manager")
    target = code_id(window, "Hybridity/Trading income/Farm shop")
    select_text(view, "the farm shop pays")
    assert window.coding.apply_code(target)
    (cid, *_rest), = codings(window)
    # click-equivalent on the stripe: select the coding, then widen it
    view.select_coding(cid)
    assert view.selected_coding == cid
    assert view.editor.textCursor().selectedText() == "the farm shop pays"
    select_text(view, "Trading income from the farm shop pays for the minibus.")
    assert window.coding.resize_selected()
    assert codings(window)[0][5] == "Trading income from the farm shop pays for the minibus."
    window.undo_action.trigger()
    assert codings(window)[0][5] == "the farm shop pays"
    window.redo_action.trigger()
    # Delete removes the selected coding
    view.select_coding(cid)
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_Delete)
    assert codings(window) == []
    window.undo_action.trigger()
    assert len(codings(window)) == 1


def test_in_vivo_creates_and_applies_one_undo_step(window: Any) -> None:
    view = open_doc(window, "A-manager")
    select_text(view, "Word of mouth")
    created = window.coding.in_vivo()
    assert created is not None
    assert window.context.nodes[created].name == "Word of mouth"
    assert [r[2] for r in codings(window)] == [created]
    window.undo_action.trigger()
    assert codings(window) == []
    assert created not in window.context.nodes
    window.redo_action.trigger()
    assert created in window.context.nodes and len(codings(window)) == 1


def test_palette_creates_a_new_sub_code(window: Any) -> None:
    view = open_doc(window, "A-manager")
    select_text(view, "pays for the minibus")
    new_id = window.coding.create_and_apply("Hybridity/Transport")
    assert new_id is not None
    node = window.context.nodes[new_id]
    assert node.path == "Hybridity/Transport"
    assert codings(window)[0][2] == new_id


def test_overlapping_codings_stay_visible(window: Any) -> None:
    view = open_doc(window, "A-manager")
    a = code_id(window, "Hybridity/Trading income/Café")
    b = code_id(window, "Co-production/Co-delivery")
    select_text(view, "The members wanted a café, so we opened one.")
    window.coding.apply_code(a)
    select_text(view, "so we opened one")
    window.coding.apply_code(b)
    assert view.lanes == 2
    assert {s.lane for s in view.spans} == {0, 1}
    tints = [sel.format.background().color() for sel in view.editor.extraSelections()
             if sel.format.background().style() != Qt.BrushStyle.NoBrush]
    assert len(tints) == 2 and all(0 < c.alpha() < 255 for c in tints)
    pos = view.editor.toPlainText().index("opened")
    assert len(view.spans_at(pos)) == 2
    assert "Café" in view.tooltip_at(pos) and "Co-delivery" in view.tooltip_at(pos)


def test_selecting_a_code_emphasises_it(window: Any) -> None:
    view = open_doc(window, "A-manager")
    target = code_id(window, "Hybridity/Trading income/Café")
    select_text(view, "a café")
    window.coding.apply_code(target)
    window.codebook_panel.select_code(target)
    assert view.emphasised == target
    assert window.details.code_id == target
    window.codebook_panel.tree.setCurrentIndex(QModelIndex())


def test_ctrl_digit_applies_the_nth_most_recent_code(window: Any, qtbot: Any) -> None:
    view = open_doc(window, "A-manager")
    older = code_id(window, "Hybridity/Trading income/Farm shop")
    newer = code_id(window, "Relational orientation/Trust")
    select_text(view, "the farm shop pays")
    assert window.coding.apply_code(older)
    select_text(view, "Word of mouth again.")
    assert window.coding.apply_code(newer)
    assert window.context.recent_codes[:2] == [newer, older]
    select_text(view, "Word of mouth brought people in.")
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    select_text(view, "The members wanted a café")
    qtbot.keyClick(view.editor, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    got = {r[5]: r[2] for r in codings(window)}
    assert got["Word of mouth brought people in."] == newer
    assert got["The members wanted a café"] == older


def test_context_menu_on_a_coding_offers_its_actions(window: Any) -> None:
    view = open_doc(window, "A-manager")
    target = code_id(window, "Hybridity/Trading income/Farm shop")
    start, _end = select_text(view, "the farm shop pays")
    assert window.coding.apply_code(target)
    (cid, *_rest), = codings(window)
    u16 = view.offsets.to_utf16(start + 2)
    menu = window.coding.context_menu(view, view.editor.mapToGlobal(view.editor.rect().center()), u16)
    titles = [a.text() for a in menu.actions()]
    assert any(t.startswith("Coding: Hybridity") for t in titles)
    sub = next(a.menu() for a in menu.actions() if a.text().startswith("Coding: Hybridity"))
    remove = next(a for a in sub.actions() if a.text() == "Remove coding")
    remove.trigger()
    assert codings(window) == []
    menu.close()
