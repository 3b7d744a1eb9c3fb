"""The matrix tab, offscreen: open on data, click a cell, read and pin quotes, rate."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

from matrix_data import Study, build_study
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from crosscase.analysis.matrix import compute_matrix
from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import Project
from crosscase.services import framework
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project
from crosscase.ui.views.matrix_view import MatrixView


@pytest.fixture
def study(tmp_path: Path) -> Iterator[tuple[Project, Study]]:
    p = new_project(tmp_path / "view.crosscase", empty=True)
    st = build_study(p)
    yield p, st
    p.close()


@pytest.fixture
def views(qtbot: Any) -> Iterator[list[MatrixView]]:
    """Every view a test opens; their background work ends before the project closes."""
    opened: list[MatrixView] = []
    yield opened
    for view in opened:
        qtbot.waitUntil(lambda v=view: not v._tasks, timeout=20_000)


def _open(qtbot: Any, project: Project, views: list[MatrixView],
          stack: QUndoStack | None = None) -> MatrixView:
    view = MatrixView(project, undo_stack=stack)
    views.append(view)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.busy and view.model.rowCount() > 0, timeout=10_000)
    return view


def _click(qtbot: Any, view: MatrixView, code_id: int, key: Any) -> None:
    index = view.model.index_of(code_id, key)
    assert index.isValid()
    view.table.scrollTo(index)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _cell(project: Project, code: int, case: int) -> framework.CellView:
    with project.session() as s:
        return framework.cell(s, code, case)


def _wait_refresh(qtbot: Any, view: MatrixView) -> None:
    qtbot.waitUntil(lambda: not view.busy and not view._timer.isActive(), timeout=10_000)


def test_open_click_read_quotes_and_jump(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    assert view.model.columnCount() == 4  # code + three cases
    assert view.model.headerData(1, Qt.Orientation.Horizontal) == "Case A"
    code, case = st.codes["Hybridity/Trading income"], st.cases["Case A"]
    want = compute_matrix(project).value(code, case)
    assert view.model.data(view.model.index_of(code, case)) == str(int(want))
    # heat shading: the largest value is the darkest
    _click(qtbot, view, code, case)
    assert view.quotes.count() == want > 0
    assert "Case A" in view.quotes.item(0).text()
    assert "Trading income" in view.cell_title.text()
    item = view.quotes.item(0)
    _coding, doc, start, end = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(view.jump_requested) as blocker:
        view.quotes.itemDoubleClicked.emit(item)
    assert blocker.args == [doc, start, end]
    assert st.texts[doc][start:end]


def test_edit_framework_cell_changes_the_project(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    code, case = st.codes["Hybridity/Mission drift"], st.cases["Case A"]
    _click(qtbot, view, code, case)
    assert view.frame_box.isVisible()
    view.summary_edit.setPlainText("Trading pulls against the social mission.")
    qtbot.mouseClick(view.save_summary, Qt.MouseButton.LeftButton)
    assert _cell(project, code, case).summary == "Trading pulls against the social mission."
    i = view.rating_combo.findData("strong")
    view.rating_combo.setCurrentIndex(i)
    view.rating_combo.activated.emit(i)
    assert _cell(project, code, case).rating == "strong"
    view.quotes.setCurrentRow(0)
    assert view.pin_button.isEnabled()
    qtbot.mouseClick(view.pin_button, Qt.MouseButton.LeftButton)
    pinned = _cell(project, code, case).pins
    assert len(pinned) == 1
    _wait_refresh(qtbot, view)
    assert view.quotes.item(0).text().startswith("\u2605")
    assert "strong" in view.model.data(view.model.index_of(code, case))
    view.quotes.setCurrentRow(0)
    qtbot.mouseClick(view.unpin_button, Qt.MouseButton.LeftButton)
    assert _cell(project, code, case).pins == []


def test_framework_edits_are_undoable(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    stack = QUndoStack()
    view = _open(qtbot, project, views, stack)
    code, case = st.codes["Relational"], st.cases["Case B"]
    _click(qtbot, view, code, case)
    i = view.rating_combo.findData("absent")
    view.rating_combo.setCurrentIndex(i)
    view.rating_combo.activated.emit(i)
    view.summary_edit.setPlainText("No sign of it; see the practitioner interview.")
    view.commit_summary()
    assert stack.count() == 2
    assert _cell(project, code, case).rating == "absent"
    stack.undo()
    assert _cell(project, code, case).summary == ""
    stack.undo()
    assert _cell(project, code, case).cell_id is None
    stack.redo()
    assert _cell(project, code, case).rating == "absent"


def test_refreshes_when_codings_change(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    code, case = st.codes["Relational"], st.cases["Case C"]
    assert view.model.data(view.model.index_of(code, case)) == "0"
    doc = st.docs["board papers"]
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        ApplyCodings([CodingSpec(doc, code, 0, 20)]).do(project)
    assert view.model.data(view.model.index_of(code, case)) == "1"


def test_switch_columns_measure_and_rollup(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    assert view.cols_combo.findData("participant:role") >= 0
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.set_options(cols="participant:role", measure="rate", rollup=True)
    _wait_refresh(qtbot, view)
    m = view.model.matrix
    assert m is not None and m.spec.scope == "participant" and m.rollup
    assert "Rate" in view.definition.text()
    code = st.codes["Hybridity"]
    _click(qtbot, view, code, "manager")
    assert not view.frame_box.isVisible()  # framework cells belong to cases
    assert view.frame_note.isVisible()
    assert view.quotes.count() > 0


def test_export_buttons_write_files(qtbot: Any, study: Any, views: Any,
                                    tmp_path: Path) -> None:
    project, _ = study
    view = _open(qtbot, project, views)
    out = tmp_path / "table.docx"
    view.export_to(out, "docx")
    qtbot.waitUntil(lambda: out.exists() and "Wrote" in view.status.text(), timeout=20_000)
    xl = tmp_path / "numbers"
    view.export_to(xl, "xlsx")
    qtbot.waitUntil(lambda: (tmp_path / "numbers.xlsx").exists(), timeout=20_000)
    qtbot.waitUntil(lambda: not view._tasks, timeout=20_000)
