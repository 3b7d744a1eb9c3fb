"""REFI-QDA from the File menu: export a project, import it as a new one, codebooks, errors."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from uihelpers import INTERVIEW_A, code_id, codings, doc_id

from crosscase.services import codebook, documents

BOOK = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Elsewhere">
<Codes>
<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="Co-production" isCodable="true">
  <Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="Volunteer recruitment"
        isCodable="true" color="#336699"><Description>How volunteers are found</Description></Code>
</Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Place" isCodable="true"/>
</Codes>
<Sets><Set guid="22365523-1035-4afa-9e7b-281fe0bc51c5" name="Ours">
  <MemberCode guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520"/></Set></Sets>
</CodeBook>
"""


def menu_action(window: Any, text: str) -> Any:
    """The File menu's action labelled ``text`` (mnemonics ignored)."""
    from PySide6.QtWidgets import QMenu

    file_menu = next(a.menu() for a in window.menuBar().actions()
                     if isinstance(a.menu(), QMenu) and a.menu().title() == "&File")
    for a in file_menu.actions():
        if a.text().replace("&", "") == text:
            return a
    raise AssertionError(f"no File menu action {text!r}")


class Answers:
    """Stand-ins for the file choosers: each returns the next path given for it."""

    def __init__(self, monkeypatch: Any) -> None:
        from crosscase.ui import messages

        self.opens: list[Path | None] = []
        self.saves: list[Path | None] = []
        self.asked: list[tuple[str, str, Any]] = []
        monkeypatch.setattr(messages, "ask_open_file", self._open)
        monkeypatch.setattr(messages, "ask_save_file", self._save)

    def _open(self, _parent: Any, title: str, filters: str) -> Path | None:
        self.asked.append(("open", title, None))
        return self.opens.pop(0)

    def _save(self, _parent: Any, title: str, filters: str, suggested: Path | None = None,
              **_kw: Any) -> Path | None:
        self.asked.append(("save", title, suggested))
        return self.saves.pop(0)


def run(window: Any, qtbot: Any, text: str) -> Any:
    """Trigger a File menu action and wait for its exchange to finish."""
    menu_action(window, text).trigger()
    qtbot.waitUntil(lambda: not window.exchange.busy, timeout=30000)
    return window.exchange.report_dialog


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.fixture
def answers(monkeypatch: Any) -> Answers:
    return Answers(monkeypatch)


