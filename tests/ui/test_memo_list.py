"""The memo list: every memo, filtered by kind, case and code, and Enter goes to each."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from uihelpers import code_id, codings, doc_id, select_text

from crosscase.commands.memo import SetMemo


def coded(window: Any, view: Any, text: str, code: str) -> int:
    select_text(view, text)
    assert window.coding.apply_code(code_id(window, code))
    return max(r[0] for r in codings(window))


def choose(qtbot: Any, box: Any, data: Any) -> None:
    """Pick an entry of a combo box with the keyboard, as a person does."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == data:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"no {data!r}")


def test_memo_list_filters_and_goes_to_each(window: Any, qtbot: Any) -> None:
    a = window.open_document(doc_id(window, "A-manager"))
    minibus = coded(window, a, "pays for the minibus", "Hybridity/Trading income")
    b = window.open_document(doc_id(window, "B-service-user"))
    review = coded(window, b, "I run my own review meeting", "Co-production/Co-design")
    ctx = window.context
    trading = code_id(window, "Hybridity/Trading income")
    assert ctx.push(SetMemo("coding", minibus, "contrast with Tandem's practitioner interview"))
    assert ctx.push(SetMemo("coding", review, "the user leads the review"))
    assert ctx.push(SetMemo("code", trading, "meaning shifted in week 3"))
    assert ctx.push(SetMemo("document", b.document_id, "transcript checked"))

    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.memos_view
    assert view is not None and window.tabs.currentWidget() is view
    assert view.table.rowCount() == 4
    kinds = [view.table.item(r, 0).text() for r in range(4)]
    assert kinds == ["Document", "Code", "Coding", "Coding"]

    choose(qtbot, view.kind_box, "coding")
    assert view.table.rowCount() == 2
    choose(qtbot, view.case_box, next(m.case_id for m in view.entries if m.target_id == minibus
                                       and m.kind == "coding"))
    assert view.table.rowCount() == 1
    assert "contrast with Tandem" in view.table.item(0, 3).text()
    # Enter goes to the passage, selected in its document
    view.table.setFocus()
    view.table.setCurrentCell(0, 1)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.current_document() is a
    assert a.selected_text() == "pays for the minibus"

    # by code: the code's own memo and its codings' memos
    window.show_memos()
    choose(qtbot, view.kind_box, None)
    choose(qtbot, view.case_box, None)
    choose(qtbot, view.code_box, trading)
    assert {view.table.item(r, 0).text() for r in range(view.table.rowCount())} == {"Code", "Coding"}

    # a memo cleared anywhere leaves the list at once
    assert ctx.push(SetMemo("code", trading, ""))
    assert [view.table.item(r, 0).text() for r in range(view.table.rowCount())] == ["Coding"]


def test_a_long_memo_does_not_fill_the_list(window: Any, qtbot: Any) -> None:
    ctx = window.context
    with ctx.project.session() as s:
        from crosscase.services import cases

        case, case_name = cases.case_names(s)[0]
    long_memo = " ".join(["The café's trading income 𝒳 shapes what members do."] * 60)
    assert ctx.push(SetMemo("case", case, long_memo))
    assert ctx.push(SetMemo("code", code_id(window, "Hybridity/Trading income"), "short"))
    window.show_memos()
    view = window.memos_view
    table = view.table
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    subjects = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert subjects[0] == case_name  # the kind has a column of its own
    lines = table.fontMetrics().lineSpacing()
    assert table.rowHeight(0) <= lines * 4 + 8 < table.viewport().height()
    assert table.item(0, 3).toolTip() == long_memo  # the whole memo is a hover away
