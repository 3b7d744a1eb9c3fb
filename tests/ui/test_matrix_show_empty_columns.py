"""The matrix tab's "Show empty columns": an attribute value nothing is coded under is left
out until the box is ticked with the mouse."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

from matrix_data import build_study
from PySide6.QtCore import QPoint, Qt

from crosscase.db.project import Project
from crosscase.services.projects import new_project
from crosscase.ui.context import ProjectContext
from crosscase.ui.settings import Settings
from crosscase.ui.views.matrix_view import MatrixView


@pytest.fixture
def view(qtbot: Any, tmp_path: Path) -> Iterator[MatrixView]:
    project: Project = new_project(tmp_path / "empty.crosscase", empty=True)
    build_study(project)
    v = MatrixView(ProjectContext(project, Settings()))
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitUntil(lambda: not v.busy and v.model.rowCount() > 0, timeout=10_000)
    yield v
    qtbot.waitUntil(lambda: v.settled, timeout=20_000)
    project.close()


def _headers(view: MatrixView) -> list[str]:
    m = view.model
    return [m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            for c in range(1, m.columnCount())]


def _choose_columns(qtbot: Any, view: MatrixView, text: str) -> None:
    """Pick the columns in the combo box with the keyboard, as a researcher would."""
    combo = view.cols_combo
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0, text
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: view.settled and view.model.matrix is not None
                    and view.model.matrix.spec.text == "case:founded", timeout=10_000)


def _click_box(qtbot: Any, view: MatrixView) -> None:
    box = view.empty_check
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_show_empty_columns_by_mouse(qtbot: Any, view: MatrixView) -> None:
    assert not view.empty_check.isEnabled()  # by cases every case is shown anyway
    assert "Case C" in _headers(view)
    _choose_columns(qtbot, view, "founded (case)")
    # Case C, founded 1987, has nothing coded: left out, and the note says so
    assert _headers(view) == ["1998", "2011"]
    assert view.empty_check.isEnabled() and not view.empty_check.isChecked()
    assert "no coded passage: 1987" in view.definition.text()

    _click_box(qtbot, view)
    assert view.empty_check.isChecked()
    qtbot.waitUntil(lambda: view.settled and _headers(view) == ["1987", "1998", "2011"],
                    timeout=10_000)
    assert "no coded passage" not in view.definition.text()

    _click_box(qtbot, view)
    qtbot.waitUntil(lambda: view.settled and _headers(view) == ["1998", "2011"], timeout=10_000)
