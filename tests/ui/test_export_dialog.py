"""The report's choices in the workbench, driven by keys and clicks: what goes into the
Word table, remembered per project; Excel from the same dialog; the contrast to Word."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

import docx
import openpyxl
from matrix_data import Study, build_study
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QListWidget, QWidget

from crosscase.db.project import Project
from crosscase.services.projects import new_project
from crosscase.ui.context import ProjectContext
from crosscase.ui.settings import Settings
from crosscase.ui.views.matrix_view import MatrixView


@pytest.fixture
def study(tmp_path: Path) -> Iterator[tuple[Project, Study]]:
    p = new_project(tmp_path / "paper.crosscase", empty=True)
    st = build_study(p)
    yield p, st
    p.close()


@pytest.fixture
def view(qtbot: Any, study: Any) -> Iterator[MatrixView]:
    project, _ = study
    v = MatrixView(ProjectContext(project, Settings()))
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitUntil(lambda: not v.busy and v.model.rowCount() > 0, timeout=10_000)
    yield v
    qtbot.waitUntil(lambda: v.settled and v.contrast.settled, timeout=20_000)


def _click(qtbot: Any, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton,
                     pos=QPoint(min(8, widget.width() // 2), widget.height() // 2))


def _type_into(qtbot: Any, widget: QWidget, text: str) -> None:
    """Click into a field, select what is there and type over it."""
    widget.setFocus()  # a spin box's line edit takes clicks on its buttons too
    qtbot.waitUntil(widget.hasFocus)
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused, text)


def _tick(qtbot: Any, widget: QListWidget, text: str) -> None:
    """Click a list's row, then tick it with the space bar."""
    item = next(widget.item(i) for i in range(widget.count())
                if widget.item(i).text().strip() == text)
    rect = widget.visualItemRect(item)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.center().x(), rect.center().y()))
    assert widget.currentItem() is item
    was = item.checkState()
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    assert item.checkState() != was


def _open_dialog(qtbot: Any, view: MatrixView, button: QWidget) -> Any:
    _click(qtbot, button)
    qtbot.waitUntil(lambda: view.export_dialog is not None and view.export_dialog.isVisible(),
                    timeout=5_000)
    return view.export_dialog


def test_word_choices_go_into_the_table_and_are_remembered(
        qtbot: Any, view: MatrixView, study: Any, tmp_path: Path,
        shown_messages: list[tuple[str, str, str]]) -> None:
    project, st = study
    dialog = _open_dialog(qtbot, view, view.word_button)
    assert dialog.title.isEnabled() and dialog.transpose.isEnabled()
    _tick(qtbot, dialog.codes, "Co-production")
    _tick(qtbot, dialog.cases, "Case A")
    _tick(qtbot, dialog.cases, "Case B")
    _click(qtbot, dialog.transpose)
    assert dialog.transpose.isChecked()
    _click(qtbot, dialog.appendix)
    assert not dialog.appendix.isChecked()
    _type_into(qtbot, dialog.quotes, "2")
    _type_into(qtbot, dialog.max_words, "6")
    dialog.citations.setFocus()
    qtbot.waitUntil(dialog.citations.hasFocus)
    qtbot.keyClick(dialog.citations, Qt.Key.Key_Down)  # short -> full
    assert dialog.citations.currentData() == "full"
    _type_into(qtbot, dialog.title, "co-production in the two cases")
    out = tmp_path / "chosen"
    _type_into(qtbot, dialog.out, str(out))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the default button
    written = tmp_path / "chosen.docx"
    qtbot.waitUntil(lambda: written.exists() or bool(shown_messages), timeout=20_000)
    assert shown_messages == []
    qtbot.waitUntil(lambda: "Wrote" in view.status.text(), timeout=20_000)
    assert view.export_dialog is None

    doc = docx.Document(str(written))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Co-production in the Two Cases" in text  # the title, in title case
    assert "Codebook" not in text  # no appendix
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    # transposed: cases as rows, the chosen theme and its sub-codes as columns
    assert "Co-production" in header[1]
    assert not any("Hybridity" in h or "Relational" in h for h in header)
    firsts = [r.cells[0].text for r in table.rows[1:]]
    assert any("Case A" in f for f in firsts) and any("Case B" in f for f in firsts)
    assert not any("Case C" in f for f in firsts)
    body = "\n".join(c.text for r in table.rows[1:] for c in r.cells)
    assert "\u201c" in body and "(Case A, " in body  # full citations
    for quote in body.split("\u201c")[1:]:
        words = quote.split("\u201d")[0].split()
        assert len(words) <= 6 + 1  # six words and the ellipsis

    # remembered for this project: the dialog opens as it was left
    choices = Settings().report_choices(project.path)
    assert choices["title"] == "co-production in the two cases" and choices["transpose"]
    assert choices["codes"] == [st.codes["Co-production"]]
    again = _open_dialog(qtbot, view, view.word_button)
    assert again.title.text() == "co-production in the two cases"
    assert again.transpose.isChecked() and not again.appendix.isChecked()
    assert again.quotes.value() == 2 and again.max_words.value() == 6
    assert again.citations.currentData() == "full"
    assert again._ticked(again.codes) == [st.codes["Co-production"]]
    assert again.out.text() == str(written)
    qtbot.keyClick(QApplication.focusWidget() or again, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.export_dialog is None, timeout=5_000)


def test_excel_from_the_same_dialog_word_only_choices_disabled(
        qtbot: Any, view: MatrixView, study: Any, tmp_path: Path) -> None:
    _project, st = study
    dialog = _open_dialog(qtbot, view, view.excel_button)
    assert not dialog.transpose.isEnabled() and not dialog.title.isEnabled()
    _tick(qtbot, dialog.codes, "Hybridity")
    _type_into(qtbot, dialog.out, str(tmp_path / "numbers.xlsx"))
    _click(qtbot, dialog.export_button)
    out = tmp_path / "numbers.xlsx"
    qtbot.waitUntil(lambda: out.exists() and "Wrote" in view.status.text(), timeout=20_000)
    sheet = openpyxl.load_workbook(out)["Coded segments"]
    codes = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    codes = [c for c in codes if not str(c).startswith("Note")]
    assert codes and all(str(c).startswith("Hybridity") for c in codes)


def test_a_missing_folder_is_said_in_the_dialog(
        qtbot: Any, view: MatrixView, tmp_path: Path) -> None:
    dialog = _open_dialog(qtbot, view, view.word_button)
    _type_into(qtbot, dialog.out, str(tmp_path / "no such folder" / "t.docx"))
    _click(qtbot, dialog.export_button)
    assert dialog.isVisible() and "no folder" in dialog.message.text()
    qtbot.keyClick(dialog.out, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.export_dialog is None, timeout=5_000)


def test_contrast_exports_to_word(qtbot: Any, view: MatrixView, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscase.ui.views import contrast_view

    out = tmp_path / "contrast"
    monkeypatch.setattr(contrast_view.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(out), "")))
    _click(qtbot, view.contrast_button)
    qtbot.waitUntil(lambda: view.mode == "contrast" and view.contrast_result is not None
                    and not view.busy, timeout=10_000)
    _click(qtbot, view.contrast.export_button)
    written = tmp_path / "contrast.docx"
    qtbot.waitUntil(lambda: written.exists() and "Wrote" in view.contrast.export_status.text(),
                    timeout=20_000)
    doc = docx.Document(str(written))
    cells = [c.text for r in doc.tables[0].rows for c in r.cells]
    assert any(c.startswith("Only in Case A") for c in cells)
    assert any("In both" in c for c in cells)
