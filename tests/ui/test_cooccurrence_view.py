"""The co-occurrence tab, offscreen: open it from the View menu, click a cell with the
mouse, read the overlapping passages, switch to one case with the keyboard; a coding
applied and undone through the undo stack shows in the table without a refresh."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

from PySide6.QtCore import Qt  # noqa: E402
from test_cooccurrence import example  # noqa: E402,F401  (the hand-computed fixture)

from crosscase.ui.context import ProjectContext  # noqa: E402
from crosscase.ui.settings import Settings  # noqa: E402
from crosscase.ui.views.cooccurrence_view import CooccurrenceView  # noqa: E402


def _no_collapsed_layout(recwarn: pytest.WarningsRecorder) -> None:
    collapsed = [w for w in recwarn if "constrained_layout not applied" in str(w.message)]
    assert not collapsed, collapsed[0].message


def test_click_a_cell_to_read_where_two_codes_meet(
        qtbot: Any, example: dict[str, Any], recwarn: pytest.WarningsRecorder) -> None:
    view = CooccurrenceView(ProjectContext(example["p"], Settings()))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(lambda: view.settled and view.table.rowCount() == 3
                    and view.canvas is not None, timeout=20_000)
    assert view.table.item(0, 1).text() == "2"  # A + B overall
    rect = view.table.visualItemRect(view.table.item(0, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.settled and view.passages.count() == 2, timeout=20_000)
    assert "Case X" in view.passages.item(0).text()
    assert "A + B in All cases: 2" in view.caption.text()
    # one case, chosen with the keyboard
    view.column.setFocus()
    qtbot.keyClick(view.column, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: view.settled and view.column.currentText() == "Case X",
                    timeout=20_000)
    assert view.table.item(0, 2).text() == "2"  # A + C in Case X
    qtbot.keyClick(view.value, Qt.Key.Key_Down)  # the c coefficient
    qtbot.waitUntil(lambda: view.settled, timeout=20_000)
    assert view.table.item(0, 1).text() == "0.33"
    rect = view.table.visualItemRect(view.table.item(0, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.settled and view.passages.count() == 1, timeout=20_000)
    jumps: list[tuple[int, int, int]] = []
    view.jump_requested.connect(lambda d, s, e: jumps.append((d, s, e)))
    item_rect = view.passages.visualItemRect(view.passages.item(0))
    qtbot.mouseClick(view.passages.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    qtbot.keyClick(view.passages, Qt.Key.Key_Return)
    assert jumps and jumps[0][1:] == (19, 20)
    _no_collapsed_layout(recwarn)


def test_a_coding_applied_and_undone_recomputes_once(
        qtbot: Any, example: dict[str, Any], recwarn: pytest.WarningsRecorder) -> None:
    from crosscase.commands.coding import ApplyCodings
    from crosscase.services import documents
    from crosscase.services.coding import CodingSpec

    p = example["p"]
    context = ProjectContext(p, Settings())
    view = CooccurrenceView(context)
    qtbot.addWidget(view)
    view.resize(500, 300)  # narrow: the chart scrolls rather than collapsing
    view.show()
    qtbot.waitUntil(lambda: view.settled and view.canvas is not None, timeout=20_000)
    assert view.table.item(0, 2).text() == "2"  # A + C: both in Case X
    assert view.table.item(1, 2).text() == "2"  # B + C: both in Case X
    with p.session() as s:
        two = documents.resolve(s, "two")
    computed = view._generation
    # C over A's [0, 5) in document two, then B's [3, 8): two commands in quick succession
    assert context.push(ApplyCodings([CodingSpec(two, example["c"], 0, 5)]))
    assert context.push(ApplyCodings([CodingSpec(two, example["c"], 3, 6)]))
    assert not view.settled  # waiting for the changes to pause
    qtbot.waitUntil(lambda: view.settled and view.table.item(0, 2).text() == "3",
                    timeout=20_000)
    assert view._generation == computed + 1  # two changes, one recomputation
    assert view.table.item(1, 2).text() == "3"  # C's one passage [0, 6) meets B's [3, 8)
    context.undo_stack.undo()
    context.undo_stack.undo()
    qtbot.waitUntil(lambda: view.settled and view.table.item(0, 2).text() == "2",
                    timeout=20_000)
    assert view.table.item(1, 2).text() == "2"  # in Case X only, as before
    _no_collapsed_layout(recwarn)


def test_main_window_opens_the_tab(window: Any, qtbot: Any) -> None:
    window.cooccur_action.trigger()
    view = window.cooccur_view
    assert view is not None and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.settled and view.result is not None, timeout=20_000)
    window.close_tab(window.tabs.indexOf(view))
    assert window.cooccur_view is None


# ruff: noqa: F811  (pytest fixtures imported from another test module)
