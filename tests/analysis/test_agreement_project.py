"""Agreement read from a project: two coders on the same documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosscase.analysis.agreement import agreement
from crosscase.cli.main import main
from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import Project
from crosscase.services import codebook, documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

TEXT = "Manager: We built the café 𝒳 with the members. " * 10 + "\n" + "x" * 500 + "\n"


def coded_project(tmp_path: Path) -> Path:
    path = tmp_path / "team.crosscase"
    src = tmp_path / "interview.txt"
    src.write_text(TEXT, encoding="utf-8")
    other = tmp_path / "notes.txt"
    other.write_text("Nothing coded here at all, 😀.\n", encoding="utf-8")
    with new_project(path) as project:
        documents.import_files(project, [src, other], case="Case A")
        with project.session() as s:
            doc = documents.resolve(s, "interview")
            code = codebook.resolve(s, "Co-production/Co-design")
        apply_as(project, "ana", [CodingSpec(doc, code, 0, 150), CodingSpec(doc, code, 600, 700)])
        apply_as(project, "ben", [CodingSpec(doc, code, 100, 250), CodingSpec(doc, code, 600, 690)])
    return path


def apply_as(project: Project, coder: str, specs: list[CodingSpec]) -> None:
    project.coder_name = coder
    ApplyCodings(specs).do(project)


def test_two_coders_on_a_project(tmp_path: Path) -> None:
    from crosscase.db.project import open_project

    with open_project(coded_project(tmp_path)) as project, project.session() as s:
        report = agreement(s, ["ana", "ben"], bootstrap=100)
    assert report.coders == ["ana", "ben"]
    [code] = report.codes
    assert code.path == "Co-production/Co-design"
    assert code.segments_per_coder == {"ana": 2, "ben": 2}
    n = len(TEXT)  # only the coded document is in scope by default
    assert report.scope["documents"] == 1 and report.scope["characters"] == n
    ch = code.characters
    assert ch.units == n
    # disagreement on 0-100 (ana), 150-250 (ben), 690-700 (ana): 210 characters
    assert ch.percent == pytest.approx((n - 210) / n)
    segs = {(m.coder, m.other): (m.matched, m.partly, m.unmatched) for m in code.segments}
    assert segs[("ana", "ben")] == (1, 1, 0) and segs[("ben", "ana")] == (1, 1, 0)
    assert code.presence.units == 1 and code.presence.percent == 1.0


def test_a_case_puts_every_document_in_scope(tmp_path: Path) -> None:
    from crosscase.db.project import open_project

    with open_project(coded_project(tmp_path)) as project, project.session() as s:
        report = agreement(s, ["ana", "ben"], case_ids=[1], bootstrap=0)
    assert report.scope["documents"] == 2
    assert report.codes[0].presence.units == 2


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = coded_project(tmp_path)
    assert main(["agreement", str(path), "--coders", "ana", "ben", "--json", "--bootstrap", "50"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coders"] == ["ana", "ben"]
    code = data["codes"][0]
    assert code["code"] == "Co-production/Co-design"
    assert set(code["characters"]) >= {"units", "percent", "kappa", "brennan_prediger", "alpha", "ci95"}
    assert main(["agreement", str(path), "--coders", "ana", "ben", "--bootstrap", "0"]) == 0
    table = capsys.readouterr().out
    assert "Co-production/Co-design" in table and "every character" in table
    out = tmp_path / "agreement.csv"
    assert main(["agreement", str(path), "--coders", "ana", "ben", "--format", "csv",
                 "--out", str(out), "--bootstrap", "0"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("code,segments ana,segments ben,presence units")
    assert lines[1].startswith("Co-production/Co-design,2,2,")


def test_unknown_coder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = coded_project(tmp_path)
    assert main(["agreement", str(path), "--coders", "ana", "zoe"]) == 2
    assert capsys.readouterr().err.strip() == "crosscase: no coder 'zoe' in this project"
    assert main(["agreement", str(path), "--coders", "ana"]) == 2
