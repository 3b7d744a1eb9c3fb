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

from crosscase.analysis.matrix import compute_matrix
from crosscase.commands.cases import SetAttribute
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.memo import SetMemo
from crosscase.db.project import Project
from crosscase.services import framework
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project
from crosscase.ui.context import ProjectContext
from crosscase.ui.settings import Settings
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
        qtbot.waitUntil(lambda v=view: v.settled, timeout=20_000)


def _open(qtbot: Any, project: Project, views: list[MatrixView]) -> MatrixView:
    view = MatrixView(ProjectContext(project, Settings()))
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


def _click_quote(qtbot: Any, view: MatrixView, row: int, double: bool = False) -> None:
    item = view.quotes.item(row)
    view.quotes.scrollToItem(item)
    pos = view.quotes.visualItemRect(item).center()
    # a press first: the list takes a double-click only on the item it saw pressed
    qtbot.mouseClick(view.quotes.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    if double:
        qtbot.mouseDClick(view.quotes.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _choose(qtbot: Any, combo: Any, data: str) -> None:
    """Pick the item holding ``data`` with the arrow keys, as a keyboard user does."""
    target = combo.findData(data)
    assert target >= 0
    combo.setFocus()
    for _ in range(combo.count()):
        if combo.currentIndex() == target:
            return
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)
    assert combo.currentIndex() == target


def _cell(project: Project, code: int, case: int) -> framework.CellView:
    with project.session() as s:
        return framework.cell(s, code, case)


def _wait_refresh(qtbot: Any, view: MatrixView) -> None:
    qtbot.waitUntil(lambda: view.settled, timeout=10_000)


def test_open_click_read_quotes_and_jump(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    assert view.model.columnCount() == 4  # code + three cases
    assert view.model.headerData(1, Qt.Orientation.Horizontal) == "Case A"
    code, case = st.codes["Hybridity/Trading income"], st.cases["Case A"]
    assert view.rollup_check.isChecked()  # rolled up by default
    want = compute_matrix(project, rollup=True).value(code, case)
    assert view.model.data(view.model.index_of(code, case)) == str(int(want))
    # heat shading: the largest value is the darkest
    _click(qtbot, view, code, case)
    assert view.quotes.count() == want > 0
    assert "Case A" in view.quotes.item(0).text()
    assert "Trading income" in view.cell_title.text()
    item = view.quotes.item(0)
    _coding, doc, start, end = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(view.jump_requested) as blocker:
        _click_quote(qtbot, view, 0, double=True)
    assert blocker.args == [doc, start, end]
    assert st.texts[doc][start:end]


def test_edit_framework_cell_changes_the_project(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    code, case = st.codes["Hybridity/Mission drift"], st.cases["Case A"]
    _click(qtbot, view, code, case)
    editor = view.cell_editor
    assert editor.isVisible() and editor.cell == (code, case)
    assert not editor.pin_button.isEnabled()  # no quote chosen yet
    editor.summary_edit.setFocus()
    qtbot.keyClicks(editor.summary_edit, "Trading pulls against the social mission.")
    assert _cell(project, code, case).summary == ""  # written, not yet saved
    qtbot.mouseClick(editor.save_summary, Qt.MouseButton.LeftButton)
    assert _cell(project, code, case).summary == "Trading pulls against the social mission."
    _choose(qtbot, editor.rating_combo, "strong")
    assert _cell(project, code, case).rating == "strong"
    _click_quote(qtbot, view, 0)
    coding = view.quotes.item(0).data(Qt.ItemDataRole.UserRole)[0]
    assert editor.pin_button.isEnabled() and not editor.unpin_button.isEnabled()
    qtbot.mouseClick(editor.pin_button, Qt.MouseButton.LeftButton)
    assert _cell(project, code, case).pins == [coding]
    _wait_refresh(qtbot, view)
    assert view.quotes.item(0).text().startswith("\u2605")
    assert "strong" in view.model.data(view.model.index_of(code, case))
    _click_quote(qtbot, view, 0)
    assert editor.unpin_button.isEnabled() and not editor.pin_button.isEnabled()
    qtbot.mouseClick(editor.unpin_button, Qt.MouseButton.LeftButton)
    assert _cell(project, code, case).pins == []


def test_framework_edits_are_undoable(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    stack = view.context.undo_stack
    code, case = st.codes["Relational"], st.cases["Case B"]
    _click(qtbot, view, code, case)
    editor = view.cell_editor
    _choose(qtbot, editor.rating_combo, "absent")
    assert stack.count() == 1
    editor.summary_edit.setFocus()
    qtbot.keyClicks(editor.summary_edit, "No sign of it; see the practitioner interview.")
    qtbot.mouseClick(editor.save_summary, Qt.MouseButton.LeftButton)
    assert stack.count() == 2
    assert _cell(project, code, case).summary == "No sign of it; see the practitioner interview."
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
    assert not view.cell_editor.isVisible()  # framework cells belong to cases
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
    qtbot.waitUntil(lambda: view.settled, timeout=20_000)


def test_recomputes_only_for_kinds_it_shows(qtbot: Any, study: Any, views: Any) -> None:
    project, st = study
    view = _open(qtbot, project, views)
    computed: list[int] = []
    view.refreshed.connect(lambda: computed.append(1))
    person = next(iter(st.participants.values()))
    # a memo on the project and a speaker's attribute: nothing a matrix of cases shows
    assert view.context.push(SetMemo("project", 1, "Pilot year of the study"))
    assert view.context.push(SetAttribute("participant", person, "role", "volunteer"))
    assert view.settled  # no recomputation was even scheduled
    qtbot.wait(150)
    assert computed == []
    with project.session() as s:
        from crosscase.services import attributes

        assert attributes.values(s, "participant")[person]["role"] == "volunteer"
    # a coding is shown: one recomputation for one command
    code, case = st.codes["Relational"], st.cases["Case C"]
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        assert view.context.push(ApplyCodings([CodingSpec(st.docs["board papers"], code, 0, 20)]))
    _wait_refresh(qtbot, view)
    assert computed == [1]
    assert view.model.data(view.model.index_of(code, case)) == "1"
    # with the speakers' role as columns, the same kind of change is shown
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.set_options(cols="participant:role")
    _wait_refresh(qtbot, view)
    computed.clear()
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        assert view.context.push(SetAttribute("participant", person, "role", "manager"))
    _wait_refresh(qtbot, view)
    assert computed == [1]
