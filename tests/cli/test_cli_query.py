"""``crosscase query`` and ``crosscase matrix --query``, in process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crosscase.cli.main import main
from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import open_project
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

BODY_A = ("Manager: The café 😀 pays for the 𝒳 day service.\n\n"
          "Member: I run the till at the farm shop.\n")
BODY_B = "Director: We have no café 𝒳 and want none.\n"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "q.crosscase"
    p = new_project(path, empty=True)
    try:
        with p.transaction() as s:
            codebook.add_tree(s, [{"name": "Hybridity", "children": [{"name": "Trading 𝒳"}]},
                                  {"name": "Mission"}])
            a = documents.store(s, p, cases.ensure(s, "Case A"), "manager", structure(BODY_A, "txt"))
            b = documents.store(s, p, cases.ensure(s, "Case B"), "director", structure(BODY_B, "txt"))
        with p.session() as s:
            trading = codebook.resolve(s, "Hybridity/Trading 𝒳")
            mission = codebook.resolve(s, "Mission")

        def span(body: str, quote: str) -> tuple[int, int]:
            i = body.index(quote)
            return i, i + len(quote)

        ApplyCodings([
            CodingSpec(a, trading, *span(BODY_A, "The café 😀 pays for the 𝒳 day service.")),
            CodingSpec(a, mission, *span(BODY_A, "pays for the 𝒳 day service.\n\nMember: I run")),
            CodingSpec(b, trading, *span(BODY_B, "no café 𝒳")),
            CodingSpec(b, mission, *span(BODY_B, "want none")),
        ]).do(p)
    finally:
        p.close()
    return path


Q = '"Hybridity/Trading 𝒳" AND "Mission"'


def test_query_json_has_the_segments_shape_and_exact_text(
        study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(study), Q, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["text"] for r in rows] == ["pays for the 𝒳 day service."]
    row = rows[0]
    assert BODY_A[row["start"]:row["end"]] == row["text"]
    assert row["case"] == "Case A" and row["document"] == "manager"
    assert row["paragraph"] == 1 and row["code"] == Q and row["id"] is None
    assert {"id", "document", "case", "code", "start", "end", "text", "coder", "memo",
            "paragraph", "page", "speaker"} <= set(row)


def test_query_table_groups_by_case(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(study), '"Trading 𝒳" OR "Mission"']) == 0
    out = capsys.readouterr().out
    assert out.index("== Case A") < out.index("== Case B")
    assert "(Case B, director, ¶1)" in out
    assert out.rstrip().endswith("3 segments in 2 documents")


def test_a_mistake_is_shown_with_a_caret(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(study), '"Mission" NEAR/ "Trading 𝒳"']) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("crosscase: expected a number of words after '/'")
    assert err[1] == '  "Mission" NEAR/ "Trading 𝒳"'
    assert err[2] == "  " + " " * len('"Mission" NEAR/ ') + "^"
    assert main(["query", str(study), '"Nothing"']) == 2
    assert "no code 'Nothing'" in capsys.readouterr().err


def test_save_as_code_and_save_query_then_run_list_delete(
        study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(study), Q, "--save-as", "Queries/Café pays 𝒳",
                 "--save-query", "café pays"]) == 0
    capsys.readouterr()
    assert main(["segments", str(study), "--code", "Queries/Café pays 𝒳", "--json"]) == 0
    [seg] = json.loads(capsys.readouterr().out)
    assert seg["text"] == "pays for the 𝒳 day service."
    assert main(["query", str(study), "--list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"name": "café pays", "expression": Q}]
    assert main(["query", str(study), "--run", "CAFÉ PAYS", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    # the code exists now: saving the result again under it is refused, nothing written
    assert main(["query", str(study), Q, "--save-as", "Queries/Café pays 𝒳"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["query", str(study), "--delete", "café pays"]) == 0
    assert main(["query", str(study), "--run", "café pays"]) == 2
    assert "no saved query" in capsys.readouterr().err


def test_saving_is_one_undoable_step(study: Path) -> None:
    from crosscase.commands.queries import SaveQuery, save_as_code

    with open_project(study) as p:
        with p.session() as s:
            spans = [(1, 0, 5), (1, 10, 12)]
            cmd = save_as_code(s, "New/Deeper", spans, query=Q)
        before = _counts(p)
        cmd.do(p)
        assert _counts(p) == (before[0] + 2, before[1] + 2)
        cmd.undo(p)
        assert _counts(p) == before
        save = SaveQuery("q", Q)
        save.do(p)
        SaveQuery("Q", "\"Mission\"").do(p)  # replaces, same name ignoring case
        with p.session() as s:
            from crosscase.analysis import query

            assert query.saved(s) == [("q", "\"Mission\"")]


def _counts(p: object) -> tuple[int, int]:
    from sqlalchemy import func, select

    from crosscase.db.models import Code, Coding

    with p.session() as s:  # type: ignore[attr-defined]
        return (int(s.scalar(select(func.count()).select_from(Code)) or 0),
                int(s.scalar(select(func.count()).select_from(Coding)) or 0))


def test_matrix_rows_can_be_queries(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", str(study), "--query", Q, "--query", '"Mission"',
                 "--format", "json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["rows"] == [Q, '"Mission"'] and m["cols"] == ["Case A", "Case B"]
    assert m["values"] == [[1, 0], [1, 1]]
    assert main(["matrix", str(study), "--query", '"Mission" OR']) == 2
    assert "^" in capsys.readouterr().err


def test_query_rows_go_into_word_and_excel(study: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl
    from docx import Document

    word, excel = tmp_path / "q.docx", tmp_path / "q.xlsx"
    both = ["--query", Q, "--query", '"Hybridity"/*']
    assert main(["matrix", str(study), *both, "--format", "docx", "--out", str(word)]) == 0
    assert main(["matrix", str(study), *both, "--measure", "words", "--format", "xlsx",
                 "--out", str(excel)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {word}", f"wrote {excel}"]

    doc = Document(str(word))
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [["Query", "Case A", "Case B"], [Q, "1", "0"], ['"Hybridity"/*', "1", "1"]]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Segments for Each Coding Query Across the Cases" in text
    assert "Rows are coding queries" in text and "Appendix" not in text

    book = openpyxl.load_workbook(excel)
    sheet = book[book.sheetnames[0]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=1, max_row=3)]
    assert rows[0] == ["query", "Case A", "Case B"]
    assert rows[1][0] == Q and rows[2][0] == '"Hybridity"/*'
    words = [len(re.findall(r"\w+", t)) for t in (
        "pays for the 𝒳 day service.", "The café 😀 pays for the 𝒳 day service.", "no café 𝒳")]
    assert rows[1][1:] == [words[0], 0]
    assert rows[2][1:] == [words[1], words[2]]
    found = book["Segments"]
    passages = [[c.value for c in r] for r in found.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[8]) for r in passages] == [
        (Q, "Case A", "pays for the 𝒳 day service."),
        ('"Hybridity"/*', "Case A", "The café 😀 pays for the 𝒳 day service."),
        ('"Hybridity"/*', "Case B", "no café 𝒳"),
    ]
    notes = {r[0].value: r[1].value for r in book["Notes"].iter_rows(min_row=2)}
    assert notes["Query 1"] == Q and notes["Query 2"] == '"Hybridity"/*'


def test_query_rows_in_word_refuse_a_mistake_before_writing(
        study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad.docx"
    assert main(["matrix", str(study), "--query", '"Nope"', "--format", "docx",
                 "--out", str(out)]) == 2
    assert "^" in capsys.readouterr().err and not out.exists()


def test_export_takes_query_rows(study: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from docx import Document

    out = tmp_path / "report.docx"
    assert main(["export", str(study), "--format", "docx", "--out", str(out), "--query", Q,
                 "--query", '"Mission" NOT "Hybridity"/*', "--cases", "Case B",
                 "--title", "Trading and mission"]) == 0
    doc = Document(str(out))
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells == [["Query", "Case B"], [Q, "0"], ['"Mission" NOT "Hybridity"/*', "1"]]
    assert "Trading and Mission" in [p.text for p in doc.paragraphs]
    assert main(["export", str(study), "--format", "qdpx", "--out", str(tmp_path / "x.qdpx"),
                 "--query", Q]) == 2
    assert main(["export", str(study), "--format", "docx", "--out", str(out),
                 "--query", '"Mission" AND']) == 2
    assert "^" in capsys.readouterr().err
