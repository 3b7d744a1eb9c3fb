"""Blind coding in the workbench's matrix and codebook counts: while a round is open a
coder in it sees only their own codings of its documents counted; the counts follow
the round's opening and closing and a switch of coder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from uihelpers import code_id, doc_id

from crosscase.commands.coding import ApplyCodings
from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.services.coding import CodingSpec


def _case_of(window: Any, document: int) -> int:
    from sqlalchemy import select

    from crosscase.db.models import Document

    with window.context.project.session() as s:
        return int(s.scalar(select(Document.case_id).where(Document.id == document)))


def test_counts_and_matrix_are_blind_while_the_round_is_open(window: Any, qtbot: Any) -> None:
    project = window.context.project
    doc, trust = doc_id(window, "A-manager"), code_id(window, "Trust")
    case = _case_of(window, doc)
    for who, spans in (("Anna", [(0, 30)]), ("Ben", [(100, 140), (200, 240)])):
        project.coder_name = who
        ApplyCodings([CodingSpec(doc, trust, s, e) for s, e in spans]).do(project)
    window.set_coder("Anna")
    model = window.codebook_panel.model
    qtbot.waitUntil(lambda: model.own.get(trust) == 3)

    matrix = window.show_matrix()
    qtbot.waitUntil(lambda: matrix.settled and matrix.model.matrix is not None, timeout=20000)
    assert matrix.model.matrix.value(trust, case) == 3

    # the round opens through the stack: Anna's counts are hers alone
    assert window.context.push(OpenRound("r1", share=1.0, seed=2, coders=["Anna", "Ben"]))
    qtbot.waitUntil(lambda: model.own.get(trust) == 1)
    qtbot.waitUntil(lambda: matrix.settled and matrix.model.matrix.value(trust, case) == 1,
                    timeout=20000)
    # the code's definition panel counts the same
    window.details.show_code(trust)
    qtbot.waitUntil(lambda: window.details.count.text() == "1 coding")
    # the drill-down of the cell lists Anna's passage only
    from crosscase.analysis.matrix import cell_segments

    segs = cell_segments(project, trust, case, cols=matrix.model.matrix.spec,
                         blind=matrix._blind())
    assert [(g.start, g.end, g.coder) for g in segs] == [(0, 30, "Anna")]

    # Ben sees his two; switching coder from the status bar's dialog is the same call
    window.set_coder("Ben")
    qtbot.waitUntil(lambda: model.own.get(trust) == 2)
    qtbot.waitUntil(lambda: matrix.settled and matrix.model.matrix.value(trust, case) == 2,
                    timeout=20000)

    # closing the round (undoable) counts everyone's again; Ctrl+Z makes it blind again
    assert window.context.push(CloseRound("r1"))
    qtbot.waitUntil(lambda: model.own.get(trust) == 3)
    qtbot.waitUntil(lambda: matrix.settled and matrix.model.matrix.value(trust, case) == 3,
                    timeout=20000)
    window.codebook_panel.tree.setFocus()
    qtbot.keyClick(window.codebook_panel.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.own.get(trust) == 2)
