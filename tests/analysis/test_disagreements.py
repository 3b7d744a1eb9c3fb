"""Disagreements between two coders: found, listed on the command line, decided into consensus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from team_project import TEXT, team_project

from crosscase.analysis.disagreements import BOUNDARIES, ONLY_A, ONLY_B, disagreements, groups
from crosscase.cli.main import main
from crosscase.commands.base import History
from crosscase.commands.consensus import ResolveDisagreement, decided_spans, intersection, merged
from crosscase.db.models import Coder, Coding, Event
from crosscase.db.project import open_project
from crosscase.domain.errors import UsageError


def test_groups_join_overlapping_spans_of_either_coder() -> None:
    a = [(0, 10, 1), (20, 30, 2)]
    b = [(5, 22, 3), (40, 50, 4)]
    assert groups(a, b) == [([(0, 10, 1), (20, 30, 2)], [(5, 22, 3)]), ([], [(40, 50, 4)])]
    # touching is not overlapping
    assert len(groups([(0, 10, 1)], [(10, 20, 2)])) == 2


def test_the_three_kinds_with_both_spans_and_their_text(tmp_path: Path) -> None:
    path, doc, code, _ = team_project(tmp_path)
    with open_project(path) as project, project.session() as s:
        found = disagreements(s, ("ana", "ben"))
    assert [(d.kind, d.start, d.end) for d in found] == [
        (ONLY_A, 47, 104), (ONLY_B, 104, 153), (BOUNDARIES, 153, 200),
    ]
    last = found[2]
    assert last.a_spans == [(153, 200)] and last.b_spans == [(167, 200)]
    assert last.b[0].text == TEXT[167:200] == "We co-produce the plan together.\n"
    assert last.text == TEXT[153:200] and last.code == "Co-production/Co-design"
    assert last.case == "Case A" and last.document == "interview"
    # swapping the coders swaps the sides, not the places
    with open_project(path) as project, project.session() as s:
        swapped = disagreements(s, ("ben", "ana"))
    assert [(d.kind, d.start) for d in swapped] == [(ONLY_B, 47), (ONLY_A, 104), (BOUNDARIES, 153)]


def test_unknown_or_equal_coders_are_refused(tmp_path: Path) -> None:
    path, *_ = team_project(tmp_path)
    with open_project(path) as project, project.session() as s:
        with pytest.raises(UsageError, match="zoe"):
            disagreements(s, ("ana", "zoe"))
        with pytest.raises(UsageError):
            disagreements(s, ("ana", "ana"))


def test_cli_lists_them_as_json_and_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, *_ = team_project(tmp_path)
    assert main(["disagreements", str(path), "--coders", "ana", "ben", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["kind"] for d in data] == ["only_a", "only_b", "boundaries"]
    assert data[2]["a"] == {"coder": "ana", "codings": [
        {"id": data[2]["a"]["codings"][0]["id"], "start": 153, "end": 200, "text": TEXT[153:200]}]}
    assert data[2]["b"]["codings"][0]["start"] == 167
    assert main(["disagreements", str(path), "--coders", "ana", "ben",
                 "--codes", "Hybridity"]) == 0
    assert "0 disagreement(s)" in capsys.readouterr().out
    assert main(["disagreements", str(path), "--coders", "ana", "ben"]) == 0
    out = capsys.readouterr().out
    assert "only ana" in out and "boundaries differ" in out and "3 disagreement(s)" in out
    assert main(["disagreements", str(path), "--coders", "ana", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err


def test_span_arithmetic() -> None:
    assert merged([(5, 9), (0, 3), (3, 4), (8, 12)]) == [(0, 4), (5, 12)]
    assert intersection([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    a, b = [(153, 200)], [(167, 200)]
    assert decided_spans("a", a, b) == a and decided_spans("b", a, b) == b
    assert decided_spans("union", a, b) == a and decided_spans("intersection", a, b) == b
    assert decided_spans("intersection", [(0, 5)], []) == []


def consensus_rows(path: Path) -> list[tuple[int, int, int, str]]:
    with open_project(path, readonly=True) as project, project.session() as s:
        return [tuple(r) for r in s.execute(
            select(Coding.code_id, Coding.start, Coding.end, Coding.memo)
            .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == "consensus")
            .order_by(Coding.start))]


def test_each_decision_writes_consensus_and_undoes(tmp_path: Path) -> None:
    path, doc, code, other = team_project(tmp_path)
    project = open_project(path)
    project.coder_name = "lead"
    history = History(project)
    with project.session() as s:
        found = disagreements(s, ("ana", "ben"))

    def decide(i: int, decision: str, **kw: object) -> ResolveDisagreement:
        d = found[i]
        cmd = ResolveDisagreement(doc, code, decision, d.a_spans, d.b_spans,
                                  coders=("ana", "ben"), **kw)  # type: ignore[arg-type]
        history.push(cmd)
        return cmd

    decide(0, "a", reason="clearly co-design")
    project.close()
    rows = consensus_rows(path)
    assert [(r[0], r[1], r[2]) for r in rows] == [(code, 47, 104)]
    assert "accepted ana's coding; decided by lead" in rows[0][3]
    assert rows[0][3].endswith("Reason: clearly co-design")
    project = open_project(path)
    project.coder_name = "lead"
    history.project = project
    decide(1, "a")  # ana has nothing there: the consensus is "not coded"
    decide(2, "intersection")
    project.close()
    assert [(r[1], r[2]) for r in consensus_rows(path)] == [(47, 104), (167, 200)]
    project = open_project(path)
    project.coder_name = "lead"
    history.project = project
    history.undo()
    decide(2, "recode", recode_to=other)
    project.close()
    assert [(r[0], r[1], r[2]) for r in consensus_rows(path)] == [(code, 47, 104), (other, 153, 200)]
    with open_project(path, readonly=True) as p, p.session() as s:
        logged = [json.loads(e.detail) for e in s.scalars(
            select(Event).where(Event.action == "ResolveDisagreement").order_by(Event.id))]
        who = set(s.scalars(select(Event.coder).where(Event.action == "ResolveDisagreement")))
    assert [e["decision"] for e in logged] == ["a", "a", "intersection", "recode"]
    assert logged[0]["reason"] == "clearly co-design" and logged[0]["decided_by"] == "lead"
    assert who == {"lead"}
    project = open_project(path)
    project.coder_name = "lead"
    history.project = project
    for _ in range(3):
        history.undo()
    project.close()
    assert consensus_rows(path) == []
    with open_project(path, readonly=True) as p, p.session() as s:
        assert s.scalar(select(Coder.id).where(Coder.name == "consensus")) is None


def test_a_named_consensus_coder_and_refusals(tmp_path: Path) -> None:
    path, doc, code, _ = team_project(tmp_path)
    with open_project(path) as project:
        ResolveDisagreement(doc, code, "union", [(153, 200)], [(167, 200)],
                            consensus="agreed").do(project)
        with project.session() as s:
            names = set(s.scalars(select(Coder.name)))
        assert "agreed" in names and "consensus" not in names
        for bad in (
            ResolveDisagreement(doc, code, "maybe", [(0, 5)], []),
            ResolveDisagreement(doc, code, "recode", [(0, 5)], []),
            ResolveDisagreement(doc, code, "a", [(0, 10_000)], []),
            ResolveDisagreement(doc, code, "a", [(0, 5)], [], consensus="  "),
        ):
            with pytest.raises(UsageError if bad.decision != "a" or bad.consensus == "" else Exception):
                bad.do(project)
