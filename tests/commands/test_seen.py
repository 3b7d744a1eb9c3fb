"""Edits carry what the user saw: a write over text someone else changed since is refused
with both texts, nothing is overwritten silently, and the retry with a merged text saves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from crosscase.commands.base import Command, History
from crosscase.commands.cases import CreateCase, EditCase, SetAttribute
from crosscase.commands.codebook import EditCode
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.documents import RenameDocument
from crosscase.commands.framework import SetFrameworkCell
from crosscase.commands.memo import SetMemo
from crosscase.commands.seen import EditConflict
from crosscase.db.models import Case, Code, Coding, Document, FrameworkCell, ProjectInfo
from crosscase.db.project import Project
from crosscase.domain.errors import StaleWrite
from crosscase.io.importers.text import structure
from crosscase.services import attributes, cases, codebook, documents
from crosscase.services.coding import CodingSpec

TEXT = "Interviewer: Tell me about the café.\nManager: The farm shop pays for the day service.\n"


@dataclass
class Ids:
    case: int
    doc: int
    code: int
    coding: int


def _setup(project: Project) -> Ids:
    with project.transaction() as s:
        case_id = cases.ensure(s, "Case A")
        doc = documents.store(s, project, case_id, "manager", structure(TEXT, "txt"))
        code = codebook.resolve(s, "Trust")
    applied = ApplyCodings([CodingSpec(doc, code, 0, 11)])
    applied.do(project)
    return Ids(case_id, doc, code, applied.ids[0])


def _value(project: Project, model: Any, row_id: int, field: str) -> Any:
    with project.session() as s:
        return s.scalar(select(getattr(model, field)).where(model.id == row_id))


def _attr(project: Project, case_id: int) -> Any:
    with project.session() as s:
        return attributes.values(s, "case").get(case_id, {}).get("sector")


def _cell(project: Project, ids: Ids) -> str | None:
    with project.session() as s:
        return s.scalar(select(FrameworkCell.summary).where(FrameworkCell.code_id == ids.code,
                                                            FrameworkCell.case_id == ids.case))


@dataclass
class Edit:
    """One kind of in-place edit: the command writing ``text`` over ``seen``, and its reading."""

    name: str
    make: Callable[[Ids, str, Any], Command]
    read: Callable[[Project, Ids], Any]


EDITS = [
    Edit("case memo", lambda i, t, s: SetMemo("case", i.case, t, seen=s),
         lambda p, i: _value(p, Case, i.case, "memo")),
    Edit("document memo", lambda i, t, s: SetMemo("document", i.doc, t, seen=s),
         lambda p, i: _value(p, Document, i.doc, "memo")),
    Edit("coding memo", lambda i, t, s: SetMemo("coding", i.coding, t, seen=s),
         lambda p, i: _value(p, Coding, i.coding, "memo")),
    Edit("project memo", lambda i, t, s: SetMemo("project", 1, t, seen=s),
         lambda p, i: _value(p, ProjectInfo, 1, "memo")),
    Edit("code memo", lambda i, t, s: SetMemo("code", i.code, t, seen=s),
         lambda p, i: _value(p, Code, i.code, "memo")),
    Edit("code definition",
         lambda i, t, s: EditCode(i.code, seen=None if s is None else {"definition": s},
                                  definition=t),
         lambda p, i: _value(p, Code, i.code, "definition")),
    Edit("code name",
         lambda i, t, s: EditCode(i.code, seen=None if s is None else {"name": s}, name=t),
         lambda p, i: _value(p, Code, i.code, "name")),
    Edit("case name",
         lambda i, t, s: EditCase(i.case, seen=None if s is None else {"name": s}, name=t),
         lambda p, i: _value(p, Case, i.case, "name")),
    Edit("document name", lambda i, t, s: RenameDocument(i.doc, t, seen=s),
         lambda p, i: _value(p, Document, i.doc, "name")),
    Edit("case attribute", lambda i, t, s: SetAttribute("case", i.case, "sector", t, "text", seen=s),
         lambda p, i: _attr(p, i.case)),
    Edit("framework summary",
         lambda i, t, s: SetFrameworkCell(i.code, i.case, summary=t,
                                          seen=None if s is None else {"summary": s}),
         _cell),
]


@pytest.fixture(params=EDITS, ids=[e.name for e in EDITS])
def edit(request: pytest.FixtureRequest) -> Edit:
    return request.param  # type: ignore[no-any-return]


def test_an_edit_over_what_the_user_saw_saves(project: Project, edit: Edit) -> None:
    ids = _setup(project)
    seen = edit.read(project, ids) or ""  # as the user read it ("" for none)
    edit.make(ids, "Written after reading", seen).do(project)
    assert edit.read(project, ids) == "Written after reading"


def test_an_edit_over_a_colleagues_later_text_is_refused_with_both_texts(
        project: Project, edit: Edit) -> None:
    ids = _setup(project)
    seen = edit.read(project, ids) or ""  # as the user read it ("" for none)
    edit.make(ids, "Theirs, saved first", None).do(project)  # the colleague, as the CLI does
    history = History(project)
    with pytest.raises(StaleWrite) as caught:
        history.push(edit.make(ids, "Mine, typed on the old text", seen))
    err = caught.value
    assert isinstance(err, EditConflict)
    assert err.theirs == "Theirs, saved first" and err.mine == "Mine, typed on the old text"
    assert "\n" not in str(err) and "changed by someone else" in str(err)
    assert "Traceback" not in str(err) and "EditConflict" not in str(err)
    assert edit.read(project, ids) == "Theirs, saved first"  # nothing overwritten
    assert not history.can_undo  # the refused command is no step to undo

    merged = err.retry("Theirs, saved first; and mine")
    history.push(merged)
    assert edit.read(project, ids) == "Theirs, saved first; and mine"
    history.undo()
    assert edit.read(project, ids) == "Theirs, saved first"
    history.redo()  # redo is checked by the row's version, not against the old text
    assert edit.read(project, ids) == "Theirs, saved first; and mine"


def test_without_seen_a_write_is_as_before(project: Project, edit: Edit) -> None:
    ids = _setup(project)
    edit.make(ids, "Theirs", None).do(project)
    edit.make(ids, "Mine, from a script", None).do(project)
    assert edit.read(project, ids) == "Mine, from a script"


def test_a_retry_that_is_itself_stale_is_refused_again(project: Project) -> None:
    ids = _setup(project)
    SetMemo("case", ids.case, "Theirs").do(project)
    with pytest.raises(EditConflict) as first:
        SetMemo("case", ids.case, "Mine", seen="").do(project)
    SetMemo("case", ids.case, "Theirs, again").do(project)  # while the user was merging
    with pytest.raises(EditConflict) as second:
        first.value.retry("Theirs and mine").do(project)
    assert second.value.theirs == "Theirs, again"
    assert _value(project, Case, ids.case, "memo") == "Theirs, again"


def test_a_code_edit_checks_only_the_fields_it_writes(project: Project) -> None:
    ids = _setup(project)
    EditCode(ids.code, name="Trust in staff").do(project)  # a colleague renames it
    seen = _value(project, Code, ids.code, "definition")
    EditCode(ids.code, seen={"definition": seen}, definition="Confidence in people").do(project)
    assert _value(project, Code, ids.code, "definition") == "Confidence in people"
    assert _value(project, Code, ids.code, "name") == "Trust in staff"

    EditCode(ids.code, definition="Theirs").do(project)
    example = _value(project, Code, ids.code, "example")
    with pytest.raises(EditConflict) as caught:
        EditCode(ids.code, seen={"definition": "Confidence in people", "example": example},
                 definition="Mine", example="An example").do(project)
    assert caught.value.theirs == "Theirs"
    assert _value(project, Code, ids.code, "example") == example  # the whole command was refused
    caught.value.retry("Theirs and mine").do(project)
    assert _value(project, Code, ids.code, "definition") == "Theirs and mine"
    assert _value(project, Code, ids.code, "example") == "An example"


def test_a_rating_over_a_colleagues_rating_is_refused(project: Project) -> None:
    ids = _setup(project)
    SetFrameworkCell(ids.code, ids.case, rating="weak").do(project)
    SetFrameworkCell(ids.code, ids.case, rating="strong").do(project)
    with pytest.raises(EditConflict) as caught:
        SetFrameworkCell(ids.code, ids.case, rating="moderate", seen={"rating": "weak"}).do(project)
    assert (caught.value.theirs, caught.value.mine) == ("strong", "moderate")
    caught.value.retry("moderate").do(project)
    with project.session() as s:
        assert s.scalar(select(FrameworkCell.rating)) == "moderate"


def test_a_new_case_memo_seen_empty_conflicts_with_a_colleagues_memo(project: Project) -> None:
    made = CreateCase("Case B")
    made.do(project)
    assert made.id is not None
    SetMemo("case", made.id, "Theirs").do(project)
    with pytest.raises(EditConflict, match="the memo of case 'Case B'"):
        SetMemo("case", made.id, "Mine", seen="").do(project)
