"""Every change is an undoable command: do, undo, redo, checked in the database."""

from __future__ import annotations

from sqlalchemy import func, select

from crosscase.commands.base import History
from crosscase.commands.cases import CreateCase, EditCase, SetAttribute
from crosscase.commands.codebook import CreateCode, DeleteCode, EditCode, MergeCodes, MoveCode
from crosscase.commands.coding import ApplyCodings, RemoveCodings, ResizeCoding
from crosscase.commands.memo import SetMemo
from crosscase.db.models import Code, Coding, Event
from crosscase.db.project import Project
from crosscase.domain.extract import Extracted
from crosscase.io.importers.text import structure
from crosscase.services import attributes, cases, codebook, documents
from crosscase.services.coding import CodingSpec

TEXT = "Interviewer: Tell me 😀 about the café.\nManager: The farm shop 𝒳 pays for the day service.\n"


def _doc(project: Project) -> int:
    with project.transaction() as s:
        case_id = cases.ensure(s, "Case A")
        return documents.store(s, project, case_id, "manager", structure(TEXT, "txt"))


def _codings(project: Project) -> list[tuple[int, int, int, str]]:
    with project.session() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(Coding.code_id, Coding.start, Coding.end, Coding.snippet).order_by(Coding.id))]


def _code(project: Project, path: str) -> int:
    with project.session() as s:
        return codebook.resolve(s, path)


def test_apply_undo_redo_keeps_ids_and_text(project: Project) -> None:
    did = _doc(project)
    trust = _code(project, "Trust")
    h = History(project)
    start = TEXT.index("The farm")
    cmd = h.push(ApplyCodings([CodingSpec(did, trust, start, start + 15)]))
    assert _codings(project) == [(trust, start, start + 15, "The farm shop 𝒳")]
    h.undo()
    assert _codings(project) == []
    h.redo()
    with project.session() as s:
        assert s.scalars(select(Coding.id)).all() == cmd.ids
    assert _codings(project)[0][3] == "The farm shop 𝒳"


def test_the_same_span_and_code_is_not_coded_twice(project: Project) -> None:
    did = _doc(project)
    trust = _code(project, "Trust")
    ApplyCodings([CodingSpec(did, trust, 0, 5)]).do(project)
    again = ApplyCodings([CodingSpec(did, trust, 0, 5), CodingSpec(did, trust, 0, 6)])
    again.do(project)
    assert again.skipped == 1 and len(_codings(project)) == 2


def test_remove_and_resize(project: Project) -> None:
    did = _doc(project)
    trust = _code(project, "Trust")
    h = History(project)
    cmd = h.push(ApplyCodings([CodingSpec(did, trust, 13, 20)]))
    h.push(ResizeCoding(cmd.ids[0], 13, 22))
    assert _codings(project)[0][3] == "Tell me 😀"
    h.undo()
    assert _codings(project)[0][3] == "Tell me"
    h.push(RemoveCodings(cmd.ids))
    assert _codings(project) == []
    h.undo()
    assert _codings(project)[0][3] == "Tell me"


def test_memo_on_every_kind(project: Project) -> None:
    did = _doc(project)
    trust = _code(project, "Trust")
    cmd = ApplyCodings([CodingSpec(did, trust, 0, 11)])
    cmd.do(project)
    h = History(project)
    with project.session() as s:
        case_id = cases.resolve(s, "Case A")
    for kind, target in [("coding", cmd.ids[0]), ("code", trust), ("document", did), ("case", case_id),
                         ("project", 1)]:
        h.push(SetMemo(kind, target, f"memo on {kind}"))
    with project.session() as s:
        assert s.get(Coding, cmd.ids[0]).memo == "memo on coding"  # type: ignore[union-attr]
        assert s.get(Code, trust).memo == "memo on code"  # type: ignore[union-attr]
    h.undo()
    h.undo()
    with project.session() as s:
        assert s.get(Code, trust).memo == "memo on code"  # type: ignore[union-attr]
        from crosscase.db.models import Case, ProjectInfo

        assert s.get(Case, case_id).memo == ""  # type: ignore[union-attr]
        assert s.get(ProjectInfo, 1).memo == ""  # type: ignore[union-attr]


