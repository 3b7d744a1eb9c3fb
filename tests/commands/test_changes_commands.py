"""Each command publishes exactly one Change per do, undo and redo, with the real ids."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from crosscase.commands.base import History
from crosscase.commands.cases import CreateCase, EditCase, SetAttribute
from crosscase.commands.codebook import CreateCode, DeleteCode, EditCode, MergeCodes, MoveCode
from crosscase.commands.coding import ApplyCodings, RemoveCodings, ResizeCoding
from crosscase.commands.framework import PinQuote, SetFrameworkCell, SetRatingScale, UnpinQuote
from crosscase.commands.memo import SetMemo
from crosscase.db.models import Code, FrameworkCell
from crosscase.db.project import Project
from crosscase.domain.changes import Change, Kind
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents
from crosscase.services.coding import CodingSpec

TEXT = "Interviewer: Tell me 😀 about the café.\nManager: The farm shop 𝒳 pays for the day service.\n"


@pytest.fixture
def heard(project: Project) -> Iterator[list[Change]]:
    """Every change the project publishes, in order."""
    seen: list[Change] = []
    stop = project.subscribe(seen.append)
    yield seen
    stop()


def _doc(project: Project, case: str = "Case A", name: str = "manager") -> int:
    with project.transaction() as s:
        case_id = cases.ensure(s, case)
        return documents.store(s, project, case_id, name, structure(TEXT, "txt"))


def _code(project: Project, path: str) -> int:
    with project.session() as s:
        return codebook.resolve(s, path)


def _case(project: Project, name: str = "Case A") -> int:
    with project.session() as s:
        return cases.resolve(s, name)


def _one(heard: list[Change]) -> Change:
    assert len(heard) == 1, [c.label for c in heard]
    change = heard.pop()
    assert change.initiator == "tester"
    assert Change.from_json(change.to_json()) == change  # plain values only
    return change


def _undo_redo(h: History, heard: list[Change], expected: Change) -> None:
    """Undo and redo each publish the same kinds and ids, marked with their direction."""
    h.undo()
    undone = _one(heard)
    h.redo()
    redone = _one(heard)
    for got, direction in ((undone, "undo"), (redone, "redo")):
        assert got.direction == direction
        assert (got.changed, got.reshaped, got.documents, got.codes, got.label) == (
            expected.changed, expected.reshaped, expected.documents, expected.codes,
            expected.label,
        )


def test_apply_codings_names_the_new_codings_documents_and_codes(
    project: Project, heard: list[Change]
) -> None:
    did = _doc(project)
    trust, pers = _code(project, "Trust"), _code(project, "Personalisation")
    h = History(project)
    cmd = h.push(ApplyCodings([CodingSpec(did, trust, 0, 11), CodingSpec(did, pers, 13, 20)]))
    change = _one(heard)
    assert len(cmd.ids) == 2
    assert change.changed == {Kind.CODINGS: frozenset(cmd.ids)}
    assert change.reshaped == {Kind.CODINGS}
    assert (change.documents, change.codes) == ({did}, {trust, pers})
    assert (change.direction, change.label) == ("do", "Apply 2 codings")
    _undo_redo(h, heard, change)


def test_remove_codings_names_what_went_and_the_cells_that_lost_pins(
    project: Project, heard: list[Change]
) -> None:
    did = _doc(project)
    trust = _code(project, "Trust")
    case = _case(project)
    applied = ApplyCodings([CodingSpec(did, trust, 0, 11), CodingSpec(did, trust, 13, 20)])
    applied.do(project)
    PinQuote(trust, case, applied.ids[0]).do(project)
    with project.session() as s:
        cell = s.scalar(select(FrameworkCell.id).where(FrameworkCell.code_id == trust))
    heard.clear()
    h = History(project)
    h.push(RemoveCodings(applied.ids))
    change = _one(heard)
    assert change.changed == {Kind.CODINGS: frozenset(applied.ids), Kind.FRAMEWORK: {cell}}
    assert change.reshaped == {Kind.CODINGS}
    assert (change.documents, change.codes) == ({did}, {trust})
    _undo_redo(h, heard, change)


def test_resize_is_one_coding_edited_in_place(project: Project, heard: list[Change]) -> None:
    did = _doc(project)
    applied = ApplyCodings([CodingSpec(did, _code(project, "Trust"), 13, 20)])
    applied.do(project)
    heard.clear()
    h = History(project)
    h.push(ResizeCoding(applied.ids[0], 13, 22))
    change = _one(heard)
    assert change.changed == {Kind.CODINGS: {applied.ids[0]}}
    assert change.reshaped == frozenset() and change.documents == {did}
    _undo_redo(h, heard, change)


def test_create_edit_move_code(project: Project, heard: list[Change]) -> None:
    h = History(project)
    parent = _code(project, "Innovation")
    new = h.push(CreateCode("Digital tools", parent))
    created = _one(heard)
    assert new.id is not None
    assert created.changed == {Kind.CODES: {new.id}} and created.reshaped == {Kind.CODES}

    h.push(EditCode(new.id, name="Digital"))
    renamed = _one(heard)
    # a rename updates one row: no change of shape
    assert renamed.changed == {Kind.CODES: {new.id}} and renamed.reshaped == frozenset()
    _undo_redo(h, heard, renamed)

    h.push(EditCode(new.id, memo="Phones and apps."))
    memo = _one(heard)
    assert memo.changed == {Kind.CODES: {new.id}, Kind.MEMOS: {new.id}}

    with project.session() as s:
        top = [n.id for n in codebook.tree(s).values() if n.parent is None]
    h.push(MoveCode(new.id, None, 0))
    moved = _one(heard)
    assert moved.reshaped == {Kind.CODES}
    ids = moved.ids(Kind.CODES)
    assert ids is not None and new.id in ids and set(top) <= ids  # its new siblings moved down
    _undo_redo(h, heard, moved)


def test_deleting_a_code_publishes_exactly_one_change(
    project: Project, heard: list[Change]
) -> None:
    did = _doc(project)
    trading = _code(project, "Hybridity/Trading income")
    farm = _code(project, "Hybridity/Trading income/Farm shop")
    case = _case(project)
    applied = ApplyCodings([CodingSpec(did, farm, 49, 62), CodingSpec(did, trading, 40, 90)])
    applied.do(project)
    SetFrameworkCell(trading, case, summary="Income from the shop.").do(project)
    with project.session() as s:
        cell = s.scalar(select(FrameworkCell.id).where(FrameworkCell.code_id == trading))
        subtree = set(codebook.descendants(codebook.tree(s), trading))
    heard.clear()
    h = History(project)
    h.push(DeleteCode(trading))
    change = _one(heard)
    assert {trading, farm} <= subtree
    assert change.changed == {
        Kind.CODES: frozenset(subtree), Kind.CODINGS: frozenset(applied.ids), Kind.FRAMEWORK: {cell},
    }
    assert change.reshaped == {Kind.CODES, Kind.CODINGS, Kind.FRAMEWORK}
    assert change.documents == {did} and change.codes == subtree
    _undo_redo(h, heard, change)


def test_merge_names_both_codes_and_the_codings_moved_or_dropped(
    project: Project, heard: list[Change]
) -> None:
    did = _doc(project)
    trust, pers = _code(project, "Trust"), _code(project, "Personalisation")
    on_trust = ApplyCodings([CodingSpec(did, trust, 0, 11)])
    on_trust.do(project)
    on_pers = ApplyCodings([CodingSpec(did, pers, 0, 11), CodingSpec(did, pers, 13, 20)])
    on_pers.do(project)
    heard.clear()
    h = History(project)
    h.push(MergeCodes(pers, trust))
    change = _one(heard)
    codes = change.ids(Kind.CODES)
    assert codes is not None and {pers, trust} <= codes
    assert change.ids(Kind.CODINGS) == frozenset(on_pers.ids)  # one moved, one dropped as a double
    assert change.reshaped == {Kind.CODES, Kind.CODINGS}
    assert change.documents == {did} and change.codes == {pers, trust}
    _undo_redo(h, heard, change)


def test_cases_attributes_and_memos(project: Project, heard: list[Change]) -> None:
    h = History(project)
    c = h.push(CreateCase("Case C"))
    created = _one(heard)
    assert c.id is not None
    assert created.changed == {Kind.CASES: {c.id}} and created.reshaped == {Kind.CASES}

    h.push(EditCase(c.id, name="Case C: Riverside"))
    edited = _one(heard)
    assert edited.changed == {Kind.CASES: {c.id}} and not edited.reshaped

    h.push(SetAttribute("case", c.id, "sector", "day service"))
    new_attr = _one(heard)
    attr = new_attr.ids(Kind.ATTRIBUTES)
    assert attr is not None and len(attr) == 1
    assert new_attr.changed == {Kind.ATTRIBUTES: attr, Kind.CASES: {c.id}}
    assert new_attr.reshaped == {Kind.ATTRIBUTES}  # a new column
    h.push(SetAttribute("case", c.id, "sector", "farm"))
    same_attr = _one(heard)
    assert same_attr.changed == new_attr.changed and not same_attr.reshaped
    _undo_redo(h, heard, same_attr)

    did = _doc(project)
    applied = ApplyCodings([CodingSpec(did, _code(project, "Trust"), 0, 11)])
    applied.do(project)
    heard.clear()
    h.push(SetMemo("coding", applied.ids[0], "the opening question"))
    memo = _one(heard)
    assert memo.changed == {Kind.MEMOS: {applied.ids[0]}, Kind.CODINGS: {applied.ids[0]}}
    assert memo.documents == {did} and not memo.reshaped
    h.push(SetMemo("project", 1, "why these two cases"))
    assert _one(heard).changed == {Kind.MEMOS: {1}, Kind.PROJECT: {1}}
    h.push(SetMemo("case", c.id, "visited twice"))
    assert _one(heard).changed == {Kind.MEMOS: {c.id}, Kind.CASES: {c.id}}


def test_framework_cells_pins_and_the_scale(project: Project, heard: list[Change]) -> None:
    did = _doc(project)
    trust, case = _code(project, "Trust"), _case(project)
    applied = ApplyCodings([CodingSpec(did, trust, 0, 11)])
    applied.do(project)
    heard.clear()
    h = History(project)
    h.push(SetFrameworkCell(trust, case, summary="Built over years."))
    made = _one(heard)
    with project.session() as s:
        cell = s.scalar(select(FrameworkCell.id).where(FrameworkCell.code_id == trust))
    assert cell is not None
    assert made.changed == {Kind.FRAMEWORK: {cell}} and made.reshaped == {Kind.FRAMEWORK}
    h.push(SetFrameworkCell(trust, case, rating="strong"))
    rated = _one(heard)
    assert rated.changed == {Kind.FRAMEWORK: {cell}} and not rated.reshaped
    h.push(PinQuote(trust, case, applied.ids[0]))
    pinned = _one(heard)
    assert pinned.changed == {Kind.FRAMEWORK: {cell}} and not pinned.reshaped
    _undo_redo(h, heard, pinned)
    h.push(UnpinQuote(trust, case, applied.ids[0]))
    assert _one(heard).changed == {Kind.FRAMEWORK: {cell}}
    h.push(SetRatingScale(["weak", "strong"]))
    scale = _one(heard)
    assert scale.changed == {Kind.FRAMEWORK: None}  # every rating is read on the scale
    _undo_redo(h, heard, scale)


def test_a_failing_command_publishes_nothing(project: Project, heard: list[Change]) -> None:
    with pytest.raises(Exception, match="needs a name"):
        CreateCode("   ").do(project)
    assert heard == []


def test_a_listener_that_raises_is_logged_and_the_others_still_hear(
    project: Project, heard: list[Change], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(change: Change) -> None:
        raise RuntimeError("a view's bug")

    after: list[Change] = []
    stop = project.subscribe(broken)
    project.subscribe(after.append)
    with caplog.at_level(logging.ERROR, logger="crosscase"):
        cmd = CreateCode("Commissioning")
        change = cmd.do(project)  # does not raise
    assert heard == [change] and after == [change]
    assert any("a view's bug" in (r.exc_text or "") and r.name == "crosscase"
               for r in caplog.records)
    with project.session() as s:  # committed
        assert s.get(Code, cmd.id) is not None
    stop()
    stop()  # twice is harmless
    caplog.clear()
    cmd.undo(project)
    assert not caplog.records and len(after) == 2
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Code).where(Code.id == cmd.id)) == 0
