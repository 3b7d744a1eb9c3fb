"""Starting, opening, reopening, errors, keyboard, themes, and the --screenshot mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from uihelpers import doc_id

from crosscase.db.project import open_project
from crosscase.ui.main_window import MainWindow
from crosscase.ui.settings import Settings


def test_screenshot_mode_writes_a_png(qapp: Any, project_file: Path, tmp_path: Path) -> None:
    from crosscase.ui import app, messages

    out = tmp_path / "main.png"
    try:
        assert app.run(str(project_file), screenshot=str(out)) == 0
    finally:
        messages.interactive = True
    assert out.exists() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == app.SCREENSHOT_SIZE == (1366, 768)


def test_locked_and_newer_projects_give_a_clear_message(
    qtbot: Any, project_file: Path, shown_messages: list[Any], monkeypatch: Any
) -> None:
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    holder = open_project(project_file)  # another writer holds the project
    try:
        assert not w.open_project(project_file)
    finally:
        holder.close()
    kind, title, text = shown_messages[-1]
    assert kind == "error" and "open elsewhere" in title.lower()
    assert w.context is None

    # a real file from a newer Crosscase: its schema revision is one this one never saw
    import shutil
    import sqlite3

    newer = project_file.with_name("newer.crosscase")
    shutil.copy(project_file, newer)
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    assert not w.open_project(newer)
    assert "newer" in shown_messages[-1][1].lower()
    assert w.context is None

    assert not w.open_project(project_file.with_name("missing.crosscase"))
    assert shown_messages[-1][1] == "Cannot open project"


def test_recent_projects_and_last_document_are_remembered(qtbot: Any, project_file: Path) -> None:
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    assert w.open_project(project_file)
    did = doc_id(w, "B-service-user")
    w.open_document(did)
    w.close_project()
    assert str(project_file.resolve()) == Settings().recent_projects()[0]
    assert w.welcome.recent.count() >= 1
    w2 = MainWindow(Settings())
    qtbot.addWidget(w2)
    assert w2.open_project(project_file)
    assert w2.current_document() is not None and w2.current_document().document_id == did
    w2.close_project()


def test_new_project_has_the_default_codebook(qtbot: Any, tmp_path: Path) -> None:
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    assert w.new_project(tmp_path / "fresh")
    assert w.context.project.path.name == "fresh.crosscase"
    assert any(n.path == "Co-production/Co-design" for n in w.context.nodes.values())
    w.close_project()


def test_zoom_and_themes(window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from crosscase.ui import theme

    view = window.open_document(doc_id(window, "A-manager"))
    before = view.editor.font().pointSizeF()
    window.zoom(2)
    assert view.editor.font().pointSizeF() == before + 2
    window.zoom(None)
    assert view.editor.font().pointSizeF() == before
    window.set_theme("dark")
    assert theme.is_dark()
    base = QApplication.palette().color(QApplication.palette().ColorRole.Base)
    assert base.lightness() < 60
    window.set_theme("light")
    assert not theme.is_dark()


def test_every_menu_action_has_a_keyboard_route(window: Any) -> None:
    """Core actions carry shortcuts so a session can run from the keyboard."""
    wanted = {"Ctrl+K", "Ctrl+I", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+1", "Ctrl+9", "Ctrl+Shift+F",
              "Ctrl+R", "Ctrl+M", "Ctrl+Shift+I", "Ctrl+O", "Ctrl+N", "Ctrl+=", "Ctrl+-",
              "Alt+Down", "Ctrl+Shift+X"}
    from PySide6.QtGui import QAction

    have = set()
    for a in window.findChildren(QAction):
        for k in a.shortcuts():
            have.add(k.toString())
    assert wanted <= have, wanted - have


def test_matrix_tab_is_optional(window: Any, shown_messages: list[Any]) -> None:
    tab = window.show_matrix()
    try:
        import crosscase.ui.views.matrix_view  # noqa: F401
    except ImportError:
        assert tab is None and shown_messages[-1][0] == "info"
    else:
        assert tab is not None and window.tabs.indexOf(tab) >= 0


def test_case_document_and_participant_attributes(window: Any, qtbot: Any,
                                                  monkeypatch: Any) -> None:
    from sqlalchemy import select

    from crosscase.db.models import Participant
    from crosscase.services import attributes
    from crosscase.ui import messages

    panel = window.cases_panel
    case_idx = panel.model.index_of_case(panel.model.cases[0].id)
    panel.tree.setCurrentIndex(case_idx)
    answers = iter(["founded"])
    monkeypatch.setattr(messages, "ask_text", lambda *_a, **_k: next(answers))
    monkeypatch.setattr(messages, "ask_item", lambda *_a, **_k: "Number")
    panel.add_attribute()
    assert [r[0] for r in panel.attr_model.rows] == ["founded"]
    assert panel.attr_model.setData(panel.attr_model.index(0, 1), "2009")
    case_id = panel.model.cases[0].id

    def founded() -> object:
        with window.context.project.session() as s:
            return attributes.values(s, "case").get(case_id)

    qtbot.waitUntil(lambda: founded() == {"founded": 2009})
    # participants (speakers found at import) get a role column
    people = panel.people_model
    assert {p.name for p in people.people} >= {"Interviewer", "Manager"}
    monkeypatch.setattr(messages, "ask_text", lambda *_a, **_k: "role")
    monkeypatch.setattr(messages, "ask_item", lambda *_a, **_k: "Text")
    panel.add_participant_attribute()
    col = 2 + [n for n, _t in people.names].index("role")
    row = [p.name for p in people.people].index("Manager")
    people.setData(people.index(row, col), "manager")
    with window.context.project.session() as s:
        pid = s.scalar(select(Participant.id).where(Participant.name == "Manager"))
    qtbot.waitUntil(lambda: people.index(row, col).data() == "manager")
    with window.context.project.session() as s:
        assert attributes.values(s, "participant")[pid]["role"] == "manager"
