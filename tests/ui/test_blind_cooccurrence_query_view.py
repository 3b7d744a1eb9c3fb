"""Blind coding in the workbench's co-occurrence and query tabs: while a round is open a
coder in it sees only their own codings of its documents meet and found; the tabs
follow the round's opening and closing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uihelpers import code_id, doc_id

from crosscase.analysis import query
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.services import rounds
from crosscase.services.coding import CodingSpec

TRUST, WOM = "Relational orientation/Trust", "Relational orientation/Advocacy and word of mouth"
EXPR = f"{query.quote(TRUST)} AND {query.quote(WOM)}"


def _cell(view: Any, a: int, b: int) -> str:
    rows = [r.code_id for r in view.result.rows]
    return str(view.table.item(rows.index(a), rows.index(b)).text())


def _run_query(window: Any, qtbot: Any) -> int:
    view = window.query_view
    view.expression.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.expression)
    with qtbot.waitSignal(view.finished, timeout=10_000) as run:
        qtbot.keyClick(view.expression, Qt.Key.Key_Return)
    return int(run.args[0])


def test_cooccurrence_and_query_tabs_are_blind(window: Any, qtbot: Any) -> None:
    project = window.context.project
    doc, trust, wom = doc_id(window, "A-manager"), code_id(window, TRUST), code_id(window, WOM)
    for who, spans in (("Anna", [(trust, 0, 30), (wom, 10, 40)]),
                       ("Ben", [(trust, 100, 140), (wom, 120, 150)])):
        project.coder_name = who
        ApplyCodings([CodingSpec(doc, c, s, e) for c, s, e in spans]).do(project)
    window.set_coder("Anna")

    co = window.show_cooccurrence()
    qtbot.waitUntil(lambda: co.settled and co.result is not None, timeout=20_000)
    assert _cell(co, trust, wom) == "2"

    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qv = window.query_view
    assert qv is not None
    qv.expression.setFocus()
    qtbot.keyClicks(qv.expression, EXPR)
    assert _run_query(window, qtbot) == 2

    # the round opens (both documents, Anna and Ben in it): Anna's codings alone meet
    assert window.context.push(OpenRound("r1", share=1.0, seed=2, coders=["Anna", "Ben"]))
    with project.session() as s:
        assert doc in rounds.find(s, "r1").documents
    window.tabs.setCurrentWidget(co)
    qtbot.waitUntil(lambda: co.settled and _cell(co, trust, wom) == "1", timeout=20_000)
    rows = [r.code_id for r in co.result.rows]
    item = co.table.item(rows.index(trust), rows.index(wom))
    co.table.scrollToItem(item)
    rect = co.table.visualItemRect(item)
    qtbot.mouseClick(co.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: co.settled and co.passages.count() == 1, timeout=20_000)
    assert [(p.a.coder, p.b.coder, p.start, p.end) for p in co.pairs] == [
        ("Anna", "Anna", 10, 30)]

    window.tabs.setCurrentWidget(qv)
    assert _run_query(window, qtbot) == 1
    assert [(f.start, f.end) for f in qv.results] == [(10, 30)]

    # Ben sees his own meeting, not Anna's
    window.set_coder("Ben")
    assert not co.settled  # the switch of coder recomputes the table
    window.tabs.setCurrentWidget(co)
    qtbot.waitUntil(lambda: co.settled and _cell(co, trust, wom) == "1", timeout=20_000)
    item = co.table.item(rows.index(trust), rows.index(wom))
    rect = co.table.visualItemRect(item)
    qtbot.mouseClick(co.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: co.settled and co.pairs and co.pairs[0].a.coder == "Ben",
                    timeout=20_000)
    assert [(p.start, p.end) for p in co.pairs] == [(120, 140)]
    window.tabs.setCurrentWidget(qv)
    assert _run_query(window, qtbot) == 1
    assert [(f.start, f.end) for f in qv.results] == [(120, 140)]

    # the round closes: everyone's codings meet again
    window.set_coder("Anna")
    assert window.context.push(CloseRound("r1"))
    with project.session() as s:
        assert not rounds.find(s, "r1").is_open
    qtbot.waitUntil(lambda: co.settled and _cell(co, trust, wom) == "2", timeout=20_000)
    assert _run_query(window, qtbot) == 2
