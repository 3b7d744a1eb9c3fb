"""Workbench fixtures: a small coded project on disk, and the main window open on it.

QSettings are redirected to a temporary folder so tests never touch the
researcher's own settings; message boxes are replaced so nothing blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402
from uihelpers import build_small_project  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_gui_thread(qapp: Any) -> None:
    """As the workbench does: no cyclic garbage collection on worker threads."""
    from crosscase.ui import collector

    collector.install(qapp)


@pytest.fixture(scope="session", autouse=True)
def _private_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)


@pytest.fixture(autouse=True)
def shown_messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Every message box the workbench tried to show: (kind, title, text)."""
    from crosscase.ui import messages

    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(messages, "error", lambda _p, t, x: shown.append(("error", t, x)))
    monkeypatch.setattr(messages, "info", lambda _p, t, x: shown.append(("info", t, x)))
    monkeypatch.setattr(messages, "confirm", lambda _p, t, x, ok="OK": True)
    return shown


@pytest.fixture(scope="session")
def _small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_project(tmp_path_factory.mktemp("template"))


@pytest.fixture
def project_file(tmp_path: Path, _small_template: Path) -> Path:
    """A private copy of the small project (building it once keeps the suite fast)."""
    import shutil

    dest = tmp_path / "study" / _small_template.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_small_template, dest)
    return dest


@pytest.fixture
def window(qtbot: Any, project_file: Path) -> Iterator[Any]:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(project_file)
    yield w
    w.close_project()