def test_export_a_project_then_import_it_as_a_new_project(
    window: Any, qtbot: Any, tmp_path: Path, answers: Answers, shown_messages: list[Any]
) -> None:
    from crosscase.commands.coding import ApplyCodings
    from crosscase.services.coding import CodingSpec

    quote = "Word of mouth brought people in."
    start = INTERVIEW_A.index(quote)
    did, cid = doc_id(window, "A-manager"), code_id(window, "Co-production/Co-design")
    assert window.context.push(ApplyCodings([CodingSpec(did, cid, start, start + len(quote))]))
    original = window.context.project.path

    # 1. export: the file is written, private, and the report says what REFI-QDA cannot carry
    out = tmp_path / "exchange" / "study.qdpx"
    out.parent.mkdir()
    answers.saves.append(out)
    report = run(window, qtbot, "Export REFI-QDA project…")
    assert answers.asked[-1][2] == original.with_suffix(".qdpx")  # suggested beside the project
    assert report is not None and report.isVisible()
    text = report.text()
    assert text.startswith("Exported study.qdpx (QDPX): ")
    assert "1 coding" in text and "2 sources" in text
    assert "Left out (REFI-QDA has no place for them):" in text and "speaker turn" in text
    assert "left out is listed below" in report.headline.text()
    assert out.exists() and stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert "project.qde" in names
        root = etree.fromstring(z.read("project.qde"))
    assert etree.QName(root).localname == "Project"
    assert leftovers(out.parent) == []
    report.close_button.click()
    qtbot.waitUntil(lambda: window.exchange.report_dialog is None)

    # 2. import it as a new project: the report first, then the new project opens
    answers.opens.append(out)
    answers.saves.append(tmp_path / "exchange" / "copy")  # the suffix is added
    report = run(window, qtbot, "Import REFI-QDA project…")
    new = tmp_path / "exchange" / "copy.crosscase"
    assert [a[0] for a in answers.asked[-2:]] == ["open", "save"]
    assert answers.asked[-1][2] == out.with_suffix(".crosscase")
    assert report is not None, shown_messages
    text = report.text()
    assert text.startswith("Imported study.qdpx into copy.crosscase: ")
    assert "2 cases, 2 sources, 1 coding" in text
    assert "Everything in study.qdpx came in" in report.headline.text()
    assert new.exists() and leftovers(new.parent) == []
    assert window.context.project.path == original  # not yet: the report comes first
    report.close_button.click()
    qtbot.waitUntil(lambda: window.context is not None
                    and window.context.project.path == new.resolve())
    assert not shown_messages

    # the new project holds what the old one did, quote for quote
    with window.context.project.session() as s:
        docs = {d["name"]: (d["case"], documents.text_of(s, d["id"]))
                for d in documents.listing(s)}
    assert docs["A-manager"] == ("Millbrook Works", INTERVIEW_A)
    assert docs["B-service-user"][0] == "Tandem"
    rows = codings(window)
    assert [(r[3], r[4], r[5]) for r in rows] == [(start, start + len(quote), quote)]
    assert code_id(window, "Co-production/Co-design") == rows[0][2]
    # the cases panel shows the new project's documents
    assert {c.name for c in window.cases_panel.model.cases} == {"Millbrook Works", "Tandem"}


def test_export_the_codebook_and_load_one(
    window: Any, qtbot: Any, tmp_path: Path, answers: Answers, shown_messages: list[Any]
) -> None:
    with window.context.project.session() as s:
        before = {n.path: n for n in codebook.tree(s).values()}

    # export: a .qdc holding every code
    out = tmp_path / "codes.qdc"
    answers.saves.append(out)
    report = run(window, qtbot, "Export codebook (REFI-QDA .qdc)…")
    assert answers.asked[-1][2].name == "study-codebook.qdc"
    assert report.text() == f"Exported codes.qdc (QDC): {len(before)} codes"
    root = etree.parse(str(out)).getroot()
    assert etree.QName(root).localname == "CodeBook"
    assert len(root.findall(".//{*}Code")) == len(before)
    report.close_button.click()
    qtbot.waitUntil(lambda: window.exchange.report_dialog is None)

    # load another program's codebook: new codes arrive, existing ones are kept
    book = tmp_path / "elsewhere.qdc"
    book.write_text(BOOK, encoding="utf-8")
    answers.opens.append(book)
    report = run(window, qtbot, "Load codebook (.qdc)…")
    text = report.text()
    assert text.startswith("Loaded elsewhere.qdc: 2 added, 0 updated, 1 already there unchanged")
    assert "added: Co-production/Volunteer recruitment" in text
    assert "code set" in text  # what Crosscase has no place for is said, with why
    assert "could not be loaded" in report.headline.text()
    with window.context.project.session() as s:
        after = {n.path: n for n in codebook.tree(s).values()}
    assert set(after) - set(before) == {"Co-production/Volunteer recruitment", "Place"}
    added = after["Co-production/Volunteer recruitment"]
    assert (added.color, added.definition) == ("#336699", "How volunteers are found")
    assert after["Co-production"].definition == before["Co-production"].definition
    # the codebook panel and the cached tree heard about it
    qtbot.waitUntil(lambda: window.codebook_panel.model.index_of(added.id).isValid())
    assert window.codebook_panel.model.index_of(added.id).data() == "Volunteer recruitment"
    assert added.id in window.context.nodes
    report.close_button.click()
    assert not shown_messages


