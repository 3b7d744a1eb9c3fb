"""The co-occurrence tab, offscreen: open it from the View menu, click a cell with the
mouse, read the overlapping passages, switch to one case with the keyboard."""

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


def test_click_a_cell_to_read_where_two_codes_meet(qtbot: Any, example: dict[str, Any]) -> None:
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


def test_main_window_opens_the_tab(window: Any, qtbot: Any) -> None:
    window.cooccur_action.trigger()
    view = window.cooccur_view
    assert view is not None and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.settled and view.result is not None, timeout=20_000)
    window.close_tab(window.tabs.indexOf(view))
    assert window.cooccur_view is None


# ruff: noqa: F811  (pytest fixtures imported from another test module)
