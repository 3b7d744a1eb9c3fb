"""The matrix tab's contrast, offscreen: codes only in A, only in B, in both; quotes; back."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

from matrix_data import Study, build_study
from PySide6.QtCore import Qt

from crosscase.analysis.contrast import BOTH, ONLY_A, ONLY_B, contrast
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import Project
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project
from crosscase.ui.context import ProjectContext
from crosscase.ui.models.contrast_model import CODE, DIFF, SEG_A, SEG_B
from crosscase.ui.settings import Settings
from crosscase.ui.views.matrix_view import MatrixView


@dataclass
class Marked:
    """Three codes made for the test: coded in Case A only, in Case B only, in both."""

    only_a: int
    only_b: int
    both: int


def _code(project: Project, name: str) -> int:
    cmd = CreateCode(name)
    cmd.do(project)
    assert cmd.id is not None
    return cmd.id


@pytest.fixture
def study(tmp_path: Path) -> Iterator[tuple[Project, Study, Marked]]:
    p = new_project(tmp_path / "contrast.crosscase", empty=True)
    st = build_study(p)
    marked = Marked(
        only_a=_code(p, "Trading income (A)"),
        only_b=_code(p, "Relationship self-management with practitioners"),
        both=_code(p, "Volunteers"),
    )
    a_doc, a_report = st.docs["manager interview"], st.docs["annual report"]
    b_doc = st.docs["service user interview"]
    ApplyCodings([
        CodingSpec(a_doc, marked.only_a, 0, 30),
        CodingSpec(a_doc, marked.only_a, 40, 90),
        CodingSpec(a_report, marked.only_a, 5, 50),
        CodingSpec(b_doc, marked.only_b, 0, 25),
        CodingSpec(a_doc, marked.both, 100, 140),
        CodingSpec(b_doc, marked.both, 30, 70),
        CodingSpec(b_doc, marked.both, 80, 120),
    ]).do(p)
    yield p, st, marked
    p.close()


@pytest.fixture
def views(qtbot: Any) -> Iterator[list[MatrixView]]:
    opened: list[MatrixView] = []
    yield opened
    for view in opened:
        qtbot.waitUntil(lambda v=view: v.settled, timeout=20_000)


def _open(qtbot: Any, project: Project, views: list[MatrixView]) -> MatrixView:
    view = MatrixView(ProjectContext(project, Settings()))
    views.append(view)
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.busy and view.model.rowCount() > 0, timeout=10_000)
    return view


def _settled(view: MatrixView) -> bool:
    return view.settled


def _to_contrast(qtbot: Any, view: MatrixView) -> None:
    assert view.contrast_button.isEnabled()
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.mouseClick(view.contrast_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _settled(view), timeout=10_000)
    assert view.mode == "contrast"
    assert view.pages.currentWidget() is view.contrast


def _double_click_quote(qtbot: Any, view: MatrixView, row: int) -> None:
    item = view.quotes.item(row)
    view.quotes.scrollToItem(item)
    pos = view.quotes.visualItemRect(item).center()
    qtbot.mouseClick(view.quotes.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.quotes.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _cells(view: MatrixView, code_id: int) -> list[str]:
    model = view.contrast.model
    row = model.row_of(code_id)
    assert row >= 0
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def _group_heading(view: MatrixView, group: str) -> str:
    model = view.contrast.model
    for i, r in enumerate(model.rows):
        if r.kind == "group" and r.group == group:
            return str(model.data(model.index(i, CODE)))
    raise AssertionError(group)


def test_contrast_groups_counts_and_back(qtbot: Any, study: Any, views: Any) -> None:
    project, st, marked = study
    view = _open(qtbot, project, views)
    assert view.pages.currentWidget() is not view.contrast
    _to_contrast(qtbot, view)
    panel = view.contrast
    # the two combo boxes default to the first two columns
    assert panel.a_combo.currentText() == "Case A"
    assert panel.b_combo.currentText() == "Case B"
    assert panel.a_combo.count() == panel.b_combo.count() == 3
    assert not view.measure_combo.isEnabled()
    model = panel.model

    assert model.group_of(marked.only_a) == ONLY_A
    assert model.group_of(marked.only_b) == ONLY_B
    assert model.group_of(marked.both) == BOTH
    assert _group_heading(view, ONLY_A).startswith("Only in Case A")
    assert _group_heading(view, ONLY_B).startswith("Only in Case B")
    assert _group_heading(view, BOTH).startswith("In both")
    # each code sits under its own heading, in the order A, B, both
    headings = {r.group: i for i, r in enumerate(model.rows) if r.kind == "group"}
    assert headings[ONLY_A] < model.row_of(marked.only_a) < headings[ONLY_B]
    assert headings[ONLY_B] < model.row_of(marked.only_b) < headings[BOTH]
    assert headings[BOTH] < model.row_of(marked.both)

    # counts side by side, as the core computes them
    want = contrast(project, "Case A", "Case B").set_index("code_id")
    a_cells = _cells(view, marked.only_a)
    assert "Trading income (A)" in a_cells[CODE]
    assert (a_cells[SEG_A], a_cells[SEG_B]) == ("3", "0")
    b_cells = _cells(view, marked.only_b)
    assert (b_cells[SEG_A], b_cells[SEG_B]) == ("0", "1")
    both = _cells(view, marked.both)
    assert (both[SEG_A], both[SEG_B]) == ("1", "2")
    for code in (marked.only_a, marked.only_b, marked.both):
        row = model.rows[model.row_of(code)]
        assert row.rate_a == pytest.approx(want.at[code, "rate_a"])
        assert row.rate_b == pytest.approx(want.at[code, "rate_b"])
        assert row.difference == pytest.approx(want.at[code, "difference"])
    assert a_cells[DIFF].startswith("+") and b_cells[DIFF].startswith("\u2212")
    # every code in the core's contrast is listed, and no other
    assert {r.code_id for r in model.code_rows()} == set(want.index)
    # the bar for the difference points the right way
    bar = model.index(model.row_of(marked.only_b), DIFF).data(Qt.ItemDataRole.UserRole + 1)
    assert -1.0 <= bar < 0
    # the definition sits under the table
    definition = panel.definition.text()
    assert "A is Case A and B is Case B." in definition
    # said in words, not by the frame's column names
    for internal in ("segments_a", "rate_b", "only_a", "only_b", "occurs"):
        assert internal not in definition
    assert "only in Case A, only in Case B, or in both" in definition
    assert panel.definition.isVisible()
    assert "only in Case A" in view.status.text()

    # back to the matrix
    qtbot.mouseClick(panel.back_button, Qt.MouseButton.LeftButton)
    assert view.mode == "matrix"
    assert view.pages.currentWidget() is not view.contrast
    assert view.table.isVisible() and not panel.isVisible()
    assert view.measure_combo.isEnabled() and view.contrast_button.isEnabled()
    assert view.model.columnCount() == 4


def test_double_click_lists_quotes_from_both_columns(qtbot: Any, study: Any,
                                                     views: Any) -> None:
    project, st, marked = study
    view = _open(qtbot, project, views)
    _to_contrast(qtbot, view)
    panel = view.contrast
    row = panel.model.row_of(marked.both)
    index = panel.model.index(row, CODE)
    panel.table.scrollTo(index)
    rect = panel.table.visualRect(index)
    # a press first: the view takes a double-click only on the index it saw pressed
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    # two headings and three quotes: one from Case A, two from Case B
    texts = [view.quotes.item(i).text() for i in range(view.quotes.count())]
    assert len(texts) == 5
    assert texts[0].startswith("Case A") and texts[2].startswith("Case B")
    assert "(Case A, " in texts[1]
    assert all("(Case B, " in t for t in texts[3:])
    assert "Volunteers" in view.cell_title.text()
    assert not view.cell_editor.isVisible()
    # a heading is not a quote; a quote still jumps to its document
    with qtbot.assertNotEmitted(view.jump_requested):
        _double_click_quote(qtbot, view, 0)
    item = view.quotes.item(1)
    _coding, doc, start, end = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(view.jump_requested) as blocker:
        _double_click_quote(qtbot, view, 1)
    assert blocker.args == [doc, start, end]
    assert (doc, start, end) == (st.docs["manager interview"], 100, 140)


def test_refreshes_when_codings_change(qtbot: Any, study: Any, views: Any) -> None:
    project, st, marked = study
    view = _open(qtbot, project, views)
    _to_contrast(qtbot, view)
    panel = view.contrast
    panel.activate_code(marked.only_b)
    assert view.quotes.count() == 3  # two headings, one quote from Case B
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        ApplyCodings([CodingSpec(st.docs["annual report"], marked.only_b, 60, 90)]).do(project)
    qtbot.waitUntil(lambda: _settled(view), timeout=10_000)
    assert panel.model.group_of(marked.only_b) == BOTH
    assert _cells(view, marked.only_b)[SEG_A] == "1"
    # the open code's quotes were reread
    assert view.quotes.count() == 4
    assert panel.selected_code() == marked.only_b


def test_choose_columns_swap_and_attribute_columns(qtbot: Any, study: Any,
                                                   views: Any) -> None:
    project, st, marked = study
    view = _open(qtbot, project, views)
    _to_contrast(qtbot, view)
    panel = view.contrast
    # picking B's column for A swaps the two
    assert panel.a_combo.findText("Case B") == panel.a_combo.currentIndex() + 1
    panel.a_combo.setFocus()
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.keyClick(panel.a_combo, Qt.Key.Key_Down)  # from Case A to Case B
    qtbot.waitUntil(lambda: _settled(view), timeout=10_000)
    assert (panel.a_combo.currentText(), panel.b_combo.currentText()) == ("Case B", "Case A")
    assert panel.model.group_of(marked.only_a) == ONLY_B
    assert panel.model.group_of(marked.only_b) == ONLY_A
    # Case A against Case C (no codings): everything is only in A
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        panel.select_pair("Case A", "Case C")
    qtbot.waitUntil(lambda: _settled(view), timeout=10_000)
    assert {r.group for r in panel.model.code_rows()} == {ONLY_A}
    assert panel.model.group_of(marked.only_b) is None
    assert any(r.kind == "empty" and r.group == ONLY_B for r in panel.model.rows)
    # other columns: the combo boxes follow the matrix's columns
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.set_options(cols="participant:role", rollup=True)
    qtbot.waitUntil(lambda: _settled(view), timeout=10_000)
    m = view.model.matrix
    assert m is not None and m.spec.scope == "participant"
    names = [panel.a_combo.itemText(k) for k in range(panel.a_combo.count())]
    assert names == [c.name for c in m.cols]
    assert panel.a_combo.currentIndex() == 0 and panel.b_combo.currentIndex() == 1
    assert "participant attribute 'role'" in panel.definition.text()
    assert panel.model.code_rows()
