"""Team → Open reliability round… and Close round…, with real keys and clicks: the
round in the database, blind coding while it is open, the agreement table after."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from uihelpers import code_id, doc_id

from crosscase.commands.coding import ApplyCodings
from crosscase.services.coding import CodingSpec


def team_action(window: Any, text: str) -> Any:
    menu = next(a.menu() for a in window.menuBar().actions()
                if isinstance(a.menu(), QMenu) and a.menu().title() == "&Team")
    for a in menu.actions():
        if a.text().replace("&", "") == text:
            return a
    raise AssertionError(f"no Team menu action {text!r}")


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.execute(sql))
    finally:
        con.close()


def _code_as(window: Any, who: str, spans: list[tuple[int, int]]) -> None:
    project = window.context.project
    me = project.coder_name
    project.coder_name = who
    try:
        doc, trust = doc_id(window, "A-manager"), code_id(window, "Trust")
        ApplyCodings([CodingSpec(doc, trust, s, e) for s, e in spans]).do(project)
    finally:
        project.coder_name = me


def _replace(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def test_open_a_round_with_keys_then_close_it_and_see_the_agreement(
    window: Any, qtbot: Any, shown_messages: list[Any]
) -> None:
    _code_as(window, "Anna", [(0, 30), (100, 160)])
    _code_as(window, "Ben", [(5, 40)])
    path = window.context.project.path

    team_action(window, "Open reliability round…").trigger()
    dialog = window.rounds.open_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    # name, share, seed typed
    _replace(qtbot, dialog.name, "pilot")
    _replace(qtbot, dialog.share, "100")
    _replace(qtbot, dialog.seed, "7")
    # coders ticked with the keyboard: the current coder is ticked already
    names = [dialog.coders.item(i).text() for i in range(dialog.coders.count())]
    assert {"Anna", "Ben"} <= set(names)
    dialog.coders.setFocus()
    for name in ("Anna", "Ben", window.context.project.coder_name):
        dialog.coders.setCurrentRow(names.index(name))
        qtbot.keyClick(dialog.coders, Qt.Key.Key_Space)
    assert dialog.chosen_coders() == ["Anna", "Ben"]
    # stratified by case stays ticked; a click on "Open round"
    assert dialog.stratified.isChecked()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.rounds.open_dialog is None)
    assert not shown_messages

    # the round in the database: share, seed, stratum, every document, the two coders
    assert _rows(path, "SELECT name, share, seed, stratum, unit, closed FROM "
                       "reliability_round") == [("pilot", 1.0, 7, "case", "document", None)]
    assert _rows(path, "SELECT COUNT(*) FROM round_document") == [(2,)]
    assert _rows(path, "SELECT coder.name FROM round_coder JOIN coder ON coder.id = "
                       "round_coder.coder_id ORDER BY coder.name") == [("Anna",), ("Ben",)]
    assert "Opened reliability round pilot: 2 documents" in window.statusBar().currentMessage()

    # Anna codes blind: Ben's coding is not in her view of the document
    window.set_coder("Anna")
    view = window.open_document(doc_id(window, "A-manager"))
    assert view is not None and view.hidden_codings >= 1

    # Team → Close round…: the round closes through the undo stack, the table shows
    team_action(window, "Close round…").trigger()
    agreement = window.rounds.agreement_dialog
    assert agreement is not None and agreement.isVisible()
    qtbot.waitUntil(lambda: agreement.ready, timeout=30000)
    table = agreement.table
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert header == ["Code", "Segments Anna/Ben", "%", "Kappa", "Alpha", "Alpha 95% CI",
                      "u-alpha", "(k)u-alpha"]
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 8)]
            for r in range(table.rowCount())}
    trust = window.context.nodes[code_id(window, "Trust")].path
    assert rows[trust][0] == "2/1", rows
    assert "All codes (pooled)" in rows
    assert float(rows[trust][1]) < 1.0 and rows[trust][4].startswith("[")
    # the unitized family beside them, as the report computed it
    code_report = next(c for c in agreement.report.codes if c.path == trust)
    assert code_report.unitized is not None and code_report.unitized.u_alpha is not None
    assert rows[trust][5] == f"{code_report.unitized.u_alpha:.2f}"
    assert rows["All codes (pooled)"][6].startswith("cu ")
    assert "characters compared" in agreement.note.text()
    assert agreement.report is not None and agreement.report.coders == ["Anna", "Ben"]
    assert _rows(path, "SELECT closed IS NOT NULL FROM reliability_round") == [(1,)]
    qtbot.waitUntil(lambda: view.hidden_codings == 0)  # no longer blind

    # "Review disagreements" opens the review queue on the round's two coders
    qtbot.mouseClick(agreement.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.rounds.agreement_dialog is None)
    assert window.review_view is not None and window.review_view.coders == ("Anna", "Ben")

    # Ctrl+Z opens the round again, and Close round with none open says so
    window.undo_action.trigger()
    assert _rows(path, "SELECT closed FROM reliability_round") == [(None,)]
    window.undo_action.trigger()
    assert _rows(path, "SELECT COUNT(*) FROM reliability_round") == [(0,)]
    team_action(window, "Close round…").trigger()
    assert shown_messages[-1] == ("info", "Close round", "No reliability round is open.")
    QApplication.processEvents()


def test_the_dialog_refuses_a_taken_name_and_one_coder(window: Any, qtbot: Any) -> None:
    from crosscase.commands.rounds import OpenRound

    assert window.context.push(OpenRound("round1", share=0.5, seed=1, coders=["Anna", "Ben"]))
    team_action(window, "Open reliability round…").trigger()
    dialog = window.rounds.open_dialog
    assert dialog.name.text() == "round2"  # a free name is offered
    _replace(qtbot, dialog.name, "round1")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "already a round" in dialog.message.text()
    _replace(qtbot, dialog.name, "round2")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "two or more coders" in dialog.message.text()
    # a coder not in the project yet, typed
    _replace(qtbot, dialog.others, "Cleo")
    qtbot.keyClick(dialog.others, Qt.Key.Key_Return)  # Return opens the round
    qtbot.waitUntil(lambda: window.rounds.open_dialog is None)
    path = window.context.project.path
    assert _rows(path, "SELECT r.name, c.name FROM round_coder rc JOIN reliability_round r "
                       "ON r.id = rc.round_id JOIN coder c ON c.id = rc.coder_id "
                       "WHERE r.name = 'round2' ORDER BY c.name") == [
        ("round2", "Cleo"), ("round2", window.context.project.coder_name)]
