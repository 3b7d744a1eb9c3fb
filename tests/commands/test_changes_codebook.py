"""Loading a codebook is one undoable command: through History and `crosscase codebook --load`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crosscase.commands.base import History
from crosscase.commands.codebook import CodebookEntry, LoadCodebook, entries_from_nested
from crosscase.db.models import Code, Event
from crosscase.db.project import Project, open_project
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import UsageError
from crosscase.services import codebook

QDC = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Elsewhere">
<Codes>
<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="Co-production" isCodable="true">
  <Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="Volunteer recruitment"
        isCodable="true" color="#336699"><Description>How volunteers are found</Description></Code>
</Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Place" isCodable="true"/>
</Codes>
</CodeBook>
"""


@pytest.fixture
def heard(project: Project) -> Iterator[list[Change]]:
    seen: list[Change] = []
    stop = project.subscribe(seen.append)
    yield seen
    stop()


def _rows(project: Project) -> list[dict[str, Any]]:
    """Every code row, every column."""
    with project.session() as s:
        return [dict(r) for r in s.execute(select(Code.__table__).order_by(Code.id)).mappings()]


def test_do_adds_and_updates_undo_puts_back_exactly_redo_keeps_ids(
    project: Project, heard: list[Change]
) -> None:
    before = _rows(project)
    with project.session() as s:
        trust = codebook.resolve(s, "Relational orientation/Trust")
    entries = [
        # a path matches whatever its case
        CodebookEntry(("relational orientation", "trust"), color="#112233",
                      definition="Confidence built over time.", memo="From the pilot."),
        CodebookEntry(("Place", "Rural"), definition="Villages and farms."),  # parent made too
        CodebookEntry(("Innovation",)),  # already there, nothing new: unchanged
    ]
    h = History(project)
    load = h.push(LoadCodebook(entries, source="pilot.json"))
    assert isinstance(load, LoadCodebook)
    assert load.added == ["Place", "Place/Rural"]
    assert (load.updated, load.unchanged) == (["Relational orientation/Trust"], ["Innovation"])
    with project.session() as s:
        nodes = {n.path: n for n in codebook.tree(s).values()}
    assert nodes["Place/Rural"].definition == "Villages and farms."
    updated = nodes["Relational orientation/Trust"]
    assert (updated.id, updated.color, updated.definition) == (
        trust, "#112233", "Confidence built over time.")
    assert updated.name == "Trust"  # a load never renames
    added = {nodes["Place"].id, nodes["Place/Rural"].id}

    [change] = heard
    assert change.label == "Load codebook pilot.json" and change.direction == "do"
    assert change.changed == {Kind.CODES: frozenset(added | {trust}), Kind.MEMOS: {trust}}
    assert change.reshaped == {Kind.CODES}
    after = _rows(project)

    h.undo()
    assert _rows(project) == before  # added codes gone, Trust as it was, to the column
    assert heard[-1].direction == "undo" and heard[-1].changed == change.changed

    h.redo()
    assert _rows(project) == after  # the same ids, the same values
    assert heard[-1].direction == "redo" and len(heard) == 3
    with project.session() as s:
        actions = s.scalars(select(Event.action).order_by(Event.id)).all()
    assert actions[-3:] == ["codebook.load", "undo codebook.load", "codebook.load"]


def test_nested_json_becomes_entries_and_bad_names_are_refused() -> None:
    entries = entries_from_nested([
        {"name": "Hybridity", "color": "#aa0000", "children": [
            {"name": "Mission drift", "definition": "Trading pulls against the aims."}]},
    ])
    assert entries == [
        CodebookEntry(("Hybridity",), color="#aa0000"),
        CodebookEntry(("Hybridity", "Mission drift"), definition="Trading pulls against the aims."),
    ]
    with pytest.raises(UsageError, match="contains '/'"):
        entries_from_nested([{"name": "a/b"}])
    with pytest.raises(UsageError):
        LoadCodebook([CodebookEntry(("Fine", ""))])


def test_the_command_line_loads_json_and_qdc_as_one_command_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crosscase.cli.main import main

    study = tmp_path / "study.crosscase"
    assert main(["new", str(study), "--empty"]) == 0
    book = tmp_path / "ours.json"
    book.write_text(json.dumps([{"name": "Co-production", "definition": "Working with users.",
                                 "children": [{"name": "Co-design"}]}]), encoding="utf-8")
    capsys.readouterr()
    assert main(["codebook", str(study), "--load", str(book)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Loaded ours.json: 2 added, 0 updated, 0 already there unchanged")
    assert "added: Co-production/Co-design" in out

    qdc = tmp_path / "elsewhere.qdc"
    qdc.write_text(QDC, encoding="utf-8")
    assert main(["codebook", str(study), "--load", str(qdc)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Loaded elsewhere.qdc: 2 added, 0 updated, 1 already there unchanged")

    with open_project(study) as project:
        with project.session() as s:
            nodes = {n.path: n for n in codebook.tree(s).values()}
            actions = s.scalars(select(Event.action).order_by(Event.id)).all()
        assert set(nodes) == {"Co-production", "Co-production/Co-design",
                              "Co-production/Volunteer recruitment", "Place"}
        assert nodes["Co-production/Volunteer recruitment"].color == "#336699"
        assert actions.count("codebook.load") == 2
        # the file's load is one command: undoing it in this project removes what it added
        book_again = [CodebookEntry(("Place",)), CodebookEntry(("Archive", "Letters"))]
        h = History(project)
        h.push(LoadCodebook(book_again, source="again.qdc"))
        h.undo()
        with project.session() as s:
            assert {n.path for n in codebook.tree(s).values()} == set(nodes)


def test_the_command_line_add_creates_missing_levels_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crosscase.cli.main import main

    study = tmp_path / "study.crosscase"
    assert main(["new", str(study), "--empty"]) == 0
    assert main(["codebook", str(study), "--add", "Innovation/Digital/Apps", "--color",
                 "#cc5500"]) == 0
    assert main(["codebook", str(study), "--add", "Innovation/Digital/Apps"]) != 0
    with open_project(study) as project, project.session() as s:
        nodes = {n.path: n for n in codebook.tree(s).values()}
        creates = s.scalars(select(Event.action).where(Event.action == "CreateCode")).all()
    assert set(nodes) == {"Innovation", "Innovation/Digital", "Innovation/Digital/Apps"}
    assert nodes["Innovation/Digital/Apps"].color == "#cc5500"
    assert nodes["Innovation"].color != "#cc5500"
    assert len(creates) == 3
