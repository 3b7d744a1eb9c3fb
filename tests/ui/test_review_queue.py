"""The review queue, by keyboard only: opened from the View menu's shortcut, each key
decides the current disagreement into consensus codings, Ctrl+Z takes a decision back,
and the header shows the consensus coder's agreement with each coder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from uihelpers import INTERVIEW_A

from crosscase.db.models import Coder, Coding, Event
from crosscase.db.project import open_project
from crosscase.services import codebook, documents

CAFE = INTERVIEW_A.index("Manager: The members")
LINE2_END = INTERVIEW_A.index("Interviewer: And")
SHOP = INTERVIEW_A.index("Manager: Trading")
TRADING = INTERVIEW_A.index("Trading income")
END = len(INTERVIEW_A)


def focused() -> Any:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def _code(project_file: Path) -> None:
    with open_project(project_file) as project, project.transaction() as s:
        doc = documents.resolve(s, "A-manager")
        code = codebook.resolve(s, "Co-design")
        text = documents.text_of(s, doc)
        for name, spans in (("ana", [(CAFE, LINE2_END), (SHOP, END)]),
                            ("ben", [(0, CAFE), (TRADING, END)])):
            coder = Coder(name=name)
            s.add(coder)
            s.flush()
            for start, end in spans:
                s.add(Coding(document_id=doc, code_id=code, coder_id=coder.id, start=start,
                             end=end, snippet=text[start:end]))


@pytest.fixture
def team_window(qtbot: Any, project_file: Path) -> Iterator[Any]:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    _code(project_file)
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(project_file)
    yield w
    w.close_project()


def consensus(window: Any) -> list[tuple[str, int, int, str]]:
    with window.context.project.session() as s:
        return [(path, a, b, memo) for path, a, b, memo in (
            (codebook.tree(s)[c].path, a, b, m) for c, a, b, m in s.execute(
                select(Coding.code_id, Coding.start, Coding.end, Coding.memo)
                .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == "consensus")
                .order_by(Coding.start, Coding.code_id)))]


def test_keys_decide_disagreements_into_consensus_and_ctrl_z_undoes(
    team_window: Any, qtbot: Any,
) -> None:
    from crosscase.ui.views.review_queue import ReviewQueue

    w = team_window
    w.context.project.coder_name = "lead"
    w.cases_panel.tree.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_D,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = w.review_view
    assert isinstance(view, ReviewQueue) and w.tabs.currentWidget() is view
    assert view.coders == ("ana", "ben")
    assert focused() is view.list
    # ben alone on line 1; ana alone on line 2; boundaries differ on line 4
    assert [(d.kind, d.start, d.end) for d in view.items] == [
        ("only_b", 0, CAFE), ("only_a", CAFE, LINE2_END), ("boundaries", SHOP, END)]
    assert "ana" in view.left_title.text() and "not coded" in view.left_title.text()
    assert "Interviewer: How did the café start?" in view.right.toPlainText()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2)  # Co-design and the pooled row
    assert view.table.item(0, 0).text() == "Co-production/Co-design"
    assert view.consensus_label.text() == "No consensus codings yet."

    # a reason typed, Return goes back to the list, 2 accepts ben's coding
    view.reason.setFocus()
    QTest.keyClicks(focused(), "the question opens the topic")
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert focused() is view.list
    QTest.keyClick(focused(), Qt.Key.Key_2)
    rows = consensus(w)
    assert [(p, a, b) for p, a, b, _ in rows] == [("Co-production/Co-design", 0, CAFE)]
    assert "accepted ben's coding; decided by lead" in rows[0][3]
    assert rows[0][3].endswith("Reason: the question opens the topic")
    assert view.reason.text() == "" and view.list.currentRow() == 1
    assert view.decision_of(0) == "✓ ben" and view.list.item(0).text().startswith("✓ ben")
    qtbot.waitUntil(lambda: "ana: alpha" in view.consensus_label.text())

    # 1 on "only ana" keeps ana's line; U on the boundaries takes the union
    QTest.keyClick(focused(), Qt.Key.Key_1)
    QTest.keyClick(focused(), Qt.Key.Key_U)
    assert [(a, b) for _, a, b, _ in consensus(w)] == [(0, CAFE), (CAFE, LINE2_END), (SHOP, END)]

    # Ctrl+Z takes the union back, and its mark
    QTest.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [(a, b) for _, a, b, _ in consensus(w)] == [(0, CAFE), (CAFE, LINE2_END)]
    assert view.decision_of(2) == "" and view.decision_of(1) == "✓ ana"

    # I: the intersection is ben's shorter span
    view.list.setCurrentRow(2)
    QTest.keyClick(focused(), Qt.Key.Key_I)
    assert (TRADING, END) in [(a, b) for _, a, b, _ in consensus(w)]
    QTest.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    # R recodes the union with the code chosen under "Recode to"
    target = view.recode.findText("Hybridity")
    assert target >= 0
    view.recode.setCurrentIndex(target)
    view.list.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_R)
    assert ("Hybridity", SHOP, END) in [(p, a, b) for p, a, b, _ in consensus(w)]
    assert view.decision_of(2) == "✓ recode → Hybridity"

    # S skips: nothing written; on a decided row the decision stays shown
    before = consensus(w)
    view.list.setCurrentRow(0)
    QTest.keyClick(focused(), Qt.Key.Key_S)
    assert consensus(w) == before and view.decision_of(0) == "✓ ben"
    fresh = w.show_review("ana", "ben")
    assert fresh is not view and fresh.decision_of(0) == "" and focused() is fresh.list
    QTest.keyClick(focused(), Qt.Key.Key_S)
    assert consensus(w) == before and fresh.decision_of(0) == "skipped"
    assert fresh.list.currentRow() == 1
    qtbot.waitUntil(lambda: "ben: alpha" in fresh.consensus_label.text())

    with w.context.project.session() as s:
        logged = list(s.scalars(select(Event.action).where(Event.coder == "lead")))
    assert logged.count("ResolveDisagreement") == 5 and logged.count("undo ResolveDisagreement") == 2
