"""The Help menu: the keyboard shortcuts, read from the live actions, and About Crosscase."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


def help_action(window: Any, text: str) -> QAction:
    for a in window.menuBar().actions():
        menu = a.menu()
        if menu is not None and menu.title() == "&Help":
            for act in menu.actions():
                if act.text().replace("&", "") == text:
                    return act
    raise AssertionError(f"no Help menu action {text!r}")


def test_shortcuts_dialog_lists_every_shortcut_of_the_window(window: Any, qtbot: Any) -> None:
    help_action(window, "Keyboard shortcuts").trigger()
    dlg = window.shortcuts_dialog
    assert dlg is not None and dlg.isVisible()
    rows = dlg.rows()
    assert ("Ctrl+K", "Code selection", "Code") in rows
    assert ("Ctrl+Shift+I", "Import documents", "File") in rows
    assert ("Ctrl+Shift+Z / Ctrl+Y", "Redo", "Edit") in rows
    assert ("Ctrl+1 … Ctrl+9", "Recent code 1–9", "Workbench") in rows
    assert ("Alt+1", "Show or hide Cases and documents", "View ▸ Panels") in rows
    assert ("Ctrl+Shift+N", "New top-level code", "Codebook") in rows
    assert ("F1", "Keyboard shortcuts", "Help") in rows
    assert dlg.table.rowCount() == len(rows)
    # every key of every action is in the list, once
    listed = " / ".join(keys for keys, _a, _w in rows)
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.NativeText)
            if not text.startswith("Ctrl+") or not text[5:].isdigit():
                assert text in listed.split(" / "), text
    assert len({keys for keys, _a, _w in rows}) == len(rows)

    # the filter narrows the table
    dlg.filter.setText("undo")
    assert dlg.rows(visible_only=True) == [("Ctrl+Z", "Undo", "Edit")]
    dlg.filter.clear()
    assert len(dlg.rows(visible_only=True)) == len(rows)
    dlg.close()
    qtbot.waitUntil(lambda: window.shortcuts_dialog is None)


def test_the_list_follows_the_actions(window: Any, qtbot: Any) -> None:
    window.find_action.setShortcut(QKeySequence("Ctrl+Alt+F"))
    dlg = window.show_shortcuts()
    assert ("Ctrl+Alt+F", "Search project", "Edit") in dlg.rows()
    assert not any(keys == "Ctrl+Shift+F" for keys, _a, _w in dlg.rows())
    dlg.close()


def test_about_names_the_version_and_the_promise(window: Any, qtbot: Any) -> None:
    from crosscase import __version__

    help_action(window, "About Crosscase").trigger()
    dlg = window.about_dialog
    assert dlg is not None and dlg.isVisible()
    text = dlg.text()
    assert "never opens a network connection" in text
    assert dlg.title.text() == f"Crosscase {__version__}"
    assert str(window.context.project.path) in text
    assert "PySide6" in text and "Qt" in text
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.about_dialog is None)
