"""The coding query builder, driven with the keyboard and the mouse."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uihelpers import code_id, codings, doc_id, select_text

from crosscase.analysis import query
from crosscase.services import codebook

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TRADING, WOM = "Hybridity/Trading income", "Relational orientation/Advocacy and word of mouth"


def coded(window: Any, view: Any, text: str, code: str) -> None:
    select_text(view, text)
    assert window.coding.apply_code(code_id(window, code))


def choose(qtbot: Any, box: Any, data: Any) -> None:
    """Pick an entry of a combo box with the keyboard, as a person does."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == data:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"no {data!r}")


def focused() -> Any:
    return QApplication.focusWidget()


def test_build_run_and_save_a_query(window: Any, qtbot: Any) -> None:
    paths = {n.path for n in window.context.nodes.values()}
    assert TRADING in paths and WOM in paths, sorted(paths)[:8]
    a = window.open_document(doc_id(window, "A-manager"))
    coded(window, a, "Trading income from the farm shop pays for the minibus. Word of mouth",
          TRADING)
    coded(window, a, "minibus. Word of mouth again.", WOM)
    b = window.open_document(doc_id(window, "B-service-user"))
    coded(window, b, "I run my own review meeting; the social worker comes to me. 𝒳 marks", TRADING)
    coded(window, b, "𝒳 marks the plan.\nP5: Friends heard by word of mouth", WOM)

    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Q, CTRL_SHIFT)
    view = window.query_view
    assert view is not None and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: focused() is view.code_box)

    choose(qtbot, view.code_box, TRADING)
    qtbot.mouseClick(view.add_code, Qt.MouseButton.LeftButton)
    choose(qtbot, view.op_box, "AND")
    choose(qtbot, view.code_box, WOM)
    qtbot.mouseClick(view.add_code, Qt.MouseButton.LeftButton)
    expr = f"{query.quote(TRADING)} AND {query.quote(WOM)}"
    assert view.expression.text() == expr

    view.expression.setFocus()
    qtbot.waitUntil(lambda: focused() is view.expression)
    with qtbot.waitSignal(view.finished, timeout=10_000) as run:
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert run.args == [2]
    assert [f.text for f in view.results] == ["minibus. Word of mouth", "𝒳 marks"]
    cases = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert cases == ["Millbrook Works", "Tandem"]
    first = view.tree.topLevelItem(0).child(0)
    assert "[minibus. Word of mouth]" in first.text(0) and "pays for the" in first.text(0)

    # keep the result as a new code, then undo it
    view.name.setFocus()
    qtbot.waitUntil(lambda: focused() is view.name)
    qtbot.keyClicks(view.name, "Queries/Minibus cafe")
    before = len(codings(window))
    qtbot.mouseClick(view.save_code, Qt.MouseButton.LeftButton)
    with window.context.project.session() as s:
        new = codebook.resolve(s, "Queries/Minibus cafe")
    mine = [r for r in codings(window) if r[2] == new]
    assert len(codings(window)) == before + 2 and len(mine) == 2
    window.context.undo_stack.undo()
    assert len(codings(window)) == before
    assert "Queries/Minibus cafe" not in {n.path for n in window.context.nodes.values()}

    # save the query by name: it appears among the saved ones, ready to run again
    view.name.setFocus()
    qtbot.waitUntil(lambda: focused() is view.name)
    view.name.selectAll()
    qtbot.keyClicks(view.name, "minibus talk")
    qtbot.mouseClick(view.save_query, Qt.MouseButton.LeftButton)
    assert [view.saved_box.itemText(i) for i in range(view.saved_box.count())] == [
        "(choose)", "minibus talk"]
    view.expression.clear()
    choose(qtbot, view.saved_box, expr)
    qtbot.keyClick(view.saved_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.expression.text() == expr)


def test_a_mistake_shows_a_caret_and_puts_the_cursor_there(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Q, CTRL_SHIFT)
    view = window.query_view
    view.expression.setFocus()
    qtbot.waitUntil(lambda: focused() is view.expression)
    qtbot.keyClicks(view.expression, '"Hybridity" NEAR "Trust"')
    with qtbot.waitSignal(view.finished, timeout=10_000):
        qtbot.keyClick(view.expression, Qt.Key.Key_Return)
    assert view.error.isVisible()
    lines = view.error.text().splitlines()
    assert lines[0].startswith("NEAR needs a distance")
    assert lines[2].index("^") - 2 == len('"Hybridity" NEAR ')
    assert view.expression.cursorPosition() == len('"Hybridity" NEAR ')


