"""Managing cases and documents in the case tree with real clicks and keys: rename (F2 and
the context menu), move to another case, delete after a confirmation that counts the
codings; each one undoable, each checked in the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)
from sqlalchemy import select
from uihelpers import code_id, codings, doc_id

from crosscase.commands.coding import ApplyCodings
from crosscase.db.models import Case, Document, Participant, Turn
from crosscase.services.coding import CodingSpec
from crosscase.ui.messages import confirm as real_confirm  # before the fixture replaces it


def when(find: Callable[[], Any], act: Callable[[Any], None], tries: int = 800) -> None:
    """Once ``find()`` returns a widget (a menu or dialog opening in its own event loop), act on it."""

    def poll(left: int = tries) -> None:
        found = find()
        if found is not None:
            act(found)
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(10, poll)


def popup() -> QMenu | None:
    w = QApplication.activePopupWidget()
    return w if isinstance(w, QMenu) and w.isVisible() else None


def modal(kind: type[QWidget]) -> Callable[[], Any]:
    def find() -> Any:
        w = QApplication.activeModalWidget()
        return w if isinstance(w, kind) and w.isVisible() else None
    return find


def click_action(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def right_click(window: Any, index: Any) -> None:
    """Right-click a row of the case tree: the button goes down and the menu is asked for."""
    tree = window.cases_panel.tree
    tree.scrollTo(index)
    pos: QPoint = tree.visualRect(index).center()
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    QTest.mousePress(tree.viewport(), Qt.MouseButton.RightButton, pos=pos)
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos)))
    QTest.mouseRelease(tree.viewport(), Qt.MouseButton.RightButton, pos=pos)


def db(window: Any, query: Any) -> list[tuple[Any, ...]]:
    with window.context.project.session() as s:
        return [tuple(r) for r in s.execute(query)]


def docs(window: Any) -> list[tuple[str, str]]:
    return db(window, select(Case.name, Document.name).join(Document).order_by(Document.id))


@pytest.fixture
def coded(window: Any) -> Any:
    """The small study with two codings in A-manager and one in B-service-user."""
    a, b = doc_id(window, "A-manager"), doc_id(window, "B-service-user")
    c = code_id(window, "Co-design")
    ApplyCodings([CodingSpec(a, c, 0, 12), CodingSpec(a, c, 40, 60),
                  CodingSpec(b, c, 0, 11)]).do(window.context.project)
    window.context.undo_stack.clear()
    window.cases_panel.tree.setFocus()
    return window


def test_delete_a_document_from_its_menu_says_how_many_codings_go(
    coded: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crosscase.ui import messages

    monkeypatch.setattr(messages, "confirm", real_confirm)
    window = coded
    a = doc_id(window, "A-manager")
    window.open_document(a)
    seen: dict[str, str] = {}

    def on_dialog(box: QMessageBox) -> None:
        seen["text"] = box.text()
        button = next(b for b in box.findChildren(QPushButton) if b.text() == "Delete")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def on_menu(menu: QMenu) -> None:
        seen["menu"] = ", ".join(a.text() for a in menu.actions())
        when(modal(QMessageBox), on_dialog)
        click_action(menu, "Delete document…")

    when(popup, on_menu)
    right_click(window, window.cases_panel.model.index_of_document(a))
    qtbot.waitUntil(lambda: "text" in seen)
    assert "Rename document…" in seen["menu"] and "Move to case" in seen["menu"]
    assert "Delete the document 'A-manager'?" in seen["text"]
    assert "removes 2 codings" in seen["text"]
    qtbot.waitUntil(lambda: ("Millbrook Works", "A-manager") not in docs(window))
    assert [c[1] for c in codings(window)] == [doc_id(window, "B-service-user")]
    assert a not in window.documents  # its open tab closed
    assert window.cases_panel.model.index_of_document(a).isValid() is False
    # undo: the document, its codings and its speakers' turns are back
    window.undo_action.trigger()
    assert ("Millbrook Works", "A-manager") in docs(window)
    assert sum(c[1] == a for c in codings(window)) == 2
    assert db(window, select(Turn.id).where(Turn.document_id == a))
    assert window.cases_panel.model.index_of_document(a).isValid()


def test_cancel_keeps_the_document(coded: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscase.ui import messages

    monkeypatch.setattr(messages, "confirm", real_confirm)
    window = coded
    a = doc_id(window, "A-manager")
    tree = window.cases_panel.tree
    tree.setCurrentIndex(window.cases_panel.model.index_of_document(a))
    done: list[str] = []

    def cancel(box: QMessageBox) -> None:
        done.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Escape)

    when(modal(QMessageBox), cancel)
    QTest.keyClick(tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: bool(done))
    assert ("Millbrook Works", "A-manager") in docs(window)
    assert len(codings(window)) == 3


def test_f2_renames_a_document_and_the_case_menu_renames_a_case(coded: Any, qtbot: Any) -> None:
    window = coded
    a = doc_id(window, "A-manager")
    view = window.open_document(a)
    tree = window.cases_panel.tree
    tree.setCurrentIndex(window.cases_panel.model.index_of_document(a))
    tree.setFocus()
    typed: list[bool] = []

    def type_name(name: str) -> Callable[[QInputDialog], None]:
        def act(dialog: QInputDialog) -> None:
            edit = dialog.findChild(QLineEdit)
            assert edit is not None and edit.text()  # the old name, to edit
            QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(edit, name)
            QTest.keyClick(edit, Qt.Key.Key_Return)
            typed.append(True)
        return act

    when(modal(QInputDialog), type_name("Manager, March"))
    QTest.keyClick(tree, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: bool(typed))
    assert ("Millbrook Works", "Manager, March") in docs(window)
    assert window.cases_panel.model.index_of_document(a).data() == "Manager, March"
    # the open document's tab and header follow
    qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.indexOf(view)) == "Manager, March")
    assert view.title.text() == "Manager, March"

    seen: list[str] = []

    def on_menu(menu: QMenu) -> None:
        seen.extend(a.text() for a in menu.actions())
        when(modal(QInputDialog), type_name("Millbrook Works CIC"))
        click_action(menu, "Rename case…")

    case_id = window.cases_panel.model.case_of(window.cases_panel.model.index_of_document(a)).id
    typed.clear()
    when(popup, on_menu)
    right_click(window, window.cases_panel.model.index_of_case(case_id))
    qtbot.waitUntil(lambda: bool(typed))
    assert "Delete case…" in seen
    assert ("Millbrook Works CIC", "Manager, March") in docs(window)
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert ("Millbrook Works", "A-manager") in docs(window)


def test_move_a_document_to_another_case_from_the_submenu(coded: Any, qtbot: Any) -> None:
    window = coded
    a = doc_id(window, "A-manager")
    done: list[bool] = []

    def on_sub(sub: QMenu) -> None:
        click_action(sub, "Tandem")
        done.append(True)

    def on_menu(menu: QMenu) -> None:
        move = next(x for x in menu.actions() if x.text() == "Move to case")
        sub = move.menu()
        assert isinstance(sub, QMenu)
        assert [x.text() for x in sub.actions()] == ["Tandem"]
        when(lambda: sub if sub.isVisible() else None, on_sub)
        click_action(menu, "Move to case")

    when(popup, on_menu)
    right_click(window, window.cases_panel.model.index_of_document(a))
    qtbot.waitUntil(lambda: bool(done))
    qtbot.waitUntil(lambda: ("Tandem", "A-manager") in docs(window))
    # its speakers are now Tandem's participants
    speakers = db(window, select(Case.name, Participant.name).join(Participant)
                  .join(Turn, Turn.participant_id == Participant.id).where(Turn.document_id == a))
    assert {c for c, _ in speakers} == {"Tandem"}
    model = window.cases_panel.model
    assert model.case_of(model.index_of_document(a)).name == "Tandem"
    window.undo_action.trigger()
    assert ("Millbrook Works", "A-manager") in docs(window)


def test_delete_a_case_counts_its_documents_and_codings(
    coded: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crosscase.ui import messages

    monkeypatch.setattr(messages, "confirm", real_confirm)
    window = coded
    model = window.cases_panel.model
    case = model.case_of(model.index_of_document(doc_id(window, "A-manager")))
    tree = window.cases_panel.tree
    tree.setCurrentIndex(model.index_of_case(case.id))
    tree.setFocus()
    seen: list[str] = []

    def accept(box: QMessageBox) -> None:
        seen.append(box.text())
        button = next(b for b in box.findChildren(QPushButton) if b.text() == "Delete")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    when(modal(QMessageBox), accept)
    QTest.keyClick(tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Delete the case 'Millbrook Works'?" in seen[0]
    assert "its 1 document with 2 codings" in seen[0]
    qtbot.waitUntil(lambda: all(c != "Millbrook Works" for c, _ in docs(window)))
    assert len(codings(window)) == 1
    window.undo_action.trigger()
    assert ("Millbrook Works", "A-manager") in docs(window) and len(codings(window)) == 3


def test_a_long_document_name_never_widens_the_cases_panel(coded: Any, qtbot: Any) -> None:
    from crosscase.commands.documents import RenameDocument

    window = coded
    window.resize(1366, 768)
    a = doc_id(window, "A-manager")
    panel = window.cases_panel
    before = window.cases_dock.minimumSizeHint().width()
    long_name = "Interview with the manager of the day service, second visit, March 2024 (full)"
    window.context.push(RenameDocument(a, long_name))
    index = panel.model.index_of_document(a)
    QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.tree.visualRect(index).center())
    qtbot.waitUntil(lambda: panel.attr_title.full_text() == f"Document: {long_name}")
    assert panel.attr_title.toolTip() == f"Document: {long_name}"
    assert "…" in panel.attr_title.text()  # shortened to the room it has
    assert window.cases_dock.minimumSizeHint().width() <= before
    assert max(window.minimumSizeHint().width(), window.minimumWidth()) <= 1366
