"""Sequence: several steps, one transaction, one Change, one undo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from crosscase.commands.base import Command, History, Sequence
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.db.models import Code, Coder, Coding, Event
from crosscase.db.project import Project
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import UsageError
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents
from crosscase.services.coding import CodingSpec

TEXT = "Manager: The farm shop pays for the day service.\n"


@pytest.fixture
def heard(project: Project) -> Iterator[list[Change]]:
    seen: list[Change] = []
    stop = project.subscribe(seen.append)
    yield seen
    stop()


@pytest.fixture
def commits(project: Project) -> Iterator[list[int]]:
    """One entry per database commit."""
    seen: list[int] = []

    def on_commit(_conn: Any) -> None:
        seen.append(1)

    event.listen(project.engine, "commit", on_commit)
    yield seen
    event.remove(project.engine, "commit", on_commit)


def _doc(project: Project) -> int:
    with project.transaction() as s:
        case_id = cases.ensure(s, "Case A")
        return documents.store(s, project, case_id, "manager", structure(TEXT, "txt"))


def _count(project: Project, model: Any) -> int:
    with project.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _in_vivo(doc: int, name: str = "farm shop") -> Sequence:
    """As the workbench's in-vivo coding does: create a code, then apply the new code."""

    def apply(done: list[Command]) -> Command:
        created = done[0]
        assert isinstance(created, CreateCode) and created.id is not None
        return ApplyCodings([CodingSpec(doc, created.id, 13, 22)])

    return Sequence(f"New code '{name}'", [lambda _done: CreateCode(name), apply])


def test_steps_build_on_earlier_ones_in_one_commit_with_one_change(
    project: Project, heard: list[Change], commits: list[int]
) -> None:
    doc = _doc(project)
    commits.clear()
    heard.clear()
    seq = _in_vivo(doc)  # the coder's row is new too: made in the same transaction
    change = seq.do(project)
    assert len(commits) == 1
    assert heard == [change]
    created, applied = seq.commands
    assert isinstance(created, CreateCode) and isinstance(applied, ApplyCodings)
    assert change.label == "New code 'farm shop'" and change.direction == "do"
    assert change.changed == {Kind.CODES: {created.id}, Kind.CODINGS: frozenset(applied.ids)}
    assert change.reshaped == {Kind.CODES, Kind.CODINGS}
    assert change.documents == {doc} and change.codes == {created.id}
    with project.session() as s:
        row = s.execute(select(Coding.code_id, Coding.snippet, Coder.name)
                        .join(Coder, Coder.id == Coding.coder_id)).one()
    assert tuple(row) == (created.id, "farm shop", "tester")


def test_a_failing_later_step_rolls_back_every_step(
    project: Project, heard: list[Change], commits: list[int]
) -> None:
    codes_before = _count(project, Code)
    events_before = _count(project, Event)
    commits.clear()
    seq = Sequence("Two codes", [CreateCode("Commissioning"), lambda _done: CreateCode("  ")])
    with pytest.raises(UsageError, match="needs a name"):
        seq.do(project)
    assert commits == []
    assert heard == []
    assert seq.commands == []
    assert _count(project, Code) == codes_before
    assert _count(project, Event) == events_before  # not even the first step's log line
    with project.session() as s:
        assert "Commissioning" not in {n.name for n in codebook.tree(s).values()}


def test_undo_is_one_step_in_one_transaction_and_redo_replays(
    project: Project, heard: list[Change], commits: list[int]
) -> None:
    doc = _doc(project)
    h = History(project)
    seq = h.push(_in_vivo(doc))
    assert isinstance(seq, Sequence)
    created, applied = seq.commands
    assert isinstance(created, CreateCode) and isinstance(applied, ApplyCodings)
    codings = list(applied.ids)
    done = heard[-1]
    commits.clear()
    h.undo()
    assert len(commits) == 1 and not h.can_undo
    assert _count(project, Coding) == 0
    with project.session() as s:
        assert s.get(Code, created.id) is None
    undone = heard[-1]
    assert undone.direction == "undo" and undone.changed == done.changed
    h.redo()
    assert len(commits) == 2
    with project.session() as s:
        assert s.get(Code, created.id) is not None
        assert s.scalars(select(Coding.id)).all() == codings  # the same ids back
    assert heard[-1].direction == "redo" and len(heard) == 3
    with project.session() as s:
        actions = s.scalars(select(Event.action).order_by(Event.id)).all()
    assert actions[-6:] == ["CreateCode", "ApplyCodings", "undo ApplyCodings", "undo CreateCode",
                            "CreateCode", "ApplyCodings"]


def test_a_step_factory_may_skip_and_sequences_nest(project: Project, heard: list[Change]) -> None:
    inner = Sequence("inner", [CreateCode("Alpha"), lambda _done: None])
    outer = Sequence("outer", [inner, lambda done: CreateCode("Beta")])
    h = History(project)
    h.push(outer)
    assert [type(c).__name__ for c in outer.commands] == ["Sequence", "CreateCode"]
    assert len(heard) == 1
    ids = heard[0].ids(Kind.CODES)
    assert ids is not None and len(ids) == 2
    h.undo()
    with project.session() as s:
        names = {n.name for n in codebook.tree(s).values()}
    assert not {"Alpha", "Beta"} & names
