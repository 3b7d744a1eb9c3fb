"""Word and Excel reports filtered by coder: ``crosscase export --coder NAME ...`` counts,
quotes and lists only the chosen coders' codings, and the note says whose."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "analysis"))

from team_project import CODE, TEXT, code_as, team_project  # noqa: E402

from crosscase.cli.main import main  # noqa: E402
from crosscase.commands.framework import PinQuote  # noqa: E402
from crosscase.db.models import Coder, Coding  # noqa: E402
from crosscase.db.models import Document as DocRow  # noqa: E402
from crosscase.db.project import open_project  # noqa: E402
from crosscase.services import documents  # noqa: E402

SECOND = "Practitioner: The second case is coded by ben alone.\n"
# what each coder alone coded (the first line both coded)
ANA_ONLY = "Service user: I choose what goes in the shop window now"
BEN_ONLY = "Manager: The farm shop pays for the day service"


@pytest.fixture
def two_coders(tmp_path: Path) -> Path:
    """ana and ben coded the interview of Case A (see team_project); ben alone coded a
    document of Case B, and ben's farm-shop passage is pinned in Case A's cell."""
    path, doc, code, _other = team_project(tmp_path)
    src = tmp_path / "second.txt"
    src.write_text(SECOND, encoding="utf-8")
    project = open_project(path)
    try:
        documents.import_files(project, [src], case="Case B")
        with project.session() as s:
            second = documents.resolve(s, "second")
        code_as(project, "ben", second, code, [(0, 12)])
        with project.session() as s:
            case_a = int(s.scalar(select(DocRow.case_id).where(DocRow.id == doc)))
            farm = int(s.scalar(
                select(Coding.id).join(Coder, Coder.id == Coding.coder_id)
                .where(Coder.name == "ben", Coding.start == TEXT.index("Manager: The farm"))))
        PinQuote(code, case_a, farm).do(project)
    finally:
        project.close()
    return path


def export(capsys: pytest.CaptureFixture[str], path: Path, out: Path, *extra: str) -> None:
    fmt = out.suffix.lstrip(".")
    code = main(["export", str(path), "--format", fmt, "--out", str(out), "--codes", CODE,
                 "--no-descendants", *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == f"wrote {out}\n"


def docx_cells(out: Path) -> tuple[dict[str, str], str]:
    """The Co-design row's cells by column heading, and the table's note."""
    doc = Document(str(out))
    table = doc.tables[0]
    heads = [c.text for c in table.rows[0].cells]
    row = next(r for r in table.rows[1:] if r.cells[0].text == "Co-design")
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Note."))
    return dict(zip(heads[1:], [c.text for c in row.cells[1:]], strict=True)), note


def test_word_report_counts_and_quotes_one_coder(
    two_coders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    everyone = tmp_path / "all.docx"
    export(capsys, two_coders, everyone, "--quotes", "5")
    cells, note = docx_cells(everyone)
    assert cells["Case A"].endswith("4 segments") and cells["Case B"].endswith("1 segment")
    assert ANA_ONLY in cells["Case A"] and BEN_ONLY in cells["Case A"]
    assert "Only the codings" not in note

    ana = tmp_path / "ana.docx"
    export(capsys, two_coders, ana, "--quotes", "5", "--coder", "ana")
    cells, note = docx_cells(ana)
    # ana's three passages of the interview, none of ben's (his pinned quote neither)
    assert cells["Case A"].endswith("3 segments")
    assert ANA_ONLY in cells["Case A"] and BEN_ONLY not in cells["Case A"]
    assert cells["Case B"] == "0 segments"
    assert "Only the codings of coder ana are counted and quoted" in note

    ben = tmp_path / "ben.docx"
    export(capsys, two_coders, ben, "--quotes", "5", "--coder", "ben")
    cells, note = docx_cells(ben)
    assert cells["Case A"].endswith("3 segments") and cells["Case B"].endswith("1 segment")
    # his pinned quote comes first, ana's passage of line 2 is not there
    assert cells["Case A"].startswith(f"\u201c{BEN_ONLY}")
    assert ANA_ONLY not in cells["Case A"]
    assert "Practitioner" in cells["Case B"]
    assert "Only the codings of coder ben are counted and quoted" in note

    both = tmp_path / "both.docx"
    export(capsys, two_coders, both, "--coder", "ana", "ben")
    cells, note = docx_cells(both)
    assert cells["Case A"].endswith("\n4 segments") and cells["Case B"] == "1 segment"
    assert BEN_ONLY in cells["Case A"]  # the pinned quote, coded by one of the two
    assert "Only the codings of coders ana and ben are counted and quoted" in note


def test_excel_report_measures_segments_and_quotes_one_coder(
    two_coders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ana.xlsx"
    export(capsys, two_coders, out, "--coder", "ana")
    book = load_workbook(out)
    sheet = book["Coded segments"]
    head = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == CODE)
    values = dict(zip(head, row, strict=True))
    assert (values["Case A"], values["Case B"]) == (3, 0)
    note = next(str(c.value) for r in sheet.iter_rows() for c in r
                if str(c.value or "").startswith("Note: "))
    assert "Only the codings of coder ana are counted and quoted" in note

    segs = book["Segments"]
    head = [c.value for c in segs[1]]
    rows = [dict(zip(head, r, strict=True)) for r in segs.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 3 and {r["coder"] for r in rows} == {"ana"}
    assert any(ANA_ONLY in str(r["text"]) for r in rows)
    assert not any(BEN_ONLY in str(r["text"]) for r in rows)

    # ben's pinned quote is not among the framework's quotes; the notes name the coder
    texts = [str(c.value) for ws in book.worksheets if ws.title.startswith("Framework")
             for r in ws.iter_rows() for c in r if c.value is not None]
    assert texts and not any(BEN_ONLY in t for t in texts)
    notes = {r[0]: r[1] for r in book["Notes"].iter_rows(min_row=2, values_only=True)}
    assert notes["Coders"].startswith("Only the codings of coder ana")

    # unfiltered, the same workbook has both coders' segments and no coders note
    everyone = tmp_path / "all.xlsx"
    export(capsys, two_coders, everyone)
    book = load_workbook(everyone)
    coders = {r[head.index("coder")] for r in book["Segments"].iter_rows(min_row=2,
                                                                         values_only=True)}
    assert coders == {"ana", "ben"}
    assert "Coders" not in {r[0] for r in book["Notes"].iter_rows(values_only=True)}
    texts = [str(c.value) for ws in book.worksheets if ws.title.startswith("Framework")
             for r in ws.iter_rows() for c in r if c.value is not None]
    assert any(BEN_ONLY in t for t in texts)


@pytest.mark.parametrize(("extra", "said"), [
    (("--format", "qdpx"), "--coder works with --format docx or xlsx, not qdpx"),
    (("--format", "docx", "--charts", "heatmap"), "--coder works without --charts"),
    (("--format", "docx", "--query", '"Trust"'), "--query works without --coder"),
])
def test_coder_filter_refused_where_it_cannot_apply(
    two_coders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...], said: str,
) -> None:
    out = tmp_path / "out.file"
    code = main(["export", str(two_coders), "--out", str(out), *extra, "--coder", "ana"])
    _, err = capsys.readouterr()
    assert code == 2 and said in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_unknown_coder_is_named(
    two_coders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.docx"
    code = main(["export", str(two_coders), "--format", "docx", "--out", str(out),
                 "--coder", "zoe"])
    _, err = capsys.readouterr()
    assert code != 0 and "zoe" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
