"""The agreement report in Word (an APA table, its note, the methods paragraph) and on the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "analysis"))

from team_project import team_project  # noqa: E402

from crosscase.analysis.agreement import agreement  # noqa: E402
from crosscase.analysis.disagreements import disagreements  # noqa: E402
from crosscase.cli.main import main  # noqa: E402
from crosscase.commands.consensus import ResolveDisagreement  # noqa: E402
from crosscase.db.project import open_project  # noqa: E402
from crosscase.exchange.reports.agreement_report import methods_text  # noqa: E402


def test_docx_has_the_apa_table_note_and_methods(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, *_ = team_project(tmp_path)
    out = tmp_path / "agreement.docx"
    assert main(["agreement", str(path), "--coders", "ana", "ben", "--format", "docx",
                 "--out", str(out), "--bootstrap", "200"]) == 0
    assert "wrote" in capsys.readouterr().out
    doc = Document(str(out))
    [table] = doc.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Code", "Segments, ana", "Segments, ben", "Percent", "Kappa",
                        "Alpha [95% CI]"]
    assert cells[1][:3] == ["Co-production / Co-design", "3", "3"]
    with open_project(path, readonly=True) as p, p.session() as s:
        rep = agreement(s, ["ana", "ben"], bootstrap=200)
    pct = rep.codes[0].characters.percent
    assert pct is not None and cells[1][3] == f"{pct:.2f}".replace("0.", ".")
    assert cells[1][5].startswith(f"{rep.codes[0].characters.alpha:.2f}".replace("0.", "."))
    assert "[" in cells[1][5] and cells[2][0] == "All codes (pooled)"
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Caption", "Table Note"} <= styles
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("Table 1") and texts[1] == "Intercoder Agreement per Code"
    note = next(t for t in texts if t.startswith("Note."))
    assert "Level: characters" in note and "80%" in note and "every character" in note
    methods = texts[-1]
    assert "2 coders (ana and ben)" in methods and "1 of 1 documents (100%)" in methods
    assert "No disagreements have yet been resolved" in methods


def test_methods_text_counts_the_consensus_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, doc, code, other = team_project(tmp_path)
    with open_project(path) as project:
        with project.session() as s:
            found = disagreements(s, ("ana", "ben"))
        for d, decision in zip(found, ("a", "union", "intersection"), strict=True):
            ResolveDisagreement(doc, code, decision, d.a_spans, d.b_spans).do(project)
        cmd = ResolveDisagreement(doc, code, "b", found[0].a_spans, found[0].b_spans)
        cmd.do(project)
        cmd.undo(project)  # taken back: not counted
        with project.session() as s:
            text = methods_text(s, agreement(s, ["ana", "ben"], bootstrap=0))
    assert "3 decisions in all" in text
    assert "the union of both (1)" in text and "one coder's coding accepted (1)" in text
    assert main(["agreement", str(path), "--coders", "ana", "consensus", "--methods",
                 "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "Co-production/Co-design" in out and "3 decisions in all" in out
    assert main(["agreement", str(path), "--coders", "ana", "ben", "--format", "docx"]) == 2
