"""A password-protected PDF in the import dialog: asked for after the batch, imported again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crosscase.services import documents

pytest.importorskip("fpdf")

SECRET = "Minutes of the board: the farm shop pays for the minibus."


def locked_pdf(path: Path, password: str = "pw", text: str = SECRET) -> Path:
    """A one-page PDF that opens only with ``password`` (RC4, as many offices still write)."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_encryption(owner_password="owner-secret", user_password=password,
                       encryption_method=EncryptionMethod.RC4)
    path.write_bytes(bytes(pdf.output()))
    return path


def in_case(window: Any, case: str) -> dict[str, dict[str, Any]]:
    """The documents of ``case`` in the database, by name, with their stored text."""
    with window.context.project.session() as s:
        return {d["name"]: {**d, "text": documents.text_of(s, d["id"])}
                for d in documents.listing(s) if d["case"] == case}


def answering(answers: list[str | None], asked: list[tuple[str, str]],
              check: Callable[[], None] | None = None) -> Callable[..., str | None]:
    """A stand-in for the password question: records what was asked, gives the next answer."""
    it: Iterator[str | None] = iter(answers)

    def ask(_parent: Any, title: str, label: str) -> str | None:
        asked.append((title, label))
        if check is not None:
            check()
        return next(it)

    return ask


def run_batch(dlg: Any, qtbot: Any) -> list[Any]:
    dlg.start()
    with qtbot.waitSignal(dlg.finished_import, timeout=20000) as blocker:
        pass
    qtbot.waitUntil(lambda: dlg.worker is None)
    return list(blocker.args)


def test_the_right_password_imports_the_pdf_with_its_text(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from crosscase.ui import messages

    pdf = locked_pdf(tmp_path / "board-minutes.pdf")
    txt = tmp_path / "A-volunteer.txt"
    txt.write_text("Interviewer: Why here?\nP4: The farm shop.\n", encoding="utf-8")
    asked: list[tuple[str, str]] = []

    def while_asking() -> None:
        # the batch is over when the question comes: the text file is in, the PDF is not
        docs = in_case(window, "Millbrook Works")
        assert "A-volunteer" in docs and "board-minutes" not in docs

    monkeypatch.setattr(messages, "ask_password", answering(["pw"], asked, while_asking))
    dlg = window.import_documents([txt, pdf], case="Millbrook Works")
    imported, skipped, failed, cancelled = run_batch(dlg, qtbot)

    assert (imported, skipped, failed, cancelled) == (2, 0, 0, False)
    assert len(asked) == 1
    title, label = asked[0]
    assert "board-minutes.pdf" in title and "board-minutes.pdf" in label
    assert "password-protected" in label and "--password" not in label
    # one row per file: the PDF's row was updated, not added again
    results = {name: (status, message) for name, status, message in dlg.results()}
    assert len(dlg.results()) == 2
    assert results["board-minutes.pdf"][0] == "imported"
    assert results["A-volunteer.txt"][0] == "imported"
    assert dlg.status.text().startswith("2 imported")

    docs = in_case(window, "Millbrook Works")
    assert docs["board-minutes"]["format"] == "pdf"
    assert docs["board-minutes"]["text"] == SECRET
    assert docs["A-volunteer"]["text"].startswith("Interviewer: Why here?")
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_a_wrong_password_is_asked_again_then_the_right_one_works(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from crosscase.ui import messages

    pdf = locked_pdf(tmp_path / "accounts.pdf", password="s3cret")
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "ask_password", answering(["nope", "s3cret"], asked))
    dlg = window.import_documents([pdf], case="Tandem")
    assert run_batch(dlg, qtbot) == [1, 0, 0, False]
    assert len(asked) == 2
    assert "password-protected" in asked[0][1]
    assert "password is wrong" in asked[1][1] and "accounts.pdf" in asked[1][1]
    assert dlg.results() == [("accounts.pdf", "imported", "accounts.pdf: imported")]
    assert in_case(window, "Tandem")["accounts"]["text"] == SECRET
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_cancel_leaves_the_pdf_listed_as_failed_with_its_reason(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from crosscase.ui import messages

    first = locked_pdf(tmp_path / "first.pdf")
    second = locked_pdf(tmp_path / "second.pdf", text="Board papers, second meeting.")
    asked: list[tuple[str, str]] = []
    # Cancel the first, give the second its password: each file is asked for in turn
    monkeypatch.setattr(messages, "ask_password", answering([None, "pw"], asked))
    dlg = window.import_documents([first, second], case="Tandem")
    assert run_batch(dlg, qtbot) == [1, 0, 1, False]
    assert ["first.pdf" in label for _t, label in asked] == [True, False]
    results = {name: (status, message) for name, status, message in dlg.results()}
    status, reason = results["first.pdf"]
    assert status == "failed"
    assert reason.startswith("first.pdf: is password-protected")
    assert "--password" not in reason
    assert results["second.pdf"][0] == "imported"
    assert "could not be imported" in dlg.status.text()
    docs = in_case(window, "Tandem")
    assert "first" not in docs and "second" in docs

    # the dialog is ready for more: the failed file can be added and tried again
    assert dlg.import_button.isEnabled() and dlg.import_button.text() == "Import more…"
    qtbot.mouseClick(dlg.import_button, Qt.MouseButton.LeftButton)  # "Import more…"
    assert dlg.import_button.text() == "Import"
    dlg.add_paths([first])
    monkeypatch.setattr(messages, "ask_password", answering(["pw"], asked))
    assert run_batch(dlg, qtbot) == [1, 0, 0, False]
    docs = in_case(window, "Tandem")
    assert docs["first"]["text"] == SECRET
    assert docs["second"]["text"] == "Board papers, second meeting."
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_stopping_the_batch_asks_no_passwords(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from crosscase.ui import messages

    pdf = locked_pdf(tmp_path / "stopped.pdf")
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "ask_password", answering(["pw"], asked))
    dlg = window.import_documents([pdf], case="Tandem")
    dlg.start()
    qtbot.mouseClick(dlg.close_button, Qt.MouseButton.LeftButton)  # Stop, pressed at once
    with qtbot.waitSignal(dlg.finished_import, timeout=20000) as blocker:
        pass
    qtbot.waitUntil(lambda: dlg.worker is None)
    assert blocker.args[3] is True
    assert asked == []
    assert "stopped" not in in_case(window, "Tandem")
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()
