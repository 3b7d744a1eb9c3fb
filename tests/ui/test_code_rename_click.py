"""A right click on the selected code opens its menu; it never starts renaming the code."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu
from uihelpers import code_id


def close_menu_soon(seen: list[str]) -> None:
    def close() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            seen.extend(a.text() for a in menu.actions())
            menu.close()
        else:
            QTimer.singleShot(20, close)

    QTimer.singleShot(20, close)


@pytest.mark.parametrize("order", ["press", "release"])
def test_right_click_on_the_selected_code_does_not_rename(window: Any, qtbot: Any,
                                                          order: str) -> None:
    panel = window.codebook_panel
    tree = panel.tree
    cid = code_id(window, "Hybridity/Trading income")
    index = panel.proxy.mapFromSource(panel.model.index_of(cid))
    tree.scrollTo(index)
    pos = tree.visualRect(index).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert tree.currentIndex() == index
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # not a double-click
    # a click on the code now selected, then at once the right button for its menu
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    seen: list[str] = []
    # the button goes down, the platform asks for the menu, the menu closes, the button
    # comes up (X11 asks on the press, Windows on the release: both orders are tried)
    if order == "press":
        qtbot.mousePress(tree.viewport(), Qt.MouseButton.RightButton, pos=pos)
    else:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.RightButton, pos=pos)
    close_menu_soon(seen)
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(lambda: bool(seen))
    if order == "press":
        qtbot.mouseRelease(tree.viewport(), Qt.MouseButton.RightButton, pos=pos)
    assert "Rename" in seen
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    assert tree.state() != QAbstractItemView.State.EditingState
    assert window.context.nodes[cid].name == "Trading income"
    # a left click on the selected code still renames, and F2 does
    qtbot.keyClick(tree, Qt.Key.Key_F2)
    assert tree.state() == QAbstractItemView.State.EditingState
