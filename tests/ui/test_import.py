"""The import dialog: files and folders into a case, off the GUI thread, failures with reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from crosscase.services import documents


def listing(window: Any) -> list[tuple[str, str]]:
    with window.context.project.session() as s:
        return [(d["name"], d["case"]) for d in documents.listing(s)]


def test_import_good_and_bad_files(window: Any, qtbot: Any, tmp_path: Path) -> None:
    good = tmp_path / "A-staff.txt"
    good.write_text("Interviewer: What do you do?\nP2: I run the barn.\n", encoding="utf-8")
    empty = tmp_path / "notes.txt"
    empty.write_bytes(b"")
    unknown = tmp_path / "old.xyz"
    unknown.write_bytes(b"\x00\x01binary")
    dlg = window.import_documents([good, empty, unknown], case="Millbrook Works")
    assert dlg.case_box.currentText() == "Millbrook Works"
    dlg.start()
    assert dlg.worker is not None and not dlg.import_button.isEnabled()
    with qtbot.waitSignal(dlg.finished_import, timeout=15000) as blocker:
        pass
    imported, skipped, failed, cancelled = blocker.args
    assert (imported, failed, cancelled) == (1, 2, False)
    qtbot.waitUntil(lambda: dlg.worker is None)
    results = {name: (status, message) for name, status, message in dlg.results()}
    assert results["A-staff.txt"][0] == "imported"
    assert results["notes.txt"][0] == "failed" and "empty" in results["notes.txt"][1]
    assert results["old.xyz"][0] == "failed" and "old.xyz" in results["old.xyz"][1]
    assert "could not be imported" in dlg.status.text()
    assert ("A-staff", "Millbrook Works") in listing(window)
    # the cases tree heard about it, without polling
    qtbot.waitUntil(lambda: window.cases_panel.model.index_of_document(
        next(d for d in window.cases_panel.model.cases[0].documents if d.name == "A-staff").id
    ).isValid())
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_import_a_folder_into_a_new_case_and_cancel(window: Any, qtbot: Any,
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "case-c"
    folder.mkdir()
    for i in range(3):
        (folder / f"C-{i}.txt").write_text(f"Interviewer: Hello {i}\nP1: Hi.\n", encoding="utf-8")
    dlg = window.import_documents([folder], case="")
    dlg.case_box.setCurrentText("Case C")
    dlg.start()
    with qtbot.waitSignal(dlg.finished_import, timeout=15000) as blocker:
        pass
    assert blocker.args[0] == 3
    qtbot.waitUntil(lambda: dlg.worker is None)
    assert sorted(n for n, c in listing(window) if c == "Case C") == ["C-0", "C-1", "C-2"]
    # the same files again: skipped, not doubled
    qtbot.mouseClick(dlg.import_button, Qt.MouseButton.LeftButton)  # "Import more…"
    assert dlg.import_button.text() == "Import"
    dlg.add_paths([folder])
    dlg.start()
    with qtbot.waitSignal(dlg.finished_import, timeout=15000) as blocker:
        pass
    assert blocker.args[:2] == [0, 3]
    qtbot.waitUntil(lambda: dlg.worker is None)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_cancel_stops_between_files(window: Any, qtbot: Any, tmp_path: Path) -> None:
    from crosscase.ui.workers import ImportWorker

    files = []
    for i in range(4):
        f = tmp_path / f"D-{i}.txt"
        f.write_text(f"P1: text {i}\n", encoding="utf-8")
        files.append(f)
    worker = ImportWorker(window.context.project, files, "Case D")
    worker.cancel()  # before it starts: nothing is imported, nothing breaks
    with qtbot.waitSignal(worker.done, timeout=15000) as blocker:
        worker.start()
    worker.wait()
    assert blocker.args[0] == 0 and blocker.args[3] is True
    assert not [n for n, c in listing(window) if c == "Case D"]


def test_dropping_files_on_the_window_opens_the_import_dialog(window: Any, qtbot: Any,
                                                               tmp_path: Path) -> None:
    f = tmp_path / "E.txt"
    f.write_text("P1: hello\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    qtbot.waitUntil(lambda: window.import_dialog is not None)
    assert window.import_dialog.paths() == [f]
    qtbot.keyClick(window.import_dialog, Qt.Key.Key_Escape)
    assert not window.import_dialog.isVisible()
