"""Deleting, moving and renaming documents and cases on the coded demo study:
what goes, what stays, what undo brings back, and the one Change each publishes."""

from __future__ import annotations

from sqlalchemy import func, select

from crosscase.commands.base import History
from crosscase.commands.cases import CreateCase, DeleteCase
from crosscase.commands.documents import DeleteDocument, MoveDocument, RenameDocument
from crosscase.db.models import (
    Case,
    Coding,
    Document,
    FrameworkCell,
    FrameworkPin,
    Paragraph,
    Participant,
    Turn,
)
from crosscase.db.project import Project
from crosscase.domain.changes import Change, Kind
from crosscase.services import cases, documents


def _count(project: Project, model: type, *where: object) -> int:
    with project.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _doc(project: Project, name: str) -> int:
    with project.session() as s:
        return documents.resolve(s, name)


def _heard(project: Project) -> list[Change]:
    seen: list[Change] = []
    project.subscribe(seen.append)
    return seen


def test_deleting_a_document_removes_its_rows_and_undo_brings_them_back(demo_project: Project) -> None:
    did = _doc(demo_project, "A-manager-interview")
    codings = _count(demo_project, Coding, Coding.document_id == did)
    paragraphs = _count(demo_project, Paragraph, Paragraph.document_id == did)
    turns = _count(demo_project, Turn, Turn.document_id == did)
    pins = _count(demo_project, FrameworkPin, FrameworkPin.coding_id.in_(
        select(Coding.id).where(Coding.document_id == did)))
    assert codings and paragraphs and turns and pins
    heard = _heard(demo_project)
    history = History(demo_project)
    cmd = history.push(DeleteDocument(did))
    assert cmd.codings == codings
    assert _count(demo_project, Document, Document.id == did) == 0
    assert _count(demo_project, Coding, Coding.document_id == did) == 0
    assert _count(demo_project, Turn, Turn.document_id == did) == 0
    (change,) = heard
    assert change.ids(Kind.DOCUMENTS) == {did} and change.reshapes(Kind.DOCUMENTS)
    assert len(change.ids(Kind.CODINGS) or ()) == codings and change.documents == {did}
    history.undo()
    assert _count(demo_project, Coding, Coding.document_id == did) == codings
    assert _count(demo_project, Paragraph, Paragraph.document_id == did) == paragraphs
    assert _count(demo_project, Turn, Turn.document_id == did) == turns
    assert _count(demo_project, FrameworkPin, FrameworkPin.coding_id.in_(
        select(Coding.id).where(Coding.document_id == did))) == pins
    with demo_project.session() as s:
        assert "Millbrook" in documents.document_info(s, did).text or documents.text_of(s, did)


def test_moving_a_document_takes_its_speakers_along(demo_project: Project) -> None:
    did = _doc(demo_project, "A-manager-interview")
    with demo_project.session() as s:
        old_case = documents.document_info(s, did).case_id
        target = cases.resolve(s, "Case B: Tandem Circles")
        speakers = set(s.scalars(select(Participant.name).join(Turn).where(Turn.document_id == did)))
    history = History(demo_project)
    move = history.push(MoveDocument(did, target))
    assert isinstance(move, MoveDocument)
    with demo_project.session() as s:
        assert documents.document_info(s, did).case_id == target
        # every turn now names a participant of the new case, by the same names
        rows = s.execute(select(Participant.case_id, Participant.name).join(Turn)
                         .where(Turn.document_id == did)).all()
        assert {c for c, _ in rows} == {target} and {n for _, n in rows} == speakers
        # no quote of the moved document stays pinned in a cell of the old case
        assert not s.scalar(select(func.count()).select_from(FrameworkPin)
                            .join(FrameworkCell, FrameworkCell.id == FrameworkPin.cell_id)
                            .join(Coding, Coding.id == FrameworkPin.coding_id)
                            .where(Coding.document_id == did, FrameworkCell.case_id == old_case))
    assert move.unpinned > 0
    history.undo()
    with demo_project.session() as s:
        assert documents.document_info(s, did).case_id == old_case
        rows = s.execute(select(Participant.case_id).join(Turn).where(Turn.document_id == did)).all()
        assert {c for (c,) in rows} == {old_case}


def test_a_rename_within_the_case_must_be_unique(demo_project: Project) -> None:
    did = _doc(demo_project, "A-manager-interview")
    history = History(demo_project)
    history.push(RenameDocument(did, "  Manager, March  "))
    with demo_project.session() as s:
        assert documents.document_info(s, did).name == "Manager, March"
    history.undo()
    with demo_project.session() as s:
        assert documents.document_info(s, did).name == "A-manager-interview"


def test_deleting_a_case_takes_its_documents_and_undo_restores_every_row(demo_project: Project) -> None:
    with demo_project.session() as s:
        cid = cases.resolve(s, "Case A: Millbrook Works")
    before = {m.__name__: _count(demo_project, m) for m in
              (Case, Document, Coding, Turn, Participant, FrameworkCell, FrameworkPin)}
    docs = _count(demo_project, Document, Document.case_id == cid)
    in_case = _count(demo_project, Coding, Coding.document_id.in_(
        select(Document.id).where(Document.case_id == cid)))
    history = History(demo_project)
    sub = history.push(CreateCase("Sub-case", parent_id=cid))
    cmd = history.push(DeleteCase(cid))
    assert isinstance(cmd, DeleteCase) and cmd.codings == in_case and cmd.documents == docs > 1
    assert _count(demo_project, Case, Case.id == cid) == 0
    assert _count(demo_project, Coding) == before["Coding"] - in_case
    history.undo()
    after = {m.__name__: _count(demo_project, m) for m in
             (Case, Document, Coding, Turn, Participant, FrameworkCell, FrameworkPin)}
    assert after == {**before, "Case": before["Case"] + 1}
    with demo_project.session() as s:
        assert s.scalar(select(Case.parent_id).where(Case.id == sub.id)) == cid  # type: ignore[attr-defined]
