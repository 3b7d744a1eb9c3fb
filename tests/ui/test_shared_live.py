"""The workbench on a shared project (a real PostgreSQL server): colleagues' changes
appear in the open views as they are made, never on this user's undo stack; the
open-shared dialog; passwords never saved; the connection lost and found again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from pgserver import PostgresServer
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import select
from uihelpers import INTERVIEW_A, INTERVIEW_B, code_id, doc_id

from crosscase.commands.coding import ApplyCodings, RemoveCodings
from crosscase.db.models import Coding
from crosscase.db.project import Project, open_project
from crosscase.db.server import redacted
from crosscase.services import documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project
from crosscase.ui.settings import APPLICATION, ORGANISATION

WAIT = 10_000  # generous: the change crosses a real server; not a timing assertion
QUOTE = "Word of mouth brought people in."


def without_password(url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@pytest.fixture
def shared_url(pg_url: str, tmp_path: Path) -> str:
    """The small study (two cases, one interview each) as a shared project."""
    a = tmp_path / "A-manager.txt"
    a.write_text(INTERVIEW_A, encoding="utf-8")
    b = tmp_path / "B-service-user.txt"
    b.write_text(INTERVIEW_B, encoding="utf-8")
    with new_project(pg_url, name="Team study") as project:
        for f, case in ((a, "Millbrook Works"), (b, "Tandem")):
            assert not documents.import_files(project, [f], case).failed
    return pg_url


@pytest.fixture
def colleague(shared_url: str) -> Iterator[Project]:
    """Another client of the same shared project, coding as Ana."""
    other = open_project(shared_url)
    other.coder_name = "Ana"
    yield other
    other.close()


@pytest.fixture
def bare_window(qtbot: Any) -> Iterator[Any]:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_project()


@pytest.fixture
def shared_window(bare_window: Any, shared_url: str) -> Any:
    assert bare_window.open_project(shared_url)
    return bare_window


def codings_in_db(url: str) -> list[tuple[int, int, int, int]]:
    with open_project(url, readonly=True) as p, p.session() as s:
        return [tuple(r) for r in s.execute(
            select(Coding.document_id, Coding.code_id, Coding.start, Coding.end)
            .order_by(Coding.id))]


def test_a_colleagues_coding_appears_in_the_open_document(
    shared_window: Any, colleague: Project, shared_url: str, qtbot: Any
) -> None:
    w = shared_window
    secret = urlsplit(shared_url).password
    assert secret and secret not in w.windowTitle()
    assert redacted(shared_url) in w.windowTitle() and w.windowTitle().startswith("Team study")
    assert w.server_label.isVisible() and w.server_label.text() == f"Shared: {redacted(shared_url)}"

    doc, code = doc_id(w, "A-manager"), code_id(w, "Relational orientation/Trust")
    view = w.open_document(doc)
    model = w.codebook_panel.model
    before_count = model.own.get(code, 0)
    undo_before = w.context.undo_stack.count()
    assert view.spans == []

    start = INTERVIEW_A.index(QUOTE)
    made = ApplyCodings([CodingSpec(doc, code, start, start + len(QUOTE))])
    made.do(colleague)
    (new_id,) = made.ids

    qtbot.waitUntil(lambda: [sp.id for sp in view.spans] == [new_id], timeout=WAIT)
    qtbot.waitUntil(lambda: model.own.get(code, 0) == before_count + 1, timeout=WAIT)
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "Ana coded 1 passage",
                    timeout=WAIT)
    # the stripe is painted in the margin, named after the code
    w.activateWindow()
    view.margin.grab()
    assert [c for c, _t, _a in view.margin.shown_labels] == [new_id]
    # a colleague's work is theirs to undo, not this user's
    assert w.context.undo_stack.count() == undo_before
    assert not w.undo_action.isEnabled()
    assert codings_in_db(shared_url) == [(doc, code, start, start + len(QUOTE))]

    # removed by Ana: the stripe goes, the count falls back, still nothing to undo here
    RemoveCodings([new_id]).do(colleague)
    qtbot.waitUntil(lambda: view.spans == [], timeout=WAIT)
    qtbot.waitUntil(lambda: model.own.get(code, 0) == before_count, timeout=WAIT)
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "Ana removed 1 coding",
                    timeout=WAIT)
    assert w.context.undo_stack.count() == undo_before
    assert codings_in_db(shared_url) == []


def test_own_coding_is_undoable_and_reaches_the_colleague(
    shared_window: Any, colleague: Project, shared_url: str, qtbot: Any
) -> None:
    """The other direction: a coding made in the window is on its undo stack and in the
    colleague's change stream; the colleague's listener does not echo it back."""
    w = shared_window
    heard: list[Any] = []
    colleague.subscribe(heard.append)
    colleague.listen()  # type: ignore[attr-defined]
    doc, code = doc_id(w, "B-service-user"), code_id(w, "Relational orientation/Trust")
    view = w.open_document(doc)
    assert w.context.push(ApplyCodings([CodingSpec(doc, code, 0, 12)]))
    assert w.context.undo_stack.count() == 1
    qtbot.waitUntil(lambda: len(heard) == 1, timeout=WAIT)
    assert heard[0].ids(next(iter(heard[0].kinds))) is not None
    assert len(view.spans) == 1
    assert codings_in_db(shared_url) == [(doc, code, 0, 12)]
    assert w.statusBar().currentMessage() != "Ana coded 1 passage"


def test_open_shared_dialog_by_keyboard_password_never_saved(
    bare_window: Any, shared_url: str, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    w = bare_window
    secret = urlsplit(shared_url).password
    assert secret
    bare = without_password(shared_url)

    w.activateWindow()
    w.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.open_shared_dialog_ is not None
                    and w.open_shared_dialog_.isVisible(), timeout=WAIT)
    dialog = w.open_shared_dialog_
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.url.hasFocus(), timeout=WAIT)

    # not an address: the dialog says so and stays
    qtbot.keyClicks(dialog.url, "study.crosscase")
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "postgresql://" in dialog.error.text()
    assert w.context is None

    dialog.url.selectAll()
    qtbot.keyClicks(dialog.url, bare)
    qtbot.keyClick(dialog.url, Qt.Key.Key_Tab)
    assert dialog.password.hasFocus()
    qtbot.keyClicks(dialog.password, secret)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.context is not None, timeout=WAIT)

    project = w.context.project
    assert project.shared and project.location == bare
    # the window reads the shared database: its documents, its codebook
    with project.session() as s:
        assert documents.resolve(s, "A-manager") == doc_id(w, "A-manager")
    assert w.cases_panel.model.rowCount() == 2
    assert bare in w.windowTitle() and secret not in w.windowTitle()
    # remembered without the password, and the password is nowhere in the settings
    assert w.settings.recent_projects()[0] == bare
    w.settings.sync()
    files = list(Path(QSettings(ORGANISATION, APPLICATION).fileName()).parent.rglob("*"))
    assert files
    for f in files:
        if f.is_file():
            assert secret not in f.read_text(encoding="utf-8", errors="replace")


def test_a_recent_shared_project_asks_for_the_password_only_when_the_server_does(
    bare_window: Any, shared_url: str, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crosscase.ui import messages

    w = bare_window
    secret = urlsplit(shared_url).password
    bare = without_password(shared_url)
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask_password",
                        lambda _p, _t, label: asked.append(label) or secret)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")

    # the server wants a password nothing gives: asked once, then open
    assert w.open_project(bare)
    assert len(asked) == 1 and bare in asked[0] and secret not in asked[0]
    assert w.settings.recent_projects()[0] == bare
    w.close_project()

    # reopened from the recent list with PGPASSWORD set: not asked
    monkeypatch.setenv("PGPASSWORD", secret)
    w.welcome.refresh()
    items = [w.welcome.recent.item(i) for i in range(w.welcome.recent.count())]
    (item,) = [i for i in items if i.data(Qt.ItemDataRole.UserRole) == bare]
    w.welcome.recent.setCurrentItem(item)
    w.welcome.recent.setFocus()
    qtbot.keyClick(w.welcome.recent, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.context is not None, timeout=WAIT)
    assert len(asked) == 1
    assert w.context.project.location == bare


def test_the_status_bar_tells_when_the_connection_drops_and_comes_back(
    shared_window: Any, colleague: Project, pg_server: PostgresServer, shared_url: str,
    qtbot: Any
) -> None:
    w = shared_window
    notes: list[str] = []
    w.context.remote_note.connect(notes.append)
    database = urlsplit(shared_url).path.lstrip("/")
    admin = pg_server.admin()
    try:
        qtbot.waitUntil(lambda: admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'LISTEN%%'",
            [database]).fetchone()[0] == 1, timeout=WAIT)
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND query LIKE 'LISTEN%%'", [database])
    finally:
        admin.close()
    qtbot.waitUntil(lambda: any("lost the connection" in n for n in notes), timeout=WAIT)
    qtbot.waitUntil(lambda: any("connected again" in n for n in notes), timeout=WAIT)
    assert all(urlsplit(shared_url).password not in n for n in notes)

    # and the colleague's work still arrives afterwards
    doc, code = doc_id(w, "A-manager"), code_id(w, "Relational orientation/Trust")
    view = w.open_document(doc)
    made = ApplyCodings([CodingSpec(doc, code, 0, 11)])
    made.do(colleague)
    qtbot.waitUntil(lambda: [sp.id for sp in view.spans] == made.ids, timeout=WAIT)
    assert w.context.undo_stack.count() == 0


def test_gui_command_opens_a_url(shared_url: str, qtbot: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``crosscase gui URL`` keeps the URL a string all the way to the window.

    The test run's one QApplication must never run ``exec`` and quit (Qt then
    treats the application as closing, and queued signals from worker threads
    stop arriving for every later test): its event loop is stood in for by
    waiting until the window is open, then closing it."""
    from PySide6.QtWidgets import QApplication

    from crosscase.ui import app as app_module

    opened: list[Any] = []

    def open_windows() -> list[Any]:
        return [w for w in QApplication.topLevelWidgets()
                if getattr(w, "context", None) is not None and w.isVisible()]

    def event_loop(_app: Any) -> int:
        qtbot.waitUntil(lambda: bool(open_windows()), timeout=WAIT)
        for widget in open_windows():
            opened.append((widget.windowTitle(), widget.context.project.location,
                           widget.context.project.shared))
            widget.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert app_module.run(shared_url) == 0
    assert opened == [(f"Team study — {redacted(shared_url)} — Crosscase", redacted(shared_url),
                       True)]


