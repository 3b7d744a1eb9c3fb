"""The main window: docks for cases and the codebook, tabs for documents and analyses.

The window wires the parts together and owns the project's lifecycle; the
parts (panels, views, the coding controller) do the work.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from crosscase.db.project import SUFFIX, Project, open_project
from crosscase.domain.errors import ProjectBusy, ProjectLocked, SchemaTooNew
from crosscase.services import documents, projects
from crosscase.ui import messages, theme
from crosscase.ui.coding import CodingController
from crosscase.ui.context import ProjectContext
from crosscase.ui.dialogs.round_dialog import RoundCommands
from crosscase.ui.exchange import RefiExchange
from crosscase.ui.settings import Settings
from crosscase.ui.views.cases_panel import CasesPanel
from crosscase.ui.views.code_details import CodeDetails
from crosscase.ui.views.codebook_panel import CodebookPanel
from crosscase.ui.views.document_view import DocumentView
from crosscase.ui.views.welcome import WelcomePage

PROJECT_FILTER = f"Crosscase projects (*{SUFFIX});;All files (*)"


class MainWindow(QMainWindow):
    project_opened = Signal()
    project_closed = Signal()

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.context: ProjectContext | None = None
        self.undo_group = QUndoGroup(self)
        self.documents: dict[int, DocumentView] = {}
        self.segments_view: QWidget | None = None
        self.search_view: QWidget | None = None
        self.matrix_view: QWidget | None = None
        self.cooccur_view: QWidget | None = None
        self.history_view: QWidget | None = None
        self.memos_view: QWidget | None = None
        self.query_view: QWidget | None = None
        self.classification_view: QWidget | None = None
        self.review_view: QWidget | None = None
        self.import_dialog: QWidget | None = None
        self.shortcuts_dialog: QWidget | None = None
        self.about_dialog: QWidget | None = None
        self.emphasised: int | None = None
        self.setWindowTitle("Crosscase")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.resize(1400, 900)

        # centre: a welcome page until a project is open, then tabs
        self.welcome = WelcomePage(self.settings)
        self.welcome.new_requested.connect(self.new_project_dialog)
        self.welcome.open_requested.connect(self.open_project_dialog)
        self.welcome.recent_requested.connect(lambda p: self.open_project(p))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.empty_tab = QLabel(
            "Open a document from the Cases panel (double-click or Enter).\n\n"
            "Select text, then press Ctrl+K to code it, or drag it onto a code."
        )
        self.empty_tab.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_tab.setEnabled(False)
        self.centre = QStackedWidget()
        self.centre.addWidget(self.welcome)
        self.centre.addWidget(self.tabs)
        self.centre.addWidget(self.empty_tab)
        self.setCentralWidget(self.centre)

        # docks
        self.cases_panel = CasesPanel()
        self.cases_panel.document_activated.connect(self.open_document)
        self.cases_panel.import_requested.connect(lambda case: self.import_documents(case=case))
        self.cases_panel.memo_requested.connect(self.edit_memo)
        self.cases_panel.sheet_requested.connect(self.show_classification)
        self.cases_panel.history_requested.connect(
            lambda kind, oid, name: self.show_history((kind, oid, name)))
        self.codebook_panel = CodebookPanel()
        self.codebook_panel.code_selected.connect(self._code_selected)
        self.codebook_panel.segments_requested.connect(self.show_segments)
        self.codebook_panel.memo_requested.connect(self.edit_memo)
        self.codebook_panel.model.coded_by_drop.connect(self._coded_by_drop)
        self.details = CodeDetails()
        self.details.memo_requested.connect(self.edit_memo)
        self.details.segments_requested.connect(self.show_segments)
        self.cases_dock = self._dock("Cases and documents", "cases", self.cases_panel,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.codebook_dock = self._dock("Codebook", "codebook", self.codebook_panel,
                                        Qt.DockWidgetArea.LeftDockWidgetArea)
        self.details_dock = self._dock("Code definition", "details", self.details,
                                       Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.cases_dock, self.codebook_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.cases_dock, self.details_dock], [330, 300],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.cases_dock, self.codebook_dock], [330, 520],
                         Qt.Orientation.Vertical)

        self.coding = CodingController(self, lambda: self.context, self.current_document,
                                       self.edit_memo)
        self.exchange = RefiExchange(self, lambda: self.context, self.open_project)
        self.rounds = RoundCommands(self, lambda: self.context, self.show_review)
        self._build_menus()
        self._build_status()
        self._set_project_ui(False)

    # -- construction ---------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu: QMenu, text: str, slot: object, shortcut: str | list[str] = "",
                tip: str = "") -> QAction:
        a = menu.addAction(text)
        keys = [shortcut] if isinstance(shortcut, str) else shortcut
        if any(keys):
            a.setShortcuts([QKeySequence(k) for k in keys if k])
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(slot)  # type: ignore[arg-type]
        return a

    def _build_menus(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu("&File")
        self._action(f, "&New project…", self.new_project_dialog, "Ctrl+N", "Start a project with the default codebook")
        self._action(f, "&Open project…", self.open_project_dialog, "Ctrl+O")
        self._action(f, "Open &shared project…", self.open_shared_dialog, "Ctrl+Shift+O",
                     "Open a project your team shares on a PostgreSQL server")
        self.recent_menu = f.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        f.addSeparator()
        self.import_action = self._action(f, "&Import documents…", lambda: self.import_documents(),
                                          "Ctrl+Shift+I", "Import files or folders into a case")
        f.addSeparator()
        self._action(f, "Import REFI-&QDA project…", self.exchange.import_project,
                     tip="Make a new Crosscase project from a .qdpx written by NVivo, ATLAS.ti, "
                         "MAXQDA or another program")
        self.export_qdpx_action = self._action(
            f, "&Export REFI-QDA project…", self.exchange.export_project,
            tip="Write the whole project as a .qdpx for other programs")
        self.export_qdc_action = self._action(
            f, "Export code&book (REFI-QDA .qdc)…", self.exchange.export_codebook,
            tip="Write the codebook alone as a .qdc")
        self.load_qdc_action = self._action(
            f, "&Load codebook (.qdc)…", self.exchange.load_codebook,
            tip="Add the codes of a REFI-QDA codebook to this project")
        self.merge_action = self._action(
            f, "&Merge…", self.exchange.merge,
            tip="Merge coders' copies of this project into a new project file")
        f.addSeparator()
        self.close_action = self._action(f, "&Close project", self.close_project, "Ctrl+Shift+W")
        self._action(f, "&Quit", self.close, "Ctrl+Q")

        e = bar.addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.undo_action, self.redo_action = undo, redo
        e.addAction(undo)
        e.addAction(redo)
        e.addSeparator()
        self.find_action = self._action(e, "&Search project…", self.show_search, "Ctrl+Shift+F",
                                        "Search all documents; autocode the hits")
        self._action(e, "Filter &codes", self._focus_code_filter, "Ctrl+Shift+K")

        c = bar.addMenu("&Code")
        self.code_menu = c
        c.aboutToShow.connect(self._refill_code_menu)
        self.coding.fill_code_menu(c)

        cases_menu = bar.addMenu("C&ases")
        cases_menu.addAction(self.cases_panel.new_case_action)
        self._action(cases_menu, "Document memo…", self._document_memo, "Ctrl+Shift+M")
        self._action(cases_menu, "Project memo…",
                     lambda: self.edit_memo("project", 1) if self.context else None)

        team = bar.addMenu("&Team")
        self.open_round_action = self._action(
            team, "&Open reliability round…", self.rounds.open_round,
            tip="Draw a seeded sample of documents for double coding; its coders code it blind")
        self.close_round_action = self._action(
            team, "&Close round…", self.rounds.close_round,
            tip="End a round's blind coding and show its coders' agreement")

        v = bar.addMenu("&View")
        self.segments_action = self._action(v, "Coded &segments", self._segments_for_current,
                                            "Ctrl+R", "Everything coded with the selected code")
        self.matrix_action = self._action(v, "Cross-case &matrix", self.show_matrix,
                                          "Ctrl+Shift+X", "Codes by cases, side by side")
        self.query_action = self._action(v, "Coding &query", lambda: self.show_query(),
                                         "Ctrl+Shift+Q", "Where codes meet: AND, OR, NOT, NEAR, "
                                         "SAME paragraph, by case, role or coder")
        self.cooccur_action = self._action(v, "Code co-&occurrence", self.show_cooccurrence,
                                           "", "Which codes meet in the same passages, by case")
        self.history_action = self._action(v, "Change &history", lambda: self.show_history(), "Ctrl+Shift+H",
                                           "Every change to the project: who, when, what")
        self.memos_action = self._action(v, "All m&emos", self.show_memos, "Ctrl+Shift+E",
                                         "Every memo: filter by kind, case and code; go to each")
        self.classification_action = self._action(
            v, "Classification s&heet", lambda: self.show_classification(), "Ctrl+Shift+A",
            "Cases and participants by their attributes: edit, paste from a spreadsheet")
        self.review_action = self._action(v, "Review &disagreements…", lambda: self.show_review(),
                                          "Ctrl+Shift+D",
                                          "Two coders' disagreements, decided into a consensus coding")
        v.addSeparator()
        self._action(v, "Zoom &in", lambda: self.zoom(1), ["Ctrl+=", "Ctrl++"])
        self._action(v, "Zoom &out", lambda: self.zoom(-1), "Ctrl+-")
        self._action(v, "&Actual size", lambda: self.zoom(None), "Ctrl+0")
        v.addSeparator()
        themes = v.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for key, label in (("light", "Light"), ("dark", "Dark"), ("system", "Follow the system")):
            a = themes.addAction(label)
            a.setCheckable(True)
            a.setChecked(self.settings.theme() == key)
            a.triggered.connect(lambda _c=False, k=key: self.set_theme(k))
            group.addAction(a)
            self.theme_actions[key] = a
        v.addSeparator()
        panels = v.addMenu("&Panels")
        for dock, key in ((self.cases_dock, "Alt+1"), (self.codebook_dock, "Alt+2"),
                          (self.details_dock, "Alt+3")):
            a = dock.toggleViewAction()
            a.setShortcut(QKeySequence(key))
            panels.addAction(a)
        self._action(v, "Focus the &text", self._focus_text, "Alt+0")
        self._action(v, "Focus &cases", lambda: self._focus_dock(self.cases_dock,
                                                                 self.cases_panel.tree), "Alt+4")
        self._action(v, "Focus c&odebook", lambda: self._focus_dock(self.codebook_dock,
                                                                    self.codebook_panel.tree),
                     "Alt+5")

        h = bar.addMenu("&Help")
        self._action(h, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(h, "&About Crosscase", self.show_about)

        self.project_actions = [self.import_action, self.close_action, self.find_action,
                                self.segments_action, self.matrix_action, self.cooccur_action,
                                self.history_action,
                                self.export_qdpx_action, self.export_qdc_action,
                                self.load_qdc_action, self.merge_action,
                                self.open_round_action, self.close_round_action]

    def _refill_code_menu(self) -> None:
        """Rebuild the Code menu as it opens, so the recent codes are current."""
        self.code_menu.clear()
        self.coding.fill_code_menu(self.code_menu)
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.codebook_panel.actions_["new"])

    def _build_status(self) -> None:
        self.saved_label = QLabel()
        self.saved_label.setToolTip("Every change is written to the project file as you make it.")
        # who is coding: click to switch
        self.coder_label = QPushButton()
        self.coder_label.setObjectName("coderButton")
        self.coder_label.setFlat(True)
        self.coder_label.setToolTip("Who is coding: your codings and changes are recorded "
                                    "under this name. Click to switch.")
        self.coder_label.clicked.connect(lambda: self.choose_coder())
        self.coder_dialog: QDialog | None = None
        self.open_shared_dialog_: QDialog | None = None
        # where a shared project lives (its URL without the password); hidden for a file
        self.server_label = QLabel()
        self.server_label.setObjectName("serverLabel")
        self.server_label.hide()
        self.statusBar().addPermanentWidget(self.server_label)
        self.statusBar().addPermanentWidget(self.saved_label)
        self.statusBar().addPermanentWidget(self.coder_label)

    # -- projects -------------------------------------------------------------------------------------
    def _set_project_ui(self, has_project: bool) -> None:
        for a in self.project_actions:
            a.setEnabled(has_project)
        for dock in (self.cases_dock, self.codebook_dock, self.details_dock):
            dock.setVisible(has_project)
        if not has_project:
            self.centre.setCurrentWidget(self.welcome)
            self.welcome.refresh()
            self.setWindowTitle("Crosscase")
            self.saved_label.setText("")
            self.server_label.setText("")
            self.server_label.hide()
            self.coder_label.setText("")
        else:
            self._show_tabs_or_hint()

    def _show_tabs_or_hint(self) -> None:
        self.centre.setCurrentWidget(self.tabs if self.tabs.count() else self.empty_tab)

    def open_project(self, path: Path | str, remember: bool = True,
                     password: str | None = None) -> bool:
        """Open a project file, or the shared project at a ``postgresql://`` URL
        (``password``: typed in the open-shared dialog; else asked only if the
        server wants one that the URL, PGPASSWORD and ~/.pgpass do not give)."""
        from crosscase.db.server import is_url

        if is_url(path):
            return self._open_shared(str(path), remember, password)
        path = Path(path)
        try:
            while True:
                try:  # read-only where the file or its folder cannot be written
                    project = open_project(path, allow_readonly=True)
                    break
                except ProjectBusy as exc:  # another program holds SQLite's lock: ask, retry
                    if not messages.confirm(self, "Project is busy in another program",
                                            f"{exc.message}\n\nTry again?", "Try again"):
                        return False
        except ProjectLocked as exc:
            messages.error(self, "Project is open elsewhere",
                           f"{exc.message}\n\nClose it there first, then open it here.")
            return False
        except SchemaTooNew as exc:
            messages.error(self, "Project from a newer Crosscase",
                           f"{exc.message}\n\nNothing was changed in the file.")
            return False
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear message
            messages.error(self, "Cannot open project", messages.describe(exc))
            return False
        self.set_project(project, remember=remember)
        if project.readonly:
            messages.status(self, f"{path.name} is read-only here: it is open for reading only", 15000)
        if project.backup_path is not None:
            messages.status(self, f"Upgraded the project; the old file is kept as "
                                  f"{project.backup_path.name}", 15000)
        return True

    def _open_shared(self, url: str, remember: bool, password: str | None) -> bool:
        from urllib.parse import urlsplit

        from crosscase.db.server import PasswordNeeded, open_shared, redacted

        try:
            while True:
                try:
                    project = open_shared(url, password=password)
                    break
                except PasswordNeeded as exc:
                    if urlsplit(url).password is not None:
                        raise
                    password = messages.ask_password(
                        self, "Password for the shared project",
                        f"{exc.message}\n\nPassword for {redacted(url)}:")
                    if password is None:
                        return False
        except SchemaTooNew as exc:
            messages.error(self, "Project from a newer Crosscase",
                           f"{exc.message}\n\nNothing was changed in the database.")
            return False
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear message
            messages.error(self, "Cannot open shared project", messages.describe(exc))
            return False
        self.set_project(project, remember=remember)
        return True

    def open_shared_dialog(self) -> QDialog:
        """File → Open shared project…: an address and an optional password (never saved)."""
        from crosscase.ui.dialogs.open_shared import OpenSharedDialog

        if self.open_shared_dialog_ is not None:
            self.open_shared_dialog_.close()
        dialog = OpenSharedDialog(self)
        self._keep_dialog(dialog, "open_shared_dialog_")

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                url, password = dialog.chosen_url(), dialog.chosen_password()
                dialog.password.clear()
                QTimer.singleShot(0, lambda: self.open_project(url, password=password))

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    def set_project(self, project: Project, remember: bool = True, restore: bool = True) -> None:
        self.close_project()
        self.context = ProjectContext(project, self.settings, self)
        self.undo_group.addStack(self.context.undo_stack)
        self.undo_group.setActiveStack(self.context.undo_stack)
        self.context.command_failed.connect(
            lambda title, text: messages.error(self, title, text))
        self.context.change_applied.connect(self._project_changed)
        self.context.remote_note.connect(lambda text: messages.status(self, text, 8000))
        self.context.recent_codes_changed.connect(self.coding.update_recent)
        self.context.codes_changed.connect(self.coding.update_recent)
        self.cases_panel.set_context(self.context)
        self.codebook_panel.set_context(self.context)
        self.details.set_context(self.context)
        with project.session() as s:
            name = projects.project_name(s) or project.path.stem
        if project.shared:
            self.setWindowTitle(f"{name} — {project.location} — Crosscase")
            self.server_label.setText(f"Shared: {project.location}")
            self.server_label.setToolTip("A shared project: colleagues' changes appear here "
                                         "as they make them.")
            self.server_label.show()
            self.saved_label.setToolTip("Every change is written to the shared project on the "
                                        "server as you make it.")
        else:
            self.setWindowTitle(f"{name} — Crosscase")
            self.saved_label.setToolTip("Every change is written to the project file as you "
                                        "make it.")
        self.saved_label.setText("✓ All changes saved")
        self._settle_coder(project)
        if remember:
            self.settings.add_recent_project(project.location)
        self._set_project_ui(True)
        self.coding.update_recent()
        if restore:
            last = self.settings.last_document(self.context.settings_key)
            with project.session() as s:
                if last is not None and documents.document_exists(s, last):
                    self.open_document(last)
        self.project_opened.emit()

    # -- who is coding ------------------------------------------------------------------------------
    def _settle_coder(self, project: Project) -> None:
        """CROSSCASE_CODER names the coder; else this machine's choice; else ask (once)."""
        import os

        chosen = os.environ.get("CROSSCASE_CODER") or self.settings.coder()
        if chosen:
            project.coder_name = chosen
            self.coder_label.setText(f"Coder: {project.coder_name}")
            return
        self.coder_label.setText(f"Coder: {project.coder_name}")
        QTimer.singleShot(0, lambda: self.choose_coder(first=True))

    def choose_coder(self, first: bool = False) -> None:
        """Ask who is coding (an editable list of the project's coders); OK switches."""
        from crosscase.services import coders
        from crosscase.ui.dialogs.coder_dialog import CoderDialog

        if self.context is None or self.coder_dialog is not None:
            return
        with self.context.project.session() as s:
            known = [c.name for c in coders.listing(s)]
        current = self.context.project.coder_name
        if first:
            current = coders.remembered() or current
        dialog = CoderDialog(known, current, self, first=first)
        self.coder_dialog = dialog

        def done(result: int) -> None:
            self.coder_dialog = None
            if result == QDialog.DialogCode.Accepted and dialog.chosen:
                self.set_coder(dialog.chosen)
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    def set_coder(self, name: str) -> None:
        """Code as ``name`` from now on, remembered on this machine; the views show
        what this coder may see (a coder in an open reliability round codes blind)."""
        from crosscase.domain.changes import Change, Kind
        from crosscase.services import coders

        if self.context is None:
            return
        self.context.project.coder_name = name
        self.settings.set_coder(name)
        coders.remember(name)
        self.coder_label.setText(f"Coder: {name}")
        self.context.change_applied.emit(
            Change(f"Coding as {name}", {Kind.CODINGS: None}, initiator=name))
        messages.status(self, f"Coding as {name}", 5000)

    def close_project(self) -> None:
        if self.context is None:
            return
        if self.coder_dialog is not None:
            self.coder_dialog.reject()
        for view in list(self.documents.values()):
            self._remove_tab(view)
        for attr in ("segments_view", "search_view", "matrix_view", "history_view", "memos_view",
                     "review_view", "classification_view", "cooccur_view", "query_view"):
            w = getattr(self, attr)
            if w is not None:
                self._remove_tab(w)
        self.cases_panel.set_context(None)
        self.codebook_panel.set_context(None)
        self.details.set_context(None)
        self.undo_group.removeStack(self.context.undo_stack)
        context, self.context = self.context, None
        context.close()
        context.deleteLater()
        self._set_project_ui(False)
        self.project_closed.emit()

    def new_project_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New project", "", PROJECT_FILTER)
        if name:
            self.new_project(Path(name))

    def new_project(self, path: Path) -> bool:
        from crosscase.services.projects import new_project

        if path.suffix != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        try:
            project = new_project(path)
        except Exception as exc:  # noqa: BLE001
            messages.error(self, "Cannot create project", messages.describe(exc))
            return False
        self.set_project(project)
        return True

    def open_project_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if name:
            self.open_project(Path(name))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        from crosscase.db.server import is_url

        for p in self.settings.recent_projects():
            a = self.recent_menu.addAction(p if is_url(p) else Path(p).name)
            a.setToolTip(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _project_changed(self, _change: object) -> None:
        self.saved_label.setText(f"✓ Saved {datetime.now():%H:%M}")
        QTimer.singleShot(0, self._retitle_documents)  # once the views have reread their names

    def _retitle_documents(self) -> None:
        """A renamed or moved document's tab shows its new name and case."""
        for view in self.documents.values():
            i = self.tabs.indexOf(view)
            if i >= 0 and view.info is not None:
                self.tabs.setTabText(i, view.info.name)
                self.tabs.setTabToolTip(i, f"{view.info.case} / {view.info.name}")

    # -- documents ----------------------------------------------------------------------------------
    def current_document(self) -> DocumentView | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, DocumentView) else None

    def open_document(self, document_id: int) -> DocumentView | None:
        if self.context is None:
            return None
        view = self.documents.get(document_id)
        if view is None:
            view = DocumentView(self.context)
            try:
                view.load(document_id)
            except Exception as exc:  # noqa: BLE001
                view.deleteLater()
                messages.error(self, "Cannot open document", messages.describe(exc))
                return None
            view.set_emphasised(self.emphasised)
            view.context_menu_requested.connect(
                lambda pos, u16, v=view: self.coding.context_menu(v, pos, u16))
            view.delete_pressed.connect(self.coding.remove_selected)
            view.code_dropped.connect(self.coding.apply_code)
            view.closed.connect(lambda v=view: self._remove_tab(v))
            view.memo_requested.connect(lambda v=view: self.edit_memo("document", v.document_id))
            self.documents[document_id] = view
            assert view.info is not None
            i = self.tabs.addTab(view, view.info.name)
            self.tabs.setTabToolTip(i, f"{view.info.case} / {view.info.name}")
        self.tabs.setCurrentWidget(view)
        self._show_tabs_or_hint()
        self.cases_panel.model.set_open_document(document_id)
        self.settings.set_last_document(self.context.settings_key, document_id)
        return view

    def jump_to(self, document_id: int, start: int, end: int) -> DocumentView | None:
        view = self.open_document(document_id)
        if view is not None:
            view.select_span(start, end)
            view.editor.setFocus()
        return view

    def _remove_tab(self, widget: QWidget) -> None:
        i = self.tabs.indexOf(widget)
        if i >= 0:
            self.tabs.removeTab(i)
        if isinstance(widget, DocumentView):
            self.documents = {k: v for k, v in self.documents.items() if v is not widget}
            widget.detach()
        for attr in ("segments_view", "search_view", "matrix_view", "history_view", "memos_view",
                     "review_view", "classification_view", "cooccur_view", "query_view"):
            if getattr(self, attr) is widget:
                setattr(self, attr, None)
        widget.deleteLater()
        if self.context is not None:
            self._show_tabs_or_hint()

    def close_tab(self, index: int) -> None:
        w = self.tabs.widget(index)
        if w is not None:
            self._remove_tab(w)

    def _tab_changed(self, _index: int) -> None:
        view = self.current_document()
        if view is not None and self.context is not None:
            self.cases_panel.model.set_open_document(view.document_id)
            self.settings.set_last_document(self.context.settings_key, view.document_id)

    # -- codes ---------------------------------------------------------------------------------------
    def _code_selected(self, code_id: int) -> None:
        self.emphasised = code_id if code_id >= 0 else None
        for view in self.documents.values():
            view.set_emphasised(self.emphasised)
        self.details.show_code(self.emphasised)

    def _coded_by_drop(self, code_id: int) -> None:
        node = self.context.nodes.get(code_id) if self.context else None
        if node is not None:
            messages.status(self, f"Coded to {node.path}")

    def _segments_for_current(self) -> None:
        cid = self.codebook_panel.current_code()
        if cid is None:
            messages.status(self, "Select a code in the codebook first.")
            return
        self.show_segments(cid)

    def show_segments(self, code_id: int) -> QWidget | None:
        if self.context is None or code_id < 0:
            return None
        from crosscase.ui.views.segments_view import SegmentsView

        if self.segments_view is None:
            view = SegmentsView(self.context)
            view.jump_requested.connect(self.jump_to)
            view.memo_requested.connect(self.edit_memo)
            self.segments_view = view
            self.tabs.addTab(view, "Coded segments")
        assert isinstance(self.segments_view, SegmentsView)
        self.segments_view.show_code(code_id)
        self.tabs.setCurrentWidget(self.segments_view)
        self._show_tabs_or_hint()
        return self.segments_view

    def show_search(self) -> QWidget | None:
        if self.context is None:
            return None
        from crosscase.ui.views.search_view import SearchView

        if self.search_view is None:
            view = SearchView(self.context)
            view.jump_requested.connect(self.jump_to)
            view.choose_code_requested.connect(lambda v=view: self._choose_autocode(v))
            self.search_view = view
            self.tabs.addTab(view, "Search")
        self.tabs.setCurrentWidget(self.search_view)
        self._show_tabs_or_hint()
        assert isinstance(self.search_view, SearchView)
        self.search_view.pattern.setFocus()
        self.search_view.pattern.selectAll()
        return self.search_view

    def _choose_autocode(self, view: QWidget) -> None:
        from crosscase.ui.dialogs.quick_code import choose_code
        from crosscase.ui.views.search_view import SearchView

        assert isinstance(view, SearchView) and self.context is not None
        n = len(view.model.chosen())
        self._chooser = choose_code(
            self, self.context.nodes, view.autocode, title="Autocode hits",
            prompt=f"Code the {n} checked hit{'s' * (n != 1)} to which code?",
            recent=self.context.recent_codes, on_create=view.autocode_new,
        )

    def show_history(self, only: tuple[str, int, str] | None = None) -> QWidget | None:
        """The History tab; with ``only`` (kind, id, name), the changes to that document or case."""
        if self.context is None:
            return None
        from crosscase.ui.views.history_view import HistoryView

        if self.history_view is None:
            view = HistoryView(self.context)
            view.document_requested.connect(self.open_document)
            self.history_view = view
            self.tabs.addTab(view, "History")
        self.tabs.setCurrentWidget(self.history_view)
        self._show_tabs_or_hint()
        assert isinstance(self.history_view, HistoryView)
        self.history_view.set_only(only)
        self.history_view.filter.setFocus()
        return self.history_view

    def show_review(self, a: str | None = None, b: str | None = None) -> QWidget | None:
        """The review queue of two coders' disagreements (asks which two if not told)."""
        if self.context is None:
            return None
        from PySide6.QtWidgets import QInputDialog
        from sqlalchemy import select

        from crosscase.commands.consensus import DEFAULT_CONSENSUS
        from crosscase.db.models import Coder, Coding
        from crosscase.ui.views.review_queue import ReviewQueue

        if a is None or b is None:
            with self.context.project.session() as s:
                names = [n for n in s.scalars(select(Coder.name).where(
                    Coder.id.in_(select(Coding.coder_id))).order_by(Coder.name))
                    if n != DEFAULT_CONSENSUS]
            if len(names) < 2:
                messages.info(self, "Review disagreements",
                              "Disagreements need codings by two coders; this project has "
                              f"{len(names)} coder(s) with codings.")
                return None
            a, b = names[0], names[1]
            if len(names) > 2:
                a, ok = QInputDialog.getItem(self, "Review disagreements", "First coder:", names, 0, False)
                if not ok:
                    return None
                rest = [n for n in names if n != a]
                b, ok = QInputDialog.getItem(self, "Review disagreements", "Second coder:", rest, 0, False)
                if not ok:
                    return None
        if self.review_view is not None:
            self._remove_tab(self.review_view)
        view = ReviewQueue(self.context, a, b)
        self.review_view = view
        self.tabs.addTab(view, f"Review: {a} / {b}")
        self.tabs.setCurrentWidget(view)
        self._show_tabs_or_hint()
        view.list.setFocus()
        return view

    def show_query(self) -> QWidget | None:
        """The coding query builder tab."""
        if self.context is None:
            return None
        from crosscase.ui.views.query_view import QueryView

        if self.query_view is None:
            view = QueryView(self.context)
            view.jump_requested.connect(self.jump_to)
            self.query_view = view
            self.tabs.addTab(view, "Query")
        self.tabs.setCurrentWidget(self.query_view)
        self._show_tabs_or_hint()
        assert isinstance(self.query_view, QueryView)
        self.query_view.code_box.setFocus()
        return self.query_view

    def show_memos(self) -> QWidget | None:
        if self.context is None:
            return None
        from crosscase.ui.views.memo_list_view import MemoListView

        if self.memos_view is None:
            view = MemoListView(self.context)
            view.jump_requested.connect(self.jump_to)
            view.document_requested.connect(self.open_document)
            view.memo_requested.connect(self.edit_memo)
            self.memos_view = view
            self.tabs.addTab(view, "Memos")
        self.tabs.setCurrentWidget(self.memos_view)
        self._show_tabs_or_hint()
        assert isinstance(self.memos_view, MemoListView)
        self.memos_view.table.setFocus()
        return self.memos_view

    def show_classification(self, scope: str = "case") -> QWidget | None:
        """The classification sheet tab, on the cases, participants or documents."""
        if self.context is None:
            return None
        from crosscase.ui.views.classification_view import ClassificationView

        if self.classification_view is None:
            self.classification_view = ClassificationView(self.context)
            self.tabs.addTab(self.classification_view, "Classification")
        self.tabs.setCurrentWidget(self.classification_view)
        self._show_tabs_or_hint()
        assert isinstance(self.classification_view, ClassificationView)
        self.classification_view.show_scope(scope)
        return self.classification_view

    def show_matrix(self) -> QWidget | None:
        if self.context is None:
            return None
        if self.matrix_view is None:
            try:
                from crosscase.ui.views.matrix_view import MatrixView
            except ImportError:
                messages.info(self, "Matrix", "The cross-case matrix is not available in this "
                                              "version of Crosscase.")
                return None
            try:
                view = MatrixView(self.context, self)
            except Exception as exc:  # noqa: BLE001
                messages.error(self, "Matrix", messages.describe(exc))
                return None
            view.jump_requested.connect(self.jump_to)
            self.matrix_view = view
            self.tabs.addTab(view, "Matrix")
        self.tabs.setCurrentWidget(self.matrix_view)
        self._show_tabs_or_hint()
        return self.matrix_view

    def show_cooccurrence(self) -> QWidget | None:
        if self.context is None:
            return None
        if self.cooccur_view is None:
            try:
                from crosscase.ui.views.cooccurrence_view import CooccurrenceView

                view = CooccurrenceView(self.context, self)
            except Exception as exc:  # noqa: BLE001
                messages.error(self, "Co-occurrence", messages.describe(exc))
                return None
            view.jump_requested.connect(self.jump_to)
            self.cooccur_view = view
            self.tabs.addTab(view, "Co-occurrence")
        self.tabs.setCurrentWidget(self.cooccur_view)
        self._show_tabs_or_hint()
        return self.cooccur_view

    # -- memos and import ------------------------------------------------------------------------
    def edit_memo(self, kind: str, target_id: int | None) -> QWidget | None:
        if self.context is None or target_id is None:
            return None
        from crosscase.ui.memos import open_memo

        return open_memo(self, self.context, kind, target_id)

    def _document_memo(self) -> None:
        view = self.current_document()
        if view is not None and view.document_id is not None:
            self.edit_memo("document", view.document_id)

    def import_documents(self, paths: list[Path] | None = None, case: str | None = None) -> QWidget | None:
        if self.context is None:
            return None
        from crosscase.ui.dialogs.import_dialog import ImportDialog

        dlg = ImportDialog(self.context, paths or [], case or self.cases_panel.current_case_name()
                           or None, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.import_dialog = dlg
        dlg.destroyed.connect(lambda: setattr(self, "import_dialog", None))
        dlg.open()
        return dlg

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if self.context is not None and e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_documents(paths))

    # -- appearance ----------------------------------------------------------------------------------
    def zoom(self, step: int | None) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        steps = 0 if step is None else self.settings.zoom() + step
        steps = max(-4, min(12, steps))
        self.settings.set_zoom(steps)
        theme.apply_zoom(app, steps)
        for view in self.documents.values():
            view.apply_font()

    def set_theme(self, key: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.settings.set_theme(key)
        theme.apply_theme(app, key)
        from crosscase.ui import icons

        icons.clear_cache()
        for view in self.documents.values():
            view.refresh_highlights(force=True)
            view.margin.update()
        if self.segments_view is not None:
            self.segments_view.refresh()  # type: ignore[attr-defined]

    def _focus_text(self) -> None:
        view = self.current_document()
        if view is not None:
            view.editor.setFocus()

    def _focus_dock(self, dock: QDockWidget, widget: QWidget) -> None:
        dock.show()
        dock.raise_()
        widget.setFocus()

    def _focus_code_filter(self) -> None:
        self.codebook_dock.show()
        self.codebook_panel.filter.setFocus()
        self.codebook_panel.filter.selectAll()

    def show_shortcuts(self) -> QWidget:
        """The shortcuts of the window's actions as they are now (a fresh list each time)."""
        from crosscase.ui.dialogs.help_dialogs import ShortcutsDialog

        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.close()
        dlg = ShortcutsDialog(self)
        self._keep_dialog(dlg, "shortcuts_dialog")
        dlg.show()
        return dlg

    def show_about(self) -> QWidget:
        from crosscase.ui.dialogs.help_dialogs import AboutDialog

        if self.about_dialog is not None:
            self.about_dialog.close()
        project = self.context.project.path if self.context is not None else None
        dlg = AboutDialog(project, self)
        self._keep_dialog(dlg, "about_dialog")
        dlg.open()
        return dlg

    def _keep_dialog(self, dlg: QWidget, attr: str) -> None:
        """Hold ``dlg`` in ``attr`` until it is closed (and deleted)."""
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        setattr(self, attr, dlg)
        dlg.destroyed.connect(
            lambda _obj=None: setattr(self, attr, None) if getattr(self, attr) is dlg else None)

    # -- life ------------------------------------------------------------------------------------------
    def restore_layout(self) -> None:
        geo, state = self.settings.window_state()
        if geo is not None:
            self.restoreGeometry(geo)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, e: QCloseEvent) -> None:
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.exchange.shutdown()
        self.close_project()
        self.settings.sync()
        super().closeEvent(e)

    def sizeHint(self) -> QSize:
        return QSize(1400, 900)