def test_filters_are_built_by_picking_attribute_coder_and_sub_codes(
        window: Any, qtbot: Any) -> None:
    from crosscase.commands.cases import SetAttribute
    from crosscase.services import cases

    a = window.open_document(doc_id(window, "A-manager"))
    coded(window, a, "Trading income from the farm shop pays for the minibus.", TRADING)
    b = window.open_document(doc_id(window, "B-service-user"))
    coded(window, b, "I run my own review meeting", TRADING)
    with window.context.project.session() as s:
        tandem = cases.resolve(s, "Tandem")
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Q, CTRL_SHIFT)
    view = window.query_view
    qtbot.waitUntil(lambda: focused() is view.code_box)
    # an attribute set after the view opened is offered at once
    assert window.context.push(SetAttribute("case", tandem, "sector", "social care"))
    qtbot.waitUntil(lambda: view.attr_box.findData("sector") >= 0)
    coder = window.context.project.coder_name
    assert [view.coder_box.itemData(i) for i in range(view.coder_box.count())] == [coder]

    choose(qtbot, view.code_box, TRADING)
    qtbot.mouseClick(view.add_code, Qt.MouseButton.LeftButton)
    choose(qtbot, view.attr_box, "sector")
    view.attr_value.setFocus()
    qtbot.waitUntil(lambda: focused() is view.attr_value)
    qtbot.keyClicks(focused(), "Social Care")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    where = f'({query.quote(TRADING)}) WHERE sector = "Social Care"'
    assert view.expression.text() == where
    choose(qtbot, view.coder_box, coder)
    qtbot.mouseClick(view.add_coder, Qt.MouseButton.LeftButton)
    expr = f"({where}) BY coder:{query.quote(coder)}"
    assert view.expression.text() == expr
    view.expression.setFocus()
    qtbot.waitUntil(lambda: focused() is view.expression)
    with qtbot.waitSignal(view.finished, timeout=10_000) as run:
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert run.args == [1]
    assert [(f.case, f.text) for f in view.results] == [("Tandem", "I run my own review meeting")]

    # != keeps the other case; a theme with its sub-codes, a case with its sub-cases
    view.expression.clear()
    qtbot.mouseClick(view.sub_codes, Qt.MouseButton.LeftButton)
    assert view.sub_codes.isChecked()
    choose(qtbot, view.code_box, "Hybridity")
    qtbot.mouseClick(view.add_code, Qt.MouseButton.LeftButton)
    choose(qtbot, view.attr_op, "!=")
    view.attr_value.setFocus()
    qtbot.waitUntil(lambda: focused() is view.attr_value)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert view.expression.text() == '("Hybridity"/*) WHERE sector != "Social Care"'
    view.expression.clear()
    qtbot.mouseClick(view.add_code, Qt.MouseButton.LeftButton)
    choose(qtbot, view.case_box, "Millbrook Works")
    qtbot.mouseClick(view.sub_cases, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.add_case, Qt.MouseButton.LeftButton)
    assert view.expression.text() == '("Hybridity"/*) IN case:"Millbrook Works"/*'
    with qtbot.waitSignal(view.finished, timeout=10_000) as run:
        qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert run.args == [1]
    assert [f.text for f in view.results] == [
        "Trading income from the farm shop pays for the minibus."]


def test_attribute_terms_are_quoted_and_scoped_when_needed() -> None:
    from crosscase.ui.views.query_view import attribute_term

    assert attribute_term("participant", "role", shared=False) == "role"
    assert attribute_term("case", "role", shared=True) == "case:role"
    assert attribute_term("case", "start year", shared=False) == '"start year"'
    assert attribute_term("document", "by", shared=False) == '"by"'
    for scope, name in [("case", "start year"), ("participant", "role")]:
        term = attribute_term(scope, name, shared=True)
        node = query.parse(f'"A" WHERE {term} = "x"')
        assert isinstance(node, query.Filter) and (node.scope, node.name) == (scope, name)
