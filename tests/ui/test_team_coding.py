"""Who is coding, coder filters and blind coding in the workbench, with real keys and clicks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from uihelpers import code_id, doc_id

from crosscase.commands.coding import ApplyCodings
from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.db.models import Coder, Coding
from crosscase.services.coding import CodingSpec


def _type_into_focus(qtbot: Any, text: str) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focus, text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_first_open_asks_who_is_coding_and_the_status_bar_switches(
    qtbot: Any, project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    monkeypatch.delenv("CROSSCASE_CODER")
    settings = Settings()
    settings.set_coder("")
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    try:
        assert w.open_project(project_file)
        qtbot.waitUntil(lambda: w.coder_dialog is not None and w.coder_dialog.isVisible())
        w.coder_dialog.activateWindow()
        w.coder_dialog.names.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        _type_into_focus(qtbot, "Anna")
        qtbot.waitUntil(lambda: w.coder_dialog is None)
        assert settings.coder() == "Anna"
        assert w.context.project.coder_name == "Anna"
        assert w.coder_label.text() == "Coder: Anna"
        # what Anna codes is hers
        doc = doc_id(w, "A-manager")
        w.context.push(ApplyCodings([CodingSpec(doc, code_id(w, "Trust"), 0, 10)]))
        with w.context.project.session() as s:
            who = s.execute(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
                            .order_by(Coding.id.desc()).limit(1)).scalar_one()
        assert who == "Anna"
        # the status bar switches coder
        qtbot.mouseClick(w.coder_label, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.coder_dialog is not None and w.coder_dialog.isVisible())
        w.coder_dialog.activateWindow()
        w.coder_dialog.names.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        _type_into_focus(qtbot, "Ben")
        qtbot.waitUntil(lambda: w.coder_dialog is None)
        assert w.context.project.coder_name == "Ben" and settings.coder() == "Ben"
        assert w.coder_label.text() == "Coder: Ben"
    finally:
        w.close_project()
        settings.set_coder("")


def test_blind_while_the_round_is_open_then_side_by_side(window: Any, qtbot: Any) -> None:
    project = window.context.project
    doc = doc_id(window, "A-manager")
    trust = code_id(window, "Trust")
    made: dict[str, list[int]] = {}
    for who, span in (("Anna", (0, 30)), ("Ben", (5, 40))):
        project.coder_name = who
        cmd = ApplyCodings([CodingSpec(doc, trust, *span)])
        cmd.do(project)
        made[who] = cmd.ids
    window.context.push(OpenRound("round1", share=1.0, seed=1, coders=["Anna", "Ben"]))
    window.set_coder("Anna")
    view = window.open_document(doc)
    assert view is not None
    shown = {sp.id for sp in view.spans}
    assert set(made["Anna"]) <= shown and not set(made["Ben"]) & shown
    assert view.hidden_codings >= 1
    # the coded segments view is blind too
    with project.session() as s:
        assert s.scalar(select(Coding.coder_id).where(Coding.id == made["Ben"][0])) is not None
    # closing the round (undoable, through the stack) shows Ben's coding again
    window.context.push(CloseRound("round1"))
    qtbot.waitUntil(lambda: set(made["Ben"]) <= {sp.id for sp in view.spans})
    # choose "Anna | Ben side by side" with the keyboard: the last entry
    view.coder_box.setFocus()
    qtbot.keyClick(view.coder_box, Qt.Key.Key_End)
    assert view.coder_box.currentText() == "Anna | Ben side by side"
    assert view.column_split is not None
    lanes = {sp.id: sp.lane for sp in view.spans}
    assert lanes[made["Anna"][0]] < view.column_split <= lanes[made["Ben"][0]]
    # only mine: Ben's coding goes
    qtbot.keyClick(view.coder_box, Qt.Key.Key_Home)
    qtbot.keyClick(view.coder_box, Qt.Key.Key_Down)
    assert view.coder_box.currentText() == "Only mine"
    assert {sp.id for sp in view.spans} & set(made["Ben"]) == set()
    assert os.environ.get("CROSSCASE_CODER") == "tester"