def test_file_merge_on_a_shared_project_starts_from_a_copy_of_the_server(
        shared_window: Any, shared_url: str, qtbot: Any, tmp_path: Path,
        shown_messages: list[Any]) -> None:
    """File → Merge… on a shared project: the base is pulled from the server, a
    colleague's offline copy is merged into a new file, and the server is unchanged."""
    from test_refi_menu import menu_action

    from crosscase.db.models import Document
    from crosscase.exchange.shared import pull
    from crosscase.services import codebook

    offline = tmp_path / "offline.crosscase"
    pull(shared_url, offline)
    with open_project(offline) as copy:
        copy.coder_name = "Ben"
        with copy.session() as s:
            cid = codebook.resolve(s, "Trust")
            did = s.scalar(select(Document.id).where(Document.name == "A-manager"))
        start = INTERVIEW_A.index(QUOTE)
        ApplyCodings([CodingSpec(int(did or 0), cid, start, start + len(QUOTE))]).do(copy)
    before = codings_in_db(shared_url)

    menu_action(shared_window, "Merge…").trigger()
    dialog = shared_window.exchange.merge_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.add_projects([offline])  # the file chooser's answer
    dialog.out.setFocus()
    qtbot.keyClick(dialog.out, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.out, str(tmp_path / "merged"))
    qtbot.keyClick(dialog.out, Qt.Key.Key_Return)  # Return merges
    qtbot.waitUntil(lambda: shared_window.exchange.report_dialog is not None
                    or bool(shown_messages), timeout=30_000)
    assert not shown_messages
    assert "codings: 1 added" in shared_window.exchange.report_dialog.text()
    with open_project(tmp_path / "merged.crosscase", readonly=True) as merged, \
            merged.session() as s:
        merged_codings = s.scalars(select(Coding.id)).all()
    assert len(merged_codings) == len(before) + 1
    assert codings_in_db(shared_url) == before  # the server is only read


def test_a_shared_projects_settings_are_kept_under_its_url(shared_window: Any,
                                                           shared_url: str) -> None:
    """Per-project settings (recent codes, last document, report choices) of a shared
    project are remembered by its URL without the password, not by a stand-in file name."""
    context = shared_window.context
    assert context.settings_key == redacted(shared_url)
    context.settings.set_report_choices(context.settings_key, {"citations": "full"})
    assert context.settings.report_choices(redacted(shared_url)) == {"citations": "full"}
    assert context.settings.report_choices(context.project.path) == {}
