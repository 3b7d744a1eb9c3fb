"""The classification sheet, driven by keys and the mouse: open it, add a column in one step,
type values in place, paste from a spreadsheet (one undo step), set roles once across cases,
fill down, and follow changes made elsewhere in place."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from crosscase.commands.cases import SetAttribute
from crosscase.services import attributes

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def _values(window: Any, scope: str) -> dict[str, dict[str, Any]]:
    """{owner name: {attribute: typed value}} read from the project file."""
    with window.context.project.session() as s:
        sheet = attributes.sheet(s, scope)
        typed = attributes.values(s, scope)
    out: dict[str, dict[str, Any]] = {}
    for row in sheet.rows:
        key = row.labels[0] if scope == "case" else f"{row.labels[1]}/{row.labels[0]}"
        out[key] = typed.get(row.owners[0], {})
    return out


def _open(window: Any) -> Any:
    from crosscase.ui.views.classification_view import ClassificationView

    window.cases_panel.tree.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_A, CTRL_SHIFT)
    view = window.classification_view
    assert isinstance(view, ClassificationView) and window.tabs.currentWidget() is view
    return view


def _click_cell(table: Any, row: int, col: int, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    rect = table.visualRect(table.model().index(row, col))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _type_in(qtbot: Any, table: Any, text: str) -> None:
    """Type into the current cell (the first key opens its editor), then Enter; Qt commits
    the edit from its event loop."""
    QTest.keyClicks(table, text[0])
    assert table.state() == table.State.EditingState
    QTest.keyClicks(focused(), text[1:])
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=5000)


def _add_column(view: Any, name: str, type_label: str) -> None:
    """Name and type in the bar, Enter: one step."""
    QTest.mouseClick(view.new_name, Qt.MouseButton.LeftButton)
    QTest.keyClicks(view.new_name, name)
    combo = view.new_type
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != type_label:
        QTest.keyClick(combo, Qt.Key.Key_Down)
    QTest.mouseClick(view.new_name, Qt.MouseButton.LeftButton)
    QTest.keyClick(view.new_name, Qt.Key.Key_Return)


def _click_tab(view: Any, title: str) -> None:
    bar = view.tabs.tabBar()
    i = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
    assert view.tabs.currentIndex() == i


def test_add_a_column_type_values_in_place_refuse_a_bad_one_and_undo(
        window: Any, qtbot: Any, shown_messages: list[tuple[str, str, str]]) -> None:
    view = _open(window)
    table = view.tables["case"]
    _add_column(view, "founding year", "Number")
    with window.context.project.session() as s:
        assert ("case", "founding year", "number") in attributes.names(s, "case")
    model = table.model()
    assert model.headerData(1, Qt.Orientation.Horizontal) == "founding year"
    # the new column's first cell is current and focused: type, Enter
    assert focused() is table and table.currentIndex().column() == 1
    _type_in(qtbot, table, "2009")
    assert _values(window, "case")["Millbrook Works"] == {"founding year": 2009}
    assert model.index(0, 1).data() == "2009"

    # a value that is not a number is refused, with the reason
    _click_cell(table, 1, 1)
    _type_in(qtbot, table, "soon")
    assert _values(window, "case")["Tandem"] == {}
    assert any("takes a number" in text for _k, _t, text in shown_messages)

    table.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_Z, CTRL)  # the value
    assert _values(window, "case")["Millbrook Works"] == {}
    QTest.keyClick(focused(), Qt.Key.Key_Z, CTRL)  # the column
    with window.context.project.session() as s:
        assert attributes.names(s, "case") == []
    assert model.columnCount() == 1


def test_paste_with_a_header_row_is_one_undo_step(window: Any) -> None:
    view = _open(window)
    table = view.tables["case"]
    stack = window.context.undo_stack
    before = stack.count()
    QApplication.clipboard().setText(
        "Case\tsector\tstaff\tfounded\r\n"
        "Millbrook Works\tday service\t11\t2009-05-01\r\n"
        "Tandem\tuser-led care\t4\t2014-01-01\r\n"
        "Nowhere\tx\t1\t\r\n")
    _click_cell(table, 0, 0)
    QTest.keyClick(focused(), Qt.Key.Key_V, CTRL)
    assert _values(window, "case") == {
        "Millbrook Works": {"sector": "day service", "staff": 11, "founded": "2009-05-01"},
        "Tandem": {"sector": "user-led care", "staff": 4, "founded": "2014-01-01"},
    }
    with window.context.project.session() as s:
        assert {(n, t) for _, n, t in attributes.names(s, "case")} == {
            ("sector", "text"), ("staff", "number"), ("founded", "date")}
    assert stack.count() == before + 1
    assert "Nowhere" in view.status.text()
    assert table.model().columnCount() == 4

    QTest.keyClick(focused(), Qt.Key.Key_Z, CTRL)
    assert _values(window, "case") == {"Millbrook Works": {}, "Tandem": {}}
    with window.context.project.session() as s:
        assert attributes.names(s, "case") == []
    QTest.keyClick(focused(), Qt.Key.Key_Y, CTRL)
    assert _values(window, "case")["Tandem"]["staff"] == 4


def test_roles_set_once_across_cases_paste_into_cells_and_fill_down(
        window: Any, qtbot: Any) -> None:
    view = _open(window)
    _click_tab(view, "Participants")
    table = view.tables["participant"]
    model = table.model()
    box = view.group_check
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == ["Interviewer", "Manager", "P5"]
    _add_column(view, "role", "Text")
    assert table.currentIndex().column() == 3
    # one row for both interviewers: typed once, set for each case
    _click_cell(table, 0, 3)
    _type_in(qtbot, table, "researcher")
    people = _values(window, "participant")
    assert people["Millbrook Works/Interviewer"] == {"role": "researcher"}
    assert people["Tandem/Interviewer"] == {"role": "researcher"}
    assert people["Tandem/P5"] == {}

    # one row per participant again: paste one value into two selected cells
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    names = [f"{model.index(r, 1).data()}/{model.index(r, 0).data()}"
             for r in range(model.rowCount())]
    assert names == ["Millbrook Works/Interviewer", "Millbrook Works/Manager",
                     "Tandem/Interviewer", "Tandem/P5"]
    stack = window.context.undo_stack
    before = stack.count()
    _click_cell(table, 1, 3)
    _click_cell(table, 3, 3, Qt.KeyboardModifier.ControlModifier)
    QApplication.clipboard().setText("manager\n")
    QTest.keyClick(focused(), Qt.Key.Key_V, CTRL)
    people = _values(window, "participant")
    assert people["Millbrook Works/Manager"] == {"role": "manager"}
    assert people["Tandem/P5"] == {"role": "manager"}
    assert stack.count() == before + 1

    # a block pasted at the current cell, cell by cell
    _click_cell(table, 3, 3)
    QApplication.clipboard().setText("service user\n")
    QTest.keyClick(focused(), Qt.Key.Key_V, CTRL)
    assert _values(window, "participant")["Tandem/P5"] == {"role": "service user"}

    # fill down: the first selected value into the others, one step
    _click_cell(table, 0, 3)
    _click_cell(table, 3, 3, Qt.KeyboardModifier.ShiftModifier)
    before = stack.count()
    QTest.keyClick(focused(), Qt.Key.Key_D, CTRL)
    assert {v["role"] for v in _values(window, "participant").values()} == {"researcher"}
    assert stack.count() == before + 1
    QTest.keyClick(focused(), Qt.Key.Key_Z, CTRL)
    assert _values(window, "participant")["Tandem/P5"] == {"role": "service user"}

    # Delete clears the selected cells
    _click_cell(table, 1, 3)
    QTest.keyClick(focused(), Qt.Key.Key_Delete)
    assert _values(window, "participant")["Millbrook Works/Manager"] == {}
    # Ctrl+C copies what is shown
    _click_cell(table, 0, 3)
    _click_cell(table, 0, 0, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(focused(), Qt.Key.Key_C, CTRL)
    assert QApplication.clipboard().text() == "Interviewer\tMillbrook Works\t2\tresearcher\n"


def test_the_sheet_follows_changes_made_elsewhere_in_place(window: Any) -> None:
    view = _open(window)
    table = view.tables["case"]
    model = table.model()
    _add_column(view, "sector", "Text")
    _click_cell(table, 1, 1)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    with window.context.project.session() as s:
        tandem = next(r.owners[0] for r in attributes.sheet(s, "case").rows
                      if r.labels[0] == "Tandem")
    assert window.context.push(SetAttribute("case", tandem, "sector", "social care"))
    assert model.index(1, 1).data() == "social care"
    assert resets == [] and table.currentIndex().row() == 1  # updated in place


def test_the_cases_panel_opens_the_sheet_on_participants(window: Any) -> None:
    from PySide6.QtWidgets import QToolButton

    panel = window.cases_panel
    QTest.mouseClick(panel.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=panel.tabs.tabBar().tabRect(1).center())
    button = next(b for b in panel.tabs.widget(1).findChildren(QToolButton) if b.text() == "Sheet")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    view = window.classification_view
    assert view is not None and window.tabs.currentWidget() is view
    assert view.scope == "participant"
    assert view.tables["participant"].model().rowCount() == 4


def test_the_sheet_fits_a_laptop_screen(window: Any) -> None:
    window.resize(1366, 768)
    view = window.show_classification("participant")
    QApplication.processEvents()
    assert view is not None
    assert max(window.minimumSizeHint().width(), window.minimumWidth()) <= 1366
