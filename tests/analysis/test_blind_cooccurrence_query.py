"""Blind coding in co-occurrence and coding queries: while a reliability round is open,
a coder in it reads only their own codings in its documents, in the core and on the
command line; outside its documents, and once it is closed, everyone's count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from team_project import code_as, team_project

from crosscase.analysis import query
from crosscase.analysis.cooccurrence import compute_cooccurrence, overlapping_passages
from crosscase.cli.main import main
from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.db.project import Project, open_project
from crosscase.services import documents, rounds

SECOND = "Practitioner: The second case is coded by ben alone.\n"
CODE, OTHER = "Co-production/Co-design", "Hybridity"
BOTH = f'"{CODE}" AND "{OTHER}"'


def build(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """The two-coder interview (Case A) plus Hybridity codings that meet Co-design:
    ana's at the start (over both coders' first line), ben's on line 3 (over his own
    passage only); and a Case B document ben alone coded with both codes."""
    path, doc, code, other = team_project(tmp_path)
    src = tmp_path / "second.txt"
    src.write_text(SECOND, encoding="utf-8")
    project = open_project(path)
    try:
        documents.import_files(project, [src], case="Case B")
        with project.session() as s:
            second = documents.resolve(s, "second")
        code_as(project, "ana", doc, other, [(0, 20)])
        code_as(project, "ben", doc, other, [(104, 130)])
        code_as(project, "ben", second, code, [(0, 12)])
        code_as(project, "ben", second, other, [(5, 20)])
    finally:
        project.close()
    return path, {"doc": doc, "second": second, "code": code, "other": other}


def open_round_on(project: Project, doc: int) -> None:
    """A round of ana and ben on the interview alone (the seed that samples it)."""
    project.coder_name = "ana"
    with project.session() as s:
        seed = next(k for k in range(100) if rounds.sample_documents(
            s, share=0.5, seed=k, stratum="none") == [doc])
    OpenRound("r1", share=0.5, seed=seed, stratum="none", coders=["ana", "ben"]).do(project)
    with project.session() as s:
        assert rounds.find(s, "r1").documents == [doc]


def cooccurrences(project: Project, viewer: str, ids: dict[str, int]) -> dict[str, int]:
    """Co-design + Hybridity per case, as ``viewer`` sees them."""
    with project.session() as s:
        blind = rounds.blind_for(s, viewer)
    co = compute_cooccurrence(project, code_ids=[ids["code"], ids["other"]], blind=blind)
    return {c.name: int(co.counts(c.key)[0, 1]) for c in co.cols}


def found(project: Project, viewer: str, expr: str) -> dict[int, list[tuple[int, int]]]:
    with project.session() as s:
        return query.evaluate(s, expr, blind=rounds.blind_for(s, viewer))


def test_cooccurrence_and_queries_are_blind_while_the_round_is_open(tmp_path: Path) -> None:
    path, ids = build(tmp_path)
    doc, second = ids["doc"], ids["second"]
    project = open_project(path)
    try:
        everyone = {"Case A": 2, "Case B": 1}
        assert cooccurrences(project, "ana", ids) == everyone
        assert found(project, "ana", BOTH) == {doc: [(0, 20), (104, 130)], second: [(5, 12)]}

        open_round_on(project, doc)
        # ana: her own meeting in the interview; ben's Case B document is outside the round
        assert cooccurrences(project, "ana", ids) == {"Case A": 1, "Case B": 1}
        pairs = overlapping_passages(project, ids["code"], ids["other"], "Case A",
                                     blind=_blind(project, "ana"))
        assert [(p.a.coder, p.b.coder, p.start, p.end) for p in pairs] == [("ana", "ana", 0, 20)]
        assert found(project, "ana", BOTH) == {doc: [(0, 20)], second: [(5, 12)]}
        assert found(project, "ana", f'"{OTHER}"') == {doc: [(0, 20)], second: [(5, 20)]}
        # BY coder cannot show ben's codings of the interview to ana while she codes blind
        assert found(project, "ana", f'"{OTHER}" BY coder:"ben"') == {second: [(5, 20)]}
        # query rows in the matrix count the same
        with project.session() as s:
            mx = query.query_matrix(s, [BOTH], blind=rounds.blind_for(s, "ana"))
        assert [int(v) for v in mx.values.iloc[0].tolist()] == [1, 1]
        # ben: his meeting on line 3, not ana's at the start
        assert cooccurrences(project, "ben", ids) == {"Case A": 1, "Case B": 1}
        assert found(project, "ben", BOTH) == {doc: [(104, 130)], second: [(5, 12)]}
        # cleo is in no round: she sees everyone's
        assert cooccurrences(project, "cleo", ids) == everyone
        assert len(found(project, "cleo", BOTH)[doc]) == 2

        CloseRound("r1").do(project)
        assert cooccurrences(project, "ana", ids) == everyone
        assert found(project, "ana", BOTH)[doc] == [(0, 20), (104, 130)]
    finally:
        project.close()


def _blind(project: Project, viewer: str) -> rounds.Blind:
    with project.session() as s:
        return rounds.blind_for(s, viewer)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_cooccur_and_query_commands_are_blind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, ids = build(tmp_path)
    project = open_project(path)
    try:
        open_round_on(project, ids["doc"])
    finally:
        project.close()
    args = ["cooccur", str(path), "--codes", CODE, OTHER, "--json"]

    def pairs_by_case() -> dict[str, int]:
        data = json.loads(run(capsys, *args))
        return {c["name"]: sum(p["count"] for p in c["pairs"]) for c in data["cols"]}

    def query_texts(coder: str) -> list[tuple[str, str]]:
        data = json.loads(run(capsys, "query", str(path), BOTH, "--json", "--coder", coder))
        return [(d["document"], d["text"]) for d in data]

    monkeypatch.setenv("CROSSCASE_CODER", "ana")
    assert pairs_by_case() == {"Case A": 1, "Case B": 1}
    assert query_texts("ana") == [("interview", "Manager: We built th"),
                                  ("second", "itioner")]
    monkeypatch.setenv("CROSSCASE_CODER", "cleo")
    assert pairs_by_case() == {"Case A": 2, "Case B": 1}
    assert len(query_texts("cleo")) == 3
    assert query_texts("ben")[0] == ("interview", "Manager: The farm shop pay")

    # the round closes from the command line too
    assert main(["sample", str(path), "--close", "r1", "--bootstrap", "50"]) == 0
    capsys.readouterr()
    with open_project(path, readonly=True) as p, p.session() as s:
        assert not rounds.find(s, "r1").is_open
    monkeypatch.setenv("CROSSCASE_CODER", "ana")
    assert pairs_by_case() == {"Case A": 2, "Case B": 1}
    assert len(query_texts("ana")) == 3
