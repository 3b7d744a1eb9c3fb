"""No tab or page of the workbench makes the main window wider than a 1366x768 laptop screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from uihelpers import doc_id

SCREEN_WIDTH = 1366


def widest(window: Any) -> int:
    QApplication.processEvents()
    return max(window.minimumSizeHint().width(), window.minimumWidth())


def on_screen(window: Any, widget: QWidget) -> bool:
    """Whether the whole of ``widget`` lies inside the window as it is now."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def test_matrix_and_contrast_fit_a_laptop_screen(window: Any, qtbot: Any) -> None:
    window.resize(SCREEN_WIDTH, 768)
    for dock in (window.cases_dock, window.codebook_dock, window.details_dock):
        assert dock.isVisible()
    assert window.open_document(doc_id(window, "A-manager")) is not None
    seen = {"document": widest(window)}
    view = window.show_matrix()
    qtbot.waitUntil(lambda: view.settled, timeout=20_000)
    seen["matrix"] = widest(window)
    qtbot.mouseClick(view.contrast_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.settled, timeout=20_000)
    assert view.mode == "contrast"
    seen["contrast"] = widest(window)
    qtbot.mouseClick(view.contrast.back_button, Qt.MouseButton.LeftButton)
    seen["back"] = widest(window)
    window.tabs.setCurrentIndex(0)
    seen["document again"] = widest(window)
    window.show_search()
    seen["search"] = widest(window)
    window.show_segments(next(iter(window.context.nodes)))
    seen["segments"] = widest(window)
    assert all(w <= SCREEN_WIDTH for w in seen.values()), seen

    # at the laptop's width the export buttons and the framework cell are on screen
    window.resize(SCREEN_WIDTH, 768)
    window.show_matrix()
    qtbot.waitUntil(lambda: window.width() <= SCREEN_WIDTH)
    QApplication.processEvents()
    for widget in (view.excel_button, view.word_button, view.contrast_button):
        assert widget.isVisible() and on_screen(window, widget), widget.text()
    assert on_screen(window, view.side_panel)


def test_contrast_note_is_in_words(window: Any, qtbot: Any) -> None:
    view = window.show_matrix()
    qtbot.waitUntil(lambda: view.settled, timeout=20_000)
    qtbot.mouseClick(view.contrast_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.settled and view.contrast.definition.text() != "", timeout=20_000)
    text = view.contrast.definition.text()
    for internal in ("segments_a", "segments_b", "rate_a", "only_a", "only_b", "occurs:"):
        assert internal not in text, text
    assert "Millbrook Works" in text and "Tandem" in text


def test_long_coder_names_do_not_widen_the_window(window: Any, qtbot: Any) -> None:
    from uihelpers import code_id, select_text

    project = window.context.project
    names = ["Dr. Alexandra Montgomery-Fitzwilliam (first coder)",
             "Professor Bartholomew Featherstonehaugh-Smythe (second coder)"]
    view = window.open_document(doc_id(window, "A-manager"))
    for name in names:  # both code the same passage, so the filter lists both side by side
        project.coder_name = name
        select_text(view, "Word of mouth brought people in.")
        window.coding.apply_code(code_id(window, "Relational orientation/Advocacy and word of mouth"))
    window.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    entries = [view.coder_box.itemText(i) for i in range(view.coder_box.count())]
    assert any(names[1] in e for e in entries)  # the long names are offered
    # ... but the box does not ask for room for the longest of them
    longest = max(view.coder_box.fontMetrics().horizontalAdvance(e) for e in entries)
    assert view.coder_box.sizeHint().width() < longest / 2
    assert view.coder_box.minimumSizeHint().width() < longest / 2
    window.resize(SCREEN_WIDTH, 768)
    assert widest(window) <= SCREEN_WIDTH


def test_matrix_columns_fit_beside_the_side_panel(window: Any, qtbot: Any) -> None:
    window.resize(SCREEN_WIDTH, 768)
    view = window.show_matrix()
    qtbot.waitUntil(lambda: view.settled, timeout=20_000)
    table = view.table
    index = view.model.index(0, 1)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    QApplication.processEvents()
    assert on_screen(window, view.side_panel)
    last = view.model.columnCount() - 1
    right = table.columnViewportPosition(last) + table.columnWidth(last)
    # every case column is in view: none hides behind a scroll bar the width could avoid
    assert right <= table.viewport().width(), (right, table.viewport().width())
