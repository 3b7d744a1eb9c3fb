"""Starting the workbench: ``crosscase``, ``crosscase gui [PROJECT or URL] [--screenshot PNG]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.ui import syslibs

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

# Qt is imported inside the functions: the system libraries are checked before
# anything loads Qt, so a missing one is named instead of aborting the process.

SCREENSHOT_SIZE = (1366, 768)


def check_system() -> None:
    """Stop with one line naming the packages to install if Qt's platform plugin cannot load."""
    from crosscase.domain.errors import CrosscaseError

    why = syslibs.check()
    if why:
        raise CrosscaseError(why)


def application() -> QApplication:
    """The running QApplication, created (and named) if there is none."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from crosscase.ui.settings import APPLICATION, ORGANISATION

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName(APPLICATION)
    from crosscase.ui import collector

    collector.install(app)
    return app


def run(project_path: str | None, screenshot: str | None = None) -> int:
    """Open the workbench (on ``project_path`` if given); returns the exit code.

    With ``screenshot``, render the main window on the project with a coded
    document open, save it as PNG and return without entering the event loop.
    """
    if _running_app() is None:
        check_system()
    app = application()
    if screenshot:
        return _screenshot(app, project_path, Path(screenshot))
    from crosscase.ui import theme
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    settings = Settings()
    theme.apply_theme(app, settings.theme())
    theme.apply_zoom(app, settings.zoom())
    window = MainWindow(settings)
    window.restore_layout()
    window.show()
    if project_path:
        window.open_project(project_path)  # a file, or a shared project's URL (kept a str)
    return app.exec()


def prepare_screenshot(window: object, select_code: bool = True) -> None:
    """Open the first coded document and choose a code used in it (for pictures)."""
    from crosscase.services import documents
    from crosscase.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if window.context is None:
        return
    with window.context.project.session() as s:
        doc = documents.first_coded_document(s)
        rows = documents.document_codings(s, doc) if doc is not None else []
    if doc is None:
        return
    view = window.open_document(doc)
    if view is None:
        return
    window.cases_panel.select_document(doc)
    if select_code and rows:
        # the code with most codings in this document
        counts: dict[int, int] = {}
        for r in rows:
            counts[r.code_id] = counts.get(r.code_id, 0) + 1
        code = max(counts, key=lambda c: (counts[c], -c))
        window.codebook_panel.select_code(code)
        first = next(r for r in rows if r.code_id == code)
        view.select_span(first.start, first.start)
        view.editor.centre_cursor()
        view.refresh_highlights(force=True)


def _running_app() -> object | None:
    """The running QApplication, if Qt is loaded and one was made (tests make one)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return None
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


def _screenshot(app: QApplication, project_path: str | None, out: Path) -> int:
    from crosscase.ui import messages, theme
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    messages.interactive = False
    settings = Settings(ephemeral=True)
    theme.apply_theme(app, "light")
    window = MainWindow(settings)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    app.processEvents()
    if project_path and not window.open_project(project_path, remember=False):
        window.close()
        return 3
    prepare_screenshot(window)
    for _ in range(3):
        app.processEvents()
    ok = window.grab().save(str(out), "PNG")
    window.close()
    app.processEvents()
    if not ok:
        print(f"{out}: cannot write the picture", file=sys.stderr)
        return 1
    return 0
