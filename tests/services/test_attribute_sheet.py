"""The classification sheet's rows and columns, and pasting a spreadsheet's cells into it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscase.commands.attributes import SetAttributes
from crosscase.commands.base import History
from crosscase.db.project import Project
from crosscase.domain.changes import Kind
from crosscase.domain.errors import UsageError
from crosscase.io.importers.text import structure
from crosscase.services import attributes, documents
from crosscase.services import cases as case_service
from crosscase.services.projects import new_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = new_project(tmp_path / "sheet.crosscase", empty=True)
    with p.transaction() as s:
        for case, body in (("Millbrook", "Interviewer: Why?\nManager: The café.\n"),
                           ("Tandem", "Interviewer: Who?\nP5: I do.\nInterviewer: Thanks.\n")):
            cid = case_service.ensure(s, case)
            documents.store(s, p, cid, f"{case} interview", structure(body, "txt"))
    return p


def _people(project: Project) -> dict[tuple[str, str], int]:
    with project.session() as s:
        sheet = attributes.sheet(s, "participant")
    return {(r.labels[1], r.labels[0]): r.owners[0] for r in sheet.rows}


def test_sheet_rows_and_grouping_by_name(project: Project) -> None:
    people = _people(project)
    assert set(people) == {("Millbrook", "Interviewer"), ("Millbrook", "Manager"),
                           ("Tandem", "Interviewer"), ("Tandem", "P5")}
    History(project).push(SetAttributes([
        ("participant", people[("Millbrook", "Interviewer")], "role", "researcher"),
    ]))
    with project.session() as s:
        grouped = attributes.sheet(s, "participant", group_by_name=True)
        case_sheet = attributes.sheet(s, "case")
    interviewer = next(r for r in grouped.rows if r.labels[0] == "Interviewer")
    assert len(interviewer.owners) == 2
    assert interviewer.labels[1:] == ("Millbrook, Tandem", "3")
    role = grouped.attributes[0]
    assert role.name == "role" and role.id in interviewer.mixed
    assert [r.labels[0] for r in case_sheet.rows] == ["Millbrook", "Tandem"]


def test_one_command_sets_many_values_and_one_undo_restores_them(project: Project) -> None:
    people = _people(project)
    seen: list[object] = []
    project.subscribe(seen.append)
    with project.session() as s:
        cases = {r.labels[0]: r.owners[0] for r in attributes.sheet(s, "case").rows}
    history = History(project)
    history.push(SetAttributes(
        [("case", cases["Millbrook"], "founding year", "2009"),
         ("case", cases["Tandem"], "founding year", 2014),
         ("participant", people[("Tandem", "P5")], "role", "service user")],
        types={("case", "founding year"): "number", ("case", "sector"): "text"},
    ))
    assert len(seen) == 1
    change = seen[0]
    assert change.ids(Kind.CASES) == frozenset(cases.values())  # type: ignore[attr-defined]
    assert change.reshapes(Kind.ATTRIBUTES)  # type: ignore[attr-defined]
    with project.session() as s:
        assert attributes.values(s, "case") == {cases["Millbrook"]: {"founding year": 2009},
                                                cases["Tandem"]: {"founding year": 2014}}
        assert ("case", "sector", "text") in attributes.names(s, "case")
        assert ("case", "founding year", "number") in attributes.names(s, "case")
    history.undo()
    with project.session() as s:
        assert attributes.names(s) == []
        assert attributes.values(s, "participant") == {}
    history.redo()
    with project.session() as s:
        assert attributes.values(s, "participant") == {
            people[("Tandem", "P5")]: {"role": "service user"}}


def test_a_value_of_the_wrong_type_refuses_the_whole_paste(project: Project) -> None:
    with project.session() as s:
        cases = [r.owners[0] for r in attributes.sheet(s, "case").rows]
    History(project).push(SetAttributes([("case", cases[0], "staff", 11)]))
    with pytest.raises(UsageError, match="takes a number"):
        SetAttributes([("case", cases[0], "staff", 12), ("case", cases[1], "staff", "many")]).do(
            project)
    with project.session() as s:
        assert attributes.values(s, "case") == {cases[0]: {"staff": 11}}


def test_parse_table_as_a_spreadsheet_copies() -> None:
    assert attributes.parse_table("Case\tsector\r\nA\t\"day, service\"\r\n") == [
        ["Case", "sector"], ["A", "day, service"]]
    assert attributes.parse_table('x\t"two\nlines"\n') == [["x", "two\nlines"]]
    assert attributes.parse_table("") == []
    assert attributes.infer_text_type(["12", "3.5", ""]) == "number"
    assert attributes.infer_text_type(["2024-03-01"]) == "date"
    assert attributes.infer_text_type(["yes", "No"]) == "boolean"
    assert attributes.infer_text_type(["0", "1"]) == "number"
    assert attributes.infer_text_type(["café", "12"]) == "text"


def test_a_header_paste_matches_rows_by_name_and_makes_new_columns(project: Project) -> None:
    people = _people(project)
    with project.session() as s:
        sheet = attributes.sheet(s, "participant")
    table = attributes.parse_table(
        "Participant\tCase\trole\tage\nInterviewer\t\tresearcher\t\n"
        "P5\tTandem\tservice user\t34\nNobody\t\tx\t1\n")
    assert attributes.has_header(sheet, table)
    plan = attributes.plan_header_paste(sheet, table)
    assert plan.new_attributes == {"role": "text", "age": "number"}
    assert plan.unmatched == ["Nobody"]
    assert sorted(plan.values) == sorted([
        (people[("Millbrook", "Interviewer")], "role", "researcher"),
        (people[("Tandem", "Interviewer")], "role", "researcher"),
        (people[("Tandem", "P5")], "role", "service user"),
        (people[("Tandem", "P5")], "age", "34"),
    ])
