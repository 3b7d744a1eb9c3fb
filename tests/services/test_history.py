"""The change history read back from the event log: sentences, names, filters, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from crosscase.commands.base import History
from crosscase.commands.cases import CreateCase, EditCase, SetAttribute
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.documents import DeleteDocument, MoveDocument, RenameDocument
from crosscase.commands.memo import SetMemo
from crosscase.db.project import Project
from crosscase.services import cases, codebook, documents, history
from crosscase.services.coding import CodingSpec


def test_every_change_is_listed_with_who_what_and_on_which_document_or_code(
    demo_project: Project,
) -> None:
    with demo_project.session() as s:
        did = documents.resolve(s, "A-manager-interview")
        code = codebook.resolve(s, "Co-design")
        target = cases.resolve(s, "Case B: Tandem Circles")
        n_before = len(history.entries(s))
    h = History(demo_project)
    demo_project.coder_name = "Ann"
    h.push(ApplyCodings([CodingSpec(did, code, 0, 12)]))
    h.push(RenameDocument(did, "Manager, March"))
    h.push(MoveDocument(did, target))
    h.push(SetMemo("document", did, "first interview"))
    h.undo()
    demo_project.coder_name = "Ben"
    h.push(SetAttribute("document", did, "respondent", "manager"))
    h.push(CreateCase("Case C"))
    h.push(EditCase(h._done[-1].id, name="Case C: Riverside"))  # type: ignore[attr-defined]
    h.push(DeleteDocument(did))
    with demo_project.session() as s:
        rows = history.entries(s)[n_before:]
    said = [(r.coder, r.what) for r in rows]
    assert said[0] == ("Ann", "Coded 1 passage: 'Co-design'")
    assert said[1] == ("Ann", "Renamed document 'A-manager-interview' to 'Manager, March'")
    assert said[2] == ("Ann", "Moved document 'Manager, March' from 'Case A: Millbrook Works' "
                              "to 'Case B: Tandem Circles'")
    assert said[3] == ("Ann", "Wrote memo on document 'Manager, March'")
    assert said[4] == ("Ann", "Undone: Wrote memo on document 'Manager, March'")
    assert rows[4].undo and rows[4].action == "undo SetMemo"
    assert said[5] == ("Ben", "Set attribute 'respondent' of document 'Manager, March' to 'manager'")
    assert said[6] == ("Ben", "New case 'Case C'")
    assert said[7] == ("Ben", "Renamed case 'Case C' to 'Case C: Riverside'")
    assert said[8][1].startswith("Deleted document 'Manager, March' with ")
    # the coded passage names its document and code; the deleted document keeps its name
    assert [d.label() for d in rows[0].documents] == ["Manager, March (deleted)"]
    assert [c.name for c in rows[0].codes] == ["Co-design"]
    assert rows[0].codes[0].exists and not rows[0].documents[0].exists


def test_filters_by_coder_document_code_and_text(demo_project: Project) -> None:
    with demo_project.session() as s:
        did = documents.resolve(s, "A-manager-interview")
        code = codebook.resolve(s, "Co-design")
    demo_project.coder_name = "Ann"
    History(demo_project).push(ApplyCodings([CodingSpec(did, code, 0, 12)]))
    with demo_project.session() as s:
        everything = history.entries(s)
        ann = history.entries(s, coder="Ann")
        on_doc = history.entries(s, document=did)
        on_code = history.entries(s, code=code)
        found = history.entries(s, text="co-DESIGN")
        newest = history.entries(s, newest_first=True)
        since = history.entries(s, after=everything[-2].id)
        assert "Ann" in history.coders(s)
    assert [r.what for r in ann] == ["Coded 1 passage: 'Co-design'"]
    assert on_doc[0].action == "document.import" and all(
        did in {d.id for d in r.documents} for r in on_doc)
    assert ann[0] in on_doc and ann[0] in on_code and ann[0] in found
    assert len(on_doc) < len(everything) and newest[0] == everything[-1]
    assert since == everything[-1:]  # only what was logged after the given event


def test_csv_has_a_header_and_one_row_per_entry(demo_project: Project) -> None:
    with demo_project.session() as s:
        rows = history.entries(s)
    table = list(csv.reader(io.StringIO(history.csv_text(rows))))
    assert table[0] == list(history.CSV_COLUMNS)
    assert len(table) == len(rows) + 1
    assert table[1][4] == "Created the project 'Co-production study'"


def test_json_is_plain_values(demo_project: Project) -> None:
    import json

    with demo_project.session() as s:
        rows = history.entries(s)
    data = json.loads(json.dumps([r.as_json() for r in rows]))
    assert {"id", "at", "coder", "action", "what", "documents", "codes", "cases"} <= set(data[-1])


def test_code_changes_keep_the_names_they_had(demo_project: Project) -> None:
    from crosscase.commands.codebook import CreateCode, DeleteCode, EditCode, MergeCodes

    with demo_project.session() as s:
        café = codebook.resolve(s, "Café")
        farm = codebook.resolve(s, "Farm shop")
        n_before = len(history.entries(s))
    h = History(demo_project)
    h.push(EditCode(café, name="Café and tea room"))
    made = h.push(CreateCode("Word of mouth 😀"))
    h.push(MergeCodes(farm, café))
    h.push(DeleteCode(made.id))  # type: ignore[attr-defined]
    with demo_project.session() as s:
        said = [r.what for r in history.entries(s)[n_before:]]
    assert said[0] == "Renamed code 'Café' to 'Café and tea room'"
    assert said[1] == "New code 'Word of mouth 😀'"
    assert said[2] == "Merged codes 'Farm shop' into 'Café and tea room'"
    assert said[3] == "Deleted code 'Word of mouth 😀'"


def test_an_action_with_no_phrase_still_reads_as_words() -> None:
    assert history._words("SetParticipantRoles") == "Set participant roles"
    assert history._words("refi.guids") == "Refi guids"


def test_a_paste_of_attribute_values_reads_as_words(tmp_path: Path) -> None:
    from crosscase.commands.attributes import SetAttributes
    from crosscase.services import cases, history
    from crosscase.services.projects import new_project

    with new_project(tmp_path / "h.crosscase", empty=True) as project:
        with project.transaction() as s:
            a, b = cases.ensure(s, "Case A"), cases.ensure(s, "Case B")
        SetAttributes([("case", a, "sector", "care"), ("case", b, "sector", "café 𝒳")]).do(project)
        with project.session() as s:
            entries = history.entries(s)
    [paste] = [e for e in entries if e.command == "SetAttributes"]
    assert paste.what.startswith("Set attribute values") and "2 values of sector" in paste.what