def test_codebook_create_edit_move(project: Project) -> None:
    h = History(project)
    parent = _code(project, "Innovation")
    new = h.push(CreateCode("Digital tools", parent, definition="Apps and phones."))
    assert _code(project, "Innovation/Digital tools") == new.id
    h.push(EditCode(new.id, name="Digital", color="#123456"))
    with project.session() as s:
        node = codebook.tree(s)[new.id]
    assert (node.path, node.color, node.definition) == ("Innovation/Digital", "#123456", "Apps and phones.")
    h.push(MoveCode(new.id, None, 0))
    with project.session() as s:
        nodes = codebook.tree(s)
    assert list(nodes)[0] == new.id and nodes[new.id].path == "Digital"
    h.undo()
    with project.session() as s:
        assert codebook.tree(s)[new.id].path == "Innovation/Digital"
    h.undo()
    h.undo()
    with project.session() as s:
        assert new.id not in codebook.tree(s)


def test_delete_code_restores_subtree_and_codings(project: Project) -> None:
    did = _doc(project)
    trading = _code(project, "Hybridity/Trading income")
    farm = _code(project, "Hybridity/Trading income/Farm shop")
    ApplyCodings([CodingSpec(did, farm, 49, 62), CodingSpec(did, trading, 40, 90)]).do(project)
    before = _codings(project)
    with project.session() as s:
        n_codes = s.scalar(select(func.count()).select_from(Code))
    h = History(project)
    h.push(DeleteCode(trading))
    assert _codings(project) == []
    h.undo()
    assert _codings(project) == before
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Code)) == n_codes
        assert codebook.tree(s)[farm].path == "Hybridity/Trading income/Farm shop"


def test_merge_moves_codings_and_children_and_undoes(project: Project) -> None:
    did = _doc(project)
    trust = _code(project, "Trust")
    pers = _code(project, "Personalisation")
    ApplyCodings([CodingSpec(did, trust, 0, 11), CodingSpec(did, pers, 0, 11),
                  CodingSpec(did, pers, 13, 20)]).do(project)
    h = History(project)
    h.push(MergeCodes(pers, trust))
    rows = _codings(project)
    assert sorted((c, s, e) for c, s, e, _ in rows) == [(trust, 0, 11), (trust, 13, 20)]
    with project.session() as s:
        assert pers not in codebook.tree(s)
    h.undo()
    rows = _codings(project)
    assert sorted((c, s, e) for c, s, e, _ in rows) == sorted([(trust, 0, 11), (pers, 0, 11), (pers, 13, 20)])
    with project.session() as s:
        assert codebook.tree(s)[pers].name == "Personalisation"


def test_cases_and_typed_attributes(project: Project) -> None:
    h = History(project)
    c = h.push(CreateCase("Case C"))
    h.push(SetAttribute("case", c.id, "founding year", 2009))
    h.push(SetAttribute("case", c.id, "trading share", 0.62))
    h.push(SetAttribute("case", c.id, "sector", "day service"))
    h.push(EditCase(c.id, name="Case C: Riverside"))
    with project.session() as s:
        vals = attributes.values(s, "case")[c.id]
        assert vals == {"founding year": 2009, "trading share": 0.62, "sector": "day service"}
        assert cases.resolve(s, "Case C: Riverside") == c.id
    h.undo()
    h.undo()
    with project.session() as s:
        assert "sector" not in attributes.values(s, "case").get(c.id, {})


def test_every_command_is_in_the_event_log(project: Project) -> None:
    did = _doc(project)
    h = History(project)
    h.push(ApplyCodings([CodingSpec(did, _code(project, "Trust"), 0, 5)]))
    h.undo()
    with project.session() as s:
        actions = s.scalars(select(Event.action).order_by(Event.id)).all()
    assert actions[-2:] == ["ApplyCodings", "undo ApplyCodings"]


def test_extracted_structure_is_stored(project: Project) -> None:
    did = _doc(project)
    from crosscase.services.segments import citation_at

    with project.session() as s:
        at = citation_at(s, did, TEXT.index("farm shop"))
    assert at == {"paragraph": 2, "page": None, "speaker": "Manager"}
    assert isinstance(structure("x", "txt"), Extracted)