def test_failures_are_one_clear_message_and_leave_nothing_behind(
    window: Any, qtbot: Any, tmp_path: Path, answers: Answers, shown_messages: list[Any]
) -> None:
    project = window.context.project.path

    # not a QDPX at all
    bad = tmp_path / "notes.qdpx"
    bad.write_text("just some notes", encoding="utf-8")
    answers.opens.append(bad)
    answers.saves.append(tmp_path / "from-notes.crosscase")
    assert run(window, qtbot, "Import REFI-QDA project…") is None
    kind, title, text = shown_messages[-1]
    assert (kind, title) == ("error", "Cannot import the REFI-QDA project")
    assert text == "notes.qdpx: is not a QDPX file (not a zip archive)"
    assert not (tmp_path / "from-notes.crosscase").exists() and leftovers(tmp_path) == []

    # a codebook offered as a project
    qdc = tmp_path / "book.qdc"
    qdc.write_text(BOOK, encoding="utf-8")
    answers.opens.append(qdc)
    answers.saves.append(tmp_path / "from-book.crosscase")
    run(window, qtbot, "Import REFI-QDA project…")
    assert shown_messages[-1][1] == "Cannot import the REFI-QDA project"
    assert "Traceback" not in shown_messages[-1][2]

    # a project that is already there is never overwritten
    answers.opens.append(bad)
    answers.saves.append(project)
    size = project.stat().st_size
    run(window, qtbot, "Import REFI-QDA project…")
    assert "already exists" in shown_messages[-1][2]
    assert project.stat().st_size == size

    # a codebook that is not one
    answers.opens.append(bad)
    run(window, qtbot, "Load codebook (.qdc)…")
    assert shown_messages[-1][:2] == ("error", "Cannot load the codebook")
    assert "notes.qdpx" in shown_messages[-1][2]

    # an export into a folder that is not there
    answers.saves.append(tmp_path / "missing" / "codes.qdc")
    run(window, qtbot, "Export codebook (REFI-QDA .qdc)…")
    assert shown_messages[-1][:2] == ("error", "Cannot export the codebook")
    assert "no such folder" in shown_messages[-1][2]

    assert all(m[0] == "error" and "\n  File " not in m[2] for m in shown_messages)
    assert window.exchange.report_dialog is None
    assert window.context.project.path == project  # still open, still working
    assert doc_id(window, "A-manager")


def test_cancelling_an_import_writes_no_project(
    window: Any, qtbot: Any, tmp_path: Path, answers: Answers, shown_messages: list[Any],
    monkeypatch: Any
) -> None:
    from crosscase.exchange import refi

    source = tmp_path / "study.qdpx"
    refi.export_qdpx(window.context.project, source)
    real = refi.import_qdpx

    def cancelled_at_once(file: Path, out: Path, offsets: str = "auto", **kw: Any) -> Any:
        kw["progress"].cancel()  # as if Cancel were pressed before the first source
        return real(file, out, offsets, **kw)

    monkeypatch.setattr(refi, "import_qdpx", cancelled_at_once)
    answers.opens.append(source)
    answers.saves.append(tmp_path / "never.crosscase")
    menu_action(window, "Import REFI-QDA project…").trigger()
    assert window.exchange.busy and window.exchange.progress_dialog is not None
    qtbot.waitUntil(lambda: not window.exchange.busy, timeout=30000)
    assert window.exchange.progress_dialog is None
    assert window.exchange.report_dialog is None
    assert not shown_messages
    assert "stopped" in window.statusBar().currentMessage()
    assert not (tmp_path / "never.crosscase").exists() and leftovers(tmp_path) == []


def test_the_menu_without_a_project(qtbot: Any) -> None:
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    w = MainWindow(Settings())
    qtbot.addWidget(w)
    assert menu_action(w, "Import REFI-QDA project…").isEnabled()
    for text in ("Export REFI-QDA project…", "Export codebook (REFI-QDA .qdc)…",
                 "Load codebook (.qdc)…"):
        assert not menu_action(w, text).isEnabled()
